"""The small forms of the workflow pages: schedule, a note, a reason, erasure, a day."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import workflow
from booking.admin.permissions import nurse_label, nurses
from booking.models import VisitRequest
from booking.triage import in_ist


class NurseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return nurse_label(obj)


DURATION_CHOICES = [
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]
# Where a visit starts by default, from the family's preferred time of day.
DEFAULT_START = {
    "morning": datetime.time(9, 0),
    "afternoon": datetime.time(13, 0),
    "evening": datetime.time(16, 0),
}


class ScheduleForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the visit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        help_text=_("Indian Standard Time, 24-hour clock, for example 10:30."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration = forms.TypedChoiceField(
        label=_("Length of the visit"),
        help_text=_("Infusion and observation time, so the nurse's day can be planned."),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=120,
    )
    nurse = NurseChoiceField(
        label=_("Nurse"),
        queryset=get_user_model().objects.none(),
        help_text=_("Staff who may be assigned visits and mark them completed."),
    )
    note = forms.CharField(
        label=_("Note for the request's log"),
        help_text=_("Optional. The family does not see it."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Where the service's error keys belong on this form.
    SERVICE_FIELDS = {"start": "start_time", "end": "duration", "nurse": "nurse"}

    def __init__(self, *args: Any, visit_request: VisitRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit_request = visit_request
        # self.fields types its copies as plain fields; this one is the NurseChoiceField above.
        cast(NurseChoiceField, self.fields["nurse"]).queryset = nurses()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not all(data.get(name) for name in ("date", "start_time", "duration")):
            return data
        start = in_ist(data["date"], data["start_time"])
        end = start + datetime.timedelta(minutes=data["duration"])
        data["start"], data["end"] = start, end
        # The service checks both again under a lock; these give early, precise errors.
        if start <= timezone.now():
            self.add_error("start_time", _("The visit must start in the future."))
        elif data.get("nurse") and workflow.nurse_has_overlap(
            nurse=data["nurse"], start=start, end=end, exclude_pk=self.visit_request.pk
        ):
            self.add_error("nurse", _("This nurse already has a visit that overlaps this time."))
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                self.add_error(self.SERVICE_FIELDS.get(key), errors)
        else:
            self.add_error(None, exc.messages)

    @staticmethod
    def initial_for(obj: VisitRequest) -> dict[str, Any]:
        """The booked visit to change, or the family's wish for a first booking."""
        if obj.scheduled_start and obj.scheduled_end:
            start = timezone.localtime(obj.scheduled_start)
            minutes = int((obj.scheduled_end - obj.scheduled_start).total_seconds() // 60)
            return {
                "date": start.date(),
                "start_time": start.time().replace(second=0, microsecond=0),
                "duration": minutes if minutes in dict(DURATION_CHOICES) else 120,
                "nurse": obj.nurse_id,
            }
        return {
            "date": max(obj.preferred_date, timezone.localdate()),
            "start_time": DEFAULT_START.get(obj.preferred_time, datetime.time(10, 0)),
            "duration": 120,
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Optional: what was agreed on the call. Kept in the request's log."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The family asked us to withdraw their consent and erase their details."),
        help_text=_(
            "Their names, contact details, address and health details are erased now and "
            "cannot be brought back. The reference, dates and statuses stay."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Kept in the request's log and shown to staff."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisitsDayForm(forms.Form):
    date = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
