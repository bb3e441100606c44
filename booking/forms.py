"""The home-visit request form: validation only; saving is booking.workflow's."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from booking.form_errors import ErrorSummaryMixin
from booking.form_fields import (
    CheckedOnly,
    CountedTextField,
    PhoneField,
    TextField,
    VisitDayField,
    VisitDaySelect,
    too_few_letters,
    yes_no_field,
)
from booking.models import Medicine, Recipient, Submitter, TimeOfDay, VisitRequest
from booking.service_areas import area_serving
from uhapo.phone import display_phone

MAX_DAYS_AHEAD = VisitDaySelect.MAX_DAYS_AHEAD


class _PinHint:
    """The PIN code's hint, built when shown, so the link is in the reader's
    language (/hi/areas/). Always there (true): Django asks every field's
    hint whether it is empty when it checks a form, and a lazy string would
    build the link for that, on every booking."""

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return format_html(
            '{} <a href="{}">{}</a>',
            _("6 digits."),
            reverse("booking:areas"),
            _("See the PIN codes we visit"),
        )

    __html__ = __str__


def _unserved_pin(pin: str) -> forms.ValidationError:
    """The out-of-area answer, with our number as a link a phone can call.

    Errors are escaped when shown, so the message is marked safe here, and
    only after the translated text and the PIN code are escaped themselves."""
    phone = settings.SUPPORT_PHONE
    message = escape(
        _(
            "Sorry, our nurses do not visit PIN code %(pin)s yet. "
            "Call us on %(phone)s and we will help you find care nearby."
        )
    ) % {
        "pin": escape(pin),
        "phone": format_html('<a class="phone" href="tel:{}">{}</a>', phone, display_phone(phone)),
    }
    return forms.ValidationError(mark_safe(message), code="unserved")  # noqa: S308


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
        # "bday-year", never "off": a browser drops an "off" field's answer
        # when the family comes Back to the form.
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        help_text=_("For example 1958."),
        error_messages={
            "required": _("Enter the year the patient was born."),
            "invalid": _("Enter the year as four digits, for example 1958."),
        },
    )
    patient_phone = PhoneField(
        label=_("Patient's mobile number"),
        help_text=_(
            "10 digits. We send updates here if the patient wants them. If the patient has "
            "no mobile, give the helper's mobile number here and again under “Your mobile number”."
        ),
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

    whatsapp_opt_in = forms.BooleanField(
        label=_("Send updates on WhatsApp to this number"),
        required=False,
        help_text=_(
            "UHAPO Home Care will send your request's updates and visit reminders on "
            "WhatsApp instead of a text message. Reply STOP there at any time to get "
            "text messages again."
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
        help_text=_PinHint(),  # type: ignore[arg-type]  # shown through __str__ and __html__
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
    first_dose_in_hospital = yes_no_field(
        _("Was the first dose already given in hospital?"),
        _("Tell us whether the first dose was given in hospital."),
        _("We usually give later doses at home, after a first dose in hospital."),
    )
    had_infusion_reaction = yes_no_field(
        _("Has the patient ever had a reaction to an infusion?"),
        _("Tell us whether the patient has ever had a reaction to an infusion."),
        _("For example fever, rash or breathlessness during or after a drip."),
    )
    has_prescription = yes_no_field(
        _("Do you have the written prescription?"),
        _("Tell us whether you have the written prescription."),
    )

    preferred_date = VisitDayField(
        label=_("Preferred date"),
        help_text=_("Any day from tomorrow up to 60 days ahead."),
        error_messages={
            "required": _("Choose the day you would like the visit."),
            "invalid": _("Choose a day from the list."),
        },
    )
    preferred_time = forms.ChoiceField(
        label=_("Preferred time of day"),
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose morning, afternoon or evening.")},
    )
    notes = CountedTextField(
        label=_("Anything else we should know? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example stairs with no lift, or the best time to call. Up to 1,000 characters."
        ),
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
            Fieldset(_("Updates on WhatsApp (optional)"), "whatsapp_opt_in"),
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
            raise _unserved_pin(pin)
        return pin

    def clean_patient_name(self) -> str:
        name = self.cleaned_data["patient_name"]
        if too_few_letters(name):
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
            if data.get("caregiver_name") and too_few_letters(data["caregiver_name"]):
                self.add_error(
                    "caregiver_name",
                    forms.ValidationError(_("Please enter your full name."), code="not_a_name"),
                )
            # Left unanswered: the helper asked, so the helper hears back too.
            if not data.get("message_recipient"):
                data["message_recipient"] = Recipient.BOTH
        elif data.get("submitted_by") == Submitter.PATIENT:
            # Whatever was typed in the helper's section does not apply, and
            # nor do its mistakes: the section is hidden, so an error there
            # would stop the patient with nothing they can see to fix.
            for name in (*self.CAREGIVER_FIELDS, "caregiver_email"):
                data[name] = ""
                self.errors.pop(name, None)
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
