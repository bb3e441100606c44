"""The request workflow: every write to a request and its event log happens here.

Views, admin actions and tasks call these functions; each is atomic and
leaves the request, its event log and its messages (asked of the outbox)
consistent. Privacy (consent, erasure, retention, access log) is in
booking.privacy.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.services import checkins_schedule
from booking import messages as booking_messages
from booking import scheduling
from booking.events import actor_label_for, record_event, staff_note
from booking.models import (
    ChangeRequestStatus,
    Consent,
    MessageKind,
    Status,
    VisitRequest,
)
from booking.references import new_reference
from booking.service_areas import area_serving
from booking.submissions import sent_again, submission_fingerprint
from clearance.readiness import refuse_unless_ready
from outbox.dispatch import NotRequeueable
from outbox.dispatch import message_requeue as requeue
from outbox.models import Message
from outbox.queueing import cancel_pending, queue_messages
from outbox.registry import label as message_label

if TYPE_CHECKING:
    from booking.privacy import Notice

logger = logging.getLogger(__name__)

REMINDER_OFFSETS = {
    MessageKind.REMINDER_24H: datetime.timedelta(hours=24),
    MessageKind.REMINDER_2H: datetime.timedelta(hours=2),
}

# Which moves the workflow allows; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    # The family confirms the proposed day (-> new), or staff book it directly.
    Status.PROPOSED: {
        Status.NEW,
        Status.CONTACTED,
        Status.SCHEDULED,
        Status.CANCELLED,
        Status.DECLINED,
    },
    Status.NEW: {Status.CONTACTED, Status.SCHEDULED, Status.CANCELLED, Status.DECLINED},
    Status.CONTACTED: {Status.SCHEDULED, Status.CANCELLED, Status.DECLINED},
    Status.SCHEDULED: {
        Status.SCHEDULED,
        Status.COMPLETED,
        Status.NOT_GIVEN,
        Status.NO_SHOW,
        Status.CANCELLED,
        Status.DECLINED,
    },
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.DECLINED: set(),
    Status.NOT_GIVEN: set(),
    Status.NO_SHOW: set(),
}


CLOSED_STATUSES = (
    Status.COMPLETED,
    Status.CANCELLED,
    Status.DECLINED,
    Status.NOT_GIVEN,
    Status.NO_SHOW,
)


class TransitionNotAllowed(ValidationError):
    pass


class SubmissionTokenReused(ValidationError):
    """A form's one-use token came back with other answers than the first time."""


# --- helpers ----------------------------------------------------------------

# The event log's helpers live in booking.events; named here too for the
# modules that import them from the workflow.
__all__ = ["actor_label_for", "record_event", "staff_note"]


def queue_kinds(
    visit_request: VisitRequest,
    kinds: Iterable[str],
    *,
    due_at: datetime.datetime,
    not_after: datetime.datetime | None = None,
    held_in_quiet_hours: bool = True,
) -> None:
    """Ask the outbox for these kinds of message about this request."""
    queue_messages(
        subject=visit_request,
        routes=[route for kind in kinds for route in booking_messages.routes(visit_request, kind)],
        due_at=due_at,
        schedule_version=visit_request.schedule_version,
        not_after=not_after,
        held_in_quiet_hours=held_in_quiet_hours,
    )


def move_status(
    visit_request: VisitRequest,
    to_status: str,
    *,
    actor: User | None,
    actor_label: str,
    note: str = "",
    changes: Mapping[str, tuple[Any, Any] | list[Any]] | None = None,
) -> str:
    """Check the move is allowed, set the status and log it. Returns the old status."""
    from_status = visit_request.status
    if to_status not in TRANSITIONS[from_status]:
        raise TransitionNotAllowed(
            _("A request that is %(from)s cannot be marked %(to)s.")
            % {"from": Status(from_status).label, "to": Status(to_status).label},
            code="transition",
        )
    visit_request.status = to_status
    if to_status in CLOSED_STATUSES:
        visit_request.closed_at = timezone.now()
        # An ask to move a visit that is no longer going ahead is answered by that.
        visit_request.change_requests.filter(status=ChangeRequestStatus.OPEN).update(
            status=ChangeRequestStatus.CLOSED, answered_at=visit_request.closed_at
        )
    record_event(
        visit_request,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
        changes=changes,
    )
    return from_status


