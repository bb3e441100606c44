"""Dates, times and numbers the Indian way, one module per language (FORMAT_MODULE_PATH).

The names of months and weekdays come from Django's own catalogues. Django's
Hindi catalogue misspells some of them (सितमबर, नवमबर, दिसमबर, गुरूवार), so
the full names are listed here once more: makemessages then keeps them in
locale/hi and locale/mr, and our correct spellings win over Django's.
"""

from django.utils.translation import gettext_noop

CALENDAR_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
