"""A request's events in words: what each one did, with the old and new values it kept.

"Received", "New → Contacted", "Booked: Thu 3 Dec 10:00–12:00 IST; nurse
Asha K", "Moved: Tue 8 Dec 10:00 → Wed 9 Dec 11:00 IST; nurse Asha K →
Meera P": the timeline on a request's page and the event list read these,
never `scheduled -> scheduled`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.admin.forms import minutes_label
from booking.models import CallOutcome, ConsentMethod, RequestEvent, Status, VisitRequest
from booking.scheduling import parse_moment
from care.models import Outcome

# Values kept in the log by services that are not a request's own fields: shown
# by their labels ("No answer", "Dose given"), never as stored ("no_answer").
VALUE_LABELS: dict[str, tuple[Any, dict[str, Any]]] = {
    "call_outcome": (gettext_lazy("call"), dict(CallOutcome.choices)),
    "outcome": (gettext_lazy("outcome"), dict(Outcome.choices)),
    "consent": (gettext_lazy("consent"), dict(ConsentMethod.choices)),
}

SCHEDULE_KEYS = ("scheduled_start", "scheduled_end", "nurse", "schedule_version")


def describe(event: RequestEvent) -> str:
    """The event in a line: its move (if any) and what it changed."""
    changes = event.changes or {}
    schedule = _schedule_words(changes)
    parts = [] if schedule else [_status_words(event)]
    parts += [schedule, *_other_words(changes)]
    # A row that moved nothing (a message sent again) still says where the request stood.
    return "; ".join(part for part in parts if part) or str(Status(event.to_status).label)


def _status_words(event: RequestEvent) -> str:
    if not event.from_status:
        return _("Received")
    if event.from_status == event.to_status:
        return ""
    return f"{Status(event.from_status).label} → {Status(event.to_status).label}"


def _moment(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'D j M')} {formats.time_format(local, 'H:i')}"


def _schedule_words(changes: dict[str, Any]) -> str:
    if "scheduled_start" not in changes:
        return ""
    old_start, new_start = (parse_moment(v) for v in changes["scheduled_start"])
    old_end, new_end = (parse_moment(v) for v in changes.get("scheduled_end", [None, None]))
    old_nurse, new_nurse = changes.get("nurse", [None, None])
    if new_start is None or new_end is None:
        return ""
    if old_start is None or old_end is None:
        booked = _("Booked: %(when)s IST") % {
            "when": f"{_moment(new_start)}–{formats.time_format(timezone.localtime(new_end), 'H:i')}"
        }
        return "; ".join(
            filter(None, [booked, _("nurse %(name)s") % {"name": new_nurse} if new_nurse else ""])
        )
    parts = []
    if old_start != new_start:
        parts.append(
            _("Moved: %(old)s → %(new)s IST")
            % {"old": _moment(old_start), "new": _moment(new_start)}
        )
    old_length, new_length = old_end - old_start, new_end - new_start
    if old_length != new_length:
        parts.append(
            _("length %(old)s → %(new)s")
            % {
                "old": minutes_label(int(old_length.total_seconds() // 60)),
                "new": minutes_label(int(new_length.total_seconds() // 60)),
            }
        )
    if old_nurse != new_nurse:
        parts.append(_("nurse %(old)s → %(new)s") % {"old": old_nurse or "-", "new": new_nurse})
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _other_words(changes: dict[str, Any]) -> list[str]:
    """Any other change (a corrected detail): its field's name, old and new."""
    words = []
    for key, values in changes.items():
        if key in SCHEDULE_KEYS or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        try:
            field = VisitRequest._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        name = str(getattr(field, "verbose_name", key.replace("_", " ")))
        labels = dict(getattr(field, "flatchoices", None) or [])
        if key in VALUE_LABELS:
            name, labels = str(VALUE_LABELS[key][0]), VALUE_LABELS[key][1]
        shown = [labels.get(value, value) if isinstance(value, str) else value for value in values]
        old, new = (str(value) if value not in (None, "") else "-" for value in shown)
        if old == "-":
            # Nothing before: say what it is now ("call: No answer"), not "- → No answer".
            words.append(f"{name}: {new}")
        else:
            words.append(f"{name}: {old} → {new}")
    return words
