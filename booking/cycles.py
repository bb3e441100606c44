"""The course of treatment, visit by visit: what comes after each visit's outcome.

When a visit of a course ends (the nurse's record says given, not given or
nobody at home), `propose_next` writes the next visit as a proposal: the
date at the regimen's interval (or, when the dose was missed, the same cycle
again soon), in status "proposed", and asks the family to confirm the day
from their private link (`visit_request_family_confirm`). Coordinators see
proposals and confirmed ones as "due to book". Nothing here matches a
family to a patient: staff do that (booking.patients).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import secrets
import uuid

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.models import (
    OPEN_STATUSES,
    Consent,
    MessageKind,
    Status,
    TimeOfDay,
    VisitRequest,
)
from booking.references import new_reference
from booking.workflow import locked, move_status, queue_kinds, record_event, staff_note
from care.models import CourseStatus

logger = logging.getLogger(__name__)

# A missed visit is offered again soon; a dose held back waits a week for the
# oncologist's word. Both dates are only proposals: staff and family change them.
RETRY_AFTER_NO_SHOW = datetime.timedelta(days=1)
RETRY_AFTER_NOT_GIVEN = datetime.timedelta(days=7)

# What the family filled in once and every later visit of the course repeats.
FAMILY_FIELDS = (
    "submitted_by",
    "patient_name",
    "patient_birth_year",
    "patient_phone",
    "patient_email",
    "caregiver_name",
    "caregiver_relationship",
    "caregiver_phone",
    "caregiver_email",
    "message_recipient",
    "address_line",
    "street",
    "area",
    "landmark",
    "pin_code",
    "service_area",
    "cancer_type",
    "medicine",
    "medicine_other",
    "has_prescription",
    "preferred_time",
    "language",
    "patient",
    "course",
)


@dataclasses.dataclass(frozen=True)
class NextStep:
    """What a visit's outcome means for the course, in words for staff."""

    cycle_number: int | None
    date: datetime.date | None
    text: str


def next_step(visit_request: VisitRequest) -> NextStep | None:
    """The next visit a closed visit of a course calls for, or None (not in a course, open)."""
    course = visit_request.course
    if course is None or visit_request.cycle_number is None:
        return None
    n = visit_request.cycle_number
    day = (
        timezone.localtime(visit_request.scheduled_start).date()
        if visit_request.scheduled_start
        else visit_request.preferred_date
    )
    if visit_request.status == Status.COMPLETED:
        date = day + datetime.timedelta(days=course.interval_days)
        if course.is_last_cycle(n, date):
            return NextStep(None, None, _("Last planned dose given: the course is complete."))
        return NextStep(
            n + 1,
            date,
            _("Cycle %(next)d is due on %(date)s, %(days)d days after this dose.")
            % {"next": n + 1, "date": date.strftime("%d %b %Y"), "days": course.interval_days},
        )
    if visit_request.status == Status.NOT_GIVEN:
        date = day + RETRY_AFTER_NOT_GIVEN
        return NextStep(
            n,
            date,
            _(
                "The dose of cycle %(n)d was not given, so cycle %(n)d is still due. "
                "Proposed for %(date)s; ask the oncologist before booking it."
            )
            % {"n": n, "date": date.strftime("%d %b %Y")},
        )
    if visit_request.status == Status.NO_SHOW:
        date = max(day + RETRY_AFTER_NO_SHOW, timezone.localdate())
        return NextStep(
            n,
            date,
            _(
                "The visit was missed, so cycle %(n)d is still due. Proposed for %(date)s; "
                "call the family to find a day."
            )
            % {"n": n, "date": date.strftime("%d %b %Y")},
        )
    return None


