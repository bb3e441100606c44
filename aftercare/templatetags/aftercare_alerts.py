"""The red banner on top of every admin page: red check-ins nobody has yet recorded a call for."""

from __future__ import annotations

from typing import Any

from django import template

from aftercare.models import CheckIn, CheckInStatus, Grade

register = template.Library()
PERMISSION = "aftercare.triage_checkin"


def unhandled(grade: str) -> Any:
    return CheckIn.objects.filter(
        status=CheckInStatus.ANSWERED, grade=grade, handled_at__isnull=True
    ).order_by("callback_due_at")


@register.inclusion_tag("admin/aftercare/red_banner.html", takes_context=True)
def red_checkins_banner(context: dict[str, Any]) -> dict[str, Any]:
    """Shown to staff who follow check-ins up, until someone records the call. One query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_active and user.is_staff and user.has_perm(PERMISSION)):
        return {"checkins": []}
    return {"checkins": list(unhandled(Grade.RED).select_related("visit")[:20])}
