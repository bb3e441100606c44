"""The family asks to move a visit from its private link; a coordinator answers.

Not self-service booking: the family gives days that suit and a reason, the
request shows as "asked to move" in admin, and a coordinator either moves
the visit (the schedule page, which tells the family what changed) or says
why not (`change_request_decline`, which the family reads on its link and
is told of by message). One open request per visit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.messages import tell_coordinators
from booking.models import (
    ChangeRequest,
    ChangeRequestStatus,
    MessageKind,
    VisitRequest,
)
from booking.workflow import actor_label_for, locked, queue_kinds, record_event, staff_note
from outbox.queueing import messages_of


@transaction.atomic
def change_request_create(
    *,
    visit_request: VisitRequest,
    days: Sequence[datetime.date],
    time_of_day: str,
    reason: str,
) -> ChangeRequest:
    """Record the family's request to move an open visit; staff answer it."""
    visit_request = locked(visit_request)
    if not visit_request.is_open:
        raise ValidationError(
            _("This visit is closed, so it cannot be moved. Call us if you need a visit."),
            code="closed",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please tell us briefly why.")})
    if not days:
        raise ValidationError({"first_choice": _("Please choose at least one day.")})
    if min(days) <= timezone.localdate():
        raise ValidationError({"first_choice": _("Please choose days after today.")})
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                visit=visit_request,
                preferred_dates=[day.isoformat() for day in sorted(days)],
                preferred_time=time_of_day,
                reason=reason,
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to move this visit. A coordinator will call you soon."),
            code="already_asked",
        ) from None
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=None,
        actor_label="family",
        note=staff_note(gettext_lazy("The family asked to move the visit.")),
        changes={"asked_for": (None, change.preferred_dates)},
    )
    # One email per ask (a family may ask again after an answer).
    tell_coordinators(
        visit_request, MessageKind.FAMILY_MOVE, version=visit_request.change_requests.count()
    )
    return change


def open_change_request(visit_request: VisitRequest) -> ChangeRequest | None:
    return visit_request.change_requests.filter(status=ChangeRequestStatus.OPEN).first()


@transaction.atomic
def change_request_decline(*, change: ChangeRequest, answer: str, actor: User) -> ChangeRequest:
    """The visit cannot move to any of the days asked: say why; the family is told."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Please write the answer the family will read.")})
    change = ChangeRequest.objects.select_for_update().select_related("visit").get(pk=change.pk)
    if change.status != ChangeRequestStatus.OPEN:
        raise ValidationError(_("This request has already been answered."), code="answered")
    visit_request = locked(change.visit)
    change.status = ChangeRequestStatus.DECLINED
    change.answer = answer
    change.answered_by = actor
    change.answered_at = timezone.now()
    change.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Could not move the visit: %(answer)s") % {"answer": answer},
    )
    # One answer message per schedule of the visit: a second refusal for the
    # same booking is read on the link (the outbox keeps one row per kind).
    already = (
        messages_of(visit_request)
        .filter(
            kind=MessageKind.CHANGE_ANSWERED,
            schedule_version=visit_request.schedule_version,
        )
        .exists()
    )
    if not already:
        queue_kinds(visit_request, [MessageKind.CHANGE_ANSWERED], due_at=timezone.now())
    return change