def refuse_before_start(visit_request: VisitRequest) -> None:
    """Refuse to close a visit as having taken place before it starts (and its reminders)."""
    start = visit_request.scheduled_start
    if start is not None and start > timezone.now():
        raise ValidationError(
            _("This visit starts at %(start)s: it cannot be completed before it starts.")
            % {"start": timezone.localtime(start).strftime("%d %b %Y %H:%M")},
            code="before_start",
        )


def locked(visit_request: VisitRequest) -> VisitRequest:
    """Re-read the request under a row lock so two staff cannot race a change."""
    return VisitRequest.objects.select_for_update().get(pk=visit_request.pk)


# --- requests -----------------------------------------------------------------


def visit_request_create(
    *,
    details: Mapping[str, Any],
    submission_token: uuid.UUID,
    language: str,
    notice: Notice,
    sent_before: int | None = None,
) -> tuple[VisitRequest, bool]:
    """Save a request, its consent and its first event, and queue its messages, at once.

    Returns (request, created). The same submission token with the same
    answers returns the first request saved with it, so a double submit
    saves once; the same token with other answers raises
    SubmissionTokenReused and saves nothing. `sent_before` is the request this
    browser last sent (its confirmation cookie): the same answers again within
    booking.submissions.SAME_ANSWERS_AGAIN_WINDOW, while it is still new, return it too.
    """
    fingerprint = submission_fingerprint(details=details, language=language)
    if sent_before is not None:
        # The same answers again under a new token, from the browser that sent
        # them (its confirmation cookie names the request): the family pressed
        # Back and sent the form again to see whether it went. They get the
        # request they made, not a second one with a second set of messages.
        again = sent_again(sent_before=sent_before, fingerprint=fingerprint)
        if again is not None:
            return again, False
    for _attempt in range(3):
        try:
            visit_request = _create_request(
                details=details,
                submission_token=submission_token,
                fingerprint=fingerprint,
                language=language,
                notice=notice,
            )
        except IntegrityError:
            # Either a second copy of the same form (a double click, or a
            # resend after a timeout) or, very rarely, a reference drawn twice.
            existing = VisitRequest.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                if not constant_time_compare(existing.submission_fingerprint, fingerprint):
                    raise SubmissionTokenReused(
                        _(
                            "This form had already been used to send a request, so we have "
                            "not sent it. Your answers are still here: please check them and "
                            "press Send request again."
                        ),
                        code="token_reused",
                    ) from None
                return existing, False
            continue
        logger.info("visit request %s created", visit_request.pk)
        return visit_request, True
    raise RuntimeError("could not draw a free reference in 3 tries")


@transaction.atomic
def _create_request(
    *,
    details: Mapping[str, Any],
    submission_token: uuid.UUID,
    fingerprint: str,
    language: str,
    notice: Notice,
) -> VisitRequest:
    visit_request = VisitRequest(
        **details,
        submission_token=submission_token,
        submission_fingerprint=fingerprint,
        reference=new_reference(),
        link_nonce=secrets.token_hex(8),
        language=language,
    )
    visit_request.service_area_id = area_serving(visit_request.pin_code)
    if visit_request.service_area_id is None:
        raise ValidationError({"pin_code": _("We do not visit this PIN code yet.")})
    visit_request.needs_clinical_review = bool(
        not visit_request.first_dose_in_hospital or visit_request.had_infusion_reaction
    )
    # Field checks only: the service area was just read, and the database
    # itself enforces the unique reference and token (caught above), which
    # saves four queries on the busiest write.
    visit_request.full_clean(
        exclude=["service_area"], validate_unique=False, validate_constraints=False
    )
    visit_request.save()
    Consent.objects.create(
        request=visit_request,
        notice_version=notice.version,
        notice_sha256=notice.sha256,
        given_at=timezone.now(),
    )
    record_event(
        visit_request,
        from_status="",
        to_status=Status.NEW,
        actor=None,
        actor_label="family",
        note=staff_note(gettext_lazy("Needs clinical review."))
        if visit_request.needs_clinical_review
        else "",
    )
    # Both kinds in one call: one broker round trip per booking. The family
    # is waiting for their reference, at whatever hour they booked.
    queue_kinds(
        visit_request,
        [MessageKind.REQUEST_RECEIVED, MessageKind.COORDINATOR_ALERT],
        due_at=timezone.now(),
        held_in_quiet_hours=False,
    )
    return visit_request


