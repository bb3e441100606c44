"""Staff triage in Django admin.

Every change to a request goes through booking.services (buttons on the
request page, bulk actions on the list); the admin never saves a request,
an event or a message itself. Coordinators (anyone with
booking.change_visitrequest) triage everything; nurses (view permission
only) see just the visits assigned to them and can mark those completed.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from booking import privacy, workflow
from booking.models import (
    AccessAction,
    AccessLog,
    Medicine,
    RequestEvent,
    ServiceArea,
    Status,
    VisitRequest,
)
from booking.triage import format_wait, overdue_cutoff
from outbox.models import Message, MessageStatus
from outbox.registry import choices as message_kind_choices
from outbox.registry import label as message_label
from uhapo.phone import InvalidPhone, display_phone, parse_indian_mobile

logger = logging.getLogger(__name__)

NURSES_GROUP = "Nurses"
COORDINATORS_GROUP = "Coordinators"
TRIAGE_PERMISSION = "booking.change_visitrequest"
REFERENCE_RE = re.compile(r"^UH-?([A-Z0-9]{4})-?([A-Z0-9]{4})$")
WAITING_STATUSES = (Status.NEW, Status.CONTACTED)


# --- who may do what ----------------------------------------------------------


def can_triage(user: AbstractBaseUser) -> bool:
    """Coordinators and superusers: everything the workflow allows, on every request."""
    return bool(user.is_active and user.is_staff and user.has_perm(TRIAGE_PERMISSION))


def may_complete(user: AbstractBaseUser, visit_request: VisitRequest) -> bool:
    """A coordinator, or the nurse the visit is assigned to."""
    return can_triage(user) or (
        user.has_perm("booking.view_visitrequest") and visit_request.nurse_id == user.pk
    )


def nurses() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=NURSES_GROUP, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def nurse_label(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _ist() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=_ist())


def _local_display(moment: datetime.datetime) -> str:
    return formats.localize(timezone.localtime(moment))


def _phone_link(e164: str) -> str:
    if not e164:
        return "-"
    return format_html('<a href="tel:{}">{}</a>', e164, display_phone(e164))


def _queued_again(count: int) -> str:
    return ngettext(
        "%(count)d message queued again.", "%(count)d messages queued again.", count
    ) % {"count": count}


# --- list filters -------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Overdue (new for 2 working hours)")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        overdue = Q(status=Status.NEW, created_at__lte=overdue_cutoff(timezone.now()))
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


class DayRangeFilter(admin.SimpleListFilter):
    """Today, tomorrow, this week (Monday to Sunday), next week, in IST."""

    field_name = ""
    field_is_datetime = False
    extra_lookups: tuple[tuple[str, Any], ...] = ()

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("This week")),
            ("next_week", _("Next week")),
            *self.extra_lookups,
        ]

    def day_range(self, value: str) -> tuple[datetime.date, datetime.date] | None:
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        one_day, one_week = datetime.timedelta(days=1), datetime.timedelta(days=7)
        return {
            "today": (today, today + one_day),
            "tomorrow": (today + one_day, today + 2 * one_day),
            "week": (monday, monday + one_week),
            "next_week": (monday + one_week, monday + 2 * one_week),
        }.get(value)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        bounds = self.day_range(self.value() or "")
        if bounds is None:
            return queryset
        low, high = bounds
        if self.field_is_datetime:
            low, high = _day_start(low), _day_start(high)
        return queryset.filter(**{f"{self.field_name}__gte": low, f"{self.field_name}__lt": high})


class PreferredDateFilter(DayRangeFilter):
    title = _("preferred date")
    parameter_name = "preferred"
    field_name = "preferred_date"
    extra_lookups = (("past", _("Already passed")),)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "past":
            return queryset.filter(preferred_date__lt=timezone.localdate())
        return super().queryset(request, queryset)


class ScheduledDateFilter(DayRangeFilter):
    title = _("scheduled date")
    parameter_name = "scheduled"
    field_name = "scheduled_start"
    field_is_datetime = True
    extra_lookups = (("none", _("Not scheduled")),)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(scheduled_start__isnull=True)
        return super().queryset(request, queryset)


class NurseFilter(admin.SimpleListFilter):
    title = _("assigned nurse")
    parameter_name = "nurse"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("none", _("Not assigned")), *((str(n.pk), nurse_label(n)) for n in nurses())]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(nurse__isnull=True)
        if value and value.isdigit():
            return queryset.filter(nurse_id=int(value))
        return queryset


class MedicineFilter(admin.SimpleListFilter):
    title = _("medicine")
    parameter_name = "medicine"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return list(Medicine.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Medicine.values:
            return queryset.filter(medicine=self.value())
        return queryset


# --- forms for the workflow pages ----------------------------------------------


class NurseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AbstractBaseUser) -> str:
        return nurse_label(obj)


DURATION_CHOICES = [
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]
SHORT_TIME_OF_DAY = {
    "morning": _("morning"),
    "afternoon": _("afternoon"),
    "evening": _("evening"),
}
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
        help_text=_("Members of the Nurses group."),
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
        self.fields["nurse"].queryset = nurses()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not all(data.get(name) for name in ("date", "start_time", "duration")):
            return data
        start = datetime.datetime.combine(data["date"], data["start_time"], tzinfo=_ist())
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


# --- inlines: the event timeline and the messages, read-only ---------------------


class ReadOnlyMixin:
    """For an inline or a ModelAdmin: nobody, superusers included, adds, edits or deletes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class RequestEventInline(ReadOnlyInline):
    model = RequestEvent
    verbose_name_plural = _("timeline")
    fields = readonly_fields = ("created_at", "from_status", "to_status", "actor_label", "note")


