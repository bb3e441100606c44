"""The checklist's staff pages, mixed into the request admin: record a check, override,
add a document, open a document (permission-checked, every opening logged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from booking.admin.access_log import log_access
from booking.admin.permissions import require_triage, staff_user
from booking.admin.workflow_views import (
    VisitRequestAdminMixin,
    admin_page,
    back_to_request,
    render_page,
    request_or_404,
)
from booking.form_errors import add_service_errors
from booking.models import AccessAction, VisitRequest
from clearance import documents, readiness
from clearance.forms import CheckForm, OverrideForm, StaffDocumentForm
from clearance.models import BloodTest, Item

OPEN_DOCUMENT = "clearance.open_document"
# A coordinator scanning a family's papers one by one is well under this.
STAFF_RATE = "30/m"


def item_of(key: str) -> tuple[str, str]:
    """(item, blood test) from the key in a checklist URL: an item, or a blood test's code."""
    if key in BloodTest.values:
        return Item.BLOOD_TEST, key
    if key in Item.values and key != Item.BLOOD_TEST:
        return key, ""
    raise Http404


class ReadinessViewsMixin(VisitRequestAdminMixin):
    """For the request admin: /<pk>/checklist/<key>/, …/override/, …/documents/…"""

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return admin_page(self, view)

        prefix = "booking_visitrequest"
        return [
            path(
                "<int:pk>/checklist/override/",
                wrap(self.override_view),
                name=f"{prefix}_override",
            ),
            path(
                "<int:pk>/checklist/<str:key>/",
                wrap(self.check_view),
                name=f"{prefix}_check",
            ),
            path(
                "<int:pk>/documents/add/",
                wrap(self.document_add_view),
                name=f"{prefix}_document_add",
            ),
            path(
                "<int:pk>/documents/<int:document_pk>/",
                # A file, not a page: typed as the admin's views are.
                wrap(self.document_view),  # type: ignore[arg-type]
                name=f"{prefix}_document",
            ),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, obj: VisitRequest, **context: Any) -> HttpResponse:
        log_access(request, AccessAction.VIEW, [obj])
        return render_page(
            self, request, "workflow_form.html", {"original": obj, "danger": False, **context}
        )

    def check_view(self, request: HttpRequest, pk: int, key: str) -> HttpResponse:
        """Record one item of the checklist as checked (or a review as declined)."""
        obj = request_or_404(self, request, pk)
        require_triage(request.user)
        item, blood_test = item_of(key)
        posted = request.method == "POST"
        form = CheckForm(request.POST if posted else None, item=item, visit_request=obj)
        if posted and form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if value is not None}
            try:
                check = readiness.readiness_check_record(
                    visit_request=obj,
                    item=item,
                    blood_test=blood_test,
                    actor=staff_user(request),
                    **data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if check.still_open:
                    messages.warning(
                        request,
                        _("Recorded for %(ref)s, but still open: %(problem)s")
                        % {"ref": obj.reference, "problem": check.still_open},
                    )
                else:
                    messages.success(
                        request, _("Checklist updated for %(ref)s.") % {"ref": obj.reference}
                    )
                return back_to_request(obj)
        what = BloodTest(blood_test).label if blood_test else Item(item).label
        return self._page(
            request,
            obj,
            title=_("%(what)s: %(ref)s") % {"what": what, "ref": obj.reference},
            form=form,
            intro=_("Record what you checked. Your name and the time are kept with it."),
            submit_label=_("Save the check"),
        )

    def override_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A senior clinician lets the visit go ahead with items open, giving a reason."""
        obj = request_or_404(self, request, pk)
        if not request.user.has_perm(readiness.OVERRIDE):
            raise PermissionDenied
        posted = request.method == "POST"
        form = OverrideForm(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                readiness.readiness_override(
                    visit_request=obj, reason=form.cleaned_data["reason"], actor=staff_user(request)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.warning(
                    request, _("Checklist overridden for %(ref)s.") % {"ref": obj.reference}
                )
                return back_to_request(obj)
        return self._page(
            request,
            obj,
            title=_("Override the checklist of %(ref)s") % {"ref": obj.reference},
            form=form,
            intro=_(
                "Only when a senior clinician decides the visit may go ahead with items "
                "still open. The reason is shown with the visit everywhere."
            ),
            submit_label=_("Override the checklist"),
        )

    def document_add_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Staff add a document the family sent another way (WhatsApp, email, a visit)."""
        obj = request_or_404(self, request, pk)
        require_triage(request.user)
        return _document_add(self, request, obj)

    def document_view(self, request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
        """The document's file, to staff allowed to open it; every opening is logged."""
        obj = request_or_404(self, request, pk)
        if not request.user.has_perm(OPEN_DOCUMENT):
            raise PermissionDenied
        document = get_object_or_404(obj.documents.all(), pk=document_pk)
        documents.document_opened(document=document, actor=staff_user(request), page=request.path)
        extension = documents.EXTENSIONS.get(document.content_type, "bin")
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            filename=f"{obj.reference}-{document.kind}.{extension}",
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


def _document_add(
    model_admin: ReadinessViewsMixin, request: HttpRequest, obj: VisitRequest
) -> HttpResponse:
    posted = request.method == "POST"
    form = StaffDocumentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and is_ratelimited(
        request, group="documents-staff", key="user", rate=STAFF_RATE, increment=True
    ):
        form.add_error(None, documents.too_many_uploads())
    elif posted and form.is_valid():
        try:
            documents.document_upload(
                visit_request=obj,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=staff_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Document added to %(ref)s.") % {"ref": obj.reference})
            return back_to_request(obj)
    return model_admin._page(
        request,
        obj,
        title=_("Add a document to %(ref)s") % {"ref": obj.reference},
        form=form,
        intro=_("A prescription or report the family sent another way. PDF, JPEG or PNG."),
        submit_label=_("Add the document"),
        multipart=True,
    )
