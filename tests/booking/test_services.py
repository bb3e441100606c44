"""The request workflow (booking.workflow) and the outbox it asks to send."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking import workflow
from booking.models import Audience, MessageKind, Status, VisitRequest
from booking.privacy import current_notice
from outbox import dispatch, quiet_hours
from outbox.models import Channel, Message, MessageStatus
from tests.factories import (
    CoordinatorFactory,
    NurseFactory,
    ServiceAreaFactory,
    UserFactory,
    VisitRequestFactory,
    clear_checklist,
)
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


def details(**overrides):
    data = {
        "submitted_by": "patient",
        "patient_name": "Testina Fictional",
        "patient_birth_year": 1960,
        "patient_phone": "+919820012345",
        "patient_email": "testina@example.com",
        "message_recipient": "patient",
        "address_line": "Flat 12",
        "street": "Example Road",
        "area": "Andheri West",
        "pin_code": "400053",
        "cancer_type": "Lung cancer",
        "medicine": "pembrolizumab",
        "oncologist_name": "Dr Placeholder",
        "hospital_name": "Nowhere General",
        "first_dose_in_hospital": True,
        "had_infusion_reaction": False,
        "has_prescription": True,
        "preferred_date": timezone.localdate() + datetime.timedelta(days=2),
        "preferred_time": "morning",
    }
    data.update(overrides)
    return data


def create(**overrides) -> VisitRequest:
    ServiceAreaFactory()
    visit_request, created = workflow.visit_request_create(
        details=details(**overrides),
        submission_token=uuid.uuid4(),
        language="en",
        notice=current_notice("en"),
    )
    assert created
    return visit_request


def test_reference_is_easy_to_read_aloud():
    for _ in range(200):
        reference = workflow.new_reference()
        assert len(reference) == 12
        assert reference.startswith("UH-")
        assert reference[7] == "-"
        assert not set(reference[3:].replace("-", "")) & set("0O1I")


def test_create_writes_request_consent_event_and_messages_in_one_go(settings):
    settings.COORDINATOR_EMAIL = "desk@uhapo.example"
    visit_request = create()
    assert visit_request.consent.notice_sha256 == current_notice("en").sha256
    assert [e.to_status for e in visit_request.events.all()] == [Status.NEW]
    rows = set(visit_request.messages.values_list("kind", "channel", "audience", "recipient"))
    assert rows == {
        (MessageKind.REQUEST_RECEIVED, Channel.SMS, Audience.PATIENT, "+919820012345"),
        (MessageKind.REQUEST_RECEIVED, Channel.EMAIL, Audience.PATIENT, "testina@example.com"),
        (MessageKind.COORDINATOR_ALERT, Channel.EMAIL, Audience.COORDINATOR, "desk@uhapo.example"),
    }


def test_create_with_an_unserved_pin_saves_nothing():
    ServiceAreaFactory()
    with pytest.raises(ValidationError):
        workflow.visit_request_create(
            details=details(pin_code="110001"),
            submission_token=uuid.uuid4(),
            language="en",
            notice=current_notice("en"),
        )
    assert VisitRequest.objects.count() == 0
    assert Message.objects.count() == 0


def test_same_submission_token_returns_the_first_request():
    ServiceAreaFactory()
    token = uuid.uuid4()
    kwargs = {
        "details": details(),
        "submission_token": token,
        "language": "en",
        "notice": current_notice("en"),
    }
    first, created_first = workflow.visit_request_create(**kwargs)
    second, created_second = workflow.visit_request_create(**kwargs)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert VisitRequest.objects.count() == 1


ILLEGAL = [
    (Status.CANCELLED, workflow.visit_request_complete),
    (Status.COMPLETED, workflow.visit_request_mark_contacted),
    (Status.DECLINED, workflow.visit_request_complete),
    (Status.NEW, workflow.visit_request_complete),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_moves_are_refused_with_a_clear_error(status, action):
    visit_request = VisitRequestFactory(status=status)
    with pytest.raises(workflow.TransitionNotAllowed, match="cannot be marked"):
        action(visit_request=visit_request, actor=UserFactory())
    visit_request.refresh_from_db()
    assert visit_request.status == status
    assert not visit_request.events.exists()


def test_cancelling_a_closed_request_is_refused():
    visit_request = VisitRequestFactory(status=Status.COMPLETED)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.visit_request_cancel(visit_request=visit_request, reason="late", actor=None)


def test_every_move_appends_an_event_with_who_and_note():
    coordinator = UserFactory(username="coral")
    visit_request = VisitRequestFactory()
    workflow.visit_request_mark_contacted(
        visit_request=visit_request, actor=coordinator, note="Spoke to son"
    )
    event = visit_request.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        Status.NEW,
        Status.CONTACTED,
        coordinator,
        "Spoke to son",
    )
    assert event.actor_label == "coral"


def test_scheduling_writes_confirmation_and_both_reminders(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    visit_request = VisitRequestFactory()
    nurse = NurseFactory(first_name="Asha")
    start = ist(2026, 12, 3, 11, 0)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.visit_request_schedule(
            visit_request=visit_request,
            start=start,
            end=start + datetime.timedelta(hours=2),
            nurse=nurse,
            actor=UserFactory(),
        )
    visit_request.refresh_from_db()
    assert visit_request.status == Status.SCHEDULED
    assert visit_request.schedule_version == 1
    due = {
        (m.kind, m.channel): timezone.localtime(m.due_at)
        for m in visit_request.messages.filter(status=MessageStatus.PENDING)
    }
    assert due[(MessageKind.REMINDER_24H, Channel.SMS)] == ist(2026, 12, 2, 11, 0)
    assert due[(MessageKind.REMINDER_2H, Channel.EMAIL)] == ist(2026, 12, 3, 9, 0)
    sent = visit_request.messages.filter(
        kind=MessageKind.VISIT_SCHEDULED, status=MessageStatus.SENT
    )
    assert sent.count() == 2  # eager delivery in tests: SMS and email went at once


def test_scheduling_in_the_past_is_refused():
    visit_request = VisitRequestFactory()
    start = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError, match="future"):
        workflow.visit_request_schedule(
            visit_request=visit_request,
            start=start,
            end=start + datetime.timedelta(hours=2),
            nurse=NurseFactory(),
            actor=UserFactory(),
        )
    visit_request.refresh_from_db()
    assert visit_request.status == Status.NEW


def test_a_nurse_cannot_have_two_overlapping_visits(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    nurse = NurseFactory()
    start = ist(2026, 12, 3, 10, 0)
    workflow.visit_request_schedule(
        visit_request=VisitRequestFactory(),
        start=start,
        end=start + datetime.timedelta(hours=2),
        nurse=nurse,
        actor=UserFactory(),
    )
    other = VisitRequestFactory()
    with pytest.raises(ValidationError, match="Overlaps"):
        workflow.visit_request_schedule(
            visit_request=other,
            start=start + datetime.timedelta(hours=1),
            end=start + datetime.timedelta(hours=3),
            nurse=nurse,
            actor=UserFactory(),
        )
    # After the travel buffer is fine.
    workflow.visit_request_schedule(
        visit_request=other,
        start=start + datetime.timedelta(hours=2, minutes=45),
        end=start + datetime.timedelta(hours=4, minutes=45),
        nurse=nurse,
        actor=UserFactory(),
    )


def test_rescheduling_replaces_the_reminders(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    visit_request = VisitRequestFactory()
    nurse = NurseFactory()
    first = ist(2026, 12, 4, 11, 0)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=first,
        end=first + datetime.timedelta(hours=2),
        nurse=nurse,
        actor=nurse,
    )
    second = ist(2026, 12, 6, 15, 0)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=second,
        end=second + datetime.timedelta(hours=2),
        nurse=nurse,
        actor=nurse,
    )
    pending = visit_request.messages.filter(
        status=MessageStatus.PENDING, kind=MessageKind.REMINDER_24H
    )
    assert {timezone.localtime(m.due_at) for m in pending} == {ist(2026, 12, 5, 15, 0)}
    old = visit_request.messages.filter(schedule_version=1, kind=MessageKind.REMINDER_24H)
    assert set(old.values_list("status", flat=True)) == {MessageStatus.CANCELLED}


def test_reminder_sms_that_falls_in_quiet_hours_moves_to_8am(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    visit_request = VisitRequestFactory()
    start = ist(2026, 12, 3, 9, 30)  # 24 h before: 09:30 fine; 2 h before: 07:30, quiet
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=start,
        end=start + datetime.timedelta(hours=1),
        nurse=NurseFactory(),
        actor=None,
    )
    sms = visit_request.messages.get(kind=MessageKind.REMINDER_2H, channel=Channel.SMS)
    email = visit_request.messages.get(kind=MessageKind.REMINDER_2H, channel=Channel.EMAIL)
    assert timezone.localtime(sms.due_at) == ist(2026, 12, 3, 8, 0)
    assert timezone.localtime(email.due_at) == ist(2026, 12, 3, 7, 30)


def test_reminder_pushed_past_the_visit_by_quiet_hours_is_not_written(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    visit_request = VisitRequestFactory()
    start = ist(
        2026, 12, 3, 7, 0
    )  # an early visit: the 2 h SMS would land at 08:00, after it began
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=start,
        end=start + datetime.timedelta(hours=1),
        nurse=NurseFactory(),
        actor=None,
        # Before service hours, so booked only with a reason.
        override_reason="The family leaves for the hospital at 8.",
    )
    assert not visit_request.messages.filter(
        kind=MessageKind.REMINDER_2H, channel=Channel.SMS
    ).exists()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ist(2026, 12, 1, 20, 59), ist(2026, 12, 1, 20, 59)),
        (ist(2026, 12, 1, 21, 0), ist(2026, 12, 2, 8, 0)),
        (ist(2026, 12, 1, 23, 30), ist(2026, 12, 2, 8, 0)),
        (ist(2026, 12, 2, 2, 0), ist(2026, 12, 2, 8, 0)),
        (ist(2026, 12, 2, 8, 0), ist(2026, 12, 2, 8, 0)),
    ],
)
def test_quiet_hours_are_21_to_8_india_time(moment, expected):
    assert quiet_hours.sms_due_time(moment) == expected


def test_a_request_made_at_night_is_confirmed_by_sms_and_email_at_once(
    time_machine, django_capture_on_commit_callbacks
):
    """The family set it off themselves and is waiting for the reference: quiet hours do not apply."""
    time_machine.move_to(ist(2026, 12, 1, 23, 15), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        visit_request = create()
    received = visit_request.messages.filter(kind=MessageKind.REQUEST_RECEIVED)
    assert {m.channel: m.status for m in received} == {
        Channel.SMS: MessageStatus.SENT,
        Channel.EMAIL: MessageStatus.SENT,
    }
    assert [m["to"] for m in RecordingSmsBackend.sent] == [visit_request.patient_phone]


def test_a_family_cancelling_at_night_is_told_by_sms_at_once(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(ist(2026, 12, 2, 2, 30), tick=False)
    visit_request = create()
    RecordingSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.visit_request_cancel(visit_request=visit_request, reason="Admitted", actor=None)
    sms = visit_request.messages.get(kind=MessageKind.CANCELLED, channel=Channel.SMS)
    assert sms.status == MessageStatus.SENT
    assert len(RecordingSmsBackend.sent) == 1


def test_a_cancellation_by_staff_at_night_waits_for_8_for_its_sms(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(ist(2026, 12, 2, 2, 30), tick=False)
    visit_request = create()
    RecordingSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.visit_request_cancel(
            visit_request=visit_request, reason="No nurse free", actor=CoordinatorFactory()
        )
    sms = visit_request.messages.get(kind=MessageKind.CANCELLED, channel=Channel.SMS)
    email = visit_request.messages.get(kind=MessageKind.CANCELLED, channel=Channel.EMAIL)
    assert sms.status == MessageStatus.PENDING
    assert timezone.localtime(sms.due_at) == ist(2026, 12, 2, 8, 0)
    assert email.status == MessageStatus.SENT
    assert RecordingSmsBackend.sent == []


def _reminder(visit_request, **kwargs) -> Message:
    defaults = {
        "subject": visit_request,
        "kind": MessageKind.REQUEST_RECEIVED,
        "channel": Channel.SMS,
        "audience": Audience.PATIENT,
        "recipient": visit_request.patient_phone,
        "due_at": timezone.now() - datetime.timedelta(seconds=1),
    }
    defaults.update(kwargs)
    return Message.objects.create(**defaults)


def test_delivering_twice_sends_once(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    message = _reminder(VisitRequestFactory())
    assert dispatch.message_deliver(message_id=message.pk) is True
    assert dispatch.message_deliver(message_id=message.pk) is False
    assert len(RecordingSmsBackend.sent) == 1
    assert RecordingSmsBackend.sent[0]["idempotency_key"] == str(message.idempotency_key)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_a_message_not_yet_due_is_not_sent(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    message = _reminder(
        VisitRequestFactory(), due_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert dispatch.message_deliver(message_id=message.pk) is False
    assert RecordingSmsBackend.sent == []


class _BrokenSms:
    def send(self, **kwargs):
        raise OSError("provider down for +919820012345")


def test_failed_sends_back_off_then_fail_for_staff_to_see(settings, time_machine):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    settings.SMS_BACKEND = "tests.booking.test_services._BrokenSms"
    settings.MESSAGE_MAX_ATTEMPTS = 3
    message = _reminder(VisitRequestFactory())
    for attempt in (1, 2):
        dispatch.message_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.PENDING, attempt)
        assert message.due_at == timezone.now() + datetime.timedelta(minutes=2 ** (attempt - 1))
        # The error is kept for staff, without the phone number.
        assert "provider down" in message.last_error
        assert "9820012345" not in message.last_error
        time_machine.move_to(message.due_at, tick=False)
    dispatch.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)


def test_resend_puts_a_failed_message_back_and_logs_it(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    message = _reminder(VisitRequestFactory(), status=MessageStatus.FAILED, attempts=5)
    staff = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.message_resend(message=message, actor=staff)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT  # eager in tests: sent at once
    assert message.subject.events.filter(actor=staff, note__startswith="Resent").exists()
    with pytest.raises(ValidationError):
        workflow.message_resend(message=message, actor=staff)


def test_sweep_rescues_rows_abandoned_in_sending(settings, time_machine):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    visit_request = VisitRequestFactory()
    stuck = _reminder(
        visit_request,
        status=MessageStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now()
        - settings.MESSAGE_SENDING_TIMEOUT
        - datetime.timedelta(seconds=1),
    )
    fresh = _reminder(
        visit_request,
        kind=MessageKind.CANCELLED,
        status=MessageStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now(),
    )
    assert dispatch.messages_due() == [stuck.pk]
    fresh.refresh_from_db()
    assert fresh.status == MessageStatus.SENDING


def test_reminder_of_a_cancelled_visit_is_never_sent_even_if_already_claimed(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    visit_request = VisitRequestFactory(status=Status.CANCELLED, schedule_version=1)
    message = _reminder(visit_request, kind=MessageKind.REMINDER_2H, schedule_version=1)
    assert dispatch.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert RecordingSmsBackend.sent == []


def test_messages_never_mention_the_diagnosis_or_medicine(time_machine, mailoutbox):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)
    visit_request = create(
        cancer_type="Melanoma", medicine="nivolumab", message_recipient="patient"
    )
    start = ist(2026, 12, 1, 15, 0)
    clear_checklist(visit_request, start=start)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=start,
        end=start + datetime.timedelta(hours=1),
        nurse=NurseFactory(),
        actor=None,
    )
    time_machine.move_to(ist(2026, 12, 1, 13, 0), tick=False)
    for pk in dispatch.messages_due():
        dispatch.message_deliver(message_id=pk)
    texts = [m["body"] for m in RecordingSmsBackend.sent] + [
        f"{m.subject}\n{m.body}" for m in mailoutbox
    ]
    assert len(texts) >= 6
    for text in texts:
        assert "Melanoma" not in text
        assert "ivolumab" not in text
