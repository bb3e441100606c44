"""Every write to a request, its events and its messages happens here.

Views, admin actions and tasks call these functions; each is atomic and
leaves the request, its event log and its outbox consistent.
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from booking import delivery
from booking.models import (
    AccessAction,
    AccessLog,
    Audience,
    Channel,
    Consent,
    Message,
    MessageKind,
    MessageStatus,
    Recipient,
    RequestEvent,
    Status,
    VisitRequest,
)
from booking.privacy import Notice
from booking.references import new_reference
from booking.service_areas import area_serving
from uhapo.logging import redact

logger = logging.getLogger(__name__)

QUIET_START = datetime.time(21, 0)
QUIET_END = datetime.time(8, 0)
REMINDER_OFFSETS = {
    MessageKind.REMINDER_24H: datetime.timedelta(hours=24),
    MessageKind.REMINDER_2H: datetime.timedelta(hours=2),
}
FAMILY_KINDS = {
    MessageKind.REQUEST_RECEIVED,
    MessageKind.VISIT_SCHEDULED,
    MessageKind.REMINDER_24H,
    MessageKind.REMINDER_2H,
    MessageKind.CANCELLED,
}

# Which moves the workflow allows; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.CONTACTED, Status.SCHEDULED, Status.CANCELLED, Status.DECLINED},
    Status.CONTACTED: {Status.SCHEDULED, Status.CANCELLED, Status.DECLINED},
    Status.SCHEDULED: {Status.SCHEDULED, Status.COMPLETED, Status.CANCELLED, Status.DECLINED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.DECLINED: set(),
}


CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.DECLINED)
ERASED = "[erased]"


class TransitionNotAllowed(ValidationError):
    pass


class SubmissionTokenReused(ValidationError):
    """A form's one-use token came back with other answers than the first time."""


# --- helpers ----------------------------------------------------------------


def in_quiet_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment).time()
    return local >= QUIET_START or local < QUIET_END


def sms_due_time(due: datetime.datetime) -> datetime.datetime:
    """Move a due time that falls in quiet hours (21:00-08:00 IST) to 08:00."""
    if not in_quiet_hours(due):
        return due
    local = timezone.localtime(due)
    day = local.date() if local.time() < QUIET_END else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, QUIET_END))


def _actor_label(actor: AbstractBaseUser | None, default: str) -> str:
    return actor.get_username() if actor is not None else default


def _record_event(
    visit_request: VisitRequest,
    *,
    from_status: str,
    to_status: str,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str = "",
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=visit_request,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )


def _family_routes(visit_request: VisitRequest) -> list[tuple[str, str, str]]:
    """(channel, audience, address) for every place the family asked us to write to."""
    audiences: list[str] = []
    if visit_request.message_recipient in (Recipient.PATIENT, Recipient.BOTH):
        audiences.append(Audience.PATIENT)
    if visit_request.message_recipient in (Recipient.CAREGIVER, Recipient.BOTH) and (
        visit_request.caregiver_phone or visit_request.caregiver_email
    ):
        audiences.append(Audience.CAREGIVER)
    if not audiences:
        audiences.append(Audience.PATIENT)
    routes = []
    for audience in audiences:
        phone = getattr(visit_request, f"{audience}_phone")
        email = getattr(visit_request, f"{audience}_email")
        if phone:
            routes.append((Channel.SMS, audience, phone))
        if email:
            routes.append((Channel.EMAIL, audience, email))
    return routes


def _routes(visit_request: VisitRequest, kind: str) -> list[tuple[str, str, str]]:
    if kind == MessageKind.COORDINATOR_ALERT:
        return [(Channel.EMAIL, Audience.COORDINATOR, settings.COORDINATOR_EMAIL)]
    return _family_routes(visit_request)


