"""A visit that took place, and check-in answers, for the aftercare tests."""

from __future__ import annotations

from aftercare import triage
from aftercare.models import Grade
from booking.visit_records import visit_record_save
from tests.booking.visit_record_data import given_dose, visit_to_record
from tests.factories import CourseFactory, NurseFactory


def completed_visit(*, course=None, with_course: bool = True, **fields):
    """A dose given at the 08:00 visit of Wednesday 2 December 2026 (the clock must be after it)."""
    nurse = NurseFactory()
    if course is None and with_course:
        course = CourseFactory()
    if course is not None:
        fields.update(course=course, patient=course.patient, cycle_number=1)
    visit = visit_to_record(nurse, **fields)
    visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    visit.refresh_from_db()
    return visit


def green_answers() -> dict[str, str]:
    """The green answer to every question, by question id."""
    return {
        q.id: next(c.id for c in q.choices if c.grade == Grade.GREEN)
        for q in triage.rules().questions.values()
    }


def group_answers(group_id: str, **overrides: str) -> dict[str, str]:
    group = next(g for g in triage.rules().groups if g.id == group_id)
    answers = green_answers()
    answers.update(overrides)
    return {q.id: answers[q.id] for q in group.questions}
