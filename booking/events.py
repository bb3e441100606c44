"""The request's event log: append an event, name its actor, write its note for staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from booking.models import RequestEvent, VisitRequest


def staff_note(text: Any) -> str:
    """An event's note in the staff's language, whoever's request set it off (the log
    is read in admin; a family's Hindi page must not write a Hindi note)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def actor_label_for(actor: User | None, default: str) -> str:
    return actor.get_username() if actor is not None else default


def record_event(
    visit_request: VisitRequest,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    actor_label: str,
    note: str = "",
    changes: Mapping[str, tuple[Any, Any] | list[Any]] | None = None,
) -> RequestEvent:
    """Append to the request's log; `changes` is {field: (old, new)}, JSON-ready values."""
    return RequestEvent.objects.create(
        request=visit_request,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
        changes={name: list(pair) for name, pair in (changes or {}).items()},
    )
