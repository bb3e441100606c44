"""The blood-test rules (edited with history, each with its source) and who opened which document.

Checks, overrides and documents are recorded from the visit's own page
(clearance/admin_views.py), never edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clearance.models import BloodTestRule, DocumentAccess


@admin.register(BloodTestRule)
class BloodTestRuleAdmin(SimpleHistoryAdmin):
    list_display = ["regimen_name", "test", "max_age_days", "source"]
    list_filter = ["test", "regimen"]
    list_select_related = ["regimen"]
    fields = ["regimen", "test", "max_age_days", "source"]

    @admin.display(description=_("regimen"), ordering="regimen__name")
    def regimen_name(self, obj: BloodTestRule) -> str:
        return str(obj.regimen) if obj.regimen else str(_("Visits not in a course"))


@admin.register(DocumentAccess)
class DocumentAccessAdmin(admin.ModelAdmin):
    """Append-only: read by coordinators, changed by nobody."""

    list_display = ["created_at", "actor_username", "visit_reference", "page"]
    search_fields = ["visit_reference", "actor_username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
