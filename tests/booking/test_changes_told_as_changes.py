"""A move is told as a move, a cancellation removes the calendar event, a decline says what next.

The calendar file keeps one `UID` per visit and raises its `SEQUENCE`; the
family's texts name the old and the new time in their language; the event
log keeps the old and new values.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from icalendar import Calendar

from booking import workflow
from booking.messages import render, still_wanted
from booking.models import MessageKind, Status
from outbox.channels.sms import sms_segments
from outbox.models import Channel, Message, MessageStatus
from tests.factories import (
    CoordinatorFactory,
    NurseFactory,
    VisitRequestFactory,
    clear_checklist,
)

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


THU_10 = ist(2026, 12, 3, 10, 0)
FRI_11 = ist(2026, 12, 4, 11, 0)
# Two UCS-2 parts (2 x 67 units) before any link, as tests/i18n checks for the others.
SMS_BUDGET = 134


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)


@pytest.fixture
def asha():
    return NurseFactory(first_name="Asha", last_name="Fictional")


@pytest.fixture
def meera():
    return NurseFactory(first_name="Meera", last_name="Fictional")


def book(visit, start, nurse, hours: float = 2):
    clear_checklist(visit, start=start)
    return workflow.visit_request_schedule(
        visit_request=visit, start=start, end=start + hours * H, nurse=nurse, actor=None
    )


def family_message(visit, kind, channel=Channel.EMAIL) -> Message:
    return visit.messages.exclude(audience="nurse").get(kind=kind, channel=channel)


def invite(message: Message) -> tuple[Calendar, str]:
    (attachment,) = render(message).attachments
    filename, content, mimetype = attachment
    assert filename == "visit.ics"
    return Calendar.from_ical(content), mimetype


# --- the calendar file --------------------------------------------------------------------


def test_a_reschedule_keeps_the_calendar_uid_and_raises_its_sequence(asha):
    visit = book(VisitRequestFactory(message_recipient="patient"), THU_10, asha)
    first, first_type = invite(family_message(visit, MessageKind.VISIT_SCHEDULED))
    book(visit, FRI_11, asha)
    moved, moved_type = invite(family_message(visit, MessageKind.RESCHEDULED))

    assert first["method"] == moved["method"] == "REQUEST"
    assert first_type == moved_type == "text/calendar; method=REQUEST"
    (was,) = first.walk("VEVENT")
    (now,) = moved.walk("VEVENT")
    assert str(was["uid"]) == str(now["uid"]) == f"{visit.reference}@uhapo"
    assert (was["sequence"], now["sequence"]) == (1, 2)
    assert now.decoded("dtstart") == FRI_11
    assert now.decoded("dtend") == FRI_11 + 2 * H
    assert str(now["status"]) == "CONFIRMED"
    assert str(now["attendee"]) == f"mailto:{visit.patient_email}"
    assert str(now["organizer"]) == "mailto:care@uhapo.example"


@pytest.mark.parametrize("decline", [False, True])
def test_closing_a_booked_visit_sends_a_method_cancel_file_with_the_same_uid(asha, decline):
    visit = book(VisitRequestFactory(message_recipient="patient"), THU_10, asha)
    book(visit, FRI_11, asha)
    workflow.visit_request_cancel(
        visit_request=visit,
        reason="Admitted to hospital",
        actor=CoordinatorFactory(),
        decline=decline,
    )
    kind = MessageKind.DECLINED if decline else MessageKind.CANCELLED
    calendar, mimetype = invite(family_message(visit, kind))
    assert calendar["method"] == "CANCEL"
    assert mimetype == "text/calendar; method=CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{visit.reference}@uhapo"
    assert event["sequence"] == 3  # higher than the last schedule's 2
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstart") == FRI_11


def test_a_request_cancelled_before_it_was_booked_has_no_calendar_file():
    visit = VisitRequestFactory(message_recipient="patient")
    workflow.visit_request_cancel(visit_request=visit, reason="Changed our minds", actor=None)
    rendered = render(family_message(visit, MessageKind.CANCELLED))
    assert rendered.attachments == []
    assert "calendar" not in rendered.body


# --- the family is told what changed ------------------------------------------------------------


def test_a_reschedule_is_told_as_a_move_naming_the_old_and_new_time(asha):
    visit = book(VisitRequestFactory(), THU_10, asha)
    book(visit, FRI_11, asha)
    # Only the move goes out for version 2: no second "your visit is booked".
    assert not visit.messages.filter(kind=MessageKind.VISIT_SCHEDULED, schedule_version=2)
    sms = render(family_message(visit, MessageKind.RESCHEDULED, Channel.SMS)).body
    assert sms == (
        f"UHAPO: visit {visit.reference} is moved from 3 Dec, 10:00 AM to Fri 4 Dec, "
        "11:00 AM. Help: +91 91374 41392"
    )
    assert sms_segments(sms) == 1
    email = render(family_message(visit, MessageKind.RESCHEDULED))
    assert email.subject == "Your home visit is moved to Friday 4 December"
    assert "It was on Thursday 3 December 2026, between 10:00 AM and 12:00 PM." in email.body
    assert "It is now on Friday 4 December 2026, between 11:00 AM and 1:00 PM." in email.body
    assert "booked" not in email.body


def test_a_new_nurse_at_the_same_time_is_told_as_a_new_nurse(asha, meera):
    visit = book(VisitRequestFactory(), THU_10, asha)
    book(visit, THU_10, meera)
    sms = render(family_message(visit, MessageKind.RESCHEDULED, Channel.SMS)).body
    assert sms.startswith(f"UHAPO: nurse Meera will come instead for visit {visit.reference}")
    email = render(family_message(visit, MessageKind.RESCHEDULED))
    assert email.subject == "A new nurse for your home visit on Thursday 3 December"
    assert "Nurse Meera will come instead" in email.body


EXPECTED = {
    # (the old time, the new time) as the SMS and the email say them.
    "hi": (
        ("3 दिसंबर सुबह 10:00", "शुक्रवार, 4 दिसंबर सुबह 11:00"),
        (
            "गुरुवार, 3 दिसंबर 2026 को सुबह 10:00 से दोपहर 12:00",
            "शुक्रवार, 4 दिसंबर 2026 को सुबह 11:00 से दोपहर 1:00",
        ),
    ),
    "mr": (
        ("3 डिसेंबर सकाळी 10:00", "शुक्रवार, 4 डिसेंबर सकाळी 11:00"),
        (
            "गुरुवार, 3 डिसेंबर 2026 रोजी सकाळी 10:00 ते दुपारी 12:00",
            "शुक्रवार, 4 डिसेंबर 2026 रोजी सकाळी 11:00 ते दुपारी 1:00",
        ),
    ),
}


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_the_move_names_the_old_and_new_time_in_the_familys_language(asha, language):
    visit = book(VisitRequestFactory(language=language), THU_10, asha)
    book(visit, FRI_11, asha)
    (sms_old, sms_new), (email_old, email_new) = EXPECTED[language]
    sms = render(family_message(visit, MessageKind.RESCHEDULED, Channel.SMS)).body
    assert sms_old in sms, sms
    assert sms_new in sms, sms
    assert sms.index(sms_old) < sms.index(sms_new)
    email = render(family_message(visit, MessageKind.RESCHEDULED))
    assert email_old in email.body, email.body
    assert email_new in email.body, email.body
    assert re.search(r"[\u0900-\u097F]", email.subject)
    # The reference and the signed link are random and may hold "AM" or "PM" themselves.
    texts = re.sub(r"https?://\S+", "", (sms + email.body).replace(visit.reference, ""))
    assert not any(word in texts for word in ("AM", "PM", "moved", "booked")), texts


LONGEST_MOVES = {
    # Fridays (the longest weekday), evenings (संध्याकाळी), September and February.
    "time": (ist(2027, 9, 24, 16, 30), ist(2028, 2, 25, 17, 30)),
    "time in February": (ist(2028, 2, 11, 16, 30), ist(2028, 2, 18, 17, 30)),
    "nurse": (ist(2027, 9, 24, 16, 30), ist(2027, 9, 24, 16, 30)),
}


@pytest.mark.parametrize("language", ["hi", "mr"])
@pytest.mark.parametrize("change", list(LONGEST_MOVES))
def test_the_move_sms_fits_two_segments_at_its_longest(language, change):
    """The longest dates and parts of the day, and a long name: Jayalakshmi."""
    nurse = NurseFactory(first_name="Jayalakshmi")
    visit = VisitRequestFactory(language=language, reference="UH-ABCD-EFGH")
    old, new = LONGEST_MOVES[change]
    book(visit, old, NurseFactory(first_name="Meera") if change == "nurse" else nurse)
    book(visit, new, nurse)
    body = render(family_message(visit, MessageKind.RESCHEDULED, Channel.SMS)).body
    units = len(body.encode("utf-16-le")) // 2
    assert units <= SMS_BUDGET, (units, body)
    assert sms_segments(body) <= 2


def test_a_move_superseded_by_another_is_never_sent(asha):
    visit = book(VisitRequestFactory(), THU_10, asha)
    book(visit, FRI_11, asha)
    book(visit, FRI_11 + 2 * H, asha)
    second, third = (
        visit.messages.get(kind=MessageKind.RESCHEDULED, channel="sms", schedule_version=version)
        for version in (2, 3)
    )
    assert second.status == MessageStatus.CANCELLED
    assert not still_wanted(second)
    assert still_wanted(third)
    # The latest says where it was just before: Friday 11:00.
    assert "from 4 Dec, 11:00 AM to Fri 4 Dec, 1:00 PM" in render(third).body


def test_the_old_reminders_are_cancelled_and_new_ones_queued(asha):
    visit = book(VisitRequestFactory(), THU_10, asha)
    book(visit, FRI_11, asha)
    pending = visit.messages.exclude(audience="nurse").filter(status=MessageStatus.PENDING)
    assert sorted(pending.values_list("kind", "schedule_version")) == sorted(
        (kind, 2)
        for kind in (MessageKind.RESCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H)
        for _channel in ("sms", "email")
    )
    old = visit.messages.exclude(audience="nurse").filter(schedule_version=1)
    assert set(old.values_list("status", flat=True)) == {MessageStatus.CANCELLED}


# --- the event log ---------------------------------------------------------------------------


def test_the_event_log_keeps_the_old_and_new_values(asha, meera):
    visit = book(VisitRequestFactory(), THU_10, asha)
    book(visit, FRI_11, meera, hours=3)
    first, moved = visit.events.order_by("pk")
    assert first.changes == {
        "scheduled_start": [None, THU_10.isoformat()],
        "scheduled_end": [None, (THU_10 + 2 * H).isoformat()],
        "nurse": [None, "Asha Fictional"],
        "schedule_version": [0, 1],
    }
    assert (moved.from_status, moved.to_status) == (Status.SCHEDULED, Status.SCHEDULED)
    assert moved.changes == {
        "scheduled_start": [THU_10.isoformat(), FRI_11.isoformat()],
        "scheduled_end": [(THU_10 + 2 * H).isoformat(), (FRI_11 + 3 * H).isoformat()],
        "nurse": ["Asha Fictional", "Meera Fictional"],
        "schedule_version": [1, 2],
    }
    assert moved.note == "Rescheduled."


# --- a decline ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_a_decline_has_its_own_words_and_next_step(language):
    declined = VisitRequestFactory(language=language)
    cancelled = VisitRequestFactory(language=language)
    for visit, decline in ((declined, True), (cancelled, False)):
        workflow.visit_request_cancel(
            visit_request=visit,
            reason="Not safe at home",
            actor=CoordinatorFactory(),
            decline=decline,
        )
    assert not declined.messages.filter(kind=MessageKind.CANCELLED).exists()
    said = {}
    for visit, kind in ((declined, MessageKind.DECLINED), (cancelled, MessageKind.CANCELLED)):
        sms = render(family_message(visit, kind, Channel.SMS)).body
        email = render(family_message(visit, kind))
        said[kind] = (sms.replace(visit.reference, "REF"), email.subject, email.body)
        assert "+91 91374 41392" in sms
        assert "+91 91374 41392" in email.body
    decline_sms, decline_subject, decline_body = said[MessageKind.DECLINED]
    cancel_sms, cancel_subject, cancel_body = said[MessageKind.CANCELLED]
    assert decline_sms != cancel_sms
    assert decline_subject.replace(declined.reference, "") != cancel_subject.replace(
        cancelled.reference, ""
    )
    # The next step: the treating hospital, in each language.
    hospital = {"en": "treating hospital", "hi": "अस्पताल", "mr": "हॉस्पिटल"}[language]
    assert hospital in decline_sms
    assert hospital in decline_body
    assert hospital not in cancel_sms
    assert hospital not in cancel_body
    if language == "en":
        assert decline_sms == (
            "UHAPO: sorry, we cannot give visit REF at home. Please ask your treating "
            "hospital where to have the dose. Help: +91 91374 41392"
        )
        assert "What to do next" in decline_body
        # The staff's reason stays with staff.
        assert "Not safe at home" not in decline_body
    else:
        units = len(decline_sms.encode("utf-16-le")) // 2
        assert units <= SMS_BUDGET, (units, decline_sms)


def test_the_calendar_file_names_the_place_and_the_nurse():
    from booking.invites import calendar_invite

    start = THU_10
    visit = VisitRequestFactory(
        status="scheduled",
        nurse=NurseFactory(first_name="Asha"),
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
    )
    event = Calendar.from_ical(calendar_invite(visit)).walk("VEVENT")[0]
    assert (
        str(event["location"]) == "Flat 12, Imaginary Heights, Example Road, Andheri West, 400053"
    )
    assert "Nurse: Asha." in str(event["description"])
