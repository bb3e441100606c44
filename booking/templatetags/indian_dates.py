"""Visit days and clock times the way a family says them in each language.

English keeps "Thursday 3 December, 11:00 AM"; Hindi and Marathi say the part
of the day before the time ("गुरुवार, 3 दिसंबर, सुबह 11:00"), which AM/PM
cannot express. The date patterns and the words are translations, so each
language chooses its own order and punctuation.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django import template
from django.utils import formats
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # in Django, not in django-stubs
from django.utils.translation import pgettext, pgettext_lazy

register = template.Library()

# The patterns use Django's date format letters: translators keep the letters
# and change only their order and the punctuation.
WEEKDAY_DATE = pgettext_lazy("date pattern, as in 'Thursday 3 December'", "l j F")
WEEKDAY_DATE_YEAR = pgettext_lazy("date pattern, as in 'Thursday 3 December 2026'", "l j F Y")
SMS_DATE = pgettext_lazy("date pattern in a short SMS, as in 'Thu 3 Dec'", "D j M")
# The time a visit was moved from, beside its new day in one SMS.
SMS_DAY_MONTH = pgettext_lazy(
    "date pattern in a short SMS, without the weekday, as in '3 Dec'", "j M"
)

# (first hour, word said with a clock time). English only needs AM and PM;
# other languages name the part of the day, matching the booking form's
# morning (8-12), afternoon (12-4) and evening (4-8).
PARTS_OF_DAY = (
    (0, pgettext_lazy("with a clock time from midnight to 4 am (night)", "AM")),
    (4, pgettext_lazy("with a clock time from 4 am to noon (morning)", "AM")),
    (12, pgettext_lazy("with a clock time from noon to 4 pm (afternoon)", "PM")),
    (16, pgettext_lazy("with a clock time from 4 pm to 8 pm (evening)", "PM")),
    (20, pgettext_lazy("with a clock time from 8 pm to midnight (night)", "PM")),
)


_Day = TypeVar("_Day", bound=datetime.date)


def _local(value: _Day) -> _Day:
    return template_localtime(value) if isinstance(value, datetime.datetime) else value


def part_of_day(hour: int) -> str:
    return str([word for first, word in PARTS_OF_DAY if hour >= first][-1])


@register.filter
def weekday_date(value: datetime.date | None) -> str:
    """Thursday 3 December / गुरुवार, 3 दिसंबर / गुरुवार, 3 डिसेंबर."""
    return formats.date_format(_local(value), str(WEEKDAY_DATE)) if value else ""


@register.filter
def weekday_date_year(value: datetime.date | None) -> str:
    return formats.date_format(_local(value), str(WEEKDAY_DATE_YEAR)) if value else ""


@register.filter
def sms_date(value: datetime.date | None) -> str:
    return formats.date_format(_local(value), str(SMS_DATE)) if value else ""


@register.filter
def sms_day_month(value: datetime.date | None) -> str:
    return formats.date_format(_local(value), str(SMS_DAY_MONTH)) if value else ""


@register.filter
def clock(value: datetime.datetime | None) -> str:
    """11:00 AM / सुबह 11:00 / सकाळी 11:00."""
    if not value:
        return ""
    local = _local(value)
    return pgettext(
        "a clock time; time is like 11:00, part_of_day is AM/PM or a part of the day",
        "%(time)s %(part_of_day)s",
    ) % {"time": formats.time_format(local, "g:i"), "part_of_day": part_of_day(local.hour)}
