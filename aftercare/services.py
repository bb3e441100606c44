"""Every write of aftercare: the schedule after a visit, the family's answers and
their triage, staff's outcome. Keyword-only, atomic, checked before saving."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare import triage
from aftercare.messages import INVITE, family_invite_routes, on_call_routes
from aftercare.models import (
    Action,
    Answer,
    CheckIn,
    CheckInStatus,
    Grade,
    OutcomeEvent,
    StartedBy,
)
from booking.models import Status, VisitRequest
from booking.triage import WORKDAY_END, WORKDAY_START, in_ist
from care.models import CourseStatus
from outbox.queueing import cancel_pending, queue_messages

# Invitations go out at this time of the visit's day + N (a family awake, a coordinator at work).
INVITE_TIME = datetime.time(10, 0)
# Only a dose given starts a schedule; a dose held back leaves the last one running.
CLOSED_BY_A_VISIT = (Status.COMPLETED,)


def schedule_days(*, course_active: bool) -> list[int]:
    """Days after a visit: the fixed ones (1, 3, 7), then weekly while the course is active."""
    days = sorted(set(settings.CHECKIN_DAYS))
    if course_active and days:
        day = days[-1] + 7
        while day <= settings.CHECKIN_WEEKLY_UNTIL_DAY:
            days.append(day)
            day += 7
    return days


def _stop(checkins: QuerySet[CheckIn]) -> int:
    stopped = 0
    for checkin in checkins:
        cancel_pending(subject=checkin)
        stopped += CheckIn.objects.filter(pk=checkin.pk, status=CheckInStatus.WAITING).update(
            status=CheckInStatus.STOPPED
        )
    return stopped


def _waiting(**filters: object) -> QuerySet[CheckIn]:
    return CheckIn.objects.select_for_update().filter(
        status=CheckInStatus.WAITING, started_by=StartedBy.SCHEDULE, **filters
    )


@transaction.atomic
def checkins_schedule(*, visit_request: VisitRequest) -> list[CheckIn]:
    """After a visit that took place: check-ins on day 1, 3, 7 (then weekly while the
    course is active), each with its invitation as outbox rows due on that day.

    The previous visit's invitations not yet answered are stopped: this
    visit's schedule replaces them. Nothing is written for a family that
    withdrew consent.
    """
    if visit_request.anonymised_at is not None or visit_request.status not in CLOSED_BY_A_VISIT:
        return []
    if visit_request.patient_id is not None:
        _stop(_waiting(visit__patient_id=visit_request.patient_id).exclude(visit=visit_request))
    course = visit_request.course
    active = course is not None and course.status == CourseStatus.ACTIVE
    start = visit_request.scheduled_start or timezone.now()
    visit_day = timezone.localtime(start).date()
    created = []
    for day in schedule_days(course_active=active):
        if CheckIn.objects.filter(visit=visit_request, day=day).exists():
            continue
        due = in_ist(visit_day + datetime.timedelta(days=day), INVITE_TIME)
        checkin = CheckIn(visit=visit_request, day=day, due_at=due, link_nonce=secrets.token_hex(8))
        checkin.full_clean()
        checkin.save()
        queue_messages(subject=checkin, routes=family_invite_routes(visit_request), due_at=due)
        created.append(checkin)
    return created


@transaction.atomic
def checkins_stop(*, visit_requests: list[VisitRequest]) -> int:
    """Stop the waiting check-ins of these visits and cancel their invitations."""
    return _stop(
        CheckIn.objects.select_for_update().filter(
            visit__in=visit_requests, status=CheckInStatus.WAITING
        )
    )


@transaction.atomic
def checkins_stop_for_course(*, course_id: int) -> int:
    """A course that ended sends no more invitations (an open family check-in stays)."""
    return _stop(_waiting(visit__course_id=course_id))


def anchor_visit(visit_request: VisitRequest) -> VisitRequest:
    """The visit a family's own check-in follows: the patient's last visit that took place."""
    if visit_request.patient_id is None:
        return visit_request
    last = (
        VisitRequest.objects.filter(
            patient_id=visit_request.patient_id, status__in=CLOSED_BY_A_VISIT
        )
        .order_by("-scheduled_start", "-pk")
        .first()
    )
    return last or visit_request


@transaction.atomic
def checkin_start_by_family(*, visit_request: VisitRequest) -> CheckIn:
    """The family starts a check-in from the private link: one already invited and
    due is reused, else a new one is opened."""
    visit = anchor_visit(visit_request)
    now = timezone.now()
    open_one = (
        CheckIn.objects.filter(visit=visit, status=CheckInStatus.WAITING, due_at__lte=now)
        .order_by("-due_at")
        .first()
    )
    if open_one is not None:
        return open_one
    checkin = CheckIn(
        visit=visit,
        started_by=StartedBy.FAMILY,
        due_at=now,
        link_nonce=secrets.token_hex(8),
    )
    checkin.full_clean()
    checkin.save()
    return checkin


def _locked(checkin: CheckIn) -> CheckIn:
    return CheckIn.objects.select_for_update().select_related("visit").get(pk=checkin.pk)


@transaction.atomic
def checkin_answer_group(*, checkin: CheckIn, group_id: str, answers: Mapping[str, str]) -> CheckIn:
    """Save one screen's answers. A red result (one red answer, or two ambers so far)
    ends the check-in at once, so the family is told to call without more
    questions; the last screen ends it in any case."""
    checkin = _locked(checkin)
    if checkin.status != CheckInStatus.WAITING:
        raise ValidationError(_("This check-in has already been sent."), code="answered")
    rules = triage.rules()
    group = next((g for g in rules.groups if g.id == group_id), None)
    if group is None:
        raise ValidationError(_("This part of the check-in does not exist."), code="group")
    problems = {}
    graded = {}
    for question in group.questions:
        answer = answers.get(question.id, "")
        try:
            graded[question.id] = (answer, triage.answer_grade(question.id, answer))
        except StopIteration:
            problems[question.id] = _("Please choose one answer.")
    if problems:
        raise ValidationError(problems)
    for question_id, (answer, grade) in graded.items():
        Answer.objects.update_or_create(
            checkin=checkin, question=question_id, defaults={"answer": answer, "grade": grade}
        )
    grade = triage.overall_grade(checkin.answers.values_list("grade", flat=True))
    if grade == Grade.RED or group.id == rules.groups[-1].id:
        _finish(checkin, grade)
    return checkin


def callback_due(submitted_at: datetime.datetime) -> datetime.datetime:
    """An amber's call-back limit: CHECKIN_AMBER_CALLBACK_HOURS of working time
    (8 am to 8 pm IST), so one sent at night is called by late morning."""
    remaining = datetime.timedelta(hours=settings.CHECKIN_AMBER_CALLBACK_HOURS)
    day = timezone.localtime(submitted_at).date()
    while True:
        open_at, close_at = in_ist(day, WORKDAY_START), in_ist(day, WORKDAY_END)
        start = max(open_at, submitted_at)
        if close_at - start >= remaining:
            return start + remaining
        remaining -= max(close_at - start, datetime.timedelta(0))
        day += datetime.timedelta(days=1)


def _finish(checkin: CheckIn, grade: str) -> None:
    now = timezone.now()
    checkin.status = CheckInStatus.ANSWERED
    checkin.grade = grade
    checkin.submitted_at = now
    checkin.callback_due_at = (
        now if grade == Grade.RED else callback_due(now) if grade == Grade.AMBER else None
    )
    checkin.full_clean()
    checkin.save(update_fields=["status", "grade", "submitted_at", "callback_due_at"])
    # Its invitation (if it had not gone yet) is no longer needed.
    cancel_pending(subject=checkin, kinds=[INVITE])
    if grade == Grade.RED:
        # At any hour: a red answer is never held for quiet hours.
        queue_messages(
            subject=checkin,
            routes=on_call_routes(),
            due_at=now,
            held_in_quiet_hours=False,
        )


@transaction.atomic
def checkin_outcome_record(
    *, checkin: CheckIn, action: str, note: str, actor: User
) -> OutcomeEvent:
    """Staff record what they did about a red or amber check-in. Any step but an
    unanswered call takes it off the banner and the call-back queue."""
    checkin = _locked(checkin)
    if checkin.grade not in (Grade.RED, Grade.AMBER):
        raise ValidationError(_("Only a red or amber check-in needs an outcome."), code="grade")
    event = OutcomeEvent(
        checkin=checkin,
        action=action,
        note=note.strip(),
        actor=actor,
        actor_username=actor.get_username(),
    )
    event.full_clean()
    event.save()
    if action != Action.NO_ANSWER and checkin.handled_at is None:
        checkin.handled_at = timezone.now()
        checkin.save(update_fields=["handled_at"])
    return event


def next_checkin(checkin: CheckIn) -> CheckIn | None:
    """The family's next invited check-in after this one, if any."""
    rows = CheckIn.objects.filter(
        status=CheckInStatus.WAITING, started_by=StartedBy.SCHEDULE, due_at__gt=timezone.now()
    )
    if checkin.visit.patient_id is not None:
        rows = rows.filter(visit__patient_id=checkin.visit.patient_id)
    else:
        rows = rows.filter(visit=checkin.visit)
    return rows.order_by("due_at").first()
