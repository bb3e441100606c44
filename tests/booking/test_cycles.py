"""A course, visit by visit: the next cycle proposed after each outcome, confirmed by the family."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from booking import cycles
from booking.links import status_path
from booking.messages import render
from booking.models import Audience, MessageKind, Status, VisitRequest
from care.models import CourseStatus
from outbox.models import Channel, Message
from tests.factories import CourseFactory, NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NOW = datetime.datetime(2026, 12, 7, 11, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def closed_visit(status=Status.COMPLETED, cycle=1, course=None, **extra):
    course = course or CourseFactory()
    start = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=IST)
    return VisitRequestFactory(
        course=course,
        patient=course.patient,
        cycle_number=cycle,
        status=status,
        nurse=NurseFactory(),
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
        closed_at=NOW,
        **extra,
    )


def test_the_next_cycle_is_proposed_at_the_regimens_interval_after_a_dose():
    visit = closed_visit()

    proposed = cycles.propose_next(visit_request=visit, actor=None)

    assert proposed.status == Status.PROPOSED
    assert proposed.cycle_number == 2
    assert proposed.preferred_date == datetime.date(2026, 12, 28)  # 21 days on
    assert proposed.course == visit.course
    assert proposed.patient == visit.patient
    assert proposed.previous_visit == visit
    assert proposed.reference != visit.reference
    assert proposed.consent.notice_sha256 == visit.consent.notice_sha256
    assert proposed.events.get().to_status == Status.PROPOSED
    kinds = set(Message.objects.filter(subject_id=proposed.pk).values_list("kind", flat=True))
    assert kinds == {MessageKind.NEXT_CYCLE}


def test_the_interval_is_the_courses_own_when_the_oncologist_changed_it():
    course = CourseFactory(interval_days=42)
    proposed = cycles.propose_next(visit_request=closed_visit(course=course), actor=None)
    assert proposed.preferred_date == datetime.date(2027, 1, 18)


def test_proposing_twice_gives_the_same_visit():
    visit = closed_visit()
    first = cycles.propose_next(visit_request=visit, actor=None)
    second = cycles.propose_next(visit_request=visit, actor=None)
    assert first == second
    assert VisitRequest.objects.filter(previous_visit=visit).count() == 1


def test_a_dose_not_given_keeps_the_cycle_due_and_says_to_ask_the_oncologist():
    visit = closed_visit(status=Status.NOT_GIVEN, cycle=3)

    step = cycles.next_step(visit)
    proposed = cycles.propose_next(visit_request=visit, actor=None)

    assert proposed.cycle_number == 3
    assert proposed.preferred_date == datetime.date(2026, 12, 14)
    assert "oncologist" in step.text


def test_a_missed_visit_is_offered_again_soon_with_the_same_cycle():
    visit = closed_visit(status=Status.NO_SHOW, cycle=2)
    proposed = cycles.propose_next(visit_request=visit, actor=None)
    assert proposed.cycle_number == 2
    assert proposed.preferred_date == datetime.date(2026, 12, 8)
    assert "call the family" in cycles.next_step(visit).text


def test_after_the_last_planned_dose_the_course_is_finished_and_nothing_is_proposed():
    course = CourseFactory(planned_cycles=4)
    visit = closed_visit(course=course, cycle=4)

    assert cycles.propose_next(visit_request=visit, actor=None) is None

    course.refresh_from_db()
    assert course.status == CourseStatus.FINISHED
    assert "complete" in visit.events.last().note


def test_a_visit_outside_any_course_proposes_nothing():
    visit = VisitRequestFactory(status=Status.COMPLETED)
    assert cycles.propose_next(visit_request=visit, actor=None) is None
    assert VisitRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "dose 2"), ("hi", "ख़ुराक 2"), ("mr", "डोस 2")],
)
def test_the_family_is_asked_to_confirm_in_its_language_with_its_link(language, words):
    visit = closed_visit(language=language, patient_email="")
    proposed = cycles.propose_next(visit_request=visit, actor=None)
    sms = Message.objects.get(subject_id=proposed.pk, channel=Channel.SMS)

    text = render(sms).body

    assert sms.audience == Audience.PATIENT
    assert words in text
    assert status_path(proposed) in text
    assert "Lung" not in text
    assert "embrolizumab" not in text


def test_the_family_confirms_the_day_from_its_link(client):
    proposed = cycles.propose_next(visit_request=closed_visit(), actor=None)
    url = reverse("booking:confirm", kwargs={"token": status_path(proposed).split("/")[-2]})

    page = client.get(url)
    assert page.status_code == 200
    assert "28 December" in page.content.decode()

    response = client.post(url, {"date": "2026-12-29", "time_of_day": "afternoon"})

    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Status.NEW
    assert proposed.preferred_date == datetime.date(2026, 12, 29)
    assert proposed.family_confirmed_at is not None
    event = proposed.events.last()
    assert event.actor_label == "family"
    assert event.changes["preferred_date"] == ["2026-12-28", "2026-12-29"]
    alert = Message.objects.get(subject_id=proposed.pk, kind=MessageKind.COORDINATOR_ALERT)
    assert alert.audience == Audience.COORDINATOR
    status_page = client.get(response["Location"]).content.decode()
    assert "the day is confirmed" in status_page


def test_a_day_that_was_not_offered_is_refused_next_to_the_field(client):
    proposed = cycles.propose_next(visit_request=closed_visit(), actor=None)
    url = reverse("booking:confirm", kwargs={"token": status_path(proposed).split("/")[-2]})

    response = client.post(url, {"date": "2026-12-01", "time_of_day": "afternoon"})

    assert response.status_code == 400
    assert 'href="#id_date"' in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED


def test_a_confirmed_visit_cannot_be_confirmed_again():
    proposed = cycles.propose_next(visit_request=closed_visit(), actor=None)
    cycles.visit_request_family_confirm(
        visit_request=proposed, date=datetime.date(2026, 12, 28), time_of_day="morning"
    )
    with pytest.raises(ValidationError):
        cycles.visit_request_family_confirm(
            visit_request=proposed, date=datetime.date(2026, 12, 29), time_of_day="morning"
        )


def test_proposed_and_confirmed_visits_are_due_to_book():
    proposed = cycles.propose_next(visit_request=closed_visit(), actor=None)
    other = cycles.propose_next(visit_request=closed_visit(), actor=None)
    cycles.visit_request_family_confirm(
        visit_request=other, date=datetime.date(2026, 12, 28), time_of_day="morning"
    )
    due = set(VisitRequest.objects.filter(cycles.due_to_book()))
    assert due == {proposed, other}


def test_the_status_page_names_the_nurse_and_her_registration(client):
    from care.models import NurseProfile

    nurse = NurseFactory(first_name="Asha")
    NurseProfile.objects.create(user=nurse, phone="+919800000001", registration_number="MNC-0000")
    start = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=IST)
    visit = VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
    )
    page = client.get(status_path(visit)).content.decode()
    assert "Asha" in page
    assert "MNC-0000" in page
