"""The readiness checklist of a visit, for every staff page that shows the visit."""

from __future__ import annotations

from typing import Any

from django import template

from booking.models import VisitRequest
from clearance import readiness

register = template.Library()


@register.simple_tag
def readiness_of(visit: VisitRequest) -> dict[str, Any]:
    """The checklist for the visit's day, what is open, the override and the documents."""
    states = readiness.checklist(visit)
    return {
        "states": states,
        "open": [state for state in states if not state.cleared],
        "override": readiness.current_override(visit),
        "documents": list(visit.documents.select_related("uploaded_by")),
    }
