"""The checklist's forms: a check of one item, an override, a document (staff's and the family's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.form_errors import ErrorSummaryMixin
from booking.models import VisitRequest
from clearance.models import CheckOutcome, Document, DocumentKind, GoAheadMethod, Item

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
FAMILY_KINDS = [
    (DocumentKind.PRESCRIPTION, _("The prescription")),
    (DocumentKind.BLOOD_REPORT, _("A blood test report")),
    (DocumentKind.OTHER, _("Another letter or report from the hospital")),
]


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return str(obj)


class CheckForm(forms.Form):
    """One item's check: only the fields that item asks for."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=CheckOutcome.choices,
        initial=CheckOutcome.CLEARED,
        widget=forms.RadioSelect,
    )
    evidence_date = forms.DateField(label=_("Date"), required=False, **DATE_WIDGET)  # type: ignore[arg-type]
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("The last day the prescription covers, as the hospital wrote it."),
        **DATE_WIDGET,  # type: ignore[arg-type]
    )
    given_by = forms.CharField(label=_("Who"), max_length=100, required=False)
    method = forms.ChoiceField(
        label=_("How"), choices=[("", "---------"), *GoAheadMethod.choices], required=False
    )
    note = forms.CharField(
        label=_("On what, or why declined"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = DocumentChoiceField(
        label=_("Document seen"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_("The family's or the hospital's document this check was made on, if any."),
    )

    # Which fields each item asks for, and what "Date" and "Who" mean for it.
    FIELDS: dict[str, list[str]] = {
        Item.PRESCRIPTION: ["evidence_date", "valid_until", "document", "note"],
        Item.BLOOD_TEST: ["evidence_date", "document", "note"],
        Item.GO_AHEAD: ["given_by", "method", "evidence_date", "note"],
        Item.CLINICAL_REVIEW: ["outcome", "given_by", "note", "document"],
    }
    DATE_LABELS: dict[str, Any] = {
        Item.PRESCRIPTION: _("Date on the prescription"),
        Item.BLOOD_TEST: _("Day the blood was taken"),
        Item.GO_AHEAD: _("Day of the go-ahead"),
    }
    WHO_LABELS: dict[str, Any] = {
        Item.GO_AHEAD: _("Oncologist who gave the go-ahead"),
        Item.CLINICAL_REVIEW: _("Clinician who reviewed it"),
    }

    def __init__(self, *args: Any, item: str, visit_request: VisitRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[item]:
                del self.fields[name]
        if "evidence_date" in self.fields:
            self.fields["evidence_date"].label = self.DATE_LABELS[item]
        if "given_by" in self.fields:
            self.fields["given_by"].label = self.WHO_LABELS[item]
        if "document" in self.fields:
            field = self.fields["document"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = visit_request.documents.all()
        if item != Item.CLINICAL_REVIEW and "note" in self.fields:
            self.fields["note"].label = _("Note")


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the visit may go ahead"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the visit on every page: who decided, on what grounds."),
    )


class StaffDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class FamilyDocumentForm(ErrorSummaryMixin, forms.Form):
    """What the family sends from their link: a photo or a PDF of one document."""

    kind = forms.ChoiceField(
        label=_("What are you sending?"), choices=FAMILY_KINDS, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("The file or photo"),
        help_text=_(
            "A photo taken with your phone, or a PDF, up to 10 MB. One document at a time."
        ),
        error_messages={
            "required": _("Please choose the file or take a photo."),
            "empty": _("This file is empty."),
        },
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
