"""The nurse is told when a visit is put on her list, moved, or taken off it.

By email and, when her details hold a mobile, by SMS; in the staff's
language; the SMS names the visit, its time and area and links to its admin
page, never the diagnosis, the medicine or the family's address.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail

from booking import privacy, workflow
from booking.messages import render, still_wanted
from booking.models import Audience, MessageKind, VisitRequest
from care.models import NurseProfile
from outbox.models import Channel, Message, MessageStatus
from outbox.tasks import deliver_due_messages
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


THU_10 = ist(2026, 12, 3, 10, 0)
FRI_11 = ist(2026, 12, 4, 11, 0)
ASHA_PHONE, MEERA_PHONE = "+919820011111", "+919820022222"


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)


def nurse_with_mobile(first_name: str, phone: str):
    nurse = NurseFactory(first_name=first_name, last_name="Fictional")
    NurseProfile.objects.create(user=nurse, phone=phone)
    return nurse


@pytest.fixture
def asha():
    return nurse_with_mobile("Asha", ASHA_PHONE)


@pytest.fixture
def meera():
    return nurse_with_mobile("Meera", MEERA_PHONE)


@pytest.fixture
def visit():
    return VisitRequestFactory(
        area="Andheri East",
        address_line="Flat 12, Imaginary Heights",
        street="Example Road",
        landmark="Near the temple",
        pin_code="400069",
        cancer_type="Lung cancer",
        medicine="pembrolizumab",
        handover_notes="Reaction in cycle 2: premedication as the oncologist advised.",
    )


def book(visit, start, nurse, *, deliver, hours: float = 2):
    """Schedule, and (like the worker after commit) send what is due at once."""
    with deliver(execute=True):
        return workflow.visit_request_schedule(
            visit_request=visit, start=start, end=start + hours * H, nurse=nurse, actor=None
        )


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def told(visit: VisitRequest) -> list[tuple[str, str, str, int]]:
    rows = visit.messages.filter(audience=Audience.NURSE).order_by("pk")
    return [(m.kind, m.channel, m.recipient, m.schedule_version) for m in rows]


def text(visit, kind, recipient, version=None) -> str:
    rows = visit.messages.filter(audience=Audience.NURSE, kind=kind, recipient=recipient)
    if version is not None:
        rows = rows.filter(schedule_version=version)
    return render(rows.get()).body


NOT_FOR_AN_SMS = (
    "Lung cancer",
    "embrolizumab",
    "Keytruda",
    "Flat 12",
    "Imaginary Heights",
    "Example Road",
    "Near the temple",
    "400069",
    "premedication",
    "Testina",
    "98200 12345",
    "/request/",  # the family's private link
)


def test_the_nurse_is_told_of_an_assignment_by_email_and_sms(visit, asha, deliver):
    book(visit, THU_10, asha, deliver=deliver)
    assert told(visit) == [
        (MessageKind.NURSE_ASSIGNED, Channel.SMS, ASHA_PHONE, 1),
        (MessageKind.NURSE_ASSIGNED, Channel.EMAIL, asha.email, 1),
    ]
    rows = visit.messages.filter(audience=Audience.NURSE)
    assert set(rows.values_list("language", "status")) == {("en", MessageStatus.SENT)}

    (sms,) = [s["body"] for s in RecordingSmsBackend.sent if s["to"] == ASHA_PHONE]
    admin_page = f"http://127.0.0.1:8000/admin/booking/visitrequest/{visit.pk}/change/"
    assert sms == (
        f"UHAPO: new visit for you, {visit.reference}, Thu 3 Dec, 10:00 AM-12:00 PM, "
        f"Andheri East. Details: {admin_page}"
    )
    for detail in NOT_FOR_AN_SMS:
        assert detail not in sms, detail

    (email,) = [m for m in mail.outbox if m.to == [asha.email]]
    assert email.subject == f"New visit for you: {visit.reference}, Thursday 3 December, 10:00 AM"
    assert "between 10:00 AM and 12:00 PM, in Andheri East" in email.body
    assert "for the address, the family's phone numbers and the notes for the nurse" in email.body
    assert admin_page in email.body
    assert email.attachments == []
    for detail in NOT_FOR_AN_SMS:
        assert detail not in email.body, detail


def test_a_nurse_without_a_mobile_in_her_details_is_told_by_email(visit, deliver):
    nurse = NurseFactory()
    book(visit, THU_10, nurse, deliver=deliver)
    assert told(visit) == [(MessageKind.NURSE_ASSIGNED, Channel.EMAIL, nurse.email, 1)]


def test_a_move_with_the_same_nurse_is_told_as_a_move(visit, asha, deliver):
    book(visit, THU_10, asha, deliver=deliver)
    book(visit, FRI_11, asha, deliver=deliver)
    assert told(visit)[2:] == [
        (MessageKind.NURSE_MOVED, Channel.SMS, ASHA_PHONE, 2),
        (MessageKind.NURSE_MOVED, Channel.EMAIL, asha.email, 2),
    ]
    sms = text(visit, MessageKind.NURSE_MOVED, ASHA_PHONE)
    assert sms.startswith(
        f"UHAPO: visit {visit.reference} moved from Thu 3 Dec, 10:00 AM to Fri 4 Dec, "
        "11:00 AM-1:00 PM, Andheri East. Details: http"
    )
    for detail in NOT_FOR_AN_SMS:
        assert detail not in sms, detail
    email = render(visit.messages.get(kind=MessageKind.NURSE_MOVED, channel=Channel.EMAIL))
    assert email.subject == f"Visit {visit.reference} moved to Friday 4 December, 11:00 AM"
    assert "It was on Thursday 3 December 2026, between 10:00 AM and 12:00 PM." in email.body
    assert "It is now on Friday 4 December 2026, between 11:00 AM and 1:00 PM." in email.body


def test_a_reassigned_visit_leaves_the_old_nurses_list_and_joins_the_new_ones(
    visit, asha, meera, deliver
):
    book(visit, THU_10, asha, deliver=deliver)
    book(visit, FRI_11, meera, deliver=deliver)
    assert told(visit) == [
        (MessageKind.NURSE_ASSIGNED, Channel.SMS, ASHA_PHONE, 1),
        (MessageKind.NURSE_ASSIGNED, Channel.EMAIL, asha.email, 1),
        # Of the schedule Asha was told of (version 1), the time she knew.
        (MessageKind.NURSE_CANCELLED, Channel.SMS, ASHA_PHONE, 1),
        (MessageKind.NURSE_CANCELLED, Channel.EMAIL, asha.email, 1),
        (MessageKind.NURSE_ASSIGNED, Channel.SMS, MEERA_PHONE, 2),
        (MessageKind.NURSE_ASSIGNED, Channel.EMAIL, meera.email, 2),
    ]
    to_asha = [s["body"] for s in RecordingSmsBackend.sent if s["to"] == ASHA_PHONE]
    assert to_asha[1] == (
        f"UHAPO: visit {visit.reference}, Thu 3 Dec, 10:00 AM, Andheri East is off your list. "
        "Please do not go. Questions: +91 91374 41392"
    )
    (to_meera,) = [s["body"] for s in RecordingSmsBackend.sent if s["to"] == MEERA_PHONE]
    assert "Fri 4 Dec, 11:00 AM-1:00 PM" in to_meera
    for detail in NOT_FOR_AN_SMS:
        assert detail not in to_asha[1], detail
    (off,) = [m for m in mail.outbox if m.to == [asha.email] and "off your list" in m.subject]
    assert off.subject == f"Visit {visit.reference} on Thursday 3 December is off your list"
    assert "Another nurse will give it." in off.body
    assert set(visit.messages.filter(audience="nurse").values_list("status", flat=True)) == {
        MessageStatus.SENT
    }


@pytest.mark.parametrize("decline", [False, True])
def test_a_cancelled_or_declined_visit_leaves_the_nurses_list(visit, asha, deliver, decline):
    book(visit, THU_10, asha, deliver=deliver)
    with deliver(execute=True):
        workflow.visit_request_cancel(
            visit_request=visit, reason="Admitted", actor=CoordinatorFactory(), decline=decline
        )
    assert told(visit)[2:] == [
        (MessageKind.NURSE_CANCELLED, Channel.SMS, ASHA_PHONE, 1),
        (MessageKind.NURSE_CANCELLED, Channel.EMAIL, asha.email, 1),
    ]
    (off,) = [m for m in mail.outbox if m.to == [asha.email] and "off your list" in m.subject]
    assert "The visit was cancelled." in off.body
    assert "Admitted" not in off.body


def test_erasing_a_booked_visit_at_the_familys_request_still_tells_the_nurse(visit, asha, deliver):
    book(visit, THU_10, asha, deliver=deliver)
    before = set(visit.messages.values_list("pk", flat=True))
    RecordingSmsBackend.sent.clear()
    with deliver(execute=True):
        privacy.visit_request_withdraw_consent(visit_request=visit, actor=CoordinatorFactory())
    # The family is sent nothing (their details are gone); the nurse is told not to go.
    new = visit.messages.exclude(pk__in=before)
    assert set(new.values_list("kind", "audience", "recipient")) == {
        (MessageKind.NURSE_CANCELLED, Audience.NURSE, asha.email),
        (MessageKind.NURSE_CANCELLED, Audience.NURSE, ASHA_PHONE),
    }
    (sms,) = RecordingSmsBackend.sent
    assert sms["to"] == ASHA_PHONE
    assert f"UHAPO: visit {visit.reference}, Thu 3 Dec, 10:00 AM" in sms["body"]
    assert "is off your list" in sms["body"]
    # The area the family typed was erased with their address.
    assert "Andheri East" not in sms["body"]


def test_an_unsent_assignment_for_a_visit_since_off_her_list_never_goes_out(
    visit, asha, meera, time_machine, deliver
):
    """Booked at night: the email goes, the SMS waits for 8 am; by then Meera has the visit."""
    time_machine.move_to(ist(2026, 12, 1, 22, 0), tick=False)
    book(visit, THU_10, asha, deliver=deliver)
    time_machine.move_to(ist(2026, 12, 1, 22, 30), tick=False)
    book(visit, THU_10, meera, deliver=deliver)
    time_machine.move_to(ist(2026, 12, 2, 8, 0), tick=False)
    deliver_due_messages()

    def status(kind, recipient):
        return visit.messages.get(kind=kind, recipient=recipient).status

    assert status(MessageKind.NURSE_ASSIGNED, asha.email) == MessageStatus.SENT
    # She never had the SMS, so she gets neither it nor the SMS taking it back.
    assert status(MessageKind.NURSE_ASSIGNED, ASHA_PHONE) == MessageStatus.CANCELLED
    assert status(MessageKind.NURSE_CANCELLED, ASHA_PHONE) == MessageStatus.CANCELLED
    # She had the email, so she is told by email that the visit left her list.
    assert status(MessageKind.NURSE_CANCELLED, asha.email) == MessageStatus.SENT
    assert status(MessageKind.NURSE_ASSIGNED, MEERA_PHONE) == MessageStatus.SENT
    nurses = (ASHA_PHONE, MEERA_PHONE)
    assert [s["to"] for s in RecordingSmsBackend.sent if s["to"] in nurses] == [MEERA_PHONE]


def test_nurse_messages_are_not_dropped_when_the_visit_moves_again(visit, asha, time_machine):
    """Two moves in the night: both go in the morning, each saying what it moved."""
    time_machine.move_to(ist(2026, 12, 1, 22, 0), tick=False)
    for start in (THU_10, FRI_11, FRI_11 + 3 * H):
        workflow.visit_request_schedule(
            visit_request=visit, start=start, end=start + 2 * H, nurse=asha, actor=None
        )
    moves = Message.objects.filter(kind=MessageKind.NURSE_MOVED, channel=Channel.SMS).order_by(
        "schedule_version"
    )
    assert [m.status for m in moves] == [MessageStatus.PENDING] * 2
    assert all(still_wanted(m) for m in moves)
    first, second = (render(m).body for m in moves)
    assert "from Thu 3 Dec, 10:00 AM to Fri 4 Dec, 11:00 AM-1:00 PM" in first
    assert "from Fri 4 Dec, 11:00 AM to Fri 4 Dec, 2:00 PM-4:00 PM" in second


def test_each_nurse_message_has_its_own_outbox_row_across_reassignments(visit, asha, meera):
    """The outbox's rule (subject, kind, channel, audience, schedule_version) holds."""
    for nurse in (asha, meera, asha):
        visit = workflow.visit_request_schedule(
            visit_request=visit, start=THU_10, end=THU_10 + 2 * H, nurse=nurse, actor=None
        )
    workflow.visit_request_cancel(visit_request=visit, reason="Admitted", actor=None)
    rows = visit.messages.filter(audience="nurse", channel=Channel.EMAIL).order_by("pk")
    assert [(m.kind, m.recipient, m.schedule_version) for m in rows] == [
        (MessageKind.NURSE_ASSIGNED, asha.email, 1),
        (MessageKind.NURSE_CANCELLED, asha.email, 1),
        (MessageKind.NURSE_ASSIGNED, meera.email, 2),
        (MessageKind.NURSE_CANCELLED, meera.email, 2),
        (MessageKind.NURSE_ASSIGNED, asha.email, 3),
        (MessageKind.NURSE_CANCELLED, asha.email, 3),
    ]


def test_a_visit_that_has_already_begun_is_not_taken_off_a_list_by_message(asha, time_machine):
    visit = workflow.visit_request_schedule(
        visit_request=VisitRequestFactory(),
        start=ist(2026, 12, 1, 11, 0),
        end=ist(2026, 12, 1, 13, 0),
        nurse=asha,
        actor=None,
    )
    time_machine.move_to(ist(2026, 12, 1, 12, 0), tick=False)
    workflow.visit_request_cancel(visit_request=visit, reason="Stopped early", actor=None)
    assert not visit.messages.filter(kind=MessageKind.NURSE_CANCELLED).exists()
