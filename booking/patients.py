"""Who a request is for: finding the patient again, and starting their course.

A returning family fills in the same form as a new one. Staff see the
patients who may be the same person (same mobile, or same name and year of
birth) and confirm one, or say it is someone new; nothing is ever matched
or merged without that. Once the patient is known, their active course
takes the request as its next cycle.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from booking.models import Status, VisitRequest
from booking.workflow import actor_label_for, locked, record_event
from care.models import Course, CourseStatus, Patient, PatientHelper, Regimen


@dataclasses.dataclass(frozen=True)
class Candidate:
    patient: Patient
    reasons: tuple[str, ...]


def patient_candidates(visit_request: VisitRequest) -> list[Candidate]:
    """Patients who may be the one this request is for, with why; staff decide."""
    phones = {p for p in (visit_request.patient_phone, visit_request.caregiver_phone) if p}
    same_phone = Q(phone__in=phones) | Q(helpers__phone__in=phones)
    same_person = Q(full_name__iexact=visit_request.patient_name.strip())
    if visit_request.patient_birth_year:
        same_person &= Q(birth_year=visit_request.patient_birth_year)
    found = (
        Patient.objects.filter(anonymised_at__isnull=True)
        .filter(same_phone | same_person)
        .prefetch_related("helpers")
        .distinct()
    )
    candidates = []
    for patient in found:
        reasons = []
        if patient.phone in phones:
            reasons.append(_("same mobile as the patient"))
        if any(helper.phone in phones for helper in patient.helpers.all()):
            reasons.append(_("same mobile as a helper"))
        if patient.full_name.casefold() == visit_request.patient_name.strip().casefold():
            if patient.birth_year and patient.birth_year == visit_request.patient_birth_year:
                reasons.append(_("same name and year of birth"))
            else:
                reasons.append(_("same name"))
        candidates.append(Candidate(patient, tuple(reasons)))
    return candidates


def _next_cycle(course: Course) -> int:
    given = course.visits.filter(status=Status.COMPLETED).aggregate(n=Max("cycle_number"))["n"]
    return (given or 0) + 1


def _keep_helper(patient: Patient, visit_request: VisitRequest) -> None:
    if visit_request.caregiver_name and visit_request.caregiver_phone:
        PatientHelper.objects.get_or_create(
            patient=patient,
            phone=visit_request.caregiver_phone,
            defaults={
                "name": visit_request.caregiver_name,
                "relationship": visit_request.caregiver_relationship,
                "email": visit_request.caregiver_email,
            },
        )


@transaction.atomic
def visit_request_attach_patient(
    *, visit_request: VisitRequest, patient: Patient | None, actor: User
) -> VisitRequest:
    """Staff confirmed who the request is for: an existing patient, or (None) a new one.

    With an active course, the request becomes its next cycle.
    """
    visit_request = locked(visit_request)
    if visit_request.patient_id is not None:
        raise ValidationError(_("This request is already linked to a patient."), code="linked")
    if visit_request.anonymised_at is not None:
        raise ValidationError(_("This request's details were erased."), code="erased")
    created = patient is None
    if patient is None:
        patient = Patient.objects.create(
            full_name=visit_request.patient_name,
            birth_year=visit_request.patient_birth_year,
            phone=visit_request.patient_phone,
            email=visit_request.patient_email,
            language=visit_request.language,
            created_by=actor,
        )
    _keep_helper(patient, visit_request)
    visit_request.patient = patient
    changes: dict[str, tuple[object, object]] = {"patient": (None, str(patient))}
    fields = ["patient", "updated_at"]
    course = patient.courses.filter(status=CourseStatus.ACTIVE).first()
    if course is not None and visit_request.course_id is None:
        visit_request.course = course
        visit_request.cycle_number = _next_cycle(course)
        changes["course"] = (None, str(course))
        changes["cycle_number"] = (None, visit_request.cycle_number)
        fields += ["course", "cycle_number"]
    visit_request.save(update_fields=fields)
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("New patient record.") if created else _("Linked to an existing patient."),
        changes=changes,
    )
    return visit_request


@transaction.atomic
def course_start(
    *,
    visit_request: VisitRequest,
    regimen: Regimen,
    started_on: datetime.date,
    cycle_number: int,
    hospital: str,
    oncologist: str,
    interval_days: int | None = None,
    infusion_minutes: int | None = None,
    planned_cycles: int | None = None,
    end_date: datetime.date | None = None,
    handover_notes: str = "",
    actor: User,
) -> Course:
    """Start the patient's course of treatment with this request as one of its cycles."""
    visit_request = locked(visit_request)
    if visit_request.patient is None:
        raise ValidationError(_("Link the request to a patient first."), code="no_patient")
    if visit_request.course_id is not None:
        raise ValidationError(_("This request is already part of a course."), code="in_course")
    visit_day = (
        timezone.localdate(visit_request.scheduled_start)
        if visit_request.scheduled_start
        else visit_request.preferred_date
    )
    if started_on > visit_day:
        raise ValidationError(
            {
                "started_on": _(
                    "The course cannot start after this visit (%(day)s), one of its doses."
                )
                % {"day": formats.date_format(visit_day, "j M Y")}
            }
        )
    if planned_cycles is None and end_date is None:
        planned_cycles = regimen.max_cycles
    course = Course(
        patient=visit_request.patient,
        regimen=regimen,
        interval_days=interval_days or regimen.interval_days,
        infusion_minutes=infusion_minutes or regimen.infusion_minutes,
        planned_cycles=planned_cycles,
        end_date=end_date,
        hospital=hospital,
        oncologist=oncologist,
        started_on=started_on,
        handover_notes=handover_notes,
    )
    course.full_clean()
    if course.planned_cycles is not None and cycle_number > course.planned_cycles:
        raise ValidationError(
            {"cycle_number": _("The cycle cannot be after the last planned dose.")}
        )
    course._change_reason = f"started by {actor.get_username()}"  # type: ignore[attr-defined]
    course.save()
    visit_request.course = course
    visit_request.cycle_number = cycle_number
    visit_request.save(update_fields=["course", "cycle_number", "updated_at"])
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Course of treatment started."),
        changes={"course": (None, str(course)), "cycle_number": (None, cycle_number)},
    )
    return course
