"""The call log: every call a coordinator makes to a family, answered or not.

"Called, no answer" is worth keeping without moving the request on: the
next coordinator sees how many tries were made, when, and how each went.
A call never changes the request's status; "Mark contacted" still does.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.events import actor_label_for, record_event
from booking.models import CallAttempt, CallOutcome, VisitRequest
from booking.workflow import locked

NOTE_MAX_LENGTH = CallAttempt._meta.get_field("note").max_length or 300


@transaction.atomic
def call_attempt_record(
    *, visit_request: VisitRequest, outcome: str, note: str = "", actor: User
) -> CallAttempt:
    """Log one call to the family and note it on the request's timeline; the status stays."""
    visit_request = locked(visit_request)
    if visit_request.anonymised_at is not None:
        raise ValidationError(
            _("This request's personal details were erased: there is nobody to call."),
            code="erased",
        )
    note = note.strip()
    errors = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Choose how the call went.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Please keep the note under %(most)d characters.") % {
            "most": NOTE_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    attempt = CallAttempt(
        request=visit_request,
        called_at=timezone.now(),
        caller=actor,
        caller_username=actor.get_username(),
        outcome=outcome,
        note=note,
    )
    attempt.full_clean()
    attempt.save()
    # In the staff's language, whatever page the coordinator used (see staff_note).
    with translation.override(settings.LANGUAGE_CODE):
        logged = _("Call logged: %(outcome)s.") % {"outcome": CallOutcome(outcome).label}
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=f"{logged} {note}".strip(),
        changes={"call_outcome": ["", outcome]},
    )
    return attempt
