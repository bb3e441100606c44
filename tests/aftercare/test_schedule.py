"""Check-in invitations: written when a visit is completed, at the configured days,
stopped when the course ends, consent is withdrawn or a later visit takes over."""

from __future__ import annotations

import pytest
import time_machine

from aftercare.models import CheckIn, CheckInStatus
from aftercare.services import checkins_stop_for_course
from booking import privacy, workflow
from booking.models import Status
from care.models import CourseStatus
from outbox import dispatch
from outbox.models import Channel, MessageStatus
from outbox.queueing import messages_of
from tests.aftercare.checkins import completed_visit
from tests.booking.visit_record_data import NOW, ist, visit_to_record
from tests.factories import NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def invitations(visit):
    return {
        c.day: list(messages_of(c).values_list("channel", "due_at", "status"))
        for c in CheckIn.objects.filter(visit=visit).order_by("day")
    }


def test_a_completed_visit_of_an_active_course_invites_on_days_1_3_7_then_weekly():
    visit = completed_visit()
    days = list(CheckIn.objects.filter(visit=visit).order_by("day").values_list("day", flat=True))
    assert days == [1, 3, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84]
    rows = invitations(visit)
    # One SMS and one email (the factory's patient has both), at 10:00 IST on the day.
    assert sorted(rows[1]) == sorted(
        [
            (Channel.SMS, ist(2026, 12, 3, 10, 0), MessageStatus.PENDING),
            (Channel.EMAIL, ist(2026, 12, 3, 10, 0), MessageStatus.PENDING),
        ]
    )
    assert rows[7][0][1] == ist(2026, 12, 9, 10, 0)


def test_the_schedule_is_a_setting(settings):
    settings.CHECKIN_DAYS = [2, 5]
    settings.CHECKIN_WEEKLY_UNTIL_DAY = 19
    visit = completed_visit()
    assert sorted(CheckIn.objects.filter(visit=visit).values_list("day", flat=True)) == [
        2,
        5,
        12,
        19,
    ]


def test_a_visit_outside_a_course_gets_only_the_fixed_days():
    nurse = NurseFactory()
    visit = visit_to_record(nurse, start=ist(2026, 12, 2, 8, 0))
    workflow.visit_request_complete(visit_request=visit, actor=nurse)
    assert sorted(CheckIn.objects.filter(visit=visit).values_list("day", flat=True)) == [1, 3, 7]


def test_a_dose_not_given_writes_no_schedule():
    nurse = NurseFactory()
    visit = visit_to_record(nurse)
    from booking.visit_records import visit_record_save
    from tests.booking.visit_record_data import given_dose

    data = given_dose(
        outcome="not_given",
        not_given_reason="Fever of 38.4 on arrival.",
        batch_number="",
        batch_expiry=None,
        cold_chain_kept=None,
        cold_chain_temperature=None,
        infusion_started_at=None,
        infusion_ended_at=None,
        observation_minutes=None,
    )
    visit_record_save(visit_request=visit, data=data, actor=nurse)
    assert not CheckIn.objects.filter(visit=visit).exists()


def test_an_invitation_goes_out_on_its_day_with_a_link_in_the_familys_language(clock, mailoutbox):
    visit = completed_visit(language="hi")
    clock.move_to(ist(2026, 12, 3, 10, 1))
    day_one = CheckIn.objects.get(visit=visit, day=1)
    ids = set(messages_of(day_one).values_list("pk", flat=True))
    assert ids <= set(dispatch.messages_due())
    assert all(dispatch.message_deliver(message_id=pk) for pk in ids)
    assert messages_of(day_one).filter(status=MessageStatus.SENT).count() == 2
    (email,) = [m for m in mailoutbox if "/checkin/" in m.body]
    assert "/hi/checkin/" in email.body
    assert visit.patient_name not in email.body


def test_ending_the_course_stops_the_invitations_not_yet_sent(clock):
    visit = completed_visit()
    course = visit.course
    course.status = CourseStatus.STOPPED
    course.save()
    assert checkins_stop_for_course(course_id=course.pk) == 14
    assert set(CheckIn.objects.filter(visit=visit).values_list("status", flat=True)) == {
        CheckInStatus.STOPPED
    }
    assert (
        not messages_of(CheckIn.objects.filter(visit=visit).first())
        .filter(status=MessageStatus.PENDING)
        .exists()
    )


def test_a_weekly_invitation_due_after_the_course_ended_is_not_sent(clock):
    """Even when nobody stopped them: the invitation checks the course when its turn comes."""
    visit = completed_visit()
    type(visit.course).objects.filter(pk=visit.course.pk).update(status=CourseStatus.FINISHED)
    clock.move_to(ist(2026, 12, 16, 10, 1))  # day 14
    due = dispatch.messages_due()
    results = {pk: dispatch.message_deliver(message_id=pk) for pk in due}
    day_14 = CheckIn.objects.get(visit=visit, day=14)
    assert set(messages_of(day_14).values_list("status", flat=True)) == {MessageStatus.CANCELLED}
    day_7 = CheckIn.objects.get(visit=visit, day=7)
    # The fixed days after a dose still go (its side effects do not stop with the course).
    assert set(messages_of(day_7).values_list("status", flat=True)) == {MessageStatus.SENT}
    assert results


def test_withdrawing_consent_stops_every_invitation():
    visit = completed_visit()
    privacy.visit_request_withdraw_consent(visit_request=visit, actor=None)
    statuses = set()
    for checkin in CheckIn.objects.filter(visit=visit):
        statuses |= set(messages_of(checkin).values_list("status", flat=True))
        assert checkin.status == CheckInStatus.STOPPED
    assert statuses == {MessageStatus.CANCELLED}


def test_the_next_visit_replaces_the_previous_visits_schedule(clock):
    first = completed_visit()
    course = first.course
    clock.move_to(ist(2026, 12, 23, 10, 0))
    second = completed_visit(
        course=course,
        start=ist(2026, 12, 23, 8, 0),
    )
    left = CheckIn.objects.filter(visit=first, status=CheckInStatus.WAITING)
    assert not left.exists()
    assert CheckIn.objects.filter(visit=second, status=CheckInStatus.WAITING).count() == 14


def test_no_schedule_for_a_request_that_was_never_visited():
    visit = VisitRequestFactory(status=Status.CANCELLED)
    from aftercare.services import checkins_schedule

    assert checkins_schedule(visit_request=visit) == []