def _queue_messages(
    visit_request: VisitRequest,
    kinds: Iterable[str],
    *,
    due_at: datetime.datetime,
    not_after: datetime.datetime | None = None,
    held_in_quiet_hours: bool = True,
) -> list[Message]:
    """Write the outbox rows for these kinds of message, all due at `due_at`,
    and wake one worker for the due ones after commit.

    `held_in_quiet_hours=False` is for what the family has just done
    themselves: its SMS goes at once, at any hour.
    """
    rows = []
    routes = [(kind, *route) for kind in kinds for route in _routes(visit_request, kind)]
    for kind, channel, audience, address in routes:
        held = held_in_quiet_hours and channel == Channel.SMS
        due = sms_due_time(due_at) if held else due_at
        if not_after is not None and due >= not_after:
            continue  # a reminder pushed past the visit by quiet hours is pointless
        rows.append(
            Message(
                request=visit_request,
                kind=kind,
                channel=channel,
                audience=audience,
                schedule_version=visit_request.schedule_version,
                recipient=address,
                # The family's messages are in the language they booked in;
                # coordinators read theirs in the staff's language.
                language=(
                    settings.LANGUAGE_CODE
                    if audience == Audience.COORDINATOR
                    else visit_request.language
                ),
                due_at=due,
                held_in_quiet_hours=held,
            )
        )
    created = Message.objects.bulk_create(rows)
    _send_after_commit([m.pk for m in created if m.due_at <= timezone.now()])
    return created


def _send_after_commit(message_ids: list[int]) -> None:
    if message_ids:
        # Imported here because tasks import this module.
        from booking.tasks import enqueue_delivery

        transaction.on_commit(lambda: enqueue_delivery(message_ids))


