"""The family's private link, beyond seeing and cancelling: confirm the next
cycle's day, ask to move a visit. Thin: validate, call a service, redirect."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from booking import change_requests, cycles
from booking.family_forms import ConfirmDayForm, MoveRequestForm
from booking.form_errors import add_service_errors
from booking.links import LinkInvalid, request_from_token
from booking.models import Status
from booking.views import link_invalid, private_page


@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
def request_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A proposed visit (the next cycle): the family says which day suits."""
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    status_url = reverse("booking:status", kwargs={"token": token})
    if visit_request.status != Status.PROPOSED:
        return redirect(status_url)
    posted = request.method == "POST"
    form = ConfirmDayForm(request.POST if posted else None, proposed=visit_request.preferred_date)
    if posted and form.is_valid():
        try:
            cycles.visit_request_family_confirm(
                visit_request=visit_request,
                date=form.cleaned_data["date"],
                time_of_day=form.cleaned_data["time_of_day"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return HttpResponseRedirect(f"{status_url}?confirmed=1")
    context = {"visit_request": visit_request, "token": token, "form": form}
    status = 400 if form.errors else 200
    return private_page(render(request, "booking/confirm.html", context, status=status))


@never_cache
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
def request_move(request: HttpRequest, token: str) -> HttpResponse:
    """The family asks to move a visit: days that suit and why; a coordinator answers."""
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    status_url = reverse("booking:status", kwargs={"token": token})
    if not visit_request.is_open or change_requests.open_change_request(visit_request):
        return redirect(status_url)
    posted = request.method == "POST"
    form = MoveRequestForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            change_requests.change_request_create(
                visit_request=visit_request,
                days=form.cleaned_data["days"],
                time_of_day=form.cleaned_data["time_of_day"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return HttpResponseRedirect(f"{status_url}?move_asked=1")
    context = {"visit_request": visit_request, "token": token, "form": form}
    status = 400 if form.errors else 200
    return private_page(render(request, "booking/move.html", context, status=status))
