"""Every SMS is a registered DLT template, exactly, within its segment budget; nothing else is sent."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from booking import scheduling
from booking.models import MessageKind, RequestEvent
from outbox import dispatch, dlt, registry
from outbox.channels.sms import sms_segments
from outbox.models import Channel, Message, MessageStatus
from tests.factories import MessageFactory, NurseFactory, VisitRequestFactory
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
LANGUAGES = ("en", "hi", "mr")
# Whole messages, links included, with the longest names the slots take: GSM-7 in
# 2 parts (1 without the link), UCS-2 in 4 (3 without the link).
SEGMENT_BUDGET = {"en": 2, "hi": 4, "mr": 4}
# Booking's kinds, rendered here about a visit; aftercare's two are rendered about a
# check-in in tests/aftercare/test_dlt_templates.py.
AFTERCARE_KINDS = {"checkin_invite", "checkin_red"}
SMS_KINDS = sorted({t.kind for t in dlt.templates()} - AFTERCARE_KINDS)
# Longer than any slot takes (30): the texts must cut them, not the operator.
LONG_AREA = "Flat 1204, Shree Ganesh Co-operative Housing Society, Lokhandwala"
LONG_NAME = "Jayalakshmiammal Venkataraman"  # 29 characters


def _visit(language: str, *, nurse_changed: bool):
    visit_request = VisitRequestFactory(
        language=language, reference="UH-ABCD-EFGH", area=LONG_AREA, cycle_number=12
    )
    visit_request.nurse = NurseFactory(first_name=LONG_NAME)
    visit_request.status = "scheduled"
    # The longest words for the part of the day: evening.
    visit_request.scheduled_start = datetime.datetime(2026, 12, 23, 16, 30, tzinfo=IST)
    visit_request.scheduled_end = visit_request.scheduled_start + datetime.timedelta(hours=2)
    visit_request.save()
    start, end = visit_request.scheduled_start, visit_request.scheduled_end
    before = start if nurse_changed else start - datetime.timedelta(days=1)
    RequestEvent.objects.create(
        request=visit_request,
        from_status="scheduled",
        to_status="scheduled",
        actor_label="system",
        changes=scheduling.schedule_changes(
            version=0,
            old=(before, before + datetime.timedelta(hours=2), "Meera"),
            new=(start, end, LONG_NAME if nurse_changed else "Meera"),
        ),
    )
    return visit_request


def _sms(visit_request, kind: str) -> str:
    message = Message(
        subject=visit_request,
        kind=kind,
        channel=Channel.SMS,
        audience="nurse" if kind.startswith("nurse") else "patient",
        recipient=visit_request.patient_phone,
        language=visit_request.language,
        due_at=timezone.now(),
    )
    return registry.get(kind).render(message).body


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", SMS_KINDS)
@pytest.mark.parametrize("nurse_changed", [False, True])
def test_every_sms_is_its_registered_template_exactly_and_fits_its_budget(
    kind, language, nurse_changed
):
    """Rendered through booking's own texts, every kind's SMS matches its DLT entry."""
    text = _sms(_visit(language, nurse_changed=nurse_changed), kind)
    found = dlt.match(kind=kind, language=language, text=text)
    # Exactly: the registered words with the slots filled give back the text itself.
    filled = found.template.text
    for value in found.variables:
        filled = re.sub(r"\{#(var|url)#\}", lambda _m, v=value: v, filled, count=1)
    assert filled == text
    assert all(len(value) <= dlt.VAR_MAX for value in _plain_slots(found))
    assert sms_segments(text) <= SEGMENT_BUDGET[language], (sms_segments(text), text)
    without_link = re.sub(r"https?://\S+", "", text)
    assert sms_segments(without_link) <= SEGMENT_BUDGET[language] - 1, text


def _plain_slots(found: dlt.DltMatch) -> list[str]:
    kinds = re.findall(r"\{#(var|url)#\}", found.template.text)
    return [value for slot, value in zip(kinds, found.variables, strict=True) if slot == "var"]


def test_every_registered_entry_has_its_dlt_fields_and_every_kind_all_languages():
    entries = dlt.templates()
    assert {(t.kind, t.language) for t in entries} == {
        (kind, language) for kind in [*SMS_KINDS, *AFTERCARE_KINDS] for language in LANGUAGES
    }
    assert all(re.fullmatch(r"\d{19}", t.dlt_template_id) for t in entries)
    assert len({t.dlt_template_id for t in entries}) == len(entries)
    assert all(re.fullmatch(r"[A-Z]{6}", t.header) for t in entries)
    assert {t.category for t in entries} == {"service-implicit"}
    # Every kind booking sends by SMS is registered (the coordinator's alerts are email only).
    from booking.messages import COORDINATOR_KINDS

    assert set(SMS_KINDS) == {k.value for k in MessageKind} - COORDINATOR_KINDS


def test_a_text_that_drifted_from_its_registration_is_refused():
    with pytest.raises(dlt.UnregisteredText):
        dlt.match(kind="cancelled", language="en", text="UHAPO: your visit is off, call us")


def test_a_shortened_link_never_fills_a_link_slot(settings):
    settings.SITE_URL = "https://uhapo.example"
    text = (
        "UHAPO: we have your home visit request UH-ABCD-EFGH. We will call you within "
        "2 hours (8am-8pm). See or cancel: https://bit.ly/3xYz"
    )
    with pytest.raises(dlt.UnregisteredText):
        dlt.match(kind="received", language="en", text=text)


def test_a_message_without_a_registered_template_is_failed_before_sending_with_a_reason(
    time_machine, monkeypatch
):
    """Never free text: the row fails at once, says why for staff, and reaches no backend."""
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)
    message = MessageFactory(kind=MessageKind.CANCELLED, language="en")
    # A registry without the kind's entry, as after a registration was withdrawn.
    monkeypatch.setattr(dlt, "_registry", lambda: ("1201170000000000001", ()))
    assert dispatch.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("Refused before sending: no DLT template")
    assert RecordingSmsBackend.sent == []


def test_every_sms_sent_names_its_dlt_template(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)
    message = MessageFactory(kind=MessageKind.CANCELLED, language="hi")
    assert dispatch.message_deliver(message_id=message.pk) is True
    (sent,) = RecordingSmsBackend.sent
    expected = dlt.match(kind="cancelled", language="hi", text=sent["body"])
    assert sent["dlt_template_id"] == expected.template.dlt_template_id


def test_the_generic_gateway_is_sent_the_dlt_fields_too(sms_provider, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=IST), tick=False)
    message = MessageFactory(kind=MessageKind.CANCELLED, language="mr")
    assert dispatch.message_deliver(message_id=message.pk) is True
    (request,) = sms_provider.received
    body = request["body"]
    expected = dlt.match(kind="cancelled", language="mr", text=body["text"])
    assert body["dlt_template_id"] == expected.template.dlt_template_id
    assert body["dlt_entity_id"] == expected.entity_id
    assert body["sender"] == expected.template.header
