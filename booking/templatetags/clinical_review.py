"""Why a request needs a clinician's review, for the coordinators' new-request alert.

The alert's context (booking/messages.py) carries the reference and the flag;
the reasons are read here, in the words the request page uses.
"""

from __future__ import annotations

from django import template

from booking.models import VisitRequest
from booking.triage import review_reasons

register = template.Library()


@register.simple_tag
def clinical_review_reasons(reference: str) -> list[str]:
    """The reasons for the request with this reference (empty when it needs no review)."""
    visit_request = (
        VisitRequest.objects.filter(reference=reference, needs_clinical_review=True)
        .only("first_dose_in_hospital", "had_infusion_reaction")
        .first()
    )
    if visit_request is None:
        return []
    return review_reasons(
        first_dose_in_hospital=visit_request.first_dose_in_hospital,
        had_infusion_reaction=visit_request.had_infusion_reaction,
    )
