"""Who may do what in the triage admin: the roles, asked as permissions.

A coordinator has booking.triage_visitrequest and may do everything the
workflow allows, on every request. A nurse has booking.complete_visit: she
is offered when a visit is scheduled, sees only the visits assigned to her
and marks those completed. A migration grants them to the Coordinators and
Nurses groups; the code asks user.has_perm(), never a group's name, so a
role can be given to one account as well. Superusers have every permission.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from booking.models import VisitRequest

TRIAGE = "booking.triage_visitrequest"
COMPLETE = "booking.complete_visit"
# with_perm() must be told which backend answers when there are several
# (django-axes adds its own, which knows no permissions).
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def staff_user(request: HttpRequest) -> User:
    """The staff member an admin request comes from, as the services record them.

    The admin site lets no anonymous visitor reach its views (admin_view
    sends them to the login page), so this only refuses what cannot happen.
    """
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user


# The checks take request.user as it comes, signed in or not: an anonymous user may do nothing.


def can_triage(user: User | AnonymousUser) -> bool:
    """Coordinators and superusers: everything the workflow allows, on every request."""
    return bool(user.is_active and user.is_staff and user.has_perm(TRIAGE))


def require_triage(user: User | AnonymousUser) -> None:
    if not can_triage(user):
        raise PermissionDenied


def completes_visits(user: User | AnonymousUser) -> bool:
    """A nurse: may be assigned visits and mark her own completed."""
    return bool(user.is_active and user.is_staff and user.has_perm(COMPLETE))


def may_complete(user: User | AnonymousUser, visit_request: VisitRequest) -> bool:
    """A coordinator, or the nurse the visit is assigned to."""
    return can_triage(user) or (completes_visits(user) and visit_request.nurse_id == user.pk)


def visible_requests(user: User, queryset: QuerySet, *, nurse_field: str = "nurse") -> QuerySet:
    """All of them for a coordinator; for anyone else, the visits assigned to them.

    `nurse_field` reaches the request's nurse from another model's rows
    ("request__nurse" for its events).
    """
    if can_triage(user):
        return queryset
    return queryset.filter(**{nurse_field: user})


def nurses() -> QuerySet:
    """The staff a visit may be assigned to: whoever has the nurse's permission.

    Through a group or given directly; superusers are not nurses for all that
    they may do everything.
    """
    return (
        get_user_model()
        .objects.with_perm(COMPLETE, include_superusers=False, backend=PERMISSION_BACKEND)
        .order_by("first_name", "last_name", "username")
    )


def nurse_label(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
