"""The request list and the request page: what a coordinator or a nurse sees.

The page is read-only: every change is a workflow button (workflow_views.py)
or a bulk action (actions.py), each calling a service in booking/workflow.py
or booking/privacy.py. Who may do what is asked of permissions.py.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking import change_requests, cycles
from booking.admin.access_log import AccessLoggedMixin
from booking.admin.actions import BulkActionsMixin
from booking.admin.course_views import CourseViewsMixin
from booking.admin.exports import export_csv
from booking.admin.filters import (
    ChangeAskedFilter,
    DueToBookFilter,
    MedicineFilter,
    NurseFilter,
    OverdueFilter,
    PreferredDateFilter,
    ScheduledDateFilter,
)
from booking.admin.messages import MessageInline
from booking.admin.permissions import (
    can_triage,
    completes_visits,
    nurse_label,
    staff_user,
    visible_requests,
)
from booking.admin.records import VisitRecordsMixin
from booking.admin.rows import RequestEventInline
from booking.admin.visits import DayVisitsMixin
from booking.admin.workflow_views import WorkflowViewsMixin
from booking.models import Status, VisitRequest
from booking.references import reference_from_typed
from booking.triage import format_wait, is_overdue
from uhapo.phone import InvalidPhone, display_phone, parse_indian_mobile

if TYPE_CHECKING:
    from django_stubs_ext import FieldsetSpec, StrOrPromise

WAITING_STATUSES = (Status.NEW, Status.CONTACTED)
SHORT_TIME_OF_DAY = {
    "morning": _("morning"),
    "afternoon": _("afternoon"),
    "evening": _("evening"),
}


def _local_display(moment: datetime.datetime) -> str:
    return formats.localize(timezone.localtime(moment))


def _phone_link(e164: str) -> str:
    if not e164:
        return "-"
    return format_html('<a href="tel:{}">{}</a>', e164, display_phone(e164))


REQUEST_FIELDSETS: FieldsetSpec = (
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
    (
        _("Course of treatment"),
        {
            "fields": (
                "patient_link",
                "course_link",
                "cycle_number",
                "previous_visit_link",
                "next_step_text",
                "change_request_text",
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
class VisitRequestAdmin(
    CourseViewsMixin,
    DayVisitsMixin,
    VisitRecordsMixin,
    WorkflowViewsMixin,
    BulkActionsMixin,
    AccessLoggedMixin,
    admin.ModelAdmin,
):
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
    list_display_links = ("reference",)
    list_filter = (
        "status",
        OverdueFilter,
        DueToBookFilter,
        ChangeAskedFilter,
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
    readonly_fields = tuple(flatten_fieldsets(REQUEST_FIELDSETS))
    inlines = (RequestEventInline, MessageInline)
    actions = (
        "mark_contacted",
        "schedule_visit",
        "mark_completed",
        "cancel_requests",
        "decline_requests",
        "resend_failed_messages",
        export_csv,
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
        # A request's own page is read-only, so a raw save can never bypass the
        # services; the workflow's own permissions decide every change.
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Either role is enough to open the list (get_queryset narrows a nurse's).
        user = request.user
        return (
            can_triage(user) or completes_visits(user) or super().has_view_permission(request, obj)
        )

    def has_triage_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)

    def has_complete_permission(self, request: HttpRequest) -> bool:
        # Closing visits in bulk records nothing: a nurse records each visit instead.
        return can_triage(request.user)

    # -- queryset, list, search

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible_requests(staff_user(request), super().get_queryset(request))

    def get_list_filter(self, request: HttpRequest) -> tuple:
        if can_triage(request.user):
            return self.list_filter
        return tuple(f for f in self.list_filter if f is not NurseFilter)

    def get_actions(self, request: HttpRequest) -> dict:
        # Belt and braces: the permission checks already hide them all from a nurse,
        # who records each visit on its own page instead.
        if not can_triage(request.user):
            return {}
        return super().get_actions(request)

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
        reference = reference_from_typed(term)
        if reference:
            extra |= Q(reference=reference)
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
        now = timezone.now()
        wait = format_wait(now - obj.created_at)
        if is_overdue(status=obj.status, created_at=obj.created_at, now=now):
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

    @admin.display(description=_("patient"))
    def patient_link(self, obj: VisitRequest) -> str:
        if obj.patient is None:
            return str(_("Not linked yet: use “Find or add the patient”."))
        url = reverse("admin:care_patient_change", args=[obj.patient_id])
        return format_html('<a href="{}">{}</a>', url, obj.patient)

    @admin.display(description=_("course of treatment"))
    def course_link(self, obj: VisitRequest) -> str:
        if obj.course is None:
            return "-"
        url = reverse("admin:care_course_change", args=[obj.course_id])
        return format_html('<a href="{}">{}</a>', url, obj.course)

    @admin.display(description=_("previous visit"))
    def previous_visit_link(self, obj: VisitRequest) -> str:
        previous = obj.previous_visit
        if previous is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a> ({})',
            previous.get_admin_url(),
            previous,
            previous.get_status_display(),
        )

    @admin.display(description=_("what comes next"))
    def next_step_text(self, obj: VisitRequest) -> str:
        step = cycles.next_step(obj)
        following = VisitRequest.objects.filter(previous_visit=obj).first()
        if following is not None:
            return format_html(
                '{} <a href="{}">{}</a> ({})',
                step.text if step else "",
                following.get_admin_url(),
                following,
                following.get_status_display(),
            )
        return step.text if step else "-"

    @admin.display(description=_("family's request to move"))
    def change_request_text(self, obj: VisitRequest) -> str:
        change = change_requests.open_change_request(obj)
        if change is None:
            return "-"
        days = ", ".join(day.strftime("%a %d %b") for day in change.days)
        return f"{days} ({change.get_preferred_time_display() or _('any time')}): {change.reason}"

    def _consent(self, obj: VisitRequest) -> Any:
        try:
            return obj.consent
        except VisitRequest.consent.RelatedObjectDoesNotExist:
            return None

    @admin.display(description=_("privacy notice version"))
    def consent_version(self, obj: VisitRequest) -> StrOrPromise:
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