@transaction.atomic
def visit_request_mark_contacted(
    *, visit_request: VisitRequest, actor: User, note: str = ""
) -> VisitRequest:
    """Record that a coordinator has spoken to the family."""
    visit_request = locked(visit_request)
    move_status(
        visit_request,
        Status.CONTACTED,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=note,
    )
    visit_request.save(update_fields=["status", "updated_at"])
    return visit_request


@transaction.atomic
def visit_request_schedule(
    *,
    visit_request: VisitRequest,
    start: datetime.datetime,
    end: datetime.datetime,
    nurse: User,
    actor: User | None,
    note: str = "",
    override_reason: str = "",
) -> VisitRequest:
    """Book the visit with a nurse, or move it; tell the family and the nurses.

    The scheduling rules are checked under the nurse's row lock; a broken one
    refuses, naming each clash, unless `override_reason` is given (the event
    keeps it, its old and new values too). The readiness checklist must be
    complete for the new day (clearance.readiness). A move is told as a move
    (booking.messages: RESCHEDULED, NURSE_MOVED, or NURSE_CANCELLED and NURSE_ASSIGNED).
    """
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("schedule times must be aware")
    if start <= timezone.now():
        raise ValidationError({"start": _("The visit must start in the future.")})
    if end <= start:
        raise ValidationError({"end": _("The visit must end after it starts.")})
    # Lock the nurse's row so two coordinators cannot double-book her at once.
    type(nurse).objects.select_for_update().filter(pk=nurse.pk).first()
    visit_request = locked(visit_request)
    # Cleared for the day booked on, and within the rules (or with a reason):
    # both said at once, so the coordinator does not fix the form twice.
    refused: dict[str, list[ValidationError]] = {}
    try:
        refuse_unless_ready(visit_request, start=start)
    except ValidationError as exc:
        refused[NON_FIELD_ERRORS] = list(exc.error_list)
    found = scheduling.conflicts(visit=visit_request, start=start, end=end, nurse=nurse)
    if found and not override_reason.strip():
        refused.update(scheduling.refusal(found).error_dict)
    if refused:
        raise ValidationError(refused)
    rescheduling = visit_request.status == Status.SCHEDULED
    old_nurse = visit_request.nurse
    old_start = visit_request.scheduled_start
    if rescheduling and (old_start, visit_request.scheduled_end, old_nurse) == (start, end, nurse):
        raise ValidationError(
            {"start": _("The visit is already booked at this time with this nurse.")}
        )
    version = visit_request.schedule_version + 1
    notes = [note or (_("Rescheduled.") if rescheduling else "")]
    if found:
        notes.append(scheduling.override_note(found, override_reason.strip()))
    move_status(
        visit_request,
        Status.SCHEDULED,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note="\n".join(filter(None, notes)),
        changes=scheduling.schedule_changes(
            version=version,
            old=(old_start, visit_request.scheduled_end, scheduling.staff_name(old_nurse)),
            new=(start, end, scheduling.staff_name(nurse)),
        ),
    )
    # Reminders for the old time must never go out.
    cancel_pending(subject=visit_request, kinds=booking_messages.SCHEDULE_KINDS)
    visit_request.nurse = nurse
    visit_request.scheduled_start = start
    visit_request.scheduled_end = end
    # Exact under the row lock: the event above names this version.
    visit_request.schedule_version = version
    visit_request.full_clean()
    visit_request.save(
        update_fields=[
            "status",
            "nurse",
            "scheduled_start",
            "scheduled_end",
            "schedule_version",
            "updated_at",
        ]
    )
    now = timezone.now()
    family_kind = MessageKind.RESCHEDULED if rescheduling else MessageKind.VISIT_SCHEDULED
    queue_kinds(visit_request, [family_kind], due_at=now)
    for kind, offset in REMINDER_OFFSETS.items():
        due = start - offset
        if due > now:
            queue_kinds(visit_request, [kind], due_at=due, not_after=start)
    booking_messages.tell_nurses_scheduled(
        visit_request, moved=rescheduling, old_nurse=old_nurse, old_start=old_start
    )
    # The family's request to move it is answered by the move itself.
    visit_request.change_requests.filter(status=ChangeRequestStatus.OPEN).update(
        status=ChangeRequestStatus.MOVED, answered_by=actor, answered_at=now
    )
    return visit_request


