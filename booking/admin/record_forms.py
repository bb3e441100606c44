"""The forms of the nurse's pages: the visit record, and the coordinator's notes for her.

The record form only reads what was typed (numbers, 24-hour times on the
visit's day in IST); every rule about what may be recorded is in
booking/visit_records.py, whose refusals come back onto these fields.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import VisitRequest
from booking.triage import in_ist
from care.models import Outcome, ReactionGrade

TIME_HINT = _("24-hour clock, for example 10:05.")


def _time(label: Any, help_text: Any = TIME_HINT) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def _whole(label: Any, help_text: Any) -> forms.IntegerField:
    # No min/max on the input: the service names the plausible range beside the field.
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _decimal(label: Any, help_text: Any, places: int = 1) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        max_digits=4,
        decimal_places=places,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )


def _systolic() -> forms.IntegerField:
    return _whole(_("Blood pressure, upper (systolic)"), _("mmHg, 60–260."))


def _diastolic() -> forms.IntegerField:
    return _whole(_("Blood pressure, lower (diastolic)"), _("mmHg, 30–160."))


def _pulse() -> forms.IntegerField:
    return _whole(_("Pulse"), _("Beats a minute, 30–220."))


def _temperature() -> forms.DecimalField:
    return _decimal(_("Temperature"), _("°C, 34–42, for example 36.8."))


def _spo2() -> forms.IntegerField:
    return _whole(_("SpO₂"), _("Oxygen saturation, %, 50–100."))


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class VisitRecordForm(forms.Form):
    """What the nurse records at the visit, in the order she does it."""

    arrived_at = _time(_("Arrived at"))
    weight_kg = _decimal(_("Weight"), _("kg, 20–250."))
    bp_systolic_before = _systolic()
    bp_diastolic_before = _diastolic()
    pulse_before = _pulse()
    temperature_before = _temperature()
    spo2_before = _spo2()
    batch_number = forms.CharField(
        label=_("Batch number"),
        help_text=_("As printed on the vial."),
        required=False,
        max_length=40,
    )
    batch_expiry = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cold_chain_kept = forms.TypedChoiceField(
        label=_("Kept at 2–8 °C all the way?"),
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    cold_chain_temperature = _decimal(
        _("Cool box reading on arrival"), _("°C, from the cool box's thermometer.")
    )
    infusion_started_at = _time(_("Infusion started at"))
    infusion_ended_at = _time(_("Infusion ended at"))
    observation_minutes = _whole(
        _("Observation afterwards"), _("Minutes you watched for a reaction after the infusion.")
    )
    reaction_grade = forms.TypedChoiceField(
        label=_("Reaction"),
        choices=ReactionGrade.choices,
        coerce=int,
        initial=ReactionGrade.NONE,
        required=False,
        widget=forms.RadioSelect,
    )
    reaction_action = forms.CharField(
        label=_("What was done for the reaction"),
        help_text=_("Needed for any reaction: medicines given, infusion paused, doctor called."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    bp_systolic_after = _systolic()
    bp_diastolic_after = _diastolic()
    pulse_after = _pulse()
    temperature_after = _temperature()
    spo2_after = _spo2()
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, required=False, widget=forms.RadioSelect
    )
    not_given_reason = forms.CharField(
        label=_("Why not given, or what happened"),
        help_text=_("Needed when the dose was not given or nobody was at home."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    left_at = _time(_("Left at"))
    notes = forms.CharField(
        label=_("Other notes"),
        help_text=_("Optional. Staff see them; the family does not."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    GROUPS = (
        (_("Arrival"), ("arrived_at",)),
        (
            _("Before the infusion"),
            (
                "weight_kg",
                "bp_systolic_before",
                "bp_diastolic_before",
                "pulse_before",
                "temperature_before",
                "spo2_before",
            ),
        ),
        (
            _("The medicine"),
            ("batch_number", "batch_expiry", "cold_chain_kept", "cold_chain_temperature"),
        ),
        (_("The infusion"), ("infusion_started_at", "infusion_ended_at", "observation_minutes")),
        (_("Reaction"), ("reaction_grade", "reaction_action")),
        (
            _("After the infusion"),
            (
                "bp_systolic_after",
                "bp_diastolic_after",
                "pulse_after",
                "temperature_after",
                "spo2_after",
            ),
        ),
        (_("Outcome"), ("outcome", "not_given_reason")),
        (_("Leaving"), ("left_at", "notes")),
    )
    TIME_FIELDS = ("arrived_at", "infusion_started_at", "infusion_ended_at", "left_at")

    def __init__(self, *args: Any, visit_request: VisitRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit_request = visit_request
        start = visit_request.scheduled_start or timezone.now()
        self.visit_day: datetime.date = timezone.localtime(start).date()

    def groups(self) -> list[dict[str, Any]]:
        """The fieldsets, in order, with their bound fields (for the template)."""
        return [
            {"title": title, "fields": [self[name] for name in names]}
            for title, names in self.GROUPS
        ]

    def record_data(self) -> dict[str, Any]:
        """What was typed, for visit_record_save: times become moments on the visit's day."""
        data = dict(self.cleaned_data)
        for name in self.TIME_FIELDS:
            clock = data.get(name)
            data[name] = in_ist(self.visit_day, clock) if clock is not None else None
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        """Put the service's refusals beside the fields they are about."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, errors in exc.message_dict.items():
            self.add_error(
                None if name == NON_FIELD_ERRORS or name not in self.fields else name, errors
            )


class HandoverNotesForm(forms.Form):
    handover_notes = forms.CharField(
        label=_("Notes for the nurse"),
        help_text=_(
            "What the nurse should know for this visit, for example: reaction in cycle 2, "
            "premedication as the oncologist advised. The family does not see it."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
