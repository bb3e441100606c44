"""WhatsApp: only with the family's own opt-in, as approved templates; SMS when it fails or on STOP."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import zoneinfo

import pytest

from booking.models import MessageKind, VisitRequest
from outbox import dispatch, dlt
from outbox.models import Channel, Message, MessageStatus, WhatsAppOptOut
from tests.factories import MessageFactory, VisitRequestFactory, form_data
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
BOOK = "/book/"


@pytest.fixture(autouse=True)
def _daytime(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)


def _book(client, capture, **overrides) -> VisitRequest:
    with capture(execute=True):
        assert client.post(BOOK, form_data(**overrides)).status_code == 302
    return VisitRequest.objects.get()


def test_the_form_offers_whatsapp_as_its_own_opt_in_naming_uhapo(client):
    page = client.get(BOOK).content.decode()
    assert 'name="whatsapp_opt_in"' in page
    assert "Send updates on WhatsApp to this number" in page
    assert "UHAPO Home Care will send" in page
    assert 'name="whatsapp_opt_in" checked' not in page


def test_a_family_that_opted_in_gets_the_approved_template_on_whatsapp_and_no_sms(
    client, whatsapp_cloud, django_capture_on_commit_callbacks
):
    visit_request = _book(
        client, django_capture_on_commit_callbacks, whatsapp_opt_in="on", patient_email=""
    )
    assert visit_request.whatsapp_opt_in is True
    (row,) = visit_request.messages.filter(kind=MessageKind.REQUEST_RECEIVED)
    assert (row.channel, row.status, row.provider_id) == (
        Channel.WHATSAPP,
        MessageStatus.SENT,
        "wamid.TEST1",
    )
    assert whatsapp_cloud.refused == []
    (sent,) = whatsapp_cloud.received
    assert sent["to"] == "919820012345"
    template = sent["template"]
    assert (template["name"], template["language"]) == ("uhapo_received", {"code": "en"})
    values = [p["text"] for p in template["components"][0]["parameters"]]
    assert values[0] == visit_request.reference
    assert values[1].startswith("http://127.0.0.1:8000/request/")
    assert RecordingSmsBackend.sent == []
    received = client.get("/book/received/").content.decode()
    assert "a WhatsApp message to the patient&#x27;s mobile ending in 2345" in received


def test_without_the_opt_in_the_family_gets_an_sms(
    client, whatsapp_cloud, django_capture_on_commit_callbacks
):
    visit_request = _book(client, django_capture_on_commit_callbacks, patient_email="")
    assert visit_request.messages.get(kind=MessageKind.REQUEST_RECEIVED).channel == Channel.SMS
    assert whatsapp_cloud.received == []
    assert len(RecordingSmsBackend.sent) == 1


def test_whatsapp_set_up_nowhere_means_sms_even_with_the_opt_in(
    client, django_capture_on_commit_callbacks
):
    visit_request = _book(
        client, django_capture_on_commit_callbacks, whatsapp_opt_in="on", patient_email=""
    )
    assert visit_request.messages.get(kind=MessageKind.REQUEST_RECEIVED).channel == Channel.SMS


def test_a_whatsapp_send_that_fails_goes_by_sms_once_instead(
    whatsapp_cloud, django_capture_on_commit_callbacks
):
    whatsapp_cloud.fail_next = 2
    row = MessageFactory(
        request=VisitRequestFactory(whatsapp_opt_in=True),
        channel=Channel.WHATSAPP,
        kind=MessageKind.CANCELLED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.message_deliver(message_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == MessageStatus.FAILED
    assert row.last_error == "WhatsApp failed, sent by SMS instead: provider answered 400"
    (sms,) = Message.objects.filter(channel=Channel.SMS)
    assert sms.status == MessageStatus.SENT
    (sent,) = RecordingSmsBackend.sent
    assert dlt.match(kind="cancelled", language="en", text=sent["body"])


def _signed_stop(settings, client, capture, words: str = "STOP") -> None:
    settings.WHATSAPP_APP_SECRET = "test-app-secret"
    reply = {"from": "919820012345", "id": "wamid.IN1", "type": "text", "text": {"body": words}}
    value = {"messaging_product": "whatsapp", "messages": [reply]}
    body = json.dumps({"entry": [{"changes": [{"field": "messages", "value": value}]}]}).encode()
    signature = "sha256=" + hmac.new(b"test-app-secret", body, hashlib.sha256).hexdigest()
    with capture(execute=True):
        response = client.post(
            "/webhooks/whatsapp/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature},
        )
    assert response.status_code == 200


def test_a_stop_reply_is_honoured_the_next_message_goes_by_sms_without_calling_whatsapp(
    client, settings, whatsapp_cloud, django_capture_on_commit_callbacks
):
    _signed_stop(settings, client, django_capture_on_commit_callbacks, words=" stop ")
    assert WhatsAppOptOut.objects.filter(
        number_hash=WhatsAppOptOut.hash_of("+919820012345")
    ).exists()
    assert "9820012345" not in str(list(WhatsAppOptOut.objects.values()))
    row = MessageFactory(
        request=VisitRequestFactory(whatsapp_opt_in=True),
        channel=Channel.WHATSAPP,
        kind=MessageKind.CANCELLED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert (
        row.last_error
        == "WhatsApp failed, sent by SMS instead: the number replied STOP on WhatsApp"
    )
    assert whatsapp_cloud.received == []
    assert len(RecordingSmsBackend.sent) == 1


def test_any_other_reply_is_not_an_opt_out(client, settings, django_capture_on_commit_callbacks):
    _signed_stop(settings, client, django_capture_on_commit_callbacks, words="Please stop by at 5")
    assert not WhatsAppOptOut.objects.exists()
