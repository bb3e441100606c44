"""Messages through real transports: an SMTP server and an HTTP SMS provider on localhost."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from booking import workflow
from booking.models import MessageKind
from outbox import dispatch
from outbox.channels.sms import sms_segments
from outbox.models import Channel, Message, MessageStatus
from tests.factories import NurseFactory, ServiceAreaFactory, caregiver_form_data

pytestmark = pytest.mark.django_db(transaction=True)
IST = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.fixture(autouse=True)
def _daytime(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 11, 0, tzinfo=IST), tick=True)


def test_new_request_sends_one_confirmation_per_channel_and_the_coordinator_alert(
    client, smtp_server, sms_provider, settings
):
    settings.COORDINATOR_EMAIL = "desk@uhapo.example"
    ServiceAreaFactory()
    response = client.post("/book/", caregiver_form_data())
    assert response.status_code == 302

    sms = sms_provider.wait_for(2)
    mail = smtp_server.wait_for(3)
    assert sorted(r["body"]["to"] for r in sms) == ["+919820012345", "+919820054321"]
    assert all(r["auth"] == "Bearer test-token" for r in sms)
    assert len(sms_provider.distinct_keys()) == 2
    recipients = sorted(m["To"] for m in mail)
    assert recipients == ["desk@uhapo.example", "son@example.com", "testina@example.com"]

    alert = next(m for m in mail if m["To"] == "desk@uhapo.example")
    reference = Message.objects.first().subject.reference
    assert reference in alert["Subject"]
    alert_text = alert.get_content()
    assert "/admin/booking/visitrequest/" in alert_text
    # The alert names the request, not the patient.
    for detail in ("Testina", "9820012345", "Imaginary Heights", "Lung cancer", "embrolizumab"):
        assert detail not in alert_text

    family = next(m for m in mail if m["To"] == "testina@example.com")
    assert "/request/" in family.get_content()
    assert family["Message-ID"].endswith("@uhapo.message>")
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_visit_scheduled_email_carries_a_calendar_invite(smtp_server, sms_provider):
    from tests.factories import VisitRequestFactory

    visit_request = VisitRequestFactory(message_recipient="patient")
    start = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=IST)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=start,
        end=start + datetime.timedelta(hours=2),
        nurse=NurseFactory(first_name="Asha"),
        actor=None,
    )
    mails = smtp_server.wait_for(2)
    # The family's confirmation, and the nurse's (her own words, no calendar file).
    (mail,) = [m for m in mails if m["To"] == visit_request.patient_email]
    (nurse_mail,) = [m for m in mails if m["To"] != visit_request.patient_email]
    assert "New visit for you" in nurse_mail["Subject"]
    assert not list(nurse_mail.iter_attachments())
    assert "Thursday 3 December" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Nurse Asha" in text
    assert "11:00 AM" in text
    ics = next(part for part in mail.iter_attachments() if part.get_filename() == "visit.ics")
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + datetime.timedelta(hours=2)
    (sms,) = sms_provider.wait_for(1)
    assert "Asha" in sms["body"]["text"]


def test_provider_failure_is_retried_with_the_same_idempotency_key(sms_provider, time_machine):
    from tests.factories import VisitRequestFactory

    visit_request = VisitRequestFactory(patient_email="")
    message = Message.objects.create(
        subject=visit_request,
        kind=MessageKind.REQUEST_RECEIVED,
        channel=Channel.SMS,
        audience="patient",
        recipient=visit_request.patient_phone,
        due_at=timezone.now(),
    )
    sms_provider.fail_next = 1
    assert dispatch.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert "503" in message.last_error
    time_machine.move_to(message.due_at + datetime.timedelta(seconds=1))
    assert dispatch.message_deliver(message_id=message.pk) is True
    assert len(sms_provider.received) == 2
    assert sms_provider.distinct_keys() == {str(message.idempotency_key)}


def test_family_sms_texts_fit_one_segment_where_they_can(sms_provider, smtp_server, time_machine):
    """Confirmation, scheduled and reminders: the SMS stays short (link aside)."""
    from tests.factories import VisitRequestFactory

    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=IST), tick=True)
    visit_request = VisitRequestFactory(patient_email="")
    start = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=IST)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=start,
        end=start + datetime.timedelta(hours=2),
        nurse=NurseFactory(first_name="Sunita"),
        actor=None,
    )
    for kind in (MessageKind.REMINDER_24H, MessageKind.REMINDER_2H, MessageKind.VISIT_SCHEDULED):
        message = visit_request.messages.get(kind=kind, channel=Channel.SMS)
        from booking.messages import render

        body = render(message).body
        assert sms_segments(body) == 1, (kind, len(body), body)


def test_segment_counting_uses_ucs2_for_devanagari():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("नमस्ते" * 11) == 1  # 66 UCS-2 units
    assert sms_segments("नमस्ते" * 12) == 2


def _run_clock(time_machine, start, stop, step=datetime.timedelta(minutes=15)):
    """Move the clock forward in steps, running the beat sweep at each (as beat would)."""
    from outbox.tasks import deliver_due_messages

    moment = start
    while moment <= stop:
        time_machine.move_to(moment, tick=False)
        deliver_due_messages()
        moment += step


def test_reminders_go_out_once_each_at_the_right_time_and_never_in_quiet_hours(
    time_machine, smtp_server, sms_provider
):
    from tests.factories import VisitRequestFactory

    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=IST), tick=False)
    visit_request = VisitRequestFactory(message_recipient="patient")
    visit = datetime.datetime(2026, 12, 3, 9, 30, tzinfo=IST)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=visit,
        end=visit + datetime.timedelta(hours=2),
        nurse=NurseFactory(first_name="Meera"),
        actor=None,
    )
    _run_clock(time_machine, datetime.datetime(2026, 12, 1, 10, 15, tzinfo=IST), visit)

    sent = {
        (m.kind, m.channel): timezone.localtime(m.sent_at)
        for m in visit_request.messages.filter(status=MessageStatus.SENT)
    }
    assert sent[(MessageKind.REMINDER_24H, Channel.SMS)] == datetime.datetime(
        2026, 12, 2, 9, 30, tzinfo=IST
    )
    assert sent[(MessageKind.REMINDER_24H, Channel.EMAIL)] == datetime.datetime(
        2026, 12, 2, 9, 30, tzinfo=IST
    )
    # 2 h before is 07:30, inside quiet hours: the SMS waits for 08:00, email does not.
    assert sent[(MessageKind.REMINDER_2H, Channel.SMS)] == datetime.datetime(
        2026, 12, 3, 8, 0, tzinfo=IST
    )
    assert sent[(MessageKind.REMINDER_2H, Channel.EMAIL)] == datetime.datetime(
        2026, 12, 3, 7, 30, tzinfo=IST
    )
    texts = [r["body"]["text"] for r in sms_provider.received]
    assert sum("tomorrow" in t for t in texts) == 1
    assert sum("today" in t for t in texts) == 1
    assert len(sms_provider.received) == len(sms_provider.distinct_keys()) == 3
    for (_kind, channel), sent_at in sent.items():
        if channel == Channel.SMS and (sent_at.hour >= 21 or sent_at.hour < 8):
            pytest.fail(f"an SMS went out in quiet hours at {sent_at}")


def test_cancelling_before_a_reminder_means_it_is_never_sent(
    time_machine, smtp_server, sms_provider
):
    from tests.factories import VisitRequestFactory

    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=IST), tick=False)
    visit_request = VisitRequestFactory(message_recipient="patient")
    visit = datetime.datetime(2026, 12, 3, 15, 0, tzinfo=IST)
    workflow.visit_request_schedule(
        visit_request=visit_request,
        start=visit,
        end=visit + datetime.timedelta(hours=1),
        nurse=NurseFactory(),
        actor=None,
    )
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=IST), tick=False)
    workflow.visit_request_cancel(
        visit_request=visit_request, reason="Admitted to hospital", actor=None
    )
    _run_clock(time_machine, datetime.datetime(2026, 12, 2, 9, 15, tzinfo=IST), visit)
    reminders = visit_request.messages.filter(
        kind__in=[MessageKind.REMINDER_24H, MessageKind.REMINDER_2H]
    )
    assert set(reminders.values_list("status", flat=True)) == {MessageStatus.CANCELLED}
    assert not any("reminder" in r["body"]["text"].lower() for r in sms_provider.received)
    assert any("cancelled" in r["body"]["text"] for r in sms_provider.received)


def test_log_lines_carry_no_personal_details(client, caplog, smtp_server, sms_provider):
    import logging

    ServiceAreaFactory()
    sms_provider.fail_next = 1
    caplog.set_level(logging.DEBUG)
    client.post("/book/", caregiver_form_data())
    # "mail.log" is aiosmtpd's, the local SMTP server standing in for the mail
    # provider: it logs the email it receives (which greets the family by name).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "message" in logged  # the flow did log
    for detail in (
        "Testina",
        "Fictional",
        "9820012345",
        "98200 12345",
        "Imaginary",
        "Lung",
        "embrolizumab",
        "example.com",
    ):
        assert detail not in logged
