"""The nurse's side of a visit: "Record the visit", and the coordinator's notes for her.

`VisitRecordsMixin` gives the request admin two workflow pages, each calling
a service: /<pk>/record/ (booking.visit_records, for the visit's nurse or a
coordinator) and /<pk>/handover/ (booking.handover, coordinators only). It
also puts the notes for the nurse and the saved record on the request page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.admin.access_log import log_access
from booking.admin.permissions import can_triage, may_complete, require_triage, staff_user
from booking.admin.record_forms import HandoverNotesForm, VisitRecordForm
from booking.admin.workflow_views import WorkflowViewsMixin, admin_page, render_page
from booking.handover import visit_request_set_handover_notes
from booking.models import AccessAction, Status, VisitRequest
from booking.visit_records import visit_record_save
from care.models import VisitRecord


def visit_record_of(visit_request: VisitRequest) -> VisitRecord | None:
    try:
        return visit_request.record
    except VisitRecord.DoesNotExist:
        return None


def course_notes_of(visit_request: VisitRequest) -> str:
    course = visit_request.course
    return course.handover_notes if course is not None else ""


class VisitRecordsMixin(WorkflowViewsMixin):
    """For the request admin: the nurse's record, and the notes written for her."""

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return admin_page(self, view)

        prefix = "booking_visitrequest"
        return [
            path("<int:pk>/record/", wrap(self.record_view), name=f"{prefix}_record"),
            path("<int:pk>/handover/", wrap(self.handover_view), name=f"{prefix}_handover"),
            *super().get_urls(),
        ]

    def _workflow_buttons(self, request: HttpRequest, obj: VisitRequest) -> list[dict]:
        # First, as the step she came for: a nurse has no other button.
        buttons = super()._workflow_buttons(request, obj)
        triage = can_triage(request.user)
        extra = []
        if obj.status == Status.SCHEDULED and may_complete(request.user, obj):
            extra.append(("record", _("Record the visit")))
        if triage and obj.is_open:
            extra.append(("handover", _("Notes for the nurse")))
        for name, label in reversed(extra):
            url = reverse(f"admin:booking_visitrequest_{name}", args=[obj.pk])
            buttons.insert(0, {"url": url, "label": label, "name": name})
        return buttons

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
            context["visit_record"] = visit_record_of(obj)
            context["course_notes"] = course_notes_of(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def record_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        if not may_complete(request.user, obj):
            raise PermissionDenied
        if obj.status != Status.SCHEDULED:
            messages.info(
                request,
                _("%(ref)s is %(status)s: there is no visit left to record.")
                % {"ref": obj.reference, "status": obj.get_status_display().lower()},
            )
            return self._done(obj)
        posted = request.method == "POST"
        form = VisitRecordForm(request.POST if posted else None, visit_request=obj)
        if posted and form.is_valid():
            try:
                record = visit_record_save(
                    visit_request=obj, data=form.record_data(), actor=staff_user(request)
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("%(ref)s recorded: %(outcome)s.")
                    % {"ref": obj.reference, "outcome": record.get_outcome_display()},
                )
                return self._done(obj)
        log_access(request, AccessAction.VIEW, [obj])
        starts = obj.scheduled_start
        return render_page(
            self,
            request,
            "record_form.html",
            {
                "title": _("Record the visit %(ref)s") % {"ref": obj.reference},
                "original": obj,
                "form": form,
                "course_notes": course_notes_of(obj),
                "not_started": starts is not None and starts > timezone.now(),
            },
        )

    def handover_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        require_triage(request.user)
        posted = request.method == "POST"
        form = HandoverNotesForm(
            request.POST if posted else None, initial={"handover_notes": obj.handover_notes}
        )
        if posted and form.is_valid():
            try:
                visit_request_set_handover_notes(
                    visit_request=obj,
                    notes=form.cleaned_data["handover_notes"],
                    actor=staff_user(request),
                )
            except ValidationError as exc:
                form.add_error("handover_notes", exc.messages)
            else:
                messages.success(
                    request, _("Notes for the nurse saved for %(ref)s.") % {"ref": obj.reference}
                )
                return self._done(obj)
        log_access(request, AccessAction.VIEW, [obj])
        return render_page(
            self,
            request,
            "workflow_form.html",
            {
                "title": _("Notes for the nurse, %(ref)s") % {"ref": obj.reference},
                "original": obj,
                "form": form,
                "intro": _(
                    "The nurse sees these notes at the top of the visit's page and on her "
                    "day list. Notes for the whole course are kept with the course."
                ),
                "submit_label": _("Save the notes"),
            },
        )
