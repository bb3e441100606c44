"""Delivery receipts: verified, stored then processed by id, idempotent and order-independent."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import zoneinfo

import pytest

from booking.models import MessageKind
from outbox.models import Channel, Delivery, Message, MessageStatus, ReceiptEvent
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
SECRET = "test-app-secret"
SMS_TOKEN = "test-sms-webhook-token"
PHONE_DIGITS = "919820012345"


@pytest.fixture(autouse=True)
def _secrets(settings, time_machine):
    settings.WHATSAPP_APP_SECRET = SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "test-verify-token"
    settings.SMS_WEBHOOK_TOKEN = SMS_TOKEN
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)


def _statuses(*statuses: tuple[str, str, int]) -> bytes:
    """A Cloud API webhook body holding these (wamid, status, unix time) statuses."""
    items = [
        {"id": wamid, "status": status, "timestamp": str(at), "recipient_id": PHONE_DIGITS}
        | (
            {"errors": [{"code": 131026, "title": "Message undeliverable"}]}
            if status == "failed"
            else {}
        )
        for wamid, status, at in statuses
    ]
    value = {"messaging_product": "whatsapp", "statuses": items}
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post_whatsapp(client, capture, body: bytes, signature: str | None = None):
    with capture(execute=True):
        return client.post(
            "/webhooks/whatsapp/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature or _sign(body)},
        )


def _whatsapp_message(**extra) -> Message:
    return MessageFactory(
        channel=Channel.WHATSAPP,
        kind=MessageKind.CANCELLED,
        status=MessageStatus.SENT,
        provider_id="wamid.TEST1",
        **extra,
    )


def test_the_verify_token_handshake_answers_the_challenge_only_with_our_token(client):
    ok = client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "42"},
    )
    assert (ok.status_code, ok.content) == (200, b"42")
    wrong = client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"},
    )
    assert wrong.status_code == 403


def test_the_webhooks_answer_only_their_methods(client):
    assert client.head("/webhooks/whatsapp/").status_code == 403
    assert client.get("/webhooks/sms/").status_code == 405
    assert client.put("/webhooks/whatsapp/").status_code == 405


def test_a_forged_signature_is_refused_and_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    message = _whatsapp_message()
    body = _statuses(("wamid.TEST1", "read", 1764653000))
    response = _post_whatsapp(
        client, django_capture_on_commit_callbacks, body, _sign(body, "not-the-secret")
    )
    assert response.status_code == 403
    assert ReceiptEvent.objects.count() == 0
    message.refresh_from_db()
    assert (message.delivery, message.read_at) == (Delivery.UNKNOWN, None)


def test_without_a_configured_secret_every_call_is_refused(
    client, settings, django_capture_on_commit_callbacks
):
    settings.WHATSAPP_APP_SECRET = ""
    body = _statuses(("wamid.TEST1", "read", 1764653000))
    response = _post_whatsapp(client, django_capture_on_commit_callbacks, body, _sign(body, ""))
    assert response.status_code == 403


def test_a_signed_receipt_is_stored_answered_then_processed_and_its_payload_emptied(
    client, django_capture_on_commit_callbacks
):
    message = _whatsapp_message()
    body = _statuses(("wamid.TEST1", "delivered", 1764653000))
    assert _post_whatsapp(client, django_capture_on_commit_callbacks, body).status_code == 200
    message.refresh_from_db()
    assert message.delivery == Delivery.DELIVERED
    assert message.delivered_at == datetime.datetime.fromtimestamp(1764653000, tz=datetime.UTC)
    event = ReceiptEvent.objects.get()
    assert event.processed_at is not None
    assert bytes(event.payload) == b""


def test_statuses_in_any_order_end_as_read_with_every_time_kept(
    client, django_capture_on_commit_callbacks
):
    """A late "sent" never overwrites "delivered" or "read"."""
    message = _whatsapp_message()
    for status, at in (("read", 1764653300), ("delivered", 1764653200), ("sent", 1764653100)):
        body = _statuses(("wamid.TEST1", status, at))
        _post_whatsapp(client, django_capture_on_commit_callbacks, body)
    message.refresh_from_db()
    assert message.delivery == Delivery.READ
    assert message.read_at == datetime.datetime.fromtimestamp(1764653300, tz=datetime.UTC)
    assert message.delivered_at == datetime.datetime.fromtimestamp(1764653200, tz=datetime.UTC)


def test_the_same_event_twice_changes_nothing_the_second_time(
    client, django_capture_on_commit_callbacks
):
    message = _whatsapp_message()
    body = _statuses(("wamid.TEST1", "delivered", 1764653000))
    _post_whatsapp(client, django_capture_on_commit_callbacks, body)
    message.refresh_from_db()
    first = (message.delivery, message.delivered_at)
    later = _statuses(("wamid.TEST1", "delivered", 1764659999))
    _post_whatsapp(client, django_capture_on_commit_callbacks, later)
    _post_whatsapp(client, django_capture_on_commit_callbacks, body)
    message.refresh_from_db()
    assert (message.delivery, message.delivered_at) == first
    assert ReceiptEvent.objects.filter(processed_at=None).count() == 0


def test_a_whatsapp_message_not_delivered_falls_back_to_sms_once(
    client, django_capture_on_commit_callbacks
):
    message = _whatsapp_message()
    body = _statuses(("wamid.TEST1", "failed", 1764653000))
    _post_whatsapp(client, django_capture_on_commit_callbacks, body)
    _post_whatsapp(client, django_capture_on_commit_callbacks, body)
    message.refresh_from_db()
    assert message.delivery == Delivery.FAILED
    assert message.last_error == "Not delivered: WhatsApp 131026 Message undeliverable"
    (sms,) = Message.objects.filter(channel=Channel.SMS, kind=message.kind)
    # Sent through the test SMS backend at once (eager tasks), as a registered template.
    assert sms.status == MessageStatus.SENT
    assert (sms.recipient, sms.audience) == (message.recipient, message.audience)


def _msg91_report(request_id: str, status: str, desc: str) -> bytes:
    report = {"date": "2026-12-02 11:00:05", "number": PHONE_DIGITS, "status": status, "desc": desc}
    return json.dumps(
        [{"requestId": request_id, "senderId": "UHAPOC", "report": [report]}]
    ).encode()


def test_an_sms_delivery_report_needs_our_token(client, django_capture_on_commit_callbacks):
    message = MessageFactory(status=MessageStatus.SENT, provider_id="req1")
    body = _msg91_report("req1", "1", "DELIVERED")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            "/webhooks/sms/",
            body,
            content_type="application/json",
            headers={"X-UHAPO-Webhook-Token": "guess"},
        )
        accepted = client.post(
            "/webhooks/sms/",
            body,
            content_type="application/json",
            headers={"X-UHAPO-Webhook-Token": SMS_TOKEN},
        )
    assert (refused.status_code, accepted.status_code) == (403, 200)
    message.refresh_from_db()
    assert message.delivery == Delivery.DELIVERED
    assert message.delivered_at == datetime.datetime(2026, 12, 2, 11, 0, 5, tzinfo=IST)


def test_an_sms_the_operator_refused_is_marked_not_delivered(
    client, django_capture_on_commit_callbacks
):
    message = MessageFactory(status=MessageStatus.SENT, provider_id="req2")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/webhooks/sms/",
            _msg91_report("req2", "16", "Rejected"),
            content_type="application/json",
            headers={"X-UHAPO-Webhook-Token": SMS_TOKEN},
        )
    message.refresh_from_db()
    assert (message.delivery, message.last_error) == (
        Delivery.FAILED,
        "Not delivered: MSG91 16 Rejected",
    )
    # SMS is the last channel: nothing more is queued.
    assert Message.objects.count() == 1


def test_webhook_calls_leave_no_phone_number_in_the_logs(
    client, caplog, django_capture_on_commit_callbacks
):
    _whatsapp_message()
    stop = {"from": PHONE_DIGITS, "type": "text", "text": {"body": "STOP"}}
    body = json.loads(_statuses(("wamid.TEST1", "failed", 1764653000)))
    body["entry"][0]["changes"][0]["value"]["messages"] = [stop]
    _post_whatsapp(client, django_capture_on_commit_callbacks, json.dumps(body).encode())
    assert PHONE_DIGITS not in caplog.text
    assert "9820012345" not in caplog.text


def test_a_receipt_whose_task_was_lost_is_applied_by_the_beat_sweep(client, time_machine):
    """Redis down when the call came: the row waits in the table, the sweep finds it."""
    from outbox.tasks import deliver_due_messages

    message = _whatsapp_message()
    body = _statuses(("wamid.TEST1", "delivered", 1764653000))
    # No on-commit callbacks run: the task was never queued.
    response = client.post(
        "/webhooks/whatsapp/",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": _sign(body)},
    )
    assert response.status_code == 200
    deliver_due_messages()
    assert ReceiptEvent.objects.get().processed_at is None  # too fresh: its task may be on the way
    time_machine.shift(datetime.timedelta(minutes=2))
    deliver_due_messages()
    message.refresh_from_db()
    assert message.delivery == Delivery.DELIVERED