class MessageInline(ReadOnlyMixin, GenericTabularInline):
    """The request's outbox rows (outbox.Message points at it generically)."""

    model = Message
    ct_field = "subject_type"
    ct_fk_field = "subject_id"
    extra = 0
    can_delete = False
    show_change_link = False
    fields = readonly_fields = (
        "kind_label",
        "channel",
        "audience",
        "recipient",
        "status",
        "attempts",
        "last_error",
        "due_at",
        "sent_at",
        "resend",
    )

    @admin.display(description=_("kind"))
    def kind_label(self, obj: Message) -> str:
        return message_label(obj.kind)

    @admin.display(description=_("resend"))
    def resend(self, obj: Message) -> str:
        if obj.pk is None or obj.status != MessageStatus.FAILED:
            return ""
        url = reverse("admin:booking_visitrequest_resend", args=[obj.subject_id, obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Send again"))


# --- the request list and page -----------------------------------------------------


REQUEST_FIELDSETS = (
    (
        None,
        {
            "fields": (
                "reference",
                "status",
                "created_at",
                "waited",
                "needs_clinical_review",
                "submitted_by",
                "language",
            )
        },
    ),
    (
        _("Patient"),
        {"fields": ("patient_name", "patient_birth_year", "patient_phone_link", "patient_email")},
    ),
    (
        _("Person helping (caregiver)"),
        {
            "fields": (
                "caregiver_name",
                "caregiver_relationship",
                "caregiver_phone_link",
                "caregiver_email",
                "message_recipient",
            )
        },
    ),
    (
        _("Address"),
        {"fields": ("address_line", "street", "area", "landmark", "pin_code", "service_area")},
    ),
    (
        _("Treatment"),
        {
            "fields": (
                "cancer_type",
                "medicine_name",
                "oncologist_name",
                "hospital_name",
                "first_dose_in_hospital",
                "had_infusion_reaction",
                "has_prescription",
            )
        },
    ),
    (_("What the family asked for"), {"fields": ("preferred_date", "preferred_time", "notes")}),
    (
        _("Visit"),
        {
            "fields": (
                "nurse_name",
                "scheduled_start",
                "scheduled_end",
                "closing_reason",
                "closed_at",
            )
        },
    ),
    (
        _("Consent record"),
        {
            "fields": (
                "consent_version",
                "consent_given_at",
                "consent_sha256",
                "consent_withdrawn_at",
                "anonymised_at",
            )
        },
    ),
)


@admin.register(VisitRequest)
class VisitRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "patient_name",
        "area_and_pin",
        "preferred",
        "status",
        "needs_clinical_review",
        "waited",
        "nurse_name",
        "scheduled_start",
    )
    list_select_related = ("nurse", "service_area")
    list_filter = (
        "status",
        OverdueFilter,
        "needs_clinical_review",
        PreferredDateFilter,
        ScheduledDateFilter,
        ("service_area", admin.RelatedOnlyFieldListFilter),
        NurseFilter,
        MedicineFilter,
    )
    search_fields = (
        "reference",
        "patient_name",
        "caregiver_name",
        "patient_phone",
        "caregiver_phone",
    )
    search_help_text = _(
        "Reference, patient's or helper's name, or a mobile number typed any way "
        "(98200 12345, +91 98200-12345, 098200 12345)."
    )
    date_hierarchy = "preferred_date"
    ordering = ("-created_at",)
    list_per_page = 50
    fieldsets = REQUEST_FIELDSETS
    # The workflow owns every field: changes go through the buttons, never the form.
    readonly_fields = tuple(
        name for _title, options in REQUEST_FIELDSETS for name in options["fields"]
    )
    inlines = (RequestEventInline, MessageInline)
    actions = (
        "mark_contacted",
        "schedule_visit",
        "mark_completed",
        "cancel_requests",
        "decline_requests",
        "resend_failed_messages",
        "export_csv",
    )
    change_form_template = "admin/booking/visitrequest/change_form.html"
    change_list_template = "admin/booking/visitrequest/change_list.html"

    class Media:
        css = {"all": ("css/admin-triage.css",)}

    # -- permissions

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Requests come from the public form, which writes consent and messages too.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Erasure is its own workflow; deleting would also delete the event log.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list and the actions need the permission; a request's own page is
        # read-only, so a raw save can never bypass the services.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_triage_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_complete_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    # -- queryset, list, search

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = (
            super()
            .get_queryset(request)
            .annotate(
                is_overdue=Case(
                    When(
                        status=Status.NEW,
                        created_at__lte=overdue_cutoff(timezone.now()),
                        then=Value(True),
                    ),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        )
        if not can_triage(request.user):
            queryset = queryset.filter(nurse=request.user)
        return queryset

    def get_list_filter(self, request: HttpRequest) -> tuple:
        if can_triage(request.user):
            return self.list_filter
        return tuple(f for f in self.list_filter if f is not NurseFilter)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not can_triage(request.user):
            # Belt and braces: the permission check already hides these.
            for name in list(actions):
                if name != "mark_completed":
                    del actions[name]
        return actions

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        extra = Q()
        try:
            phone = parse_indian_mobile(term)
        except InvalidPhone:
            pass
        else:
            extra |= Q(patient_phone=phone) | Q(caregiver_phone=phone)
        match = REFERENCE_RE.match(re.sub(r"\s+", "", term).upper())
        if match:
            extra |= Q(reference=f"UH-{match[1]}-{match[2]}")
        if extra:
            results = results | queryset.filter(extra)
        return results, may_have_duplicates

    @admin.display(description=_("area and PIN"), ordering="pin_code")
    def area_and_pin(self, obj: VisitRequest) -> str:
        return f"{obj.area} {obj.pin_code}"

    @admin.display(description=_("preferred date and time"), ordering="preferred_date")
    def preferred(self, obj: VisitRequest) -> str:
        when = SHORT_TIME_OF_DAY.get(obj.preferred_time, obj.preferred_time)
        return f"{formats.date_format(obj.preferred_date, 'D j M')}, {when}"

    @admin.display(description=_("waiting"), ordering="created_at")
    def waited(self, obj: VisitRequest) -> str:
        if obj.status not in WAITING_STATUSES:
            return "-"
        wait = format_wait(timezone.now() - obj.created_at)
        if getattr(obj, "is_overdue", False):
            return format_html('<strong class="uhapo-overdue">{}</strong> {}', _("Overdue"), wait)
        return wait

    @admin.display(description=_("nurse"), ordering="nurse__first_name")
    def nurse_name(self, obj: VisitRequest) -> str:
        return nurse_label(obj.nurse) or "-"

    # -- the request page

    @admin.display(description=_("medicine prescribed"))
    def medicine_name(self, obj: VisitRequest) -> str:
        return obj.medicine_label

    @admin.display(description=_("patient's mobile"))
    def patient_phone_link(self, obj: VisitRequest) -> str:
        return _phone_link(obj.patient_phone)

    @admin.display(description=_("helper's mobile"))
    def caregiver_phone_link(self, obj: VisitRequest) -> str:
        return _phone_link(obj.caregiver_phone)

    def _consent(self, obj: VisitRequest) -> Any:
        try:
            return obj.consent
        except VisitRequest.consent.RelatedObjectDoesNotExist:
            return None

    @admin.display(description=_("privacy notice version"))
    def consent_version(self, obj: VisitRequest) -> str:
        consent = self._consent(obj)
        return consent.notice_version if consent else _("No consent recorded")

    @admin.display(description=_("consent given at"))
    def consent_given_at(self, obj: VisitRequest) -> Any:
        consent = self._consent(obj)
        return _local_display(consent.given_at) if consent else "-"

    @admin.display(description=_("notice text SHA-256"))
    def consent_sha256(self, obj: VisitRequest) -> str:
        consent = self._consent(obj)
        return consent.notice_sha256 if consent else "-"

    @admin.display(description=_("consent withdrawn at"))
    def consent_withdrawn_at(self, obj: VisitRequest) -> Any:
        consent = self._consent(obj)
        if consent is None or consent.withdrawn_at is None:
            return "-"
        return _local_display(consent.withdrawn_at)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # Another nurse's request is simply not there (404), not a redirect.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method == "GET":
            privacy.access_log_record(
                actor=request.user, action=AccessAction.VIEW, requests=[obj], page=request.path
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and changelist is not None:
            rows = list(changelist.result_list)
            if rows:
                # One access-log row for the page, however many requests it shows.
                privacy.access_log_record(
                    actor=request.user, action=AccessAction.LIST, requests=rows, page=request.path
                )
        return response

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            context["workflow_buttons"] = self._workflow_buttons(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_buttons(self, request: HttpRequest, obj: VisitRequest) -> list[dict]:
        allowed = workflow.TRANSITIONS[obj.status]
        triage = can_triage(request.user)
        buttons = []

        def add(name: str, label: Any) -> None:
            url = reverse(f"admin:booking_visitrequest_{name}", args=[obj.pk])
            buttons.append({"url": url, "label": label, "name": name})

        if triage and Status.CONTACTED in allowed:
            add("contacted", _("Mark contacted"))
        if triage and Status.SCHEDULED in allowed:
            add("schedule", _("Reschedule") if obj.status == Status.SCHEDULED else _("Schedule"))
        if Status.COMPLETED in allowed and may_complete(request.user, obj):
            add("complete", _("Mark completed"))
        if triage and Status.CANCELLED in allowed:
            add("cancel", _("Cancel"))
        if triage and Status.DECLINED in allowed:
            add("decline", _("Decline"))
        if triage and obj.anonymised_at is None:
            add("erase", _("Erase at the family's request"))
        return buttons

    # -- extra pages

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(require_http_methods(["GET", "HEAD", "POST"])(view))

        prefix = "booking_visitrequest"
        return [
            path("visits/", wrap(self.visits_view), name=f"{prefix}_visits"),
            path("<int:pk>/contacted/", wrap(self.contacted_view), name=f"{prefix}_contacted"),
            path("<int:pk>/schedule/", wrap(self.schedule_view), name=f"{prefix}_schedule"),
            path("<int:pk>/complete/", wrap(self.complete_view), name=f"{prefix}_complete"),
            path(
                "<int:pk>/cancel/",
                wrap(self.close_view),
                {"decline": False},
                name=f"{prefix}_cancel",
            ),
            path(
                "<int:pk>/decline/",
                wrap(self.close_view),
                {"decline": True},
                name=f"{prefix}_decline",
            ),
            path("<int:pk>/erase/", wrap(self.erase_view), name=f"{prefix}_erase"),
            path(
                "<int:pk>/messages/<int:message_pk>/resend/",
                wrap(self.resend_view),
                name=f"{prefix}_resend",
            ),
            *super().get_urls(),
        ]

    def _page(
        self, request: HttpRequest, template: str, context: dict[str, Any]
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"admin/booking/visitrequest/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "media": self.media,
                **context,
            },
        )

    def _request_or_404(self, request: HttpRequest, pk: int) -> VisitRequest:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _require_triage(self, request: HttpRequest) -> None:
        if not can_triage(request.user):
            raise PermissionDenied

    def _done(self, obj: VisitRequest) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:booking_visitrequest_change", args=[obj.pk]))

    @staticmethod
    def _service_error(request: HttpRequest, obj: VisitRequest, exc: ValidationError) -> None:
        for text in exc.messages:
            messages.error(request, f"{obj.reference}: {text}")

    def _workflow_page(
        self, request: HttpRequest, obj: VisitRequest, **context: Any
    ) -> TemplateResponse:
        # Every workflow page shows the request's summary: who, where, what medicine.
        privacy.access_log_record(
            actor=request.user, action=AccessAction.VIEW, requests=[obj], page=request.path
        )
        return self._page(request, "workflow_form.html", {"original": obj, **context})

    def _note_action(
        self,
        request: HttpRequest,
        obj: VisitRequest,
        *,
        service: Callable[[dict[str, Any]], object],
        success: str,
        title: str,
        intro: Any,
        submit_label: Any,
        form_class: type[forms.Form] | None = NoteForm,
        danger: bool = False,
    ) -> HttpResponse:
        """One step of the workflow: on a valid POST run the service, then back to the request.

        Without a form_class the page only asks for confirmation.
        """
        posted = request.method == "POST"
        form = form_class(request.POST if posted else None) if form_class else None
        if posted and (form is None or form.is_valid()):
            try:
                service(form.cleaned_data if form else {})
            except ValidationError as exc:
                self._service_error(request, obj, exc)
            else:
                messages.success(request, success)
            return self._done(obj)
        return self._workflow_page(
            request,
            obj,
            title=title,
            form=form,
            intro=intro,
            submit_label=submit_label,
            danger=danger,
        )

    def contacted_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        self._require_triage(request)
        return self._note_action(
            request,
            obj,
            service=lambda data: workflow.visit_request_mark_contacted(
                visit_request=obj, actor=request.user, note=data["note"]
            ),
            success=_("%(ref)s marked contacted.") % {"ref": obj.reference},
            title=_("Mark %(ref)s contacted") % {"ref": obj.reference},
            intro=_("Record that you have spoken to the family."),
            submit_label=_("Mark contacted"),
        )

    def schedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        self._require_triage(request)
        if request.method == "POST":
            form = ScheduleForm(request.POST, visit_request=obj)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    workflow.visit_request_schedule(
                        visit_request=obj,
                        start=data["start"],
                        end=data["end"],
                        nurse=data["nurse"],
                        actor=request.user,
                        note=data["note"],
                    )
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(
                        request,
                        _("%(ref)s scheduled for %(when)s with %(nurse)s; the family is told.")
                        % {
                            "ref": obj.reference,
                            "when": timezone.localtime(data["start"]).strftime("%d %b %Y %H:%M"),
                            "nurse": nurse_label(data["nurse"]),
                        },
                    )
                    return self._done(obj)
        else:
            form = ScheduleForm(visit_request=obj, initial=self._schedule_initial(obj))
        return self._workflow_page(
            request,
            obj,
            title=_("Schedule the visit for %(ref)s") % {"ref": obj.reference},
            form=form,
            intro=_(
                "The family is sent a confirmation now, and reminders 24 hours and "
                "2 hours before the visit."
            ),
            visits_day=getattr(form, "cleaned_data", {}).get("date")
            or self._schedule_initial(obj)["date"],
            submit_label=_("Reschedule") if obj.status == Status.SCHEDULED else _("Schedule"),
        )

    @staticmethod
    def _schedule_initial(obj: VisitRequest) -> dict[str, Any]:
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

    def complete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        if not may_complete(request.user, obj):
            raise PermissionDenied
        return self._note_action(
            request,
            obj,
            service=lambda data: workflow.visit_request_complete(
                visit_request=obj, actor=request.user, note=data["note"]
            ),
            success=_("%(ref)s marked completed.") % {"ref": obj.reference},
            title=_("Mark %(ref)s completed") % {"ref": obj.reference},
            intro=_("Record that the visit took place. Reminders still queued are cancelled."),
            submit_label=_("Mark completed"),
        )

    def close_view(self, request: HttpRequest, pk: int, decline: bool) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        self._require_triage(request)
        if decline:
            title, submit = _("Decline %(ref)s"), _("Decline the request")
            done = _("%(ref)s declined.")
            intro = _(
                "We cannot do this visit (for example, not safe at home). The family is told."
            )
        else:
            title, submit = _("Cancel %(ref)s"), _("Cancel the request")
            done = _("%(ref)s cancelled.")
            intro = _(
                "The visit is no longer wanted. Pending messages stop and the family is told."
            )
        return self._note_action(
            request,
            obj,
            form_class=ReasonForm,
            service=lambda data: workflow.visit_request_cancel(
                visit_request=obj, reason=data["reason"], actor=request.user, decline=decline
            ),
            success=done % {"ref": obj.reference},
            title=title % {"ref": obj.reference},
            intro=intro,
            submit_label=submit,
            danger=True,
        )

    def erase_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The family phoned to withdraw consent: stop everything and erase their details."""
        obj = self._request_or_404(request, pk)
        self._require_triage(request)
        if obj.anonymised_at is not None:
            messages.info(request, _("%(ref)s has already been erased.") % {"ref": obj.reference})
            return self._done(obj)
        form = EraseForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            privacy.visit_request_withdraw_consent(visit_request=obj, actor=request.user)
            messages.success(
                request,
                _("Consent withdrawn and personal details erased for %(ref)s.")
                % {"ref": obj.reference},
            )
            return self._done(obj)
        return self._workflow_page(
            request,
            obj,
            title=_("Erase %(ref)s at the family's request") % {"ref": obj.reference},
            form=form,
            intro=_(
                "Use this when the family tells us they withdraw their consent. An open "
                "request is cancelled and pending messages stop; no message is sent."
            ),
            submit_label=_("Withdraw consent and erase"),
            danger=True,
        )

    def resend_view(self, request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        self._require_triage(request)
        message = get_object_or_404(obj.messages.all(), pk=message_pk)
        return self._note_action(
            request,
            obj,
            form_class=None,
            service=lambda _data: workflow.message_resend(message=message, actor=request.user),
            success=_("%(message)s queued again.") % {"message": str(message)},
            title=_("Send %(message)s again") % {"message": str(message)},
            intro=_("Last error: %(error)s") % {"error": message.last_error or "-"},
            submit_label=_("Send again"),
        )

    def visits_view(self, request: HttpRequest) -> HttpResponse:
        """One day's visits, nurse by nurse in time order, for planning the route."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        day_form = VisitsDayForm(request.GET or None)
        day = day_form.cleaned_data["date"] if day_form.is_valid() else None
        day = day or timezone.localdate()
        start = _day_start(day)
        visits = (
            self.get_queryset(request)
            .filter(
                status__in=[Status.SCHEDULED, Status.COMPLETED],
                scheduled_start__gte=start,
                scheduled_start__lt=start + datetime.timedelta(days=1),
            )
            .select_related("nurse")
            .order_by("nurse__first_name", "nurse__last_name", "nurse_id", "scheduled_start")
        )
        by_nurse = []
        for nurse, rows in itertools.groupby(visits, key=lambda v: v.nurse):
            group = list(rows)
            for visit in group:
                visit.patient_phone_display = display_phone(visit.patient_phone)
                visit.caregiver_phone_display = (
                    display_phone(visit.caregiver_phone) if visit.caregiver_phone else ""
                )
            by_nurse.append({"nurse": nurse, "label": nurse_label(nurse), "visits": group})
        shown = [visit for group in by_nurse for visit in group["visits"]]
        if shown:
            privacy.access_log_record(
                actor=request.user, action=AccessAction.LIST, requests=shown, page=request.path
            )
        one_day = datetime.timedelta(days=1)
        return self._page(
            request,
            "visits.html",
            {
                "title": _("Visits on %(day)s") % {"day": day.strftime("%A %d %B %Y")},
                "day": day,
                "day_form": day_form if day_form.is_bound else VisitsDayForm(initial={"date": day}),
                "previous_day": day - one_day,
                "next_day": day + one_day,
                "by_nurse": by_nurse,
                "visit_count": len(shown),
            },
        )

    # -- bulk actions

    def _each(
        self,
        request: HttpRequest,
        queryset: Iterable[VisitRequest],
        change: Callable[[VisitRequest], object],
        done_message: Callable[[int], str],
        allowed: Callable[[VisitRequest], bool] | None = None,
    ) -> None:
        done = 0
        for obj in queryset:
            if allowed is not None and not allowed(obj):
                messages.error(request, _("%(ref)s: not yours to change.") % {"ref": obj.reference})
                continue
            try:
                change(obj)
            except ValidationError as exc:
                self._service_error(request, obj, exc)
            else:
                done += 1
        if done:
            messages.success(request, done_message(done))

    def _bulk_form(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        action: str,
        form_class: type[forms.Form],
        title: Any,
        submit_label: Any,
        apply: Callable[[VisitRequest, dict[str, Any]], object],
        done_message: Callable[[int], str],
    ) -> TemplateResponse | None:
        """An action that asks for a note or a reason first, like delete_selected's confirmation."""
        form = form_class(request.POST if "_apply_to_selected" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(request, queryset, lambda obj: apply(obj, form.cleaned_data), done_message)
            return None
        return self._page(
            request,
            "bulk_action.html",
            {
                "title": title,
                "queryset": queryset,
                "action": action,
                "form": form,
                "submit_label": submit_label,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Mark contacted (with a note)"), permissions=["triage"])
    def mark_contacted(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        self._require_triage(request)
        return self._bulk_form(
            request,
            queryset,
            action="mark_contacted",
            form_class=NoteForm,
            title=_("Mark these requests contacted"),
            submit_label=_("Mark contacted"),
            apply=lambda obj, data: workflow.visit_request_mark_contacted(
                visit_request=obj, actor=request.user, note=data["note"]
            ),
            done_message=lambda n: (
                ngettext(
                    "%(count)d request marked contacted.", "%(count)d requests marked contacted.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Schedule the visit (one request)"), permissions=["triage"])
    def schedule_visit(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        self._require_triage(request)
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            messages.warning(request, _("Choose exactly one request to schedule."))
            return None
        return HttpResponseRedirect(
            reverse("admin:booking_visitrequest_schedule", args=[chosen[0].pk])
        )

    @admin.action(description=_("Mark completed"), permissions=["complete"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            lambda obj: workflow.visit_request_complete(visit_request=obj, actor=request.user),
            lambda n: (
                ngettext(
                    "%(count)d visit marked completed.", "%(count)d visits marked completed.", n
                )
                % {"count": n}
            ),
            allowed=lambda obj: may_complete(request.user, obj),
        )

    def _close(self, request: HttpRequest, queryset: QuerySet, *, decline: bool) -> Any:
        self._require_triage(request)
        if decline:
            title, submit = _("Decline these requests"), _("Decline")
            done = "%(count)d request declined.", "%(count)d requests declined."
        else:
            title, submit = _("Cancel these requests"), _("Cancel them")
            done = "%(count)d request cancelled.", "%(count)d requests cancelled."
        return self._bulk_form(
            request,
            queryset,
            action="decline_requests" if decline else "cancel_requests",
            form_class=ReasonForm,
            title=title,
            submit_label=submit,
            apply=lambda obj, data: workflow.visit_request_cancel(
                visit_request=obj, reason=data["reason"], actor=request.user, decline=decline
            ),
            done_message=lambda n: ngettext(done[0], done[1], n) % {"count": n},
        )

    @admin.action(description=_("Cancel (with a reason)"), permissions=["triage"])
    def cancel_requests(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return self._close(request, queryset, decline=False)

    @admin.action(description=_("Decline (with a reason)"), permissions=["triage"])
    def decline_requests(self, request: HttpRequest, queryset: QuerySet) -> Any:
        return self._close(request, queryset, decline=True)

    @admin.action(description=_("Send failed messages again"), permissions=["triage"])
    def resend_failed_messages(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._require_triage(request)
        requests = {obj.pk: obj for obj in queryset}
        failed = Message.objects.filter(
            visit_request__in=list(requests), status=MessageStatus.FAILED
        )
        count = 0
        for message in failed:
            try:
                workflow.message_resend(message=message, actor=request.user)
            except ValidationError as exc:
                self._service_error(request, requests[message.subject_id], exc)
            else:
                count += 1
        if count:
            messages.success(request, _queued_again(count))
        else:
            messages.info(request, _("None of these requests has a failed message."))

    @admin.action(description=_("Export selected to CSV"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        if not can_triage(request.user):
            raise PermissionDenied
        rows = queryset.select_related("nurse", "service_area").order_by("-created_at")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"uhapo-requests-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        # Excel reads UTF-8 (Devanagari names) only with a byte-order mark.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([str(label) for label, _getter in CSV_COLUMNS])
        exported = list(rows)
        for obj in exported:
            writer.writerow([csv_cell(getter(obj)) for _label, getter in CSV_COLUMNS])
        privacy.access_log_record(
            actor=request.user, action=AccessAction.EXPORT, requests=exported, page=request.path
        )
        logger.info("user %s exported %s requests to CSV", request.user.pk, len(exported))
        return response


class VisitsDayForm(forms.Form):
    date = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


CSV_COLUMNS: list[tuple[Any, Callable[[VisitRequest], object]]] = [
    (_("reference"), lambda r: r.reference),
    (_("received"), lambda r: _local(r.created_at)),
    (_("status"), lambda r: r.get_status_display()),
    (_("needs clinical review"), lambda r: _("yes") if r.needs_clinical_review else _("no")),
    (_("patient's full name"), lambda r: r.patient_name),
    (_("patient's mobile"), lambda r: r.patient_phone),
    (_("patient's email"), lambda r: r.patient_email),
    (_("helper's name"), lambda r: r.caregiver_name),
    (_("relationship"), lambda r: r.caregiver_relationship),
    (_("helper's mobile"), lambda r: r.caregiver_phone),
    (_("helper's email"), lambda r: r.caregiver_email),
    (_("flat or house, and building"), lambda r: r.address_line),
    (_("street"), lambda r: r.street),
    (_("area"), lambda r: r.area),
    (_("landmark"), lambda r: r.landmark),
    (_("PIN code"), lambda r: r.pin_code),
    (_("medicine prescribed"), lambda r: r.medicine_label),
    (_("preferred date"), lambda r: r.preferred_date.isoformat()),
    (_("preferred time of day"), lambda r: r.get_preferred_time_display()),
    (_("nurse"), lambda r: nurse_label(r.nurse)),
    (_("visit starts"), lambda r: _local(r.scheduled_start)),
    (_("visit ends"), lambda r: _local(r.scheduled_end)),
    (_("reason"), lambda r: r.closing_reason),
]
E164_RE = re.compile(r"^\+\d{8,15}$")


def csv_cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not E164_RE.match(text):
        return "'" + text
    return text


# --- messages and events on their own, read-only -------------------------------------


class RequestRowsAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows that belong to a request: a nurse sees only those of the visits assigned to them.

    Their pages show personal data (a message's recipient, a note quoting the
    family), so each page shown writes an access-log row naming the requests.
    """

    # How these rows reach their request: a ForeignKey for events, the
    # generic link for outbox messages.
    request_lookup = "request"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if not can_triage(request.user):
            queryset = queryset.filter(**{f"{self.request_lookup}__nurse": request.user})
        return queryset

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.request

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method in ("GET", "HEAD"):
            privacy.access_log_record(
                actor=request.user,
                action=AccessAction.VIEW,
                requests=[self.visit_request_of(obj)],
                page=request.path,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method in ("GET", "HEAD") and changelist is not None:
            rows = [self.visit_request_of(row) for row in changelist.result_list]
            if rows:
                privacy.access_log_record(
                    actor=request.user, action=AccessAction.LIST, requests=rows, page=request.path
                )
        return response


class MessageKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return message_kind_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Message)
class MessageAdmin(RequestRowsAdmin):
    request_lookup = "visit_request"
    list_display = (
        "request",
        "kind_label",
        "channel",
        "audience",
        "status",
        "attempts",
        "due_at",
        "sent_at",
    )
    list_filter = ("status", "channel", MessageKindFilter)
    search_fields = ("visit_request__reference",)
    search_help_text = _("Request reference.")
    date_hierarchy = "due_at"
    fields = readonly_fields = (
        "request",
        "kind_label",
        "channel",
        "audience",
        "recipient",
        "language",
        "status",
        "attempts",
        "last_error",
        "due_at",
        "claimed_at",
        "sent_at",
        "schedule_version",
        "created_at",
    )
    actions = ("resend_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("subject")

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.subject

    @admin.display(description=_("request"))
    def request(self, obj: Message) -> str:
        return str(obj.subject)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Message) -> str:
        return message_label(obj.kind)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    @admin.action(description=_("Send failed messages again"), permissions=["resend"])
    def resend_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for message in queryset.filter(status=MessageStatus.FAILED):
            workflow.message_resend(message=message, actor=request.user)
            count += 1
        skipped = queryset.exclude(status=MessageStatus.FAILED).count()
        if count:
            messages.success(request, _queued_again(count))
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d message was skipped: only failed messages can be sent again.",
                    "%(count)d messages were skipped: only failed messages can be sent again.",
                    skipped,
                )
                % {"count": skipped},
            )


@admin.register(RequestEvent)
class RequestEventAdmin(RequestRowsAdmin):
    """The append-only log: nobody, superusers included, edits or deletes an event."""

    list_display = ("created_at", "request", "from_status", "to_status", "actor_label", "note")
    list_filter = ("to_status",)
    list_select_related = ("request",)
    search_fields = ("request__reference",)
    search_help_text = _("Request reference.")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "request",
        "created_at",
        "from_status",
        "to_status",
        "actor_label",
        "note",
    )


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who saw or exported which requests: read-only for everyone."""

    list_display = ("created_at", "actor_username", "action", "references", "page")
    list_filter = ("action",)
    search_fields = ("actor_username", "references")
    search_help_text = _("Staff username or a request reference.")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "actor_username",
        "action",
        "references",
        "page",
        "request_ids",
    )


# --- service areas --------------------------------------------------------------------


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("pin_code", "name", "city", "is_active")
    list_display_links = ("pin_code", "name")
    list_filter = ("city", "is_active")
    search_fields = ("pin_code", "name")
    search_help_text = _("PIN code or area name.")
    ordering = ("pin_code",)
    fields = ("pin_code", "name", "city", "is_active")
