"""The request list's bulk actions: each request goes through the workflow service.

One request's refusal (a move the workflow forbids) is shown beside its
reference and the others go ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking import workflow
from booking.admin.access_log import log_access
from booking.admin.forms import NoteForm, ReasonForm
from booking.admin.permissions import may_complete, require_triage, staff_user
from booking.admin.workflow_views import (
    VisitRequestAdminMixin,
    queued_again,
    render_page,
    resend_failed,
    show_refusal,
)
from booking.models import AccessAction, VisitRequest
from outbox.models import Message, MessageStatus


class BulkActionsMixin(VisitRequestAdminMixin):
    """For the request admin: the actions in its list's drop-down."""

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
                show_refusal(request, obj, exc)
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
        # The page lists each request (reference and patient's name) and carries
        # them in hidden fields, so submitting it applies the action to them.
        chosen = list(queryset)
        log_access(request, AccessAction.LIST, chosen)
        return render_page(
            self,
            request,
            "bulk_action.html",
            {
                "title": title,
                "objects": chosen,
                "action": action,
                "form": form,
                "submit_label": submit_label,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Mark contacted (with a note)"), permissions=["triage"])
    def mark_contacted(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        require_triage(request.user)
        return self._bulk_form(
            request,
            queryset,
            action="mark_contacted",
            form_class=NoteForm,
            title=_("Mark these requests contacted"),
            submit_label=_("Mark contacted"),
            apply=lambda obj, data: workflow.visit_request_mark_contacted(
                visit_request=obj, actor=staff_user(request), note=data["note"]
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
        require_triage(request.user)
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
            lambda obj: workflow.visit_request_complete(
                visit_request=obj, actor=staff_user(request)
            ),
            lambda n: (
                ngettext(
                    "%(count)d visit marked completed.", "%(count)d visits marked completed.", n
                )
                % {"count": n}
            ),
            allowed=lambda obj: may_complete(request.user, obj),
        )

    def _close(self, request: HttpRequest, queryset: QuerySet, *, decline: bool) -> Any:
        require_triage(request.user)
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
                visit_request=obj, reason=data["reason"], actor=staff_user(request), decline=decline
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
        require_triage(request.user)
        failed = Message.objects.filter(
            visit_request__in=queryset.values("pk"), status=MessageStatus.FAILED
        )
        count = resend_failed(request, failed)
        if count:
            messages.success(request, queued_again(count))
        else:
            messages.info(request, _("None of these requests has a failed message."))
