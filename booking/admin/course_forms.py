"""The forms of the course pages: match a patient, start a course, correct details,
a request taken on the phone, the answer to a family's request to move."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.corrections import CORRECTABLE_FIELDS
from booking.forms import VisitRequestForm
from booking.models import VisitRequest
from booking.patients import Candidate
from care.models import Regimen

NEW_PATIENT = "new"


class MatchPatientForm(forms.Form):
    """Staff choose: one of the possible patients, or a new patient. Never chosen for them."""

    patient = forms.ChoiceField(label=_("Who is this request for?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.patient.pk): c for c in candidates}
        choices: list[tuple[str, Any]] = [
            (
                pk,
                _("%(patient)s, %(phone)s (%(reasons)s)")
                % {
                    "patient": c.patient,
                    "phone": c.patient.phone_display,
                    "reasons": ", ".join(c.reasons),
                },
            )
            for pk, c in self.candidates.items()
        ]
        choices.append((NEW_PATIENT, _("Someone new: make a new patient record")))
        field = self.fields["patient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen(self) -> Any:
        value = self.cleaned_data["patient"]
        return None if value == NEW_PATIENT else self.candidates[value].patient


class CourseStartForm(forms.Form):
    regimen = forms.ModelChoiceField(
        label=_("Regimen"),
        queryset=Regimen.objects.filter(is_active=True),
        help_text=_(
            "From the regimen catalogue; the figures below can be changed for this patient."
        ),
    )
    interval_days = forms.IntegerField(
        label=_("Days between doses"),
        required=False,
        min_value=7,
        max_value=84,
        help_text=_("Blank: the regimen's interval."),
    )
    infusion_minutes = forms.IntegerField(
        label=_("Infusion minutes"),
        required=False,
        min_value=5,
        max_value=240,
        help_text=_("Blank: the regimen's infusion minutes."),
    )
    planned_cycles = forms.IntegerField(
        label=_("Planned doses"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Blank with no end date: the regimen's most doses."),
    )
    end_date = forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    started_on = forms.DateField(
        label=_("Course started"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cycle_number = forms.IntegerField(
        label=_("This visit is dose number"), min_value=1, max_value=60, initial=1
    )
    hospital = forms.CharField(label=_("Hospital"), max_length=120)
    oncologist = forms.CharField(label=_("Treating oncologist"), max_length=100)
    handover_notes = forms.CharField(
        label=_("Notes for the nurse, for the whole course"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        regimen = data.get("regimen")
        no_end = not data.get("planned_cycles") and not data.get("end_date")
        if regimen and no_end and regimen.max_cycles is None:
            self.add_error(
                "planned_cycles",
                _("This regimen has no fixed number: give the planned doses or an end date."),
            )
        return data

    @staticmethod
    def initial_for(obj: VisitRequest) -> dict[str, Any]:
        return {
            "hospital": obj.hospital_name,
            "oncologist": obj.oncologist_name,
            "started_on": timezone.localdate(),
            "cycle_number": 1,
        }


def speak_to_staff(form: forms.Form) -> None:
    """The public form's questions as a coordinator reads them: about the patient
    and the helper, not "I am the patient" and "Your name"."""
    wording: dict[str, dict[str, Any]] = {
        "submitted_by": {
            "label": _("Who is the request from?"),
            "choices": [("patient", _("The patient")), ("caregiver", _("Someone helping"))],
        },
        "caregiver_name": {"label": _("Helper's name"), "help_text": ""},
        "caregiver_relationship": {"label": _("Helper's relationship to the patient")},
        "caregiver_phone": {"label": _("Helper's mobile number"), "help_text": ""},
        "caregiver_email": {"label": _("Helper's email (optional)")},
        "patient_phone": {"help_text": _("10 digits. Without a mobile: the helper's, in both.")},
        "message_recipient": {
            "label": _("Who gets the messages?"),
            "choices": [
                ("patient", _("The patient")),
                ("caregiver", _("The helper")),
                ("both", _("Both")),
            ],
            "help_text": _("Left empty for a helper's request: both."),
        },
        "whatsapp_opt_in": {"help_text": _("Only if the family asked for WhatsApp.")},
    }
    for name, attributes in wording.items():
        field = form.fields.get(name)
        if field is None:
            continue
        for attribute, value in attributes.items():
            setattr(field, attribute, value)


class CorrectionForm(VisitRequestForm):
    """The family's details as the public form checks them, for staff to correct."""

    reason = forms.CharField(
        label=_("Why the change"),
        help_text=_("For example: the daughter gave the right number on the call."),
        max_length=500,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in CORRECTABLE_FIELDS and name != "reason":
                del self.fields[name]
        speak_to_staff(self)

    @classmethod
    def initial_for(cls, obj: VisitRequest) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in CORRECTABLE_FIELDS}


class PhoneRequestForm(VisitRequestForm):
    """The website's form, filled in by a coordinator while the family is on the phone."""

    language = forms.ChoiceField(
        label=_("Language for the family's messages"), choices=settings.LANGUAGES, initial="en"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        consent = self.fields["consent"]
        consent.label = _(
            "I read the privacy notice to the caller, and they agreed to it on the phone."
        )
        consent.help_text = _("Recorded as consent given on the phone, by you.")
        speak_to_staff(self)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class ChangeAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the family"),
        help_text=_(
            "They read it on their link and get a message. For example: no nurse is free "
            "on those days; we will call you to find another."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
