"""The outbox rows about a request: an inline on its page and a list of their own.

Kept in one module so it can move with the outbox in one piece. Staff
resend a failed message here and from the request pages; all three ways
go through booking.admin.workflow_views.resend_failed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking.admin.permissions import can_triage
from booking.admin.rows import ReadOnlyMixin, RequestRowsAdmin, TriageReadsMixin
from booking.admin.workflow_views import queued_again, resend_failed
from booking.models import VisitRequest
from outbox.models import Message, MessageStatus
from outbox.registry import choices as message_kind_choices
from outbox.registry import label as message_label


class MessageInline(TriageReadsMixin, ReadOnlyMixin, GenericTabularInline):
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
        "delivery",
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
        "delivery",
        "attempts",
        "due_at",
        "sent_at",
    )
    list_filter = ("status", "delivery", "channel", MessageKindFilter)
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
        "delivery",
        "delivered_at",
        "read_at",
        "delivery_failed_at",
        "schedule_version",
        "created_at",
    )
    actions = ("resend_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("subject")

    def visit_request_of(self, row: Any) -> VisitRequest:
        # Aftercare's messages are about a check-in, which names the visit it follows.
        subject = row.subject
        return subject if isinstance(subject, VisitRequest) else subject.visit

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
        count = resend_failed(request, queryset.filter(status=MessageStatus.FAILED))
        skipped = queryset.exclude(status=MessageStatus.FAILED).count()
        if count:
            messages.success(request, queued_again(count))
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