@transaction.atomic
def propose_next(*, visit_request: VisitRequest, actor: User | None) -> VisitRequest | None:
    """After a visit of a course ended, propose the next one and ask the family to confirm.

    Returns the proposed visit (the one proposed before, if this ran twice),
    or None when nothing follows: not in a course, the course is over or
    stopped, consent withdrawn.
    """
    visit_request = locked(visit_request)
    existing = VisitRequest.objects.filter(previous_visit=visit_request).first()
    if existing is not None:
        return existing
    step = next_step(visit_request)
    course = visit_request.course
    if step is None or course is None or course.status != CourseStatus.ACTIVE:
        return None
    if step.cycle_number is None or step.date is None:
        course.status = CourseStatus.FINISHED
        course._change_reason = "last planned dose given"  # type: ignore[attr-defined]
        course.save(update_fields=["status"])
        record_event(
            visit_request,
            from_status=visit_request.status,
            to_status=visit_request.status,
            actor=actor,
            actor_label=actor.get_username() if actor else "system",
            note=step.text,
        )
        return None
    consent = Consent.objects.filter(request=visit_request).first()
    if consent is None or consent.withdrawn_at is not None or visit_request.anonymised_at:
        return None
    proposed = VisitRequest(
        **{name: getattr(visit_request, name) for name in FAMILY_FIELDS},
        reference=new_reference(),
        submission_token=uuid.uuid4(),
        link_nonce=secrets.token_hex(8),
        status=Status.PROPOSED,
        cycle_number=step.cycle_number,
        previous_visit=visit_request,
        preferred_date=step.date,
        oncologist_name=course.oncologist,
        hospital_name=course.hospital,
        # Given at home before, so the first-dose rule is met.
        first_dose_in_hospital=True,
        had_infusion_reaction=visit_request.had_infusion_reaction or _had_reaction(visit_request),
    )
    proposed.needs_clinical_review = proposed.had_infusion_reaction
    proposed.save()
    Consent.objects.create(
        request=proposed,
        notice_version=consent.notice_version,
        notice_sha256=consent.notice_sha256,
        given_at=consent.given_at,
        method=consent.method,
        recorded_by=consent.recorded_by,
    )
    record_event(
        proposed,
        from_status="",
        to_status=Status.PROPOSED,
        actor=actor,
        actor_label="system",
        note=step.text,
        changes={"follows": (None, visit_request.reference)},
    )
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label="system",
        note=_("Next visit proposed: %(ref)s.") % {"ref": proposed.reference},
    )
    queue_kinds(proposed, [MessageKind.NEXT_CYCLE], due_at=timezone.now())
    logger.info("visit %s proposed after visit %s", proposed.pk, visit_request.pk)
    return proposed


def _had_reaction(visit_request: VisitRequest) -> bool:
    record = getattr(visit_request, "record", None)
    return bool(record and record.reaction_grade)


@transaction.atomic
def visit_request_family_confirm(
    *, visit_request: VisitRequest, date: datetime.date, time_of_day: str
) -> VisitRequest:
    """The family confirms (or changes) the day of a proposed visit from its link.

    The visit joins the coordinators' queue as a new request, and they are told.
    """
    visit_request = locked(visit_request)
    if visit_request.status != Status.PROPOSED:
        raise ValidationError(
            _("This visit has already been confirmed. Call us to change it."), code="confirmed"
        )
    if date < timezone.localdate():
        raise ValidationError({"date": _("Please choose today or a later day.")})
    if time_of_day not in TimeOfDay.values:
        raise ValidationError({"time_of_day": _("Please choose a time of day.")})
    changes = {}
    if visit_request.preferred_date != date:
        changes["preferred_date"] = (visit_request.preferred_date.isoformat(), date.isoformat())
    if visit_request.preferred_time != time_of_day:
        changes["preferred_time"] = (visit_request.preferred_time, time_of_day)
    visit_request.preferred_date = date
    visit_request.preferred_time = time_of_day
    visit_request.family_confirmed_at = timezone.now()
    move_status(
        visit_request,
        Status.NEW,
        actor=None,
        actor_label="family",
        note=staff_note(gettext_lazy("The family confirmed the day.")),
        changes=changes,
    )
    visit_request.save(
        update_fields=[
            "preferred_date",
            "preferred_time",
            "family_confirmed_at",
            "status",
            "updated_at",
        ]
    )
    queue_kinds(
        visit_request,
        [MessageKind.COORDINATOR_ALERT],
        due_at=timezone.now(),
        held_in_quiet_hours=False,
    )
    return visit_request


def due_to_book() -> Q:
    """Visits of a course waiting to be booked: proposed, or confirmed by the family."""
    return Q(course__isnull=False, status__in=[s for s in OPEN_STATUSES if s != Status.SCHEDULED])
