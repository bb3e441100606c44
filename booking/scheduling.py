"""The scheduling rules, in one place, and the record each schedule leaves.

The rules: a visit starts and ends within service hours (India time); it lasts
as long as its course says (preparation, infusion, observation) or a default;
one nurse's visits never overlap and leave her time to travel between them.
`conflicts()` lists every rule a proposed time breaks, each naming the visit
it clashes with. The schedule service (booking.workflow) refuses them unless
a coordinator gives a reason, and the admin form shows them beside its fields;
both ask here, so the two can never disagree.

The record: each schedule's event holds its old and new values
(`schedule_changes`), so a message written later (a reschedule, a nurse told
a visit left her list) says what that schedule was (`schedule_at`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.models import RequestEvent, Status, VisitRequest
from booking.triage import in_ist

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Rule(models.TextChoices):
    HOURS = "hours", gettext_lazy("service hours")
    OVERLAP = "overlap", gettext_lazy("overlap with another visit")
    TRAVEL = "travel", gettext_lazy("travel time between visits")


# Where each rule's refusal belongs: the service's error keys (the form maps them to its fields).
RULE_FIELD = {Rule.HOURS: "start", Rule.OVERLAP: "nurse", Rule.TRAVEL: "nurse"}


@dataclass(frozen=True)
class Conflict:
    """One rule a proposed visit breaks; `visit` is the nurse's visit it clashes with."""

    code: str
    message: str
    visit: VisitRequest | None = None

    @property
    def field(self) -> str:
        return RULE_FIELD[Rule(self.code)]


# --- the rules ------------------------------------------------------------------


def service_hours() -> tuple[datetime.time, datetime.time]:
    return (
        datetime.time.fromisoformat(settings.SERVICE_HOURS_START),
        datetime.time.fromisoformat(settings.SERVICE_HOURS_END),
    )


def visit_minutes(visit: VisitRequest) -> int:
    """How long this visit takes: its course's preparation, infusion and observation."""
    if visit.course_id is not None:
        return visit.course.visit_minutes  # type: ignore[union-attr]
    return settings.DEFAULT_VISIT_MINUTES


def travel_buffer() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.NURSE_TRAVEL_BUFFER_MINUTES)


