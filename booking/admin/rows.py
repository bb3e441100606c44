"""What belongs to a request, read-only: its event log (timeline) and the access log.

Nobody, superusers included, adds, edits or deletes these rows in admin.
The request's messages have their own module, booking/admin/messages.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from booking.admin.access_log import AccessLoggedMixin
from booking.admin.permissions import can_triage, nurse_label, staff_user, visible_requests
from booking.admin.timeline import describe
from booking.models import AccessLog, RequestEvent, VisitRequest

if TYPE_CHECKING:
    # Checked as the ModelAdmin or inline it is mixed into; at run time a plain class.
    _AnyModelAdmin = BaseModelAdmin[Any]
else:
    _AnyModelAdmin = object


class ReadOnlyMixin:
    """For an inline or a ModelAdmin: nobody, superusers included, adds, edits or deletes."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TriageReadsMixin(_AnyModelAdmin):
    """For the rows of a request: whoever triages requests reads them all."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_triage(request.user) or super().has_view_permission(request, obj)


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class WhatHappenedMixin:
    @admin.display(description=_("what happened"))
    def what_happened(self, obj: RequestEvent) -> str:
        return describe(obj)

    @admin.display(description=_("by"))
    def by(self, obj: RequestEvent) -> str:
        # A person by name, as the rest of the page names staff ("Asha Demo",
        # not "demo-nurse-asha"); the family or the system by the label kept.
        if obj.actor is not None:
            return nurse_label(obj.actor)
        return obj.actor_label.capitalize() or "-"


class RequestEventInline(WhatHappenedMixin, TriageReadsMixin, ReadOnlyInline):
    model = RequestEvent
    verbose_name_plural = _("timeline")
    # Tabular, without the row's caption (the event's name, already in "what happened").
    template = "admin/booking/visitrequest/includes/timeline.html"
    fields = readonly_fields = ("created_at", "what_happened", "by", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


class RequestRowsAdmin(TriageReadsMixin, AccessLoggedMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Rows that belong to a request: a nurse sees only those of the visits assigned to them.

    Their pages show personal data (a message's recipient, a note quoting the
    family), so each page shown writes an access-log row naming the requests.
    """

    # How these rows reach their request: a ForeignKey for events, the
    # generic link for outbox messages.
    request_lookup = "request"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible_requests(
            staff_user(request),
            super().get_queryset(request),
            nurse_field=f"{self.request_lookup}__nurse",
        )

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.request


@admin.register(RequestEvent)
class RequestEventAdmin(WhatHappenedMixin, RequestRowsAdmin):
    """The append-only log: nobody, superusers included, edits or deletes an event."""

    list_display = ("created_at", "request", "what_happened", "by", "note")
    list_filter = ("to_status",)
    list_select_related = ("request", "actor")
    search_fields = ("request__reference",)
    search_help_text = _("Request reference.")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "request",
        "created_at",
        "from_status",
        "to_status",
        "what_happened",
        "by",
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
