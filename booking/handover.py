"""What a coordinator tells the nurse before a visit: the visit's handover notes.

The course's own notes (for every visit of the course) are kept with the
course (care.Course.handover_notes); these are for one visit.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from booking.models import VisitRequest
from booking.workflow import actor_label_for, locked, record_event


@transaction.atomic
def visit_request_set_handover_notes(
    *, visit_request: VisitRequest, notes: str, actor: User
) -> VisitRequest:
    """Change the visit's notes for the nurse; the event keeps the old and the new text."""
    visit_request = locked(visit_request)
    notes = notes.strip()
    old = visit_request.handover_notes
    if notes == old:
        return visit_request
    # A TextField's max_length is only the form's; the service holds it too.
    most = VisitRequest._meta.get_field("handover_notes").max_length or 2000
    if len(notes) > most:
        raise ValidationError(
            {"handover_notes": _("Please keep this under %(most)d characters.") % {"most": most}}
        )
    visit_request.handover_notes = notes
    visit_request.save(update_fields=["handover_notes", "updated_at"])
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_("Notes for the nurse changed."),
        changes={"handover_notes": [old, notes]},
    )
    return visit_request
