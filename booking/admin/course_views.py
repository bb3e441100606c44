"""The course pages of the request admin: who the patient is, their course,
corrections, a request taken by phone, and the family's requests to move.

Each page is a small form calling a service (booking.patients,
booking.corrections, booking.change_requests); like the workflow pages, they
are coordinators' (booking.triage_visitrequest) and access-logged.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booking import change_requests, corrections, patients
from booking.admin.access_log import log_access
from booking.admin.course_forms import (
    ChangeAnswerForm,
    CorrectionForm,
    CourseStartForm,
    MatchPatientForm,
    PhoneRequestForm,
)
from booking.admin.permissions import can_triage, require_triage, staff_user
from booking.admin.workflow_views import (
    VisitRequestAdminMixin,
    admin_page,
    back_to_request,
    render_page,
)
from booking.form_errors import add_service_errors
from booking.models import AccessAction, VisitRequest
from booking.privacy import current_notice


class CourseViewsMixin(VisitRequestAdminMixin):
    """For the request admin: the course pages and the buttons leading to them."""

    def _workflow_buttons(self, request: HttpRequest, obj: VisitRequest) -> list[dict]:
        buttons: list[dict] = super()._workflow_buttons(request, obj)  # type: ignore[misc]
        if not can_triage(request.user) or obj.anonymised_at is not None:
            return buttons

        def add(name: str, label: Any) -> None:
            url = reverse(f"admin:booking_visitrequest_{name}", args=[obj.pk])
            buttons.append({"url": url, "label": label, "name": name})

        if obj.patient_id is None:
            add("patient", _("Find or add the patient"))
        elif obj.course_id is None:
            add("course", _("Start a course of treatment"))
        add("correct", _("Correct details"))
        if change_requests.open_change_request(obj):
            add("move_answer", _("Answer the request to move"))
        return buttons

    def get_urls(self) -> list:
        def wrap(view: Any) -> Any:
            return admin_page(self, view)

        prefix = "booking_visitrequest"
        return [
            path("by-phone/", wrap(self.phone_request_view), name=f"{prefix}_by_phone"),
            path("<int:pk>/patient/", wrap(self.patient_view), name=f"{prefix}_patient"),
            path("<int:pk>/course/", wrap(self.course_view), name=f"{prefix}_course"),
            path("<int:pk>/correct/", wrap(self.correct_view), name=f"{prefix}_correct"),
            path(
                "<int:pk>/move-request/", wrap(self.move_answer_view), name=f"{prefix}_move_answer"
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        extra_context = {**(extra_context or {}), "can_triage": can_triage(request.user)}
        return super().changelist_view(request, extra_context)

    # -- helpers

    def _triage_request(self, request: HttpRequest, pk: int) -> VisitRequest:
        require_triage(request.user)
        queryset: QuerySet = self.get_queryset(request)
        return get_object_or_404(queryset, pk=pk)

    def _page(self, request: HttpRequest, obj: VisitRequest, **context: Any) -> HttpResponse:
        log_access(request, AccessAction.VIEW, [obj])
        return render_page(self, request, "workflow_form.html", {"original": obj, **context})

    # -- the pages

    def patient_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._triage_request(request, pk)
        if obj.patient_id is not None:
            messages.info(request, _("%(ref)s is already linked to a patient.") % {"ref": obj})
            return back_to_request(obj)
        candidates = patients.patient_candidates(obj)
        posted = request.method == "POST"
        form = MatchPatientForm(request.POST if posted else None, candidates=candidates)
        if posted and form.is_valid():
            try:
                patients.visit_request_attach_patient(
                    visit_request=obj, patient=form.chosen(), actor=staff_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(ref)s linked to the patient.") % {"ref": obj})
                return back_to_request(obj)
        intro = (
            _(
                "These patients may be the same person. Check on the phone (name, year of "
                "birth, address) before choosing one: nothing is linked until you confirm."
            )
            if candidates
            else _("No patient with this mobile, or this name and year of birth, is on record.")
        )
        return self._page(
            request,
            obj,
            title=_("Who is %(ref)s for?") % {"ref": obj},
            form=form,
            intro=intro,
            submit_label=_("Confirm"),
        )

    def course_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._triage_request(request, pk)
        if obj.course_id is not None:
            # Not a form to fill in and then be refused.
            messages.info(
                request, _("%(ref)s is already part of a course of treatment.") % {"ref": obj}
            )
            return back_to_request(obj)
        posted = request.method == "POST"
        form = CourseStartForm(
            request.POST if posted else None, initial=CourseStartForm.initial_for(obj)
        )
        if posted and form.is_valid():
            try:
                patients.course_start(
                    visit_request=obj, actor=staff_user(request), **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Course of treatment started for %(ref)s.") % {"ref": obj}
                )
                return back_to_request(obj)
        return self._page(
            request,
            obj,
            title=_("Start a course of treatment for %(ref)s") % {"ref": obj},
            form=form,
            intro=_(
                "From the prescription: the regimen, how often, how many doses. When a visit "
                "of the course is recorded, the next dose is proposed to the family."
            ),
            submit_label=_("Start the course"),
        )

    def correct_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._triage_request(request, pk)
        posted = request.method == "POST"
        form = CorrectionForm(
            request.POST if posted else None, initial=CorrectionForm.initial_for(obj)
        )
        if posted and form.is_valid():
            details = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                corrections.visit_request_correct(
                    visit_request=obj,
                    details=details,
                    reason=form.cleaned_data["reason"],
                    actor=staff_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(ref)s corrected.") % {"ref": obj})
                return back_to_request(obj)
        return self._page(
            request,
            obj,
            title=_("Correct the details of %(ref)s") % {"ref": obj},
            form=form,
            intro=_(
                "Each change is kept in the request's log with the old and new value. "
                "Messages not yet sent go to a corrected number or email."
            ),
            submit_label=_("Save the corrections"),
        )

    def move_answer_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._triage_request(request, pk)
        change = change_requests.open_change_request(obj)
        if change is None:
            messages.info(request, _("No request to move is waiting for %(ref)s.") % {"ref": obj})
            return back_to_request(obj)
        posted = request.method == "POST"
        form = ChangeAnswerForm(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                change_requests.change_request_decline(
                    change=change, answer=form.cleaned_data["answer"], actor=staff_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The family is told."))
                return back_to_request(obj)
        days = ", ".join(day.strftime("%a %d %b") for day in change.days)
        return self._page(
            request,
            obj,
            title=_("The family asked to move %(ref)s") % {"ref": obj},
            form=form,
            intro=_(
                "Days that suit them: %(days)s (%(time)s). Reason: %(reason)s. To move the "
                "visit, use Schedule or Reschedule (the family is told what changed and this "
                "request is "
                "closed). If none of the days is possible, answer here."
            )
            % {
                "days": days,
                "time": change.get_preferred_time_display() or _("any time"),
                "reason": change.reason,
            },
            submit_label=_("Send the answer"),
        )

    def phone_request_view(self, request: HttpRequest) -> HttpResponse:
        require_triage(request.user)
        posted = request.method == "POST"
        form = PhoneRequestForm(request.POST if posted else None)
        if posted and form.is_valid():
            language = form.cleaned_data["language"]
            try:
                visit_request, _created = corrections.phone_request_create(
                    details={k: v for k, v in form.request_details().items() if k != "language"},
                    submission_token=form.cleaned_data["submission_token"],
                    language=language,
                    notice=current_notice(language),
                    actor=staff_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(ref)s saved; the family is sent the reference and their link.")
                    % {"ref": visit_request},
                )
                return back_to_request(visit_request)
        return render_page(
            self,
            request,
            "by_phone.html",
            {
                "title": _("Add a request taken on the phone"),
                "form": form,
                "language": get_language(),
            },
        )
