"""The small forms on the family's private link: confirm a proposed day, ask to move a visit.

Days are offered as a list of named days ("Tuesday 22 December"), never typed,
so 10/12 cannot be read as 12 October.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.form_errors import ErrorSummaryMixin
from booking.form_fields import CountedTextField, day_choices
from booking.models import TimeOfDay
from booking.templatetags.indian_dates import weekday_date


def _as_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


# A day chosen from the list of days that suit: missing, or not one of them.
DAY_ERRORS = {
    "required": _("Choose a day that suits you."),
    "invalid_choice": _("Choose one of the days in the list."),
}


class ConfirmDayForm(ErrorSummaryMixin, forms.Form):
    """For a proposed visit: the day that suits (the proposed one first), and the time of day."""

    date = forms.TypedChoiceField(
        label=_("Which day suits you?"),
        coerce=_as_date,
        error_messages=DAY_ERRORS,
    )
    time_of_day = forms.ChoiceField(
        label=_("What time of day?"),
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time of day.")},
    )

    def __init__(self, *args: Any, proposed: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        first = max(today, proposed - datetime.timedelta(days=3))
        field = self.fields["date"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = day_choices(first, (proposed - first).days + 15)
        field.help_text = _(
            "The oncologist's plan gives %(day)s. Choose another day if needed."
        ) % {"day": weekday_date(proposed)}
        if not self.is_bound:
            self.initial.setdefault("date", max(proposed, today).isoformat())


class MoveRequestForm(ErrorSummaryMixin, forms.Form):
    """For a booked or requested visit: up to three days that suit, and why."""

    first_choice = forms.TypedChoiceField(
        label=_("First choice"),
        coerce=_as_date,
        error_messages=DAY_ERRORS,
    )
    second_choice = forms.TypedChoiceField(
        label=_("Second choice (optional)"), coerce=_as_date, required=False, empty_value=None
    )
    third_choice = forms.TypedChoiceField(
        label=_("Third choice (optional)"), coerce=_as_date, required=False, empty_value=None
    )
    time_of_day = forms.ChoiceField(
        label=_("What time of day?"),
        choices=[("", _("Any time")), *TimeOfDay.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    # Counted as it is typed, never cut off by the browser (see CountedTextField).
    reason = CountedTextField(
        label=_("Why do you need to move it?"),
        help_text=_("A few words are enough, for example: a hospital appointment that day."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us briefly why you need to move it.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for name in ("first_choice", "second_choice", "third_choice"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = day_choices(tomorrow, blank=_("Choose a day"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        days = [data.get(name) for name in ("first_choice", "second_choice", "third_choice")]
        chosen = [day for day in days if day]
        if len(set(chosen)) != len(chosen):
            self.add_error("second_choice", _("Please choose different days."))
        data["days"] = sorted(set(chosen))
        return data
