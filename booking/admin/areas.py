"""The PIN codes we serve, edited by coordinators."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from booking.models import ServiceArea


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ("pin_code", "name", "city", "served")
    list_display_links = ("pin_code", "name")
    list_filter = ("city", "is_active")
    search_fields = ("pin_code", "name")
    search_help_text = _("PIN code or area name.")
    ordering = ("pin_code",)
    fields = ("pin_code", "name", "city", "is_active")

    # In words: a tick or a cross in a column reads as right or wrong.
    @admin.display(description=_("served"), ordering="is_active")
    def served(self, obj: ServiceArea) -> str:
        return str(_("Served") if obj.is_active else _("Not served"))