def conflicts(
    *,
    visit: VisitRequest,
    start: datetime.datetime,
    end: datetime.datetime,
    nurse: User | None,
) -> list[Conflict]:
    """Every rule that booking `visit` from `start` to `end` with `nurse` breaks.

    The caller holding the nurse's row lock (the schedule service) gets an
    answer no other booking can change before it commits.
    """
    found = []
    hours = _outside_hours(start, end)
    if hours:
        found.append(hours)
    if nurse is None:
        return found
    buffer = travel_buffer()
    nearby = (
        VisitRequest.objects.filter(
            nurse=nurse,
            status=Status.SCHEDULED,
            scheduled_start__lt=end + buffer,
            scheduled_end__gt=start - buffer,
        )
        .exclude(pk=visit.pk)
        .select_related("service_area")
        .order_by("scheduled_start", "pk")
    )
    day = timezone.localtime(start).date()
    for other in nearby:
        assert other.scheduled_start is not None
        assert other.scheduled_end is not None
        named = {
            "reference": other.reference,
            "when": span(other.scheduled_start, other.scheduled_end, day=day),
            "area": area_name(other),
        }
        if other.scheduled_start < end and other.scheduled_end > start:
            message = _("Overlaps %(reference)s, %(when)s in %(area)s") % named
            found.append(Conflict(Rule.OVERLAP, message, other))
            continue
        if other.scheduled_end <= start:
            gap = start - other.scheduled_end
            text = _(
                "Only %(minutes)d min after %(reference)s, %(when)s in %(area)s "
                "(%(buffer)d min are kept for travel)"
            )
        else:
            gap = other.scheduled_start - end
            text = _(
                "Only %(minutes)d min before %(reference)s, %(when)s in %(area)s "
                "(%(buffer)d min are kept for travel)"
            )
        message = text % {
            **named,
            "minutes": int(gap.total_seconds() // 60),
            "buffer": int(buffer.total_seconds() // 60),
        }
        found.append(Conflict(Rule.TRAVEL, message, other))
    return found


def _outside_hours(start: datetime.datetime, end: datetime.datetime) -> Conflict | None:
    opens, closes = service_hours()
    day = timezone.localtime(start).date()
    if in_ist(day, opens) <= start and end <= in_ist(day, closes):
        return None
    message = _("Outside service hours (%(opens)s–%(closes)s IST): %(when)s") % {
        "opens": opens.strftime("%H:%M"),
        "closes": closes.strftime("%H:%M"),
        "when": span(start, end, day=day),
    }
    return Conflict(Rule.HOURS, message)


def refusal(found: list[Conflict]) -> ValidationError:
    """The conflicts as the service's error: each under its field, with its rule as the code."""
    errors: dict[str, list[ValidationError]] = {}
    for conflict in found:
        errors.setdefault(conflict.field, []).append(
            ValidationError(conflict.message, code=conflict.code)
        )
    return ValidationError(errors)


def override_note(found: list[Conflict], reason: str) -> str:
    """What the event log keeps when a coordinator books despite the rules."""
    rules = list(dict.fromkeys(str(Rule(c.code).label) for c in found))
    return "\n".join(
        [
            _("Booked despite the rules on %(rules)s:") % {"rules": ", ".join(rules)},
            *(conflict.message for conflict in found),
            _("Reason: %(reason)s") % {"reason": reason},
        ]
    )


# --- how a visit is named -------------------------------------------------------------


def staff_name(user: User | None) -> str:
    """A nurse as staff and the event log name her: her full name, or her username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def area_name(visit: VisitRequest) -> str:
    """The area the family gave (Andheri East), or the service's name for its PIN code."""
    if visit.area:
        return visit.area
    if visit.service_area_id is not None:
        return f"{visit.service_area.name} {visit.pin_code}"  # type: ignore[union-attr]
    return visit.pin_code


def span(
    start: datetime.datetime, end: datetime.datetime, *, day: datetime.date | None = None
) -> str:
    """`10:00–12:00` in India time; the date is added where it is not `day`."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    first = formats.time_format(local_start, "H:i")
    if local_start.date() != day:
        first = f"{formats.date_format(local_start, 'D j M')} {first}"
    last = formats.time_format(local_end, "H:i")
    if local_end.date() != local_start.date():
        last = f"{formats.date_format(local_end, 'D j M')} {last}"
    return f"{first}–{last}"


# --- the record of each schedule ------------------------------------------------------


def schedule_changes(
    *,
    version: int,
    old: tuple[datetime.datetime | None, datetime.datetime | None, str],
    new: tuple[datetime.datetime, datetime.datetime, str],
) -> dict[str, list[Any]]:
    """The event's changes for one (re)schedule: {field: [old, new]}, times as ISO strings (IST).

    All three fields are kept, changed or not, so each event holds the whole
    schedule; `schedule_version` names which one it made.
    """

    def iso(moment: datetime.datetime | None) -> str | None:
        return timezone.localtime(moment).isoformat() if moment else None

    return {
        "scheduled_start": [iso(old[0]), iso(new[0])],
        "scheduled_end": [iso(old[1]), iso(new[1])],
        "nurse": [old[2] or None, new[2]],
        "schedule_version": [version - 1, version],
    }


@dataclass(frozen=True)
class Schedule:
    """One schedule of a visit (its version), and the one before it."""

    start: datetime.datetime | None
    end: datetime.datetime | None
    nurse_label: str
    old_start: datetime.datetime | None = None
    old_end: datetime.datetime | None = None
    old_nurse_label: str = ""

    @property
    def time_changed(self) -> bool:
        return self.old_start is not None and (
            (self.old_start, self.old_end) != (self.start, self.end)
        )

    @property
    def nurse_changed(self) -> bool:
        return bool(self.old_nurse_label) and self.old_nurse_label != self.nurse_label


def parse_moment(value: object) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else None


def schedule_at(visit: VisitRequest, version: int) -> Schedule:
    """The visit's schedule number `version`, as its event recorded it.

    Falls back on the visit as it is now (a schedule made before events
    held their changes).
    """
    events = RequestEvent.objects.filter(request=visit, to_status=Status.SCHEDULED).order_by(
        "-created_at", "-pk"
    )
    for event in events.only("changes"):
        changes = event.changes or {}
        if changes.get("schedule_version", [None, None])[1] != version:
            continue
        return Schedule(
            start=parse_moment(changes["scheduled_start"][1]),
            end=parse_moment(changes["scheduled_end"][1]),
            nurse_label=changes["nurse"][1] or "",
            old_start=parse_moment(changes["scheduled_start"][0]),
            old_end=parse_moment(changes["scheduled_end"][0]),
            old_nurse_label=changes["nurse"][0] or "",
        )
    return Schedule(start=visit.scheduled_start, end=visit.scheduled_end, nurse_label="")
