"""The course of treatment in admin: the regimen catalogue, nurses' details, visit records.

The regimen catalogue keeps its history and review dates like the guide's
pages. A nurse's visit record is written only through "Record the visit" on
the visit's page (booking.visit_records); here it is read-only, for
coordinators and for the nurse of that visit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from booking.admin.access_log import AccessLoggedMixin
from booking.admin.permissions import nurse_label, nurses, staff_user, visible_requests
from booking.models import VisitRequest
from care.models import NurseProfile, Regimen, VisitRecord


@admin.register(Regimen)
class RegimenAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "interval_days",
        "infusion_minutes",
        "max_cycles",
        "reviewer",
        "next_review_due",
        "offered",
    ]
    list_filter = ["medicine", "is_active"]
    search_fields = ["name", "medicine"]
    fieldsets = [
        (None, {"fields": ["medicine", "name", "is_active"]}),
        (
            _("How it is given"),
            {
                "fields": [
                    "interval_days",
                    "infusion_minutes",
                    "preparation_minutes",
                    "observation_minutes",
                    "max_cycles",
                    "max_months",
                ]
            },
        ),
        (
            _("Clinical review"),
            {
                "fields": ["source", "reviewer", "last_reviewed", "next_review_due"],
                "description": _(
                    "After checking the figures against the product information, set the "
                    "date of this review and when the next one is due."
                ),
            },
        ),
    ]

    # In words: a tick or a cross in a column reads as right or wrong.
    @admin.display(description=_("offered"), ordering="is_active")
    def offered(self, obj: Regimen) -> str:
        return str(_("Offered") if obj.is_active else _("Not offered"))


@admin.register(NurseProfile)
class NurseProfileAdmin(admin.ModelAdmin):
    list_display = ["nurse", "phone", "registration_number"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "registration_number"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only staff who may be assigned visits have a nurse's details.
        if db_field.name == "user":
            kwargs["queryset"] = nurses()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("nurse"), ordering="user__first_name")
    def nurse(self, obj: NurseProfile) -> str:
        return nurse_label(obj.user)


RECORD_FIELDS = [
    "visit_link",
    "outcome",
    "not_given_reason",
    "recorded_by",
    "recorded_at",
    "arrived_at",
    "left_at",
    "weight_kg",
    "bp_systolic_before",
    "bp_diastolic_before",
    "pulse_before",
    "temperature_before",
    "spo2_before",
    "batch_number",
    "batch_expiry",
    "cold_chain_text",
    "cold_chain_temperature",
    "infusion_started_at",
    "infusion_ended_at",
    "observation_minutes",
    "reaction_grade",
    "reaction_action",
    "bp_systolic_after",
    "bp_diastolic_after",
    "pulse_after",
    "temperature_after",
    "spo2_after",
    "notes",
]


@admin.register(VisitRecord)
class VisitRecordAdmin(AccessLoggedMixin, admin.ModelAdmin):
    """Read-only: a record is the clinical account of a dose, written once at the visit."""

    list_display = ["visit", "outcome", "reaction_grade", "arrived_at", "recorded_by"]
    list_filter = ["outcome", "reaction_grade"]
    list_select_related = ["visit", "recorded_by"]
    search_fields = ["visit__reference", "batch_number"]
    fields = readonly_fields = tuple(RECORD_FIELDS)

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.visit

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Coordinators read every record; a nurse only those of her own visits.
        return visible_requests(
            staff_user(request), super().get_queryset(request), nurse_field="visit__nurse"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("kept at 2–8 °C all the way"))
    def cold_chain_text(self, obj: VisitRecord) -> str:
        if obj.cold_chain_kept is None:
            return str(_("Not recorded"))
        return str(_("Yes, kept") if obj.cold_chain_kept else _("No: the cold chain was broken"))

    @admin.display(description=_("visit"))
    def visit_link(self, obj: VisitRecord) -> str:
        return format_html('<a href="{}">{}</a>', obj.visit.get_admin_url(), obj.visit.reference)
