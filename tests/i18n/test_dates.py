"""Dates, times and numbers the way people write and say them in India, in each language."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import formats, translation

from booking.forms import VisitRequestForm
from booking.templatetags.indian_dates import clock, sms_date, weekday_date, weekday_date_year

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
THURSDAY = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday 3 December"),
        ("hi", "गुरुवार, 3 दिसंबर"),
        ("mr", "गुरुवार, 3 डिसेंबर"),
    ],
)
def test_a_visit_day_reads_weekday_day_month(language, expected):
    with translation.override(language):
        assert weekday_date(THURSDAY) == expected
        assert weekday_date_year(THURSDAY) == f"{expected} 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Thu 3 Dec"), ("hi", "गुरुवार, 3 दिसंबर"), ("mr", "गुरुवार, 3 डिसेंबर")],
)
def test_an_sms_date_is_short_in_english_and_whole_words_in_devanagari(language, expected):
    with translation.override(language):
        assert sms_date(THURSDAY) == expected


@pytest.mark.parametrize(
    ("hour", "minute", "en", "hi", "mr"),
    [
        (2, 15, "2:15 AM", "रात 2:15", "रात्री 2:15"),
        (9, 30, "9:30 AM", "सुबह 9:30", "सकाळी 9:30"),
        (11, 0, "11:00 AM", "सुबह 11:00", "सकाळी 11:00"),
        (12, 0, "12:00 PM", "दोपहर 12:00", "दुपारी 12:00"),
        (13, 45, "1:45 PM", "दोपहर 1:45", "दुपारी 1:45"),
        (16, 30, "4:30 PM", "शाम 4:30", "संध्याकाळी 4:30"),
        (19, 59, "7:59 PM", "शाम 7:59", "संध्याकाळी 7:59"),
        (21, 0, "9:00 PM", "रात 9:00", "रात्री 9:00"),
    ],
)
def test_a_clock_time_says_the_part_of_the_day(hour, minute, en, hi, mr):
    moment = datetime.datetime(2026, 12, 3, hour, minute, tzinfo=IST)
    for language, expected in (("en", en), ("hi", hi), ("mr", mr)):
        with translation.override(language):
            assert clock(moment) == expected


def test_clock_times_are_shown_in_india_whatever_the_stored_zone():
    in_utc = datetime.datetime(2026, 12, 3, 5, 30, tzinfo=datetime.UTC)  # 11:00 in Mumbai
    with translation.override("hi"):
        assert clock(in_utc) == "सुबह 11:00"
        assert weekday_date(datetime.datetime(2026, 12, 2, 20, 0, tzinfo=datetime.UTC)) == (
            "गुरुवार, 3 दिसंबर"
        )


@pytest.mark.parametrize(
    ("language", "months", "days"),
    [
        (
            "hi",
            "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर",
            "सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार",
        ),
        (
            "mr",
            "जानेवारी फेब्रुवारी मार्च एप्रिल मे जून जुलै ऑगस्ट सप्टेंबर ऑक्टोबर नोव्हेंबर डिसेंबर",
            "सोमवार मंगळवार बुधवार गुरुवार शुक्रवार शनिवार रविवार",
        ),
    ],
)
def test_month_and_weekday_names_are_spelled_right(language, months, days):
    """Django's own Hindi catalogue misspells several; ours must win."""
    with translation.override(language):
        template = Template("{{ d|date:'F' }}")
        names = [
            template.render(Context({"d": datetime.date(2026, month, 1)})) for month in range(1, 13)
        ]
        assert " ".join(names) == months
        monday = datetime.date(2026, 11, 30)
        weekdays = [formats.date_format(monday + datetime.timedelta(days=n), "l") for n in range(7)]
        assert " ".join(weekdays) == days


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_dates_put_the_day_first(language):
    with translation.override(language):
        assert formats.date_format(THURSDAY, "SHORT_DATE_FORMAT") == "03/12/2026"
        assert formats.date_format(THURSDAY).startswith("3 ")
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 0


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_large_numbers_use_lakh_and_crore_grouping(language):
    with translation.override(language):
        assert formats.number_format(12345678, force_grouping=True) == "1,23,45,678"
        assert formats.number_format(100000, force_grouping=True) == "1,00,000"


@pytest.mark.parametrize(
    ("language", "named"),
    [("en", "Thursday 3 December"), ("hi", "गुरुवार, 3 दिसंबर"), ("mr", "गुरुवार, 3 डिसेंबर")],
)
@time_machine.travel("2026-12-01 10:00 +05:30", tick=False)
def test_the_preferred_day_is_chosen_by_its_name_and_sent_as_an_iso_date(language, named):
    with translation.override(language):
        field = VisitRequestForm.base_fields["preferred_date"]
        html = field.widget.render("preferred_date", THURSDAY)
        assert f'<option value="2026-12-03" selected>{named}</option>' in html
        # Tomorrow is the first day offered, 60 days ahead the last.
        assert 'value="2026-12-02"' in html
        assert 'value="2027-01-30"' in html
        assert 'value="2027-01-31"' not in html
        assert field.clean("2026-12-03") == THURSDAY
        # A typed date could be read either way round (10/12: 10 December or
        # 12 October), so none is read at all.
        for typed in ("10/12/2026", "03/12/2026", "12/10/2026"):
            with pytest.raises(ValidationError):
                field.clean(typed)
