"""One screen of the check-in: one group's questions, each a set of radio buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftercare.triage import Group
from booking.form_errors import ErrorSummaryMixin


class CheckInGroupForm(ErrorSummaryMixin, forms.Form):
    """The group's questions in the file's order; nothing ticked beforehand."""

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in group.questions:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text,
                choices=[(choice.id, choice.text) for choice in question.choices],
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose one answer.")},
            )
