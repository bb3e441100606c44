"""The MSG91 backend: the flow API's shape, the DLT ids on every SMS, timeouts and refusals."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest

from booking.models import MessageKind
from outbox import dispatch, dlt, registry
from outbox.channels.msg91 import Msg91SmsBackend
from outbox.models import MessageStatus
from tests.factories import MessageFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.fixture(autouse=True)
def _daytime(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)


def _cancelled(language: str = "hi"):
    visit_request = VisitRequestFactory(language=language)
    return MessageFactory(
        request=visit_request,
        kind=MessageKind.CANCELLED,
        language=language,
        recipient=visit_request.patient_phone,
    )


def test_an_sms_goes_as_its_registered_flow_with_the_dlt_ids_and_slot_values(msg91):
    message = _cancelled()
    assert dispatch.message_deliver(message_id=message.pk) is True
    assert msg91.refused == []
    (request,) = msg91.received
    body = request["body"]
    template = next(t for t in dlt.templates() if (t.kind, t.language) == ("cancelled", "hi"))
    assert body["DLT_TE_ID"] == template.dlt_template_id
    assert body["template_id"] == template.dlt_template_id
    assert body["PE_ID"] == dlt._registry()[0]
    assert body["sender"] == template.header
    (recipient,) = body["recipients"]
    assert recipient["mobiles"] == "919820012345"
    # The provider composes the registered words with these values: the text we rendered.
    composed = template.text
    for n in range(1, len(recipient)):
        composed = re.sub(r"\{#\w+#\}", lambda _m, n=n: recipient[f"VAR{n}"], composed, count=1)
    assert composed == registry.get("cancelled").render(message).body
    assert request["key"] == str(message.idempotency_key)
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (MessageStatus.SENT, "req1")


def test_an_answer_of_type_error_is_a_refusal_retried_with_the_same_key(msg91):
    msg91.answer_error_next = 1
    message = _cancelled("en")
    assert dispatch.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "SmsError: MSG91 refused the message (error)"


def test_a_provider_that_hangs_is_given_up_on_after_the_timeout(msg91, monkeypatch):
    monkeypatch.setattr(Msg91SmsBackend, "timeout", 0.3)
    msg91.hang_next = 1
    message = _cancelled("en")
    assert dispatch.message_deliver(message_id=message.pk) is False
    msg91.release.set()
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.last_error == "SmsError: provider unreachable: TimeoutError"


def test_without_an_authkey_nothing_is_sent(msg91, settings):
    settings.SMS_HTTP_TOKEN = ""
    message = _cancelled("en")
    assert dispatch.message_deliver(message_id=message.pk) is False
    assert msg91.received == []
