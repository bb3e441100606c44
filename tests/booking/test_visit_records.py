"""The nurse's visit record (booking.visit_records): what closes a visit, and what is refused."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from booking import workflow
from booking.models import MessageKind, Status
from booking.visit_records import RecordRefused, visit_record_save
from care.models import VisitRecord
from outbox.models import MessageStatus
from tests.booking.visit_record_data import NOW, given_dose, ist, visit_to_record
from tests.factories import CourseFactory, MessageFactory, NurseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def nurse():
    return NurseFactory(first_name="Asha", last_name="Fictional")


def reminders(visit):
    return [
        MessageFactory(request=visit, kind=kind, due_at=ist(2026, 12, 9, 8, 0))
        for kind in (MessageKind.REMINDER_24H, MessageKind.REMINDER_2H)
    ]


def statuses(messages):
    for message in messages:
        message.refresh_from_db()
    return {message.status for message in messages}


def assert_nothing_saved(visit):
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert visit.closed_at is None
    assert not visit.events.exists()
    assert not VisitRecord.objects.filter(visit=visit).exists()


# --- what a record does --------------------------------------------------------------------


def test_a_dose_given_completes_the_visit_and_cancels_its_reminders(nurse):
    visit = visit_to_record(nurse)
    queued = reminders(visit)
    record = visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)

    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED
    assert visit.closed_at == NOW
    assert statuses(queued) == {MessageStatus.CANCELLED}
    event = visit.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("scheduled", "completed", nurse)
    assert event.changes == {"outcome": [None, "given"]}
    assert event.note == "Dose given"
    record.refresh_from_db()
    assert record.visit == visit
    assert record.recorded_by == nurse
    assert record.batch_number == "TEST-B123"
    assert record.temperature_before == Decimal("36.8")
    assert record.infusion_started_at == ist(2026, 12, 2, 8, 40)


def test_not_given_with_a_reason_closes_the_visit_as_not_given(nurse):
    visit = visit_to_record(nurse)
    queued = reminders(visit)
    data = given_dose(
        outcome="not_given",
        not_given_reason="Fever of 38.9 °C; the oncologist said to wait a week.",
        batch_number="",
        batch_expiry=None,
        infusion_started_at=None,
        infusion_ended_at=None,
        temperature_before=Decimal("38.9"),
    )
    record = visit_record_save(visit_request=visit, data=data, actor=nurse)
    visit.refresh_from_db()
    assert visit.status == Status.NOT_GIVEN
    assert record.outcome == "not_given"
    assert statuses(queued) == {MessageStatus.CANCELLED}
    event = visit.events.get()
    assert event.changes == {"outcome": [None, "not_given"]}
    assert "Fever of 38.9 °C" in event.note


def test_nobody_at_home_closes_the_visit_as_missed(nurse):
    visit = visit_to_record(nurse)
    data = {
        "outcome": "no_show",
        "arrived_at": ist(2026, 12, 2, 8, 5),
        "left_at": ist(2026, 12, 2, 8, 35),
        "not_given_reason": "  Nobody opened the door; both phones unanswered.  ",
    }
    record = visit_record_save(visit_request=visit, data=data, actor=nurse)
    visit.refresh_from_db()
    assert visit.status == Status.NO_SHOW
    assert record.not_given_reason == "Nobody opened the door; both phones unanswered."
    assert visit.events.get().to_status == "no_show"


def test_a_visit_is_recorded_once(nurse):
    visit = visit_to_record(nurse)
    visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    with pytest.raises(RecordRefused) as refused:
        visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    assert (
        "Only a scheduled visit can be recorded" in refused.value.message_dict[NON_FIELD_ERRORS][0]
    )
    assert VisitRecord.objects.count() == 1
    assert visit.events.count() == 1


def test_recording_a_visit_of_a_course_proposes_the_next_cycle(nurse):
    course = CourseFactory()
    visit = visit_to_record(nurse, course=course, patient=course.patient, cycle_number=2)
    visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    proposed = visit.next_visit
    assert (proposed.status, proposed.cycle_number) == (Status.PROPOSED, 3)
    assert proposed.preferred_date == datetime.date(2026, 12, 23)  # 21 days after the dose


def test_a_dose_not_given_proposes_the_same_cycle_again(nurse):
    course = CourseFactory()
    visit = visit_to_record(nurse, course=course, patient=course.patient, cycle_number=2)
    data = given_dose(
        outcome="not_given",
        not_given_reason="Fever.",
        batch_number="",
        infusion_started_at=None,
        infusion_ended_at=None,
    )
    visit_record_save(visit_request=visit, data=data, actor=nurse)
    assert visit.next_visit.cycle_number == 2


def test_mark_completed_leaves_a_visit_of_a_course_to_its_record(nurse):
    """Completing it without a record would propose no next cycle."""
    course = CourseFactory()
    visit = visit_to_record(nurse, course=course, patient=course.patient, cycle_number=1)
    with pytest.raises(ValidationError, match="closed by recording it"):
        workflow.visit_request_complete(visit_request=visit, actor=nurse)
    assert_nothing_saved(visit)


# --- never before the visit starts ----------------------------------------------------------


def test_a_nurse_cannot_record_a_visit_before_it_starts(nurse):
    """Three days early: refused, and the family's reminders stay queued."""
    visit = visit_to_record(nurse, ist(2026, 12, 5, 8, 0))
    queued = reminders(visit)
    with pytest.raises(RecordRefused) as refused:
        visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    assert "cannot be completed before it starts" in refused.value.message_dict[NON_FIELD_ERRORS][0]
    assert_nothing_saved(visit)
    assert statuses(queued) == {MessageStatus.PENDING}


