"""Patients and their courses of treatment, as coordinators keep them.

A patient is made or found from a request (the request page's "Find or add
the patient"), never merged silently; a course's figures are edited here,
with their history kept (django-simple-history). Visits stay on the request
pages: here they are listed, cycle by cycle.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aftercare.admin import course_checkin_history
from aftercare.services import checkins_stop_for_course
from booking.admin.access_log import log_access
from booking.models import AccessAction, VisitRequest
from care.models import Course, CourseStatus, Patient, PatientHelper


class VisitsInline(admin.TabularInline):
    """The visits of a course (or of a patient), cycle by cycle, each linking to its page."""

    model = VisitRequest
    fields = ("visit", "cycle_number", "status", "when")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("visit")
    verbose_name_plural = _("visits, cycle by cycle")
    ordering = ("cycle_number", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("reference"))
    def visit(self, obj: VisitRequest) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_admin_url(), obj.reference)

    @admin.display(description=_("date"))
    def when(self, obj: VisitRequest) -> str:
        if obj.scheduled_start:
            return formats.localize(timezone.localtime(obj.scheduled_start))
        return str(_("around %(day)s") % {"day": formats.date_format(obj.preferred_date)})


class HelperInline(admin.TabularInline):
    model = PatientHelper
    fields = ("name", "relationship", "phone", "email")
    extra = 0
    can_delete = False


class CourseVisitsInline(VisitsInline):
    fk_name = "course"


class PatientVisitsInline(VisitsInline):
    fk_name = "patient"


class LoggedViewMixin:
    """Opening a patient or a course is access-logged with the requests it shows."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if obj is not None:
            log_access(request, AccessAction.VIEW, list(obj.visits.all()))
        return response


@admin.register(Patient)
class PatientAdmin(LoggedViewMixin, admin.ModelAdmin):
    list_display = ("full_name", "birth_year", "phone_display", "course_count", "created_at")
    search_fields = ("full_name", "phone", "helpers__phone", "helpers__name")
    search_help_text = _("Name, or a mobile number as +91XXXXXXXXXX.")
    fields = ("full_name", "birth_year", "phone", "email", "language", "created_at")
    readonly_fields = ("created_at",)
    inlines = (HelperInline, PatientVisitsInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(course_total=Count("courses"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("mobile"))
    def phone_display(self, obj: Patient) -> str:
        return obj.phone_display

    @admin.display(description=_("courses"), ordering="course_total")
    def course_count(self, obj: Any) -> int:
        return obj.course_total


@admin.register(Course)
class CourseAdmin(LoggedViewMixin, SimpleHistoryAdmin):
    list_display = ("patient", "regimen", "status", "started_on", "planned_cycles", "end_date")
    list_filter = ("status", "regimen")
    search_fields = ("patient__full_name", "patient__phone", "hospital", "oncologist")
    list_select_related = ("patient", "regimen")
    raw_id_fields = ("patient",)
    fields = (
        "patient",
        "regimen",
        "interval_days",
        "infusion_minutes",
        "planned_cycles",
        "end_date",
        "hospital",
        "oncologist",
        "started_on",
        "status",
        "handover_notes",
        "checkin_history",
    )
    readonly_fields = ("checkin_history",)
    inlines = (CourseVisitsInline,)

    @admin.display(description=_("symptom check-ins"))
    def checkin_history(self, obj: Course) -> str:
        return course_checkin_history(obj)

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.status != CourseStatus.ACTIVE:
            # An ended course sends no more check-in invitations.
            checkins_stop_for_course(course_id=obj.pk)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A course starts from a request ("Start a course of treatment").
        return False
