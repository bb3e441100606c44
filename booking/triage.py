"""Rules the triage desk works by: when a new request is overdue, how long it has waited.

Pure functions of their arguments (no database, no clock of their own) so
the admin list, its filter and the tests agree on one definition: the overdue
rule is here as a check on one request and as a query, and nowhere else.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

# Coordinators answer between 8 am and 8 pm IST, every day of the week.
WORKDAY_START = datetime.time(8, 0)
WORKDAY_END = datetime.time(20, 0)
# A new request should be answered within this much working time.
RESPONSE_TARGET = datetime.timedelta(hours=2)


def in_ist(day: datetime.date, time: datetime.time = datetime.time.min) -> datetime.datetime:
    """That clock time on that day in India (TIME_ZONE), whatever zone is active."""
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


def _window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    return in_ist(day, WORKDAY_START), in_ist(day, WORKDAY_END)


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """The part of [start, end) that falls between 8 am and 8 pm IST."""
    if end <= start:
        return datetime.timedelta(0)
    zone = timezone.get_default_timezone()
    day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    total = datetime.timedelta(0)
    while day <= last_day:
        open_at, close_at = _window(day)
        overlap = min(end, close_at) - max(start, open_at)
        if overlap > datetime.timedelta(0):
            total += overlap
        day += datetime.timedelta(days=1)
    return total


def overdue_cutoff(
    now: datetime.datetime, target: datetime.timedelta = RESPONSE_TARGET
) -> datetime.datetime:
    """The latest arrival time that has waited `target` of working time by `now`.

    A new request received at or before this instant is overdue.
    """
    remaining = target
    day = now.astimezone(timezone.get_default_timezone()).date()
    # A target longer than the working day still ends: each step back a day
    # uses up to 12 hours of it.
    while True:
        open_at, close_at = _window(day)
        window_end = min(close_at, now)
        available = window_end - open_at
        if available > datetime.timedelta(0):
            if remaining <= available:
                return window_end - remaining
            remaining -= available
        day -= datetime.timedelta(days=1)


def is_overdue(*, status: str, created_at: datetime.datetime, now: datetime.datetime) -> bool:
    """A request still `new` after 2 working hours (8 am-8 pm IST) is overdue."""
    from booking.models import Status

    return status == Status.NEW and created_at <= overdue_cutoff(now)


def overdue_requests(now: datetime.datetime) -> Q:
    """`is_overdue` as a filter on requests, for the list's "overdue" filter."""
    from booking.models import Status

    return Q(status=Status.NEW, created_at__lte=overdue_cutoff(now))


def format_wait(delta: datetime.timedelta) -> str:
    """`3 h 10 min`, `2 d 4 h`, `45 min`: short enough for a list column."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def response_due(created_at: datetime.datetime) -> datetime.datetime:
    """When a request received at `created_at` becomes overdue: 2 working hours later.

    What the family is told ("we will call you by 9:30 am"), the same rule as
    `is_overdue` read forwards.
    """
    remaining = RESPONSE_TARGET
    day = created_at.astimezone(timezone.get_default_timezone()).date()
    while True:
        open_at, close_at = _window(day)
        start = max(open_at, created_at)
        available = close_at - start
        if available > datetime.timedelta(0):
            if remaining <= available:
                return start + remaining
            remaining -= available
        day += datetime.timedelta(days=1)


def review_reasons(*, first_dose_in_hospital: bool, had_infusion_reaction: bool) -> list[str]:
    """Why a request needs a clinician's review, in words (empty: it does not).

    The same rule the workflow sets `needs_clinical_review` by: a first dose
    never given under hospital watch, or an earlier reaction to an infusion.
    """
    reasons = []
    if not first_dose_in_hospital:
        reasons.append(_("the first dose was not given in hospital"))
    if had_infusion_reaction:
        reasons.append(_("a reaction to an infusion before"))
    return reasons