def _cancel_pending_messages(
    visit_request: VisitRequest, kinds: Iterable[str] | None = None
) -> int:
    pending = Message.objects.filter(request=visit_request, status=MessageStatus.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(status=MessageStatus.CANCELLED)


def _move(
    visit_request: VisitRequest,
    to_status: str,
    *,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str = "",
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
    _record_event(
        visit_request,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )
    return from_status


def _locked(visit_request: VisitRequest) -> VisitRequest:
    """Re-read the request under a row lock so two staff cannot race a change."""
    return VisitRequest.objects.select_for_update().get(pk=visit_request.pk)


# --- requests -----------------------------------------------------------------


def visit_request_create(
    *,
    details: Mapping[str, Any],
    submission_token: uuid.UUID,
    language: str,
    notice: Notice,
) -> tuple[VisitRequest, bool]:
    """Save a request, its consent and its first event, and queue its messages, at once.

    Returns (request, created). The same submission token with the same
    answers returns the first request saved with it, so a double submit
    saves once; the same token with other answers raises
    SubmissionTokenReused and saves nothing.
    """
    fingerprint = submission_fingerprint(details=details, language=language)
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


def submission_fingerprint(*, details: Mapping[str, Any], language: str) -> str:
    """A keyed hash of a form's answers: equal only for the same answers."""
    canonical = json.dumps(
        {"language": language, **{k: str(v) for k, v in details.items()}},
        sort_keys=True,
        ensure_ascii=False,
    )
    return salted_hmac("booking.submission", canonical, algorithm="sha256").hexdigest()


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
    visit_request.service_area = area_serving(visit_request.pin_code)
    if visit_request.service_area is None:
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
    _record_event(
        visit_request,
        from_status="",
        to_status=Status.NEW,
        actor=None,
        actor_label="family",
        note=_("Needs clinical review.") if visit_request.needs_clinical_review else "",
    )
    # Both kinds in one call: one broker round trip per booking. The family
    # is waiting for their reference, at whatever hour they booked.
    _queue_messages(
        visit_request,
        [MessageKind.REQUEST_RECEIVED, MessageKind.COORDINATOR_ALERT],
        due_at=timezone.now(),
        held_in_quiet_hours=False,
    )
    return visit_request


@transaction.atomic
def visit_request_mark_contacted(
    *, visit_request: VisitRequest, actor: AbstractBaseUser, note: str = ""
) -> VisitRequest:
    """Record that a coordinator has spoken to the family."""
    visit_request = _locked(visit_request)
    _move(
        visit_request, Status.CONTACTED, actor=actor, actor_label=_actor_label(actor, ""), note=note
    )
    visit_request.save(update_fields=["status", "updated_at"])
    return visit_request


def nurse_has_overlap(
    *,
    nurse: AbstractBaseUser,
    start: datetime.datetime,
    end: datetime.datetime,
    exclude_pk: int | None,
) -> bool:
    return (
        VisitRequest.objects.filter(
            nurse=nurse,
            status=Status.SCHEDULED,
            scheduled_start__lt=end,
            scheduled_end__gt=start,
        )
        .exclude(pk=exclude_pk)
        .exists()
    )


@transaction.atomic
def visit_request_schedule(
    *,
    visit_request: VisitRequest,
    start: datetime.datetime,
    end: datetime.datetime,
    nurse: AbstractBaseUser,
    actor: AbstractBaseUser,
    note: str = "",
) -> VisitRequest:
    """Book the visit with a nurse; queue the confirmation and fresh reminders."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("schedule times must be aware")
    if start <= timezone.now():
        raise ValidationError({"start": _("The visit must start in the future.")})
    if end <= start:
        raise ValidationError({"end": _("The visit must end after it starts.")})
    # Lock the nurse's row so two coordinators cannot double-book her at once.
    type(nurse).objects.select_for_update().filter(pk=nurse.pk).first()
    visit_request = _locked(visit_request)
    if nurse_has_overlap(nurse=nurse, start=start, end=end, exclude_pk=visit_request.pk):
        raise ValidationError(
            {"nurse": _("This nurse already has a visit that overlaps this time.")}
        )
    rescheduling = visit_request.status == Status.SCHEDULED
    _move(
        visit_request,
        Status.SCHEDULED,
        actor=actor,
        actor_label=_actor_label(actor, ""),
        note=note or (_("Rescheduled.") if rescheduling else ""),
    )
    # Reminders for the old time must never go out.
    _cancel_pending_messages(
        visit_request,
        kinds=[MessageKind.VISIT_SCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H],
    )
    visit_request.nurse = nurse
    visit_request.scheduled_start = start
    visit_request.scheduled_end = end
    visit_request.schedule_version = F("schedule_version") + 1
    visit_request.full_clean(exclude=["schedule_version"])
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
    visit_request.refresh_from_db(fields=["schedule_version"])
    now = timezone.now()
    _queue_messages(visit_request, [MessageKind.VISIT_SCHEDULED], due_at=now)
    for kind, offset in REMINDER_OFFSETS.items():
        due = start - offset
        if due > now:
            _queue_messages(visit_request, [kind], due_at=due, not_after=start)
    return visit_request


@transaction.atomic
def visit_request_complete(
    *, visit_request: VisitRequest, actor: AbstractBaseUser, note: str = ""
) -> VisitRequest:
    """Close a visit that took place."""
    visit_request = _locked(visit_request)
    _move(
        visit_request, Status.COMPLETED, actor=actor, actor_label=_actor_label(actor, ""), note=note
    )
    _cancel_pending_messages(visit_request, kinds=REMINDER_OFFSETS.keys())
    visit_request.save(update_fields=["status", "closed_at", "updated_at"])
    return visit_request


@transaction.atomic
def visit_request_cancel(
    *,
    visit_request: VisitRequest,
    reason: str,
    actor: AbstractBaseUser | None,
    decline: bool = False,
) -> VisitRequest:
    """Cancel (by the family or staff) or decline (by staff) an open request.

    Every pending message is cancelled in the same transaction, and the
    family is told.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    visit_request = _locked(visit_request)
    to_status = Status.DECLINED if decline else Status.CANCELLED
    _move(
        visit_request,
        to_status,
        actor=actor,
        actor_label=_actor_label(actor, "family"),
        note=reason,
    )
    _cancel_pending_messages(visit_request)
    visit_request.closing_reason = reason
    visit_request.save(update_fields=["status", "closing_reason", "closed_at", "updated_at"])
    # A family cancelling from its link is waiting for the answer; a
    # cancellation by staff at night can wait for the morning.
    _queue_messages(
        visit_request,
        [MessageKind.CANCELLED],
        due_at=timezone.now(),
        held_in_quiet_hours=actor is not None,
    )
    return visit_request


# --- messages -----------------------------------------------------------------


def message_deliver(*, message_id: int) -> bool:
    """Claim one due message, send it, and mark it sent. Safe to run twice.

    The claim (pending -> sending) is one UPDATE, so only one worker ever
    sends a row; a crash between sending and marking leaves the row in
    `sending`, which the sweep rescues later with the same idempotency key.
    """
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, status=MessageStatus.PENDING, due_at__lte=now
    ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = Message.objects.select_related("request", "request__nurse").get(pk=message_id)
    if message.held_in_quiet_hours and message.channel == Channel.SMS and in_quiet_hours(now):
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
            status=MessageStatus.PENDING, due_at=sms_due_time(now), attempts=F("attempts") - 1
        )
        return False
    if not _still_relevant(message):
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
            status=MessageStatus.CANCELLED
        )
        return False
    try:
        delivery.send(message)
    except Exception as exc:
        _record_failure(message, exc)
        return False
    Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("message %s sent (%s, %s)", message_id, message.kind, message.channel)
    return True


