"""Staff correct a request's details, or enter one taken on the phone.

Each correction is an event holding every changed field's old and new value;
messages not yet sent follow a corrected number or address. A request taken
by phone goes through the same service as the website's form, with its
consent recorded as given on the phone, to whom.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from booking.models import Audience, ConsentMethod, MessageKind, VisitRequest
from booking.service_areas import area_serving
from booking.workflow import (
    actor_label_for,
    locked,
    record_event,
    visit_request_create,
)
from outbox.models import Channel, MessageStatus
from outbox.queueing import cancel_pending, messages_of

if TYPE_CHECKING:
    from booking.privacy import Notice

# What staff may correct. The clinical answers (first dose, reaction,
# prescription) are the family's own and are asked again on the call.
CORRECTABLE_FIELDS = (
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
    "cancer_type",
    "medicine",
    "medicine_other",
    "oncologist_name",
    "hospital_name",
)
# Where a pending message to each audience and channel takes its recipient from.
RECIPIENT_FIELDS = {
    (Audience.PATIENT, Channel.SMS): "patient_phone",
    (Audience.PATIENT, Channel.EMAIL): "patient_email",
    (Audience.CAREGIVER, Channel.SMS): "caregiver_phone",
    (Audience.CAREGIVER, Channel.EMAIL): "caregiver_email",
    (Audience.PATIENT, Channel.WHATSAPP): "patient_phone",
    (Audience.CAREGIVER, Channel.WHATSAPP): "caregiver_phone",
}


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str | bool) else str(value)


@transaction.atomic
def visit_request_correct(
    *, visit_request: VisitRequest, details: Mapping[str, Any], reason: str, actor: User
) -> VisitRequest:
    """Correct the family's details (a mistyped phone, a wrong flat number).

    Only the fields that change are written, each in the event as [old, new].
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please say why, for example: told on the call.")})
    visit_request = locked(visit_request)
    if visit_request.anonymised_at is not None:
        raise ValidationError(_("This request's details were erased."), code="erased")
    changes = {}
    for name in CORRECTABLE_FIELDS:
        if name not in details:
            continue
        old, new = getattr(visit_request, name), details[name]
        if old != new:
            changes[name] = (_json(old), _json(new))
            setattr(visit_request, name, new)
    if not changes:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    update_fields = [*changes, "updated_at"]
    if "pin_code" in changes:
        area_id = area_serving(visit_request.pin_code)
        if area_id is None:
            raise ValidationError({"pin_code": _("We do not visit this PIN code yet.")})
        visit_request.service_area_id = area_id
        update_fields.append("service_area")
    visit_request.full_clean(
        exclude=["service_area"], validate_unique=False, validate_constraints=False
    )
    visit_request.save(update_fields=update_fields)
    _follow_corrected_recipients(visit_request, changes)
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Details corrected: %(reason)s") % {"reason": reason},
        changes=changes,
    )
    return visit_request


def _follow_corrected_recipients(visit_request: VisitRequest, changes: Mapping[str, Any]) -> None:
    """Messages still waiting go to the corrected number or address; none to an emptied one."""
    pending = messages_of(visit_request).filter(status=MessageStatus.PENDING)
    for (audience, channel), field in RECIPIENT_FIELDS.items():
        if field not in changes:
            continue
        rows = pending.filter(audience=audience, channel=channel)
        value = getattr(visit_request, field)
        if value:
            rows.update(recipient=value)
        else:
            rows.update(status=MessageStatus.CANCELLED)


@transaction.atomic
def phone_request_create(
    *,
    details: Mapping[str, Any],
    submission_token: uuid.UUID,
    language: str,
    notice: Notice,
    actor: User,
) -> tuple[VisitRequest, bool]:
    """A request a coordinator took on the phone, consent read out and agreed on the call.

    The family is sent their reference and private link as after the website's
    form; coordinators are not alerted to a request one of them entered.
    """
    visit_request, created = visit_request_create(
        details=details, submission_token=submission_token, language=language, notice=notice
    )
    if not created:
        return visit_request, False
    consent = visit_request.consent
    consent.method = ConsentMethod.PHONE
    consent.recorded_by = actor
    consent.save(update_fields=["method", "recorded_by"])
    cancel_pending(subject=visit_request, kinds=[MessageKind.COORDINATOR_ALERT])
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Taken on the phone; the privacy notice was read out and agreed."),
        changes={"consent": (None, ConsentMethod.PHONE.value)},
    )
    return visit_request, True
