"""The small forms of the workflow pages: schedule, a note, a reason, erasure, a day."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking import scheduling
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


def minutes_label(minutes: int) -> str:
    """`1 hour 45 minutes`, `2 hours`, `50 minutes`."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


def duration_choices(visit_request: VisitRequest) -> list[tuple[int, str]]:
    """The usual lengths, the visit's own (its course's) and the one it is booked for."""
    choices: dict[int, Any] = dict(DURATION_CHOICES)
    own = scheduling.visit_minutes(visit_request)
    if visit_request.course_id is not None:
        choices[own] = _("%(length)s (this course's visit)") % {"length": minutes_label(own)}
    else:
        choices.setdefault(own, minutes_label(own))
    if visit_request.scheduled_start and visit_request.scheduled_end:
        booked = visit_request.scheduled_end - visit_request.scheduled_start
        minutes = int(booked.total_seconds() // 60)
        choices.setdefault(minutes, minutes_label(minutes))
    return sorted(choices.items())


def conflict_signature(found: list[scheduling.Conflict]) -> str:
    """Which clashes a reason was given for: a new clash needs a new look."""
    return ",".join(sorted(f"{c.code}:{c.visit.reference if c.visit else ''}" for c in found))


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
    )
    nurse = NurseChoiceField(
        label=_("Nurse"),
        queryset=get_user_model().objects.none(),
        help_text=_("Staff who may be assigned visits and mark them completed."),
    )
    # Hidden until the time breaks a scheduling rule; then it books the visit anyway.
    override_reason = forms.CharField(
        label=_("Override reason"),
        help_text=_(
            "To book despite the clashes named above: why this time and nurse are right "
            "anyway. Kept in the request's log with the rules overridden."
        ),
        required=False,
        max_length=1000,
        widget=forms.HiddenInput,
    )
    # The clashes the reason was given for (conflict_signature).
    overridden = forms.CharField(required=False, widget=forms.HiddenInput)
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
        self.conflicts: list[scheduling.Conflict] = []
        # self.fields types its copies as plain fields; these are the fields declared above.
        cast(NurseChoiceField, self.fields["nurse"]).queryset = nurses()
        cast(forms.TypedChoiceField, self.fields["duration"]).choices = duration_choices(
            visit_request
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not all(data.get(name) for name in ("date", "start_time", "duration")):
            return data
        start = in_ist(data["date"], data["start_time"])
        end = start + datetime.timedelta(minutes=data["duration"])
        data["start"], data["end"] = start, end
        # The service checks all of it again under a lock; these give early, precise errors.
        if start <= timezone.now():
            self.add_error("start_time", _("The visit must start in the future."))
            return data
        self.conflicts = scheduling.conflicts(
            visit=self.visit_request, start=start, end=end, nurse=data.get("nurse")
        )
        reason = data.get("override_reason", "").strip()
        data["override_reason"] = reason if self.conflicts else ""
        signature = conflict_signature(self.conflicts)
        if self.conflicts and not (reason and data.get("overridden") == signature):
            for conflict in self.conflicts:
                self.add_error(self.SERVICE_FIELDS[conflict.field], conflict.message)
            if reason:
                self.add_error(
                    "override_reason",
                    _(
                        "The clashes changed since this reason was given: check them, then save again."
                    ),
                )
            self._ask_for_reason(signature)
        return data

    def _ask_for_reason(self, signature: str) -> None:
        """Show the override field, remembering which clashes it will answer."""
        self.fields["override_reason"].widget = forms.Textarea(attrs={"rows": 3})
        # The posted data (an immutable QueryDict) is copied with the clashes shown.
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("overridden")] = signature
        self.data = data

    def add_service_error(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        codes = {error.code for errors in exc.error_dict.values() for error in errors}
        if codes & set(scheduling.Rule.values):
            # A clash that appeared since the form looked (another booking won the
            # lock): offer the override for it. Asked before add_error, which drops
            # the fields it names from cleaned_data.
            data = self.cleaned_data
            self.conflicts = scheduling.conflicts(
                visit=self.visit_request, start=data["start"], end=data["end"], nurse=data["nurse"]
            )
            self._ask_for_reason(conflict_signature(self.conflicts))
        for key, errors in exc.error_dict.items():
            self.add_error(self.SERVICE_FIELDS.get(key), errors)

    @staticmethod
    def initial_for(obj: VisitRequest) -> dict[str, Any]:
        """The booked visit to change, or the family's wish for a first booking."""
        if obj.scheduled_start and obj.scheduled_end:
            start = timezone.localtime(obj.scheduled_start)
            minutes = int((obj.scheduled_end - obj.scheduled_start).total_seconds() // 60)
            return {
                "date": start.date(),
                "start_time": start.time().replace(second=0, microsecond=0),
                "duration": minutes,
                "nurse": obj.nurse_id,
            }
        return {
            "date": max(obj.preferred_date, timezone.localdate()),
            "start_time": DEFAULT_START.get(obj.preferred_time, datetime.time(10, 0)),
            "duration": scheduling.visit_minutes(obj),
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

    def clean_date(self) -> datetime.date:
        # The page reads the day after too: 9999-12-31 (or day one of year one
        # in IST) has none.
        day = self.cleaned_data["date"]
        if not datetime.date(2000, 1, 1) <= day <= datetime.date(2999, 12, 31):
            raise forms.ValidationError(_("Choose a day between 2000 and 2999."), code="range")
        return day
