"""The family's check-in pages: one screen per group, then red, amber or green.

Thin: read the signed link, validate the screen, call the service, redirect.
Work without JavaScript; nothing personal in any address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from aftercare import services, triage
from aftercare.forms import CheckInGroupForm
from aftercare.links import CheckInLinkInvalid, checkin_from_token, checkin_path
from aftercare.models import CheckIn, CheckInStatus
from booking.form_errors import add_service_errors
from booking.links import LinkInvalid, request_from_token
from booking.models import Medicine, VisitRequest
from booking.views import link_invalid, private_page

WARNING_SIGNS_SLUG = "warning-signs-after-immunotherapy"


def _no_store(response: HttpResponse) -> HttpResponse:
    """Health answers: no cache may keep the page."""
    response["Cache-Control"] = "private, no-store"
    return private_page(response)


def _checkin_or_none(token: str) -> CheckIn | None:
    try:
        return checkin_from_token(token)
    except CheckInLinkInvalid:
        return None


@never_cache
@require_safe
def checkin_next(request: HttpRequest, token: str) -> HttpResponse:
    """The first screen not yet answered, or the result once sent."""
    checkin = _checkin_or_none(token)
    if checkin is None:
        return link_invalid(request)
    if checkin.status == CheckInStatus.ANSWERED:
        return redirect("aftercare:result", token=token)
    if checkin.status == CheckInStatus.STOPPED:
        return link_invalid(request)
    answered = set(checkin.answers.values_list("question", flat=True))
    groups = triage.rules().groups
    group = next((g for g in groups if not {q.id for q in g.questions} <= answered), groups[0])
    return redirect("aftercare:group", token=token, group=group.id)


@never_cache
@ratelimit(key="ip", rate="60/h", method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_group(request: HttpRequest, token: str, group: str) -> HttpResponse:
    """One screen of questions; answers saved screen by screen."""
    checkin = _checkin_or_none(token)
    if checkin is None or checkin.status == CheckInStatus.STOPPED:
        return link_invalid(request)
    if checkin.status == CheckInStatus.ANSWERED:
        return redirect("aftercare:result", token=token)
    groups = triage.rules().groups
    index = next((i for i, g in enumerate(groups) if g.id == group), None)
    if index is None:
        raise Http404
    current = groups[index]
    posted = request.method == "POST"
    saved = dict(checkin.answers.values_list("question", "answer"))
    form = CheckInGroupForm(
        request.POST if posted else None,
        group=current,
        initial={q.id: saved[q.id] for q in current.questions if q.id in saved},
    )
    if posted and form.is_valid():
        try:
            checkin = services.checkin_answer_group(
                checkin=checkin, group_id=current.id, answers=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if checkin.status == CheckInStatus.ANSWERED:
                return HttpResponseRedirect(reverse("aftercare:result", kwargs={"token": token}))
            return redirect("aftercare:group", token=token, group=groups[index + 1].id)
    context = {
        "checkin": checkin,
        "token": token,
        "form": form,
        "group": current,
        "step": index + 1,
        "steps": len(groups),
        "previous": groups[index - 1].id if index else "",
        "warning_signs_slug": WARNING_SIGNS_SLUG,
    }
    status = 400 if form.errors else 200
    return _no_store(render(request, "aftercare/group.html", context, status=status))


@never_cache
@require_safe
def checkin_result(request: HttpRequest, token: str) -> HttpResponse:
    """Red: call now. Amber: we call you back today. Green: thank you, and the next one."""
    checkin = _checkin_or_none(token)
    if checkin is None:
        return link_invalid(request)
    if checkin.status != CheckInStatus.ANSWERED:
        return redirect("aftercare:checkin", token=token)
    context = {
        "checkin": checkin,
        "token": token,
        "next_checkin": services.next_checkin(checkin),
        "warning_signs_slug": WARNING_SIGNS_SLUG,
    }
    template = f"aftercare/result_{checkin.grade}.html"
    return _no_store(render(request, template, context))


@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_start(request: HttpRequest, token: str) -> HttpResponse:
    """From the private link, at any time: open a check-in and go to its first screen.

    Only a POST opens one (the private page's button); a GET goes back to that page."""
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    if visit_request.anonymised_at is not None:
        return link_invalid(request)
    if request.method != "POST":
        return redirect("booking:status", token=token)
    checkin = services.checkin_start_by_family(visit_request=visit_request)
    return HttpResponseRedirect(checkin_path(checkin))


def _medicine(visit_request: VisitRequest) -> str:
    """The course's medicine (with its brand name, which emergency doctors know), else the request's."""
    course = visit_request.course
    code = course.regimen.medicine if course is not None else visit_request.medicine
    if code in Medicine.values and code not in (Medicine.OTHER, Medicine.NOT_SURE):
        return str(Medicine(code).label)
    return visit_request.medicine_label


def _card(request: HttpRequest, visit_request: VisitRequest, back_url: str) -> HttpResponse:
    course = visit_request.course
    medicine = _medicine(visit_request)
    context = {
        "visit_request": visit_request,
        "medicine": medicine,
        "oncologist": course.oncologist if course is not None else visit_request.oncologist_name,
        "hospital": course.hospital if course is not None else visit_request.hospital_name,
        "back_url": back_url,
        "support_phone": settings.SUPPORT_PHONE,
    }
    return _no_store(render(request, "aftercare/alert_card.html", context))


@never_cache
@require_safe
def request_card(request: HttpRequest, token: str) -> HttpResponse:
    """The alert card, from the private link."""
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    if visit_request.anonymised_at is not None:
        return link_invalid(request)
    return _card(request, visit_request, reverse("booking:status", kwargs={"token": token}))


@never_cache
@require_safe
def checkin_card(request: HttpRequest, token: str) -> HttpResponse:
    """The alert card, from a check-in."""
    checkin = _checkin_or_none(token)
    if checkin is None or checkin.visit.anonymised_at is not None:
        return link_invalid(request)
    return _card(request, checkin.visit, reverse("aftercare:checkin", kwargs={"token": token}))
