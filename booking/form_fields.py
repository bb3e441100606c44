"""The kinds of answer the booking form asks for, and two pieces about Django's forms.

Plain text that refuses control characters and tags, an Indian mobile, a yes
or no; the preferred day as a list of named days; the shallow field copy of
a form that is only checked.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.templatetags.indian_dates import weekday_date
from uhapo.phone import InvalidPhone, parse_indian_mobile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A name has at least this many letters: a lone initial, a dot or a row of
# emoji is not a name a nurse can ask for at the door.
MIN_NAME_LETTERS = 2
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


# How far ahead a family may choose a day from its link.
DAYS_OFFERED = 28


def day_choices(
    first: datetime.date, days: int = DAYS_OFFERED, *, blank: Any = None
) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", blank)] if blank is not None else []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        choices.append((day.isoformat(), weekday_date(day)))
    return choices


class VisitDaySelect(forms.Select):
    """Tomorrow to MAX_DAYS_AHEAD days ahead as named days ("Tuesday 22 December"), as of the
    day it is shown.

    A list rather than the browser's date picker, which some phones show as
    mm/dd/yyyy (10/12 became 12 October); each option's value is the ISO date.
    """

    MAX_DAYS_AHEAD = 60

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.choices = day_choices(tomorrow, self.MAX_DAYS_AHEAD, blank=_("Choose a day"))
        return super().get_context(name, value, attrs)

    def format_value(self, value: Any) -> list[str]:
        if isinstance(value, datetime.date):
            return [value.isoformat()]
        return super().format_value(value)


class VisitDayField(forms.DateField):
    """The day chosen from VisitDaySelect: only an ISO date is read, whatever the language,
    so no typed or localised date can be read the wrong way round."""

    widget = VisitDaySelect
    input_formats = ["%Y-%m-%d"]


def _reject_control_characters(value: str) -> None:
    # Tabs and new lines are fine in free text; other control characters
    # come from pasted junk or probing, never from a family typing.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise forms.ValidationError(
            _("Please remove the unusual characters from this answer."), code="control"
        )


def too_few_letters(name: str) -> bool:
    # isalpha(), not [A-Za-z]: Devanagari consonants and vowels are letters
    # (its vowel signs are not, so राम counts two).
    return sum(ch.isalpha() for ch in name) < MIN_NAME_LETTERS


def _reject_markup(value: str) -> None:
    if "<" in value and ">" in value:
        raise forms.ValidationError(
            _("Please write this in plain words, without < or > signs."), code="markup"
        )


class TextField(forms.CharField):
    """A text answer that refuses control characters and HTML tags."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators += [_reject_control_characters, _reject_markup]
        if self.max_length:
            self.error_messages["max_length"] = _(
                "Please keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."
            )


class CountedTextField(TextField):
    """Free text whose limit is said in its hint and counted as it is typed
    (static/js/char-count.js), never cut off.

    A browser's `maxlength` drops whatever is pasted past the limit without a
    word, so it is left off: the server's check says how much to cut instead.
    """

    def to_python(self, value: Any) -> str:
        # Browsers send each line break as \r\n but count (and show) it as one
        # character: counted here as one too, so the page's count and ours agree.
        return str(super().to_python(value)).replace("\r\n", "\n")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        if self.max_length:
            attrs.update(
                {
                    "data-max-chars": str(self.max_length),
                    "data-chars-left": _("Characters left: {count}"),
                    "data-chars-over": _("{count} characters too many"),
                }
            )
        return attrs


class PhoneField(forms.CharField):
    """An Indian mobile number, returned in E.164 (+91XXXXXXXXXX)."""

    default_error_messages = {
        "invalid": _("Enter a 10-digit Indian mobile number, like 98200 12345 or +91 98200 12345."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if not value:
            return value
        try:
            return parse_indian_mobile(value)
        except InvalidPhone:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def yes_no_field(
    label: StrOrPromise, required: StrOrPromise, help_text: StrOrPromise = ""
) -> forms.TypedChoiceField:
    # Each question names itself in its error, so the summary's links differ.
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class CheckedOnly(dict):
    """The class's fields, for a form that is checked and never shown.

    Django gives each form a deep copy of its fields (BaseForm.__init__
    copies `base_fields`) because showing a form may change them: crispy
    adds CSS classes, `is-invalid` among them, to the widgets it renders.
    Checking never changes a field, so its copy can be shallow."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)
