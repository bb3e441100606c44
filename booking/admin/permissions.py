"""Who may do what in the triage admin.

Every admin module asks these questions instead of looking at a user's
groups, so a role is changed in one place.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from booking.models import VisitRequest

NURSES_GROUP = "Nurses"
TRIAGE_PERMISSION = "booking.change_visitrequest"


def can_triage(user: AbstractBaseUser) -> bool:
    """Coordinators and superusers: everything the workflow allows, on every request."""
    return bool(user.is_active and user.is_staff and user.has_perm(TRIAGE_PERMISSION))


def require_triage(user: AbstractBaseUser) -> None:
    if not can_triage(user):
        raise PermissionDenied


def may_complete(user: AbstractBaseUser, visit_request: VisitRequest) -> bool:
    """A coordinator, or the nurse the visit is assigned to."""
    return can_triage(user) or (
        user.has_perm("booking.view_visitrequest") and visit_request.nurse_id == user.pk
    )


def visible_requests(
    user: AbstractBaseUser, queryset: QuerySet, *, nurse_field: str = "nurse"
) -> QuerySet:
    """All of them for a coordinator; for anyone else, the visits assigned to them.

    `nurse_field` reaches the request's nurse from another model's rows
    ("request__nurse" for its messages and events).
    """
    if can_triage(user):
        return queryset
    return queryset.filter(**{nurse_field: user})


def nurses() -> QuerySet:
    """The staff a visit may be assigned to."""
    return (
        get_user_model()
        .objects.filter(groups__name=NURSES_GROUP, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def nurse_label(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