def test_mark_completed_is_refused_before_the_visit_starts(nurse):
    visit = visit_to_record(nurse, ist(2026, 12, 2, 10, 30))
    queued = reminders(visit)
    with pytest.raises(ValidationError, match="cannot be completed before it starts"):
        workflow.visit_request_complete(visit_request=visit, actor=nurse)
    assert_nothing_saved(visit)
    assert statuses(queued) == {MessageStatus.PENDING}


def test_mark_completed_is_allowed_from_the_start_of_the_visit(nurse, clock):
    visit = visit_to_record(nurse, ist(2026, 12, 2, 10, 30))
    clock.move_to(ist(2026, 12, 2, 10, 30))
    workflow.visit_request_complete(visit_request=visit, actor=nurse)
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED


# --- every refusal, on its field, with nothing saved ----------------------------------------

REFUSALS = [
    ({"arrived_at": ist(2026, 12, 2, 10, 30)}, "arrived_at", "still in the future"),
    ({"left_at": ist(2026, 12, 2, 11, 0)}, "left_at", "still in the future"),
    ({"arrived_at": None}, "arrived_at", "Give the time you arrived"),
    ({"infusion_started_at": ist(2026, 12, 2, 7, 50)}, "infusion_started_at", "after you arrived"),
    (
        {"infusion_ended_at": ist(2026, 12, 2, 8, 40)},
        "infusion_ended_at",
        "after the infusion started",
    ),
    ({"left_at": ist(2026, 12, 2, 9, 0)}, "left_at", "after the infusion ended"),
    ({"infusion_started_at": None}, "infusion_started_at", "needed when the dose was given"),
    ({"infusion_ended_at": None}, "infusion_ended_at", "needed when the dose was given"),
    ({"left_at": None}, "left_at", "needed when the dose was given"),
    ({"bp_systolic_before": 300}, "bp_systolic_before", "from 60 to 260"),
    ({"bp_systolic_after": 55}, "bp_systolic_after", "from 60 to 260"),
    ({"bp_diastolic_before": 20}, "bp_diastolic_before", "from 30 to 160"),
    ({"bp_diastolic_before": 130}, "bp_diastolic_before", "must be below the systolic"),
    ({"pulse_before": 250}, "pulse_before", "from 30 to 220"),
    ({"temperature_before": Decimal("44.0")}, "temperature_before", "from 34 to 42"),
    ({"temperature_after": Decimal("33.5")}, "temperature_after", "from 34 to 42"),
    ({"spo2_before": 45}, "spo2_before", "from 50 to 100"),
    ({"weight_kg": Decimal("300")}, "weight_kg", "from 20 to 250 kg"),
    ({"pulse_before": None}, "pulse_before", "Needed before a dose is given"),
    ({"batch_number": " "}, "batch_number", "batch number"),
    ({"batch_expiry": None}, "batch_expiry", "expiry date"),
    ({"batch_expiry": datetime.date(2026, 12, 1)}, "batch_expiry", "expired before the visit"),
    ({"cold_chain_kept": None}, "cold_chain_kept", "kept at 2–8 °C"),
    ({"cold_chain_kept": False}, "cold_chain_kept", "Record the visit as not given"),
    ({"cold_chain_temperature": Decimal("11.5")}, "cold_chain_temperature", "outside 2–8 °C"),
    ({"cold_chain_temperature": Decimal("60")}, "cold_chain_temperature", "cannot be right"),
    ({"observation_minutes": 500}, "observation_minutes", "between 0 and 240"),
    ({"reaction_grade": 2}, "reaction_action", "what was done for the reaction"),
    ({"outcome": ""}, "outcome", "Choose how the visit ended"),
    ({"notes": "x" * 2001}, "notes", "under 2000 characters"),
    (
        {"outcome": "not_given", "batch_number": "", "batch_expiry": None},
        "not_given_reason",
        "why the dose was not given",
    ),
    (
        {"outcome": "not_given", "infusion_ended_at": None, "batch_number": ""},
        "infusion_started_at",
        "Leave this empty when no dose was given",
    ),
    (
        {"outcome": "no_show", "infusion_started_at": None, "infusion_ended_at": None},
        "not_given_reason",
        "nobody answered the door",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), REFUSALS)
def test_a_record_is_refused_on_the_field_at_fault(nurse, overrides, field, message):
    visit = visit_to_record(nurse)
    queued = reminders(visit)
    with pytest.raises(RecordRefused) as refused:
        visit_record_save(visit_request=visit, data=given_dose(**overrides), actor=nurse)
    errors = refused.value.message_dict
    assert field in errors, errors
    assert any(message.lower() in text.lower() for text in errors[field]), errors[field]
    assert_nothing_saved(visit)
    assert statuses(queued) == {MessageStatus.PENDING}


def test_every_refusal_is_told_at_once(nurse):
    visit = visit_to_record(nurse)
    data = given_dose(batch_number="", pulse_before=10, cold_chain_kept=False, reaction_grade=1)
    with pytest.raises(RecordRefused) as refused:
        visit_record_save(visit_request=visit, data=data, actor=nurse)
    assert set(refused.value.message_dict) == {
        "batch_number",
        "pulse_before",
        "cold_chain_kept",
        "reaction_action",
    }
    assert_nothing_saved(visit)


def test_a_reaction_with_what_was_done_is_recorded(nurse):
    visit = visit_to_record(nurse)
    data = given_dose(
        reaction_grade=2,
        reaction_action="Infusion paused 15 minutes, antihistamine given, then finished slower.",
    )
    record = visit_record_save(visit_request=visit, data=data, actor=nurse)
    assert record.get_reaction_grade_display().startswith("Grade 2")