def _still_relevant(message: Message) -> bool:
    """A reminder for a visit that was moved or closed must not go out."""
    if message.kind in (MessageKind.VISIT_SCHEDULED, *REMINDER_OFFSETS):
        visit_request = message.request
        return (
            visit_request.status == Status.SCHEDULED
            and visit_request.schedule_version == message.schedule_version
        )
    return True


def _record_failure(message: Message, exc: Exception) -> None:
    error = redact(f"{type(exc).__name__}: {exc}")[:500]
    attempts = message.attempts
    if attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        status, due = MessageStatus.FAILED, message.due_at
        logger.error("message %s failed for good after %s attempts", message.pk, attempts)
    else:
        # 1, 2, 4, 8 ... minutes, picked up by the beat sweep.
        due = timezone.now() + datetime.timedelta(minutes=2 ** (attempts - 1))
        if message.held_in_quiet_hours and message.channel == Channel.SMS:
            due = sms_due_time(due)
        status = MessageStatus.PENDING
        logger.warning("message %s attempt %s failed: %s", message.pk, attempts, error)
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, due_at=due, last_error=error
    )


def messages_due(*, limit: int = 5000) -> list[int]:
    """Rescue rows abandoned in `sending`, then list the ids of pending rows that are due."""
    now = timezone.now()
    rescued = Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - settings.MESSAGE_SENDING_TIMEOUT
    ).update(status=MessageStatus.PENDING)
    if rescued:
        logger.warning("rescued %s messages stuck in sending", rescued)
    return list(
        Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def message_resend(*, message: Message, actor: AbstractBaseUser) -> Message:
    """Put a failed message back in the queue, as staff asked."""
    updated = Message.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, due_at=timezone.now(), last_error=""
    )
    if not updated:
        raise ValidationError(_("Only a failed message can be sent again."))
    _record_event(
        message.request,
        from_status=message.request.status,
        to_status=message.request.status,
        actor=actor,
        actor_label=_actor_label(actor, ""),
        note=_("Resent %(kind)s by %(channel)s.")
        % {"kind": message.get_kind_display(), "channel": message.get_channel_display()},
    )
    _send_after_commit([message.pk])
    message.refresh_from_db()
    return message


# --- personal data ------------------------------------------------------------

