"""No SMS that can wait is sent between 21:00 and 08:00 IST."""

from __future__ import annotations

import datetime

from django.utils import timezone

QUIET_START = datetime.time(21, 0)
QUIET_END = datetime.time(8, 0)


def in_quiet_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment).time()
    return local >= QUIET_START or local < QUIET_END


def sms_due_time(due: datetime.datetime) -> datetime.datetime:
    """Move a due time that falls in quiet hours (21:00-08:00 IST) to 08:00."""
    if not in_quiet_hours(due):
        return due
    local = timezone.localtime(due)
    day = local.date() if local.time() < QUIET_END else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, QUIET_END))
