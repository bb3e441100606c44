"""The family's documents page on their private link: what we have, what is still
needed, and a form to send one more. Thin: check the link and the limits, call the service."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from booking.form_errors import add_service_errors
from booking.links import LinkInvalid, request_from_token
from booking.models import VisitRequest
from booking.views import link_invalid, private_page
from clearance import documents, readiness
from clearance.forms import FamilyDocumentForm
from clearance.models import BloodTest, Document, DocumentKind, Item

# A family photographing a few pages is well under both; a script is not.
VISIT_RATE = "30/h"


def _ip_rate(group: str, request: HttpRequest) -> str:
    return settings.DOCUMENT_UPLOAD_RATE_LIMIT


def _limited(request: HttpRequest, visit_pk: int) -> bool:
    by_ip = is_ratelimited(
        request, group="documents-ip", key="ip", rate=_ip_rate, method="POST", increment=True
    )
    by_visit = is_ratelimited(
        request,
        group="documents-visit",
        key=lambda group, request: str(visit_pk),
        rate=VISIT_RATE,
        method="POST",
        increment=True,
    )
    return bool(by_ip or by_visit)


def still_needed(visit_request: VisitRequest, received: list[Document]) -> tuple[list[str], bool]:
    """What the family can still send, in their words (the checklist's open papers),
    and whether something they sent (`received`, the visit's documents) is waiting
    for a coordinator's check: a paper sent since its item was last checked is
    not asked for again."""
    needed = []
    checking = False
    latest_upload: dict[str, datetime.datetime] = {}
    for document in received:
        known = latest_upload.get(document.kind)
        if known is None or document.uploaded_at > known:
            latest_upload[document.kind] = document.uploaded_at
    paper = {
        Item.PRESCRIPTION: DocumentKind.PRESCRIPTION,
        Item.BLOOD_TEST: DocumentKind.BLOOD_REPORT,
    }
    for state in readiness.open_items(visit_request):
        kind = paper.get(Item(state.item))
        sent = latest_upload.get(kind) if kind else None
        if sent is not None and (state.check is None or sent > state.check.checked_at):
            checking = True
            continue
        if state.item == Item.PRESCRIPTION:
            needed.append(_("The prescription for this dose"))
        elif state.item == Item.BLOOD_TEST:
            needed.append(
                _("A blood test report: %(test)s, taken at most %(days)d days before the visit")
                % {"test": BloodTest(state.blood_test).label, "days": state.max_age_days}
            )
    return needed, checking


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def document_send(request: HttpRequest, token: str) -> HttpResponse:
    """The family sends the prescription or a blood test report, one file at a time."""
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    status_url = reverse("booking:status", kwargs={"token": token})
    if not visit_request.is_open:
        return HttpResponseRedirect(status_url)
    posted = request.method == "POST"
    form = FamilyDocumentForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted and _limited(request, visit_request.pk):
        form.add_error(None, documents.too_many_uploads())
        status = 429
    elif posted and form.is_valid():
        try:
            documents.document_upload(
                visit_request=visit_request,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            url = reverse("clearance:send", kwargs={"token": token})
            return HttpResponseRedirect(f"{url}?received=1")
    if form.errors and status == 200:
        status = 400
    received = list(visit_request.documents.all())
    needed, checking = still_needed(visit_request, received)
    context = {
        "visit_request": visit_request,
        "token": token,
        "form": form,
        "received": received,
        "received_now": request.GET.get("received") == "1",
        "still_needed": needed,
        "checking": checking,
    }
    return private_page(render(request, "clearance/send.html", context, status=status))
