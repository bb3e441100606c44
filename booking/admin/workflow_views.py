"""The workflow pages: a button on the request page, a small form, a service, back.

`WorkflowViewsMixin` gives the request admin its step pages (contacted,
schedule, complete, cancel, decline, erase, resend) and the buttons that
lead to them. The helpers above it are shared with the bulk actions, the
day's visits and the message list: how an extra admin page is drawn, how a
service's refusal is told, and the one way a failed message is resent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from booking import privacy, scheduling, workflow
from booking.admin.access_log import log_access
from booking.admin.forms import EraseForm, NoteForm, ReasonForm, ScheduleForm
from booking.admin.permissions import (
    can_triage,
    nurse_label,
    require_triage,
    staff_user,
)
from booking.models import AccessAction, Status, VisitRequest
from outbox.models import Message

# --- the framework -------------------------------------------------------------

if TYPE_CHECKING:
    # The request admin's mixins are checked as the ModelAdmin they are mixed
    # into, so their calls to it (super() among them) are checked too; at run
    # time they stay plain classes.
    VisitRequestAdminMixin = admin.ModelAdmin[VisitRequest]
else:
    VisitRequestAdminMixin = object


def admin_page(
    model_admin: admin.ModelAdmin, view: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    """A view behind the admin's sign-in (and second factor), answering GET, HEAD and POST."""
    return model_admin.admin_site.admin_view(require_http_methods(["GET", "HEAD", "POST"])(view))


def render_page(
    model_admin: admin.ModelAdmin, request: HttpRequest, template: str, context: dict[str, Any]
) -> TemplateResponse:
    """One of the request admin's own pages, in the admin's frame."""
    return TemplateResponse(
        request,
        f"admin/booking/visitrequest/{template}",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "media": model_admin.media,
            **context,
        },
    )


def show_refusal(request: HttpRequest, about: object, exc: ValidationError) -> None:
    """A service said no (a move the workflow forbids, say): tell staff, beside the reference."""
    for text in exc.messages:
        messages.error(request, f"{about}: {text}")


def queued_again(count: int) -> str:
    return ngettext(
        "%(count)d message queued again.", "%(count)d messages queued again.", count
    ) % {"count": count}


def resend_failed(request: HttpRequest, failed: Iterable[Message]) -> int:
    """Queue messages again through the service; how many were. Every resend comes here.

    A message sent or cancelled since the page was drawn is refused by the
    service; that refusal is shown, never raised as a server error.
    """
    count = 0
    for message in failed:
        try:
            workflow.message_resend(message=message, actor=staff_user(request))
        except ValidationError as exc:
            # Only a refusal costs the query for the message's request.
            show_refusal(request, message.subject, exc)
        else:
            count += 1
    return count


# --- the steps -----------------------------------------------------------------


def _schedule_intro(moving: bool) -> str:
    """What scheduling sends, and the rules it is checked against."""
    opens, closes = scheduling.service_hours()
    told = (
        _(
            "The family and the nurse are told of the change now. Reminders for the old "
            "time are cancelled; new ones go 24 hours and 2 hours before the visit."
        )
        if moving
        else _(
            "The family is sent a confirmation now, and reminders 24 hours and "
            "2 hours before the visit. The nurse is told the visit is on her list."
        )
    )
    rules = _(
        "Visits are booked between %(opens)s and %(closes)s IST, with %(buffer)d minutes "
        "between one nurse's visits for travel; a clash needs a reason to override it."
    ) % {
        "opens": opens.strftime("%H:%M"),
        "closes": closes.strftime("%H:%M"),
        "buffer": settings.NURSE_TRAVEL_BUFFER_MINUTES,
    }
    return f"{told} {rules}"


def request_or_404(
    model_admin: admin.ModelAdmin[VisitRequest], request: HttpRequest, pk: int
) -> VisitRequest:
    """The request behind a workflow page, if this user may see it (nurses: only theirs)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return get_object_or_404(model_admin.get_queryset(request), pk=pk)


def back_to_request(obj: VisitRequest) -> HttpResponseRedirect:
    """After a workflow page: back to the request's own page."""
    return HttpResponseRedirect(reverse("admin:booking_visitrequest_change", args=[obj.pk]))


