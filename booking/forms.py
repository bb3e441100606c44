"""The home-visit request form: validation only; saving is booking.workflow's."""

from __future__ import annotations

import datetime
import unicodedata
from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from booking.form_errors import ErrorSummaryMixin
from booking.form_fields import CheckedOnly, VisitDateInput
from booking.models import Medicine, Recipient, Submitter, TimeOfDay, VisitRequest
from booking.service_areas import area_serving
from uhapo.phone import InvalidPhone, display_phone, parse_indian_mobile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_DAYS_AHEAD = VisitDateInput.MAX_DAYS_AHEAD
# A name has at least this many letters: a lone initial, a dot or a row of
# emoji is not a name a nurse can ask for at the door.
MIN_NAME_LETTERS = 2
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _reject_control_characters(value: str) -> None:
    # Tabs and new lines are fine in free text; other control characters
    # come from pasted junk or probing, never from a family typing.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise forms.ValidationError(
            _("Please remove the unusual characters from this answer."), code="control"
        )


def _too_few_letters(name: str) -> bool:
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


def _yes_no_field(
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


class VisitRequestForm(ErrorSummaryMixin, forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    submitted_by = forms.ChoiceField(
        label=_("Who is filling in this form?"),
        choices=Submitter.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether you are the patient or helping them.")},
    )

    patient_name = TextField(
        label=_("Patient's full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As it appears on the prescription."),
        error_messages={"required": _("Enter the patient's full name.")},
    )
    patient_birth_year = forms.IntegerField(
        label=_("Patient's year of birth"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("For example 1958."),
        error_messages={
            "required": _("Enter the year the patient was born."),
            "invalid": _("Enter the year as four digits, for example 1958."),
        },
    )
    patient_phone = PhoneField(
        label=_("Patient's mobile number"),
        help_text=_("10 digits. We send updates here if the patient wants them."),
        error_messages={"required": _("Enter the patient's mobile number.")},
    )
    patient_email = forms.EmailField(
        label=_("Patient's email (optional)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )

    caregiver_name = TextField(
        label=_("Your name"),
        max_length=100,
        required=False,
        help_text=_("Only if you are helping the patient."),
    )
    caregiver_relationship = TextField(
        label=_("How are you related to the patient?"),
        max_length=40,
        required=False,
        help_text=_("For example son, daughter, wife, neighbour."),
    )
    caregiver_phone = PhoneField(
        label=_("Your mobile number"),
        required=False,
        help_text=_("10 digits. We may call you to arrange the visit."),
    )
    caregiver_email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    message_recipient = forms.ChoiceField(
        label=_("Who should get our messages?"),
        choices=Recipient.choices,
        # Nothing chosen beforehand: left alone, the answer follows who fills
        # in the form (see clean()), which a pre-ticked choice would hide.
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Only if you are helping the patient. If you choose nothing here, both of you "
            "get them. We send a text message and, if you gave one, an email."
        ),
    )

    address_line = TextField(
        label=_("Flat or house number, and building"),
        max_length=120,
        error_messages={"required": _("Enter the flat or house number and building.")},
    )
    street = TextField(
        label=_("Street or road"),
        max_length=120,
        error_messages={"required": _("Enter the street or road.")},
    )
    area = TextField(
        label=_("Area"),
        max_length=80,
        help_text=_("For example Andheri East or Vashi."),
        error_messages={"required": _("Enter the area.")},
    )
    landmark = TextField(
        label=_("Landmark (optional)"),
        max_length=120,
        required=False,
        help_text=_("Something near the home that helps the nurse find it."),
    )
    pin_code = forms.CharField(
        label=_("PIN code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "pattern": "[0-9]{6}"}
        ),
        help_text=_("6 digits."),
        error_messages={
            "required": _("Enter the 6-digit PIN code."),
            "min_length": _("A PIN code has 6 digits."),
            "max_length": _("A PIN code has 6 digits."),
        },
    )

    cancer_type = TextField(
        label=_("Type of cancer"),
        max_length=100,
        help_text=_("As your oncologist wrote it, for example lung cancer."),
        error_messages={"required": _("Enter the type of cancer.")},
    )
    medicine = forms.ChoiceField(
        label=_("Immunotherapy medicine prescribed"),
        choices=[("", _("Choose the medicine")), *Medicine.choices],
        error_messages={"required": _("Choose the medicine, or 'Not sure'.")},
    )
    medicine_other = TextField(
        label=_("If another medicine, its name"),
        max_length=100,
        required=False,
    )
    oncologist_name = TextField(
        label=_("Treating oncologist"),
        max_length=100,
        help_text=_("The cancer doctor who prescribed it."),
        error_messages={"required": _("Enter the oncologist's name.")},
    )
    hospital_name = TextField(
        label=_("Hospital"),
        max_length=120,
        error_messages={"required": _("Enter the hospital's name.")},
    )
    first_dose_in_hospital = _yes_no_field(
        _("Was the first dose already given in hospital?"),
        _("Tell us whether the first dose was given in hospital."),
        _("We usually give later doses at home, after a first dose in hospital."),
    )
    had_infusion_reaction = _yes_no_field(
        _("Has the patient ever had a reaction to an infusion?"),
        _("Tell us whether the patient has ever had a reaction to an infusion."),
        _("For example fever, rash or breathlessness during or after a drip."),
    )
    has_prescription = _yes_no_field(
        _("Do you have the written prescription?"),
        _("Tell us whether you have the written prescription."),
    )

    preferred_date = forms.DateField(
        label=_("Preferred date"),
        help_text=_("Any day from tomorrow up to 60 days ahead."),
        widget=VisitDateInput,
        error_messages={
            "required": _("Enter the date you would like the visit."),
            "invalid": _("Enter a real date, for example 2026-12-03."),
        },
    )
    preferred_time = forms.ChoiceField(
        label=_("Preferred time of day"),
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose morning, afternoon or evening.")},
    )
    notes = TextField(
        label=_("Anything else we should know? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example stairs with no lift, or the best time to call."),
    )

    consent = forms.BooleanField(
        label=_("I agree that UHAPO may use these details to arrange and give this home visit."),
        error_messages={
            "required": _(
                "Tick the box to agree, so we can use these details to arrange the visit."
            )
        },
    )

    CAREGIVER_FIELDS = ("caregiver_name", "caregiver_relationship", "caregiver_phone")

    # Every attribute a field shows is set on its class-level widget (the dates
    # at rendering, by VisitDateInput), so a form costs only Django's copy of
    # its fields; the layout is built only for a form that is shown.

    @classmethod
    def checking(cls, data: Any) -> VisitRequestForm:
        """A bound form that only checks the answers, sharing the class's fields.

        Never render it: a page shows `VisitRequestForm(data)`, which has
        fields of its own."""
        form = cls.__new__(cls)
        form.base_fields = CheckedOnly(cls.base_fields)  # type: ignore[misc]
        form.__init__(data)  # type: ignore[misc]
        return form

    @cached_property
    def helper(self) -> FormHelper:
        # Per form: crispy's Submit rewrites itself when rendered.
        return self._layout_helper()

    @staticmethod
    def _today() -> datetime.date:
        return timezone.localdate()

    @staticmethod
    def _layout_helper() -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.form_show_errors = True
        # The one-use token is rendered by the page itself, outside the
        # cached fragment (see templates/booking/request_form.html).
        helper.layout = Layout(
            HTML(
                '<div class="hp-field" aria-hidden="true">'
                '<label for="id_website">{{ form.website.label }}</label>{{ form.website }}</div>'
            ),
            Fieldset(_("About you"), "submitted_by"),
            Fieldset(
                _("The patient"),
                "patient_name",
                "patient_birth_year",
                "patient_phone",
                "patient_email",
            ),
            Fieldset(
                _("If you are helping the patient"),
                HTML('{% include "booking/includes/caregiver_hint.html" %}'),
                "caregiver_name",
                "caregiver_relationship",
                "caregiver_phone",
                "caregiver_email",
                "message_recipient",
                css_class="caregiver-fields",
            ),
            Fieldset(
                _("Where the patient lives"),
                "address_line",
                "street",
                "area",
                "landmark",
                "pin_code",
            ),
            Fieldset(
                _("The treatment"),
                "cancer_type",
                "medicine",
                "medicine_other",
                "oncologist_name",
                "hospital_name",
                "first_dose_in_hospital",
                "had_infusion_reaction",
                "has_prescription",
            ),
            Fieldset(_("When"), "preferred_date", "preferred_time", "notes"),
            Fieldset(
                _("Your consent"),
                HTML('{% include "booking/includes/consent_notice.html" %}'),
                "consent",
            ),
            Submit("submit", _("Send request"), css_class="btn-lg"),
        )
        return helper

    def clean_pin_code(self) -> str:
        # Hindi and Marathi keyboards may type Devanagari digits (४०००५३).
        pin = "".join(
            str(unicodedata.digit(ch)) if ch.isdigit() else ch
            for ch in self.cleaned_data["pin_code"].strip()
        )
        if not pin.isdigit() or len(pin) != 6:
            raise forms.ValidationError(_("A PIN code has 6 digits."), code="invalid")
        if area_serving(pin) is None:
            raise forms.ValidationError(
                _(
                    "Sorry, our nurses do not visit PIN code %(pin)s yet. "
                    "Call us on %(phone)s and we will help you find care nearby."
                ),
                code="unserved",
                params={"pin": pin, "phone": display_phone(settings.SUPPORT_PHONE)},
            )
        return pin

    def clean_patient_name(self) -> str:
        name = self.cleaned_data["patient_name"]
        if _too_few_letters(name):
            raise forms.ValidationError(
                _("Please enter the patient's full name, as on the prescription."),
                code="not_a_name",
            )
        return name

    def clean_patient_birth_year(self) -> int:
        year = self.cleaned_data["patient_birth_year"]
        this_year = self._today().year
        # Someone having immunotherapy was not born this year: a slip of the
        # keyboard, or today's date typed in the wrong box.
        if year >= this_year:
            raise forms.ValidationError(
                _("Please check the patient's year of birth: it should be before %(year)d."),
                code="too_recent",
                params={"year": this_year},
            )
        if year < 1900:
            raise forms.ValidationError(
                _("Enter a year between 1900 and %(year)d."),
                code="range",
                params={"year": this_year - 1},
            )
        return year

    def clean_preferred_date(self) -> datetime.date:
        date = self.cleaned_data["preferred_date"]
        today = self._today()
        if date <= today:
            raise forms.ValidationError(_("Choose a date from tomorrow onwards."), code="too_soon")
        if date > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                _("Choose a date within the next %(days)d days."),
                code="too_far",
                params={"days": MAX_DAYS_AHEAD},
            )
        return date

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(
                _("Something went wrong. Please call us to make the request."), code="honeypot"
            )
        if data.get("submitted_by") == Submitter.CAREGIVER:
            required = {
                "caregiver_name": _("Enter your name."),
                "caregiver_relationship": _("Tell us how you are related to the patient."),
                "caregiver_phone": _("Enter your mobile number."),
            }
            for name, message in required.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, forms.ValidationError(message, code="required"))
            # Checked here, not in clean_caregiver_name: a patient's stray
            # answer in the helper's section is dropped, not refused.
            if data.get("caregiver_name") and _too_few_letters(data["caregiver_name"]):
                self.add_error(
                    "caregiver_name",
                    forms.ValidationError(_("Please enter your full name."), code="not_a_name"),
                )
            # Left unanswered: the helper asked, so the helper hears back too.
            if not data.get("message_recipient"):
                data["message_recipient"] = Recipient.BOTH
        elif data.get("submitted_by") == Submitter.PATIENT:
            # Whatever was typed in the helper's section does not apply.
            for name in (*self.CAREGIVER_FIELDS, "caregiver_email"):
                data[name] = ""
            data["message_recipient"] = Recipient.PATIENT
        if data.get("medicine") == Medicine.OTHER and not data.get("medicine_other"):
            self.add_error(
                "medicine_other",
                forms.ValidationError(_("Enter the name of the medicine."), code="required"),
            )
        return data

    def request_details(self) -> dict[str, Any]:
        """The cleaned answers that become the request's fields."""
        model_fields = {f.name for f in VisitRequest._meta.get_fields() if f.editable}
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in model_fields and k != "submission_token"
        }
