"""The call log in admin: "Log a call" on the request page, the calls listed there,
and a page of every call.

Coordinators' only (booking.triage_visitrequest), access-logged like the
request's other pages; each call is written by booking.calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking.admin.access_log import AccessLoggedMixin
from booking.admin.permissions import can_triage, require_triage, staff_user
from booking.admin.rows import ReadOnlyInline, ReadOnlyMixin
from booking.admin.workflow_views import WorkflowViewsMixin, admin_page
from booking.calls import NOTE_MAX_LENGTH, call_attempt_record
from booking.models import CallAttempt, CallOutcome, VisitRequest


class CallAttemptForm(forms.Form):
    # The server's message beside the field, not the browser's bubble.
    use_required_attribute = False

    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=CallOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the call went.")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_(
            "Optional, up to %(most)d characters: who answered, when to call again. "
            "The status stays as it is."
        )
        % {"most": NOTE_MAX_LENGTH},
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoordinatorsOnlyMixin:
    """For an inline or a ModelAdmin: coordinators read it; nurses do not see it at all."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_triage(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_triage(request.user)


class CallAttemptInline(CoordinatorsOnlyMixin, ReadOnlyInline):
    model = CallAttempt
    verbose_name_plural = _("calls to the family")
    fields = readonly_fields = ("called_at", "caller_username", "outcome", "note")


@admin.register(CallAttempt)
class CallAttemptAdmin(CoordinatorsOnlyMixin, AccessLoggedMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Every call, newest first: who rang which request, and how it went."""

    list_display = ("called_at", "request_link", "outcome", "caller_username", "note")
    list_filter = ("outcome",)
    list_select_related = ("request",)
    search_fields = ("request__reference", "caller_username")
    search_help_text = _("Request reference or the coordinator's username.")
    date_hierarchy = "called_at"
    fields = readonly_fields = ("request_link", "called_at", "caller_username", "outcome", "note")

    def visit_request_of(self, row: Any) -> VisitRequest:
        return row.request

    @admin.display(description=_("request"), ordering="request__reference")
    def request_link(self, obj: CallAttempt) -> str:
        return format_html(
            '<a href="{}">{}</a>', obj.request.get_admin_url(), obj.request.reference
        )


class CallLogMixin(WorkflowViewsMixin):
    """For the request admin: the "Log a call" button and its page."""

    def _workflow_buttons(self, request: HttpRequest, obj: VisitRequest) -> list[dict]:
        buttons = super()._workflow_buttons(request, obj)
        if can_triage(request.user) and obj.anonymised_at is None:
            url = reverse("admin:booking_visitrequest_call", args=[obj.pk])
            # First: it is what a coordinator does most, before any other step.
            buttons.insert(0, {"url": url, "label": _("Log a call"), "name": "call"})
        return buttons

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return admin_page(self, view)

        return [
            path("<int:pk>/call/", wrap(self.call_view), name="booking_visitrequest_call"),
            *super().get_urls(),
        ]

    def call_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        require_triage(request.user)
        if obj.anonymised_at is not None:
            raise PermissionDenied
        posted = request.method == "POST"
        form = CallAttemptForm(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                attempt = call_attempt_record(
                    visit_request=obj,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    actor=staff_user(request),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Call logged for %(ref)s: %(outcome)s.")
                    % {"ref": obj.reference, "outcome": attempt.get_outcome_display()},
                )
                return self._done(obj)
        return self._workflow_page(
            request,
            obj,
            title=_("Log a call to the family, %(ref)s") % {"ref": obj.reference},
            form=form,
            intro=_(
                "Every call counts, answered or not. Logging one does not change the "
                "request's status: after speaking to the family, use “Mark contacted”."
            ),
            submit_label=_("Log the call"),
        )
