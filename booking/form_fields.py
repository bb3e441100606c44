"""Two pieces of the booking form that are about Django's forms more than about bookings."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone


class VisitDateInput(forms.DateInput):
    """A date picker offering tomorrow to MAX_DAYS_AHEAD days ahead, as of the day it is shown."""

    input_type = "date"
    MAX_DAYS_AHEAD = 60

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        today = timezone.localdate()
        span = {
            "min": (today + datetime.timedelta(days=1)).isoformat(),
            "max": (today + datetime.timedelta(days=self.MAX_DAYS_AHEAD)).isoformat(),
        }
        return super().get_context(name, value, {**span, **(attrs or {})})


class CheckedOnly(dict):
    """The class's fields, for a form that is checked and never shown.

    Django gives each form a deep copy of its fields (BaseForm.__init__
    copies `base_fields`) because showing a form may change them: crispy
    adds CSS classes, `is-invalid` among them, to the widgets it renders.
    Checking never changes a field, so its copy can be shallow."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)