class WorkflowViewsMixin(VisitRequestAdminMixin):
    """For the request admin: its workflow buttons and the page behind each one."""

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
        # A nurse, and any visit in a course, is recorded instead (booking/admin/records.py).
        if triage and Status.COMPLETED in allowed and obj.course_id is None:
            add("complete", _("Mark completed"))
        if triage and Status.CANCELLED in allowed:
            add("cancel", _("Cancel"))
        if triage and Status.DECLINED in allowed:
            add("decline", _("Decline"))
        if triage and obj.anonymised_at is None:
            add("erase", _("Erase at the family's request"))
        return buttons

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return admin_page(self, view)

        prefix = "booking_visitrequest"
        return [
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

    def _request_or_404(self, request: HttpRequest, pk: int) -> VisitRequest:
        return request_or_404(self, request, pk)

    def _done(self, obj: VisitRequest) -> HttpResponseRedirect:
        return back_to_request(obj)

    def _workflow_page(
        self, request: HttpRequest, obj: VisitRequest, **context: Any
    ) -> TemplateResponse:
        # Every workflow page shows the request's summary: who, where, what medicine.
        log_access(request, AccessAction.VIEW, [obj])
        return render_page(self, request, "workflow_form.html", {"original": obj, **context})

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
        form_class: type[forms.Form] = NoteForm,
        danger: bool = False,
    ) -> HttpResponse:
        """One step of the workflow: on a valid POST run the service, then back to the request."""
        posted = request.method == "POST"
        form = form_class(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                service(form.cleaned_data)
            except ValidationError as exc:
                show_refusal(request, obj, exc)
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
        require_triage(request.user)
        return self._note_action(
            request,
            obj,
            service=lambda data: workflow.visit_request_mark_contacted(
                visit_request=obj, actor=staff_user(request), note=data["note"]
            ),
            success=_("%(ref)s marked contacted.") % {"ref": obj.reference},
            title=_("Mark %(ref)s contacted") % {"ref": obj.reference},
            intro=_("Record that you have spoken to the family."),
            submit_label=_("Mark contacted"),
        )

    def schedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        require_triage(request.user)
        moving = obj.status == Status.SCHEDULED
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
                        actor=staff_user(request),
                        note=data["note"],
                        override_reason=data["override_reason"],
                    )
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    done = (
                        _(
                            "%(ref)s moved to %(when)s with %(nurse)s; the family and the nurse are told."
                        )
                        if moving
                        else _(
                            "%(ref)s scheduled for %(when)s with %(nurse)s; the family and the "
                            "nurse are told."
                        )
                    )
                    messages.success(
                        request,
                        done
                        % {
                            "ref": obj.reference,
                            "when": timezone.localtime(data["start"]).strftime("%d %b %Y %H:%M"),
                            "nurse": nurse_label(data["nurse"]),
                        },
                    )
                    return self._done(obj)
        else:
            form = ScheduleForm(visit_request=obj, initial=ScheduleForm.initial_for(obj))
        return self._workflow_page(
            request,
            obj,
            title=_("Schedule the visit for %(ref)s") % {"ref": obj.reference},
            form=form,
            intro=_schedule_intro(moving),
            visits_day=getattr(form, "cleaned_data", {}).get("date")
            or ScheduleForm.initial_for(obj)["date"],
            submit_label=_("Reschedule") if moving else _("Schedule"),
        )

    def complete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        require_triage(request.user)
        return self._note_action(
            request,
            obj,
            service=lambda data: workflow.visit_request_complete(
                visit_request=obj, actor=staff_user(request), note=data["note"]
            ),
            success=_("%(ref)s marked completed.") % {"ref": obj.reference},
            title=_("Mark %(ref)s completed") % {"ref": obj.reference},
            intro=_("Record that the visit took place. Reminders still queued are cancelled."),
            submit_label=_("Mark completed"),
        )

    def close_view(self, request: HttpRequest, pk: int, decline: bool) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        require_triage(request.user)
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
                visit_request=obj, reason=data["reason"], actor=staff_user(request), decline=decline
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
        require_triage(request.user)
        if obj.anonymised_at is not None:
            messages.info(request, _("%(ref)s has already been erased.") % {"ref": obj.reference})
            return self._done(obj)
        form = EraseForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            privacy.visit_request_withdraw_consent(visit_request=obj, actor=staff_user(request))
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
        require_triage(request.user)
        message = get_object_or_404(obj.messages.all(), pk=message_pk)
        if request.method == "POST":
            if resend_failed(request, [message]):
                messages.success(request, _("%(message)s queued again.") % {"message": message})
            return self._done(obj)
        return self._workflow_page(
            request,
            obj,
            title=_("Send %(message)s again") % {"message": str(message)},
            form=None,
            intro=_("Last error: %(error)s") % {"error": message.last_error or "-"},
            submit_label=_("Send again"),
            danger=False,
        )