@transaction.atomic
def visit_request_complete(
    *, visit_request: VisitRequest, actor: User, note: str = ""
) -> VisitRequest:
    """Close a one-off visit that took place (never before its start), recording nothing."""
    visit_request = locked(visit_request)
    refuse_before_start(visit_request)
    if visit_request.course_id is not None:
        raise ValidationError(
            _("A visit in a course is closed by recording it, so the next cycle is proposed."),
            code="course_visit",
        )
    move_status(
        visit_request,
        Status.COMPLETED,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=note,
    )
    cancel_pending(subject=visit_request, kinds=REMINDER_OFFSETS.keys())
    visit_request.save(update_fields=["status", "closed_at", "updated_at"])
    checkins_schedule(visit_request=visit_request)
    return visit_request


@transaction.atomic
def visit_request_cancel(
    *,
    visit_request: VisitRequest,
    reason: str,
    actor: User | None,
    decline: bool = False,
) -> VisitRequest:
    """Cancel (by the family or staff) or decline (by staff) an open request.

    Every pending message is cancelled in the same transaction, and the
    family is told: a decline in its own words, with where to turn next. The
    nurse of a booked visit is told it left her list.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    visit_request = locked(visit_request)
    was_scheduled = visit_request.status == Status.SCHEDULED
    to_status = Status.DECLINED if decline else Status.CANCELLED
    move_status(
        visit_request,
        to_status,
        actor=actor,
        actor_label=actor_label_for(actor, "family"),
        note=reason,
    )
    cancel_pending(subject=visit_request, kinds=booking_messages.STOPPED_WHEN_CLOSED)
    visit_request.closing_reason = reason
    visit_request.save(update_fields=["status", "closing_reason", "closed_at", "updated_at"])
    # A family cancelling from its link is waiting for the answer; a
    # cancellation by staff at night can wait for the morning.
    queue_kinds(
        visit_request,
        [MessageKind.DECLINED if decline else MessageKind.CANCELLED],
        due_at=timezone.now(),
        held_in_quiet_hours=actor is not None,
    )
    if actor is None:
        # The family cancelled from its link: coordinators may be about to call.
        booking_messages.tell_coordinators(visit_request, MessageKind.FAMILY_CANCELLED)
    booking_messages.tell_nurse_visit_is_off(visit_request, was_scheduled=was_scheduled)
    return visit_request


@transaction.atomic
def message_resend(*, message: Message, actor: User) -> Message:
    """Put a failed message about a request back in the queue, as staff asked."""
    try:
        message = requeue(message=message)
    except NotRequeueable:
        raise ValidationError(_("Only a failed message can be sent again.")) from None
    visit_request = VisitRequest.objects.get(pk=message.subject_id)
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Resent %(kind)s by %(channel)s.")
        % {"kind": message_label(message.kind), "channel": message.get_channel_display()},
    )
    return message