# Everything that names, locates or describes the patient's health. What
# stays (reference, statuses, dates, PIN code, nurse) keeps counts and
# timelines meaningful without pointing at a person.
_ERASE_TO_BLANK = (
    "patient_phone",
    "patient_email",
    "caregiver_name",
    "caregiver_relationship",
    "caregiver_phone",
    "caregiver_email",
    "address_line",
    "street",
    "area",
    "landmark",
    "cancer_type",
    "medicine",
    "medicine_other",
    "oncologist_name",
    "hospital_name",
    "notes",
    "closing_reason",
)


def _anonymise(visit_request: VisitRequest, *, now: datetime.datetime) -> None:
    fields: dict[str, Any] = dict.fromkeys(_ERASE_TO_BLANK, "")
    fields.update(
        patient_name=ERASED,
        patient_birth_year=None,
        first_dose_in_hospital=False,
        had_infusion_reaction=False,
        has_prescription=False,
        needs_clinical_review=False,
        # Every private link sent so far stops working.
        link_nonce=secrets.token_hex(8),
        anonymised_at=now,
        updated_at=now,
    )
    VisitRequest.objects.filter(pk=visit_request.pk).update(**fields)
    Message.objects.filter(request=visit_request).update(recipient=ERASED, last_error="")
    # Staff notes may quote the family; the moves themselves stay.
    RequestEvent.objects.filter(request=visit_request).exclude(note="").update(note=ERASED)


@transaction.atomic
def visit_request_withdraw_consent(
    *, visit_request: VisitRequest, actor: AbstractBaseUser | None
) -> VisitRequest:
    """The family takes back their consent: stop everything and erase their details.

    Pending messages are cancelled, an open request is cancelled, personal
    fields are erased in place and the consent is marked withdrawn, all at
    once. No acknowledgement is sent: we no longer hold an address for it.
    """
    visit_request = _locked(visit_request)
    if visit_request.anonymised_at is not None:
        return visit_request
    now = timezone.now()
    label = _actor_label(actor, "family")
    _cancel_pending_messages(visit_request)
    if visit_request.is_open:
        _move(
            visit_request,
            Status.CANCELLED,
            actor=actor,
            actor_label=label,
            note=_("Consent withdrawn."),
        )
        visit_request.save(update_fields=["status", "closed_at", "updated_at"])
    _anonymise(visit_request, now=now)
    # Written after the erasure, which blanks earlier notes.
    _record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=label,
        note=_("Consent withdrawn; personal details erased."),
    )
    Consent.objects.filter(request=visit_request).update(withdrawn_at=now)
    if actor is not None:
        access_log_record(actor=actor, action=AccessAction.WITHDRAW, requests=[visit_request])
    visit_request.refresh_from_db()
    return visit_request


def visit_requests_anonymise_expired(*, now: datetime.datetime | None = None) -> int:
    """Erase the personal details of requests closed more than DATA_RETENTION_DAYS ago.

    Open requests are never touched; running it twice changes nothing.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.DATA_RETENTION_DAYS)
    expired = VisitRequest.objects.filter(
        status__in=CLOSED_STATUSES, anonymised_at__isnull=True, closed_at__lte=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for pk in expired.iterator(chunk_size=500):
        with transaction.atomic():
            visit_request = VisitRequest.objects.select_for_update().get(pk=pk)
            if visit_request.anonymised_at is None and visit_request.status in CLOSED_STATUSES:
                _anonymise(visit_request, now=now)
                _record_event(
                    visit_request,
                    from_status=visit_request.status,
                    to_status=visit_request.status,
                    actor=None,
                    actor_label="system",
                    note=_("Personal details erased after the retention period."),
                )
                count += 1
    if count:
        logger.info("retention: erased personal details of %s request(s)", count)
    return count


def access_log_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    requests: Iterable[VisitRequest],
    page: str = "",
) -> AccessLog:
    """Append who saw or exported which requests, on which page. Ids and references only."""
    rows = list({r.pk: r for r in requests}.values())
    return AccessLog.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        action=action,
        request_ids=[r.pk for r in rows],
        references=" ".join(r.reference for r in rows),
        page=page[:200],
    )
