"""Public booking pages. Thin: validate, call a service, redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from booking import privacy, workflow
from booking.forms import VisitRequestForm
from booking.links import LinkInvalid, request_from_token, status_path
from booking.models import Audience, MessageKind, VisitRequest
from booking.privacy import current_notice
from booking.service_areas import areas_by_city
from booking.summaries import request_summary
from outbox.models import Channel
from uhapo.phone import display_phone

# Which request this browser just sent, for the confirmation page: a signed
# cookie rather than a session, so a booking writes no session row.
RECEIVED_COOKIE = "uhapo_received"
RECEIVED_SALT = "booking.received"
RECEIVED_MAX_AGE = 2 * 60 * 60
CANCEL_REASON_LIMIT = 500


def _ip_rate(group: str, request: HttpRequest) -> str:
    return settings.BOOKING_RATE_LIMIT_IP


def _phone_rate(group: str, request: HttpRequest) -> str:
    return settings.BOOKING_RATE_LIMIT_PHONE


def _phone_usage(request: HttpRequest, phone: str, *, increment: bool) -> dict | None:
    """Requests saved for this patient's number (E.164, so every way of typing
    it is one number) within the hour. Only saved requests count: they are
    what sends a family messages, so junk posts naming a family's number
    cannot lock that family out, and unparseable numbers share no bucket."""
    return get_usage(
        request,
        group="booking-phone",
        key=lambda group, request: phone,
        rate=_phone_rate,
        increment=increment,
    )


def _phone_limit_reached(request: HttpRequest, phone: str) -> bool:
    usage = _phone_usage(request, phone, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def private_page(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page carrying a CSRF or one-use token is one visitor's: no cache may keep it."""
    response["Cache-Control"] = "private, no-store"
    return response


def _shown(data: Any) -> VisitRequestForm:
    """The posted answers with their errors, as a form the page can show."""
    form = VisitRequestForm(data)
    form.is_valid()
    return form


def _limited_with_answers(request: HttpRequest) -> HttpResponse:
    """Over a booking limit: the form again with everything typed still in it
    (a shared mobile connection can reach the limit for many families), the
    reason and our number at the top, and nothing saved."""
    form = _shown(request.POST)
    form.add_error(
        None,
        ValidationError(
            _(
                "We have had many requests from this connection or for this mobile number, "
                "so we have not sent this one. Your answers are still here: please wait a few "
                "minutes and press Send request again, or call us on %(phone)s and we will "
                "take the request on the phone."
            )
            % {"phone": display_phone(settings.SUPPORT_PHONE)},
            code="rate_limited",
        ),
    )
    return _no_store(render(request, "booking/request_form.html", {"form": form}, status=429))


def _with_fresh_token(request: HttpRequest) -> VisitRequestForm:
    """The posted answers again, under a new one-use token."""
    data = request.POST.copy()
    data["submission_token"] = str(uuid.uuid4())
    return _shown(data)


@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(group="booking-ip", key="ip", rate=_ip_rate, method="POST", block=False)
def request_visit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and getattr(request, "limited", False):
        return _limited_with_answers(request)
    if request.method == "POST":
        # Checked with the class's fields (no copy per post); a page with
        # errors shows a form of its own, checked again.
        form = VisitRequestForm.checking(request.POST)
        shown = None
        if form.is_valid():
            phone = form.cleaned_data["patient_phone"]
            token = form.cleaned_data["submission_token"]
            # A copy of a form already saved (a double click) saves nothing
            # more, so it is answered whatever the limit.
            if (
                _phone_limit_reached(request, phone)
                and not VisitRequest.objects.filter(submission_token=token).exists()
            ):
                return _limited_with_answers(request)
            try:
                visit_request, created = workflow.visit_request_create(
                    details=form.request_details(),
                    submission_token=token,
                    language=get_language() or settings.LANGUAGE_CODE,
                    notice=current_notice(),
                    sent_before=_received_request_id(request),
                )
            except workflow.SubmissionTokenReused as exc:
                shown = _with_fresh_token(request)
                shown.add_error(None, exc)
            except ValidationError as exc:
                shown = _shown(request.POST)
                shown.add_error(None, exc)
            else:
                if created:
                    _phone_usage(request, phone, increment=True)
                response = redirect("booking:received")
                response.set_signed_cookie(
                    RECEIVED_COOKIE,
                    str(visit_request.pk),
                    salt=RECEIVED_SALT,
                    max_age=RECEIVED_MAX_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
        form = shown or _shown(request.POST)
        return _no_store(render(request, "booking/request_form.html", {"form": form}))
    return _no_store(HttpResponse(_empty_form_page(request)))


# Stand-ins for the two values that differ on every visit to the empty form.
_CSRF_SLOT = "@@csrf-token@@"
_TOKEN_SLOT = "@@submission-token@@"


def _empty_form_page(request: HttpRequest) -> str:
    """The empty form's page: the same for everyone on a given day, language
    and address but for the CSRF token and the one-use token, so each
    process renders it once and fills those two in on every visit."""
    day = timezone.localdate().isoformat()
    key = f"booking-form-page:{get_language()}:{day}:{request.scheme}://{request.get_host()}{request.path}"
    fragments = caches["template_fragments"]
    # Shared links carry a new fbclid/utm_* on every click: never keep a copy
    # per query string (each would be rendered and crowd the cache).
    page = None if request.GET else fragments.get(key)
    if page is None:
        context = {
            "form": VisitRequestForm(),
            "empty_form": True,
            "submission_token": _TOKEN_SLOT,
            "csrf_token": _CSRF_SLOT,
        }
        page = render_to_string("booking/request_form.html", context, request=request)
        if not request.GET:
            fragments.set(key, page, 24 * 60 * 60)
    return page.replace(_CSRF_SLOT, get_token(request)).replace(_TOKEN_SLOT, str(uuid.uuid4()))


def _received_request_id(request: HttpRequest) -> int | None:
    """The request this browser last sent (its signed confirmation cookie), if any."""
    pk = request.get_signed_cookie(
        RECEIVED_COOKIE, default=None, salt=RECEIVED_SALT, max_age=RECEIVED_MAX_AGE
    )
    return int(pk) if pk and pk.isdigit() else None


@never_cache
@require_safe
def request_received(request: HttpRequest) -> HttpResponse:
    pk = _received_request_id(request)
    visit_request = VisitRequest.objects.filter(pk=pk).first() if pk else None
    if visit_request is None:
        return redirect("booking:request")
    context = {
        "visit_request": visit_request,
        "summary": request_summary(visit_request),
        "status_path": status_path(visit_request),
        "sent_to": _confirmation_routes(visit_request),
    }
    return private_page(render(request, "booking/received.html", context))


def _confirmation_routes(visit_request: VisitRequest) -> list[str]:
    """Where the confirmation is going, in words, with the address partly hidden
    (the page may be read over a shoulder)."""
    rows = visit_request.messages.filter(kind=MessageKind.REQUEST_RECEIVED).values_list(
        "channel", "audience", "recipient"
    )
    routes = []
    for channel, audience, recipient in sorted(rows):
        patient = audience == Audience.PATIENT
        if channel == Channel.WHATSAPP:
            digits = recipient[-4:]
            routes.append(
                _("a WhatsApp message to the patient's mobile ending in %(digits)s")
                % {"digits": digits}
                if patient
                else _("a WhatsApp message to the helper's mobile ending in %(digits)s")
                % {"digits": digits}
            )
        elif channel == Channel.SMS:
            digits = recipient[-4:]
            routes.append(
                _("an SMS to the patient's mobile ending in %(digits)s") % {"digits": digits}
                if patient
                else _("an SMS to the helper's mobile ending in %(digits)s") % {"digits": digits}
            )
        else:
            address = mask_email(recipient)
            routes.append(
                _("an email to the patient at %(address)s") % {"address": address}
                if patient
                else _("an email to the helper at %(address)s") % {"address": address}
            )
    return routes


def mask_email(address: str) -> str:
    """`asha.patil@example.com` -> `a•••@example.com`."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def link_invalid(request: HttpRequest) -> HttpResponse:
    return private_page(render(request, "booking/link_invalid.html", status=404))


@never_cache
@require_safe
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    context = {
        "visit_request": visit_request,
        "token": token,
        "summary": request_summary(visit_request),
        "cancelled_now": request.GET.get("cancelled") == "1",
        "confirmed_now": request.GET.get("confirmed") == "1",
        "move_asked_now": request.GET.get("move_asked") == "1",
        # The family's last request to move the visit, and its answer.
        "change": visit_request.change_requests.first(),
    }
    return private_page(render(request, "booking/status.html", context))


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def request_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    status_url = reverse("booking:status", kwargs={"token": token})
    if not visit_request.is_open:
        return redirect(status_url)
    error = ""
    reason = ""
    if request.method == "POST":
        # A line break counted as one character, as the page's count does.
        reason = request.POST.get("reason", "").replace("\r\n", "\n")
        # Said, never cut: a reason cut short silently is not what they wrote.
        if len(reason) > CANCEL_REASON_LIMIT:
            error = _(
                "Please keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ) % {"limit_value": CANCEL_REASON_LIMIT, "show_value": len(reason)}
        else:
            try:
                workflow.visit_request_cancel(
                    visit_request=visit_request, reason=reason, actor=None
                )
            except ValidationError:
                error = _("Please tell us briefly why you are cancelling.")
            else:
                return HttpResponseRedirect(f"{status_url}?cancelled=1")
    context = {
        "visit_request": visit_request,
        "error": error,
        "reason": reason,
        "token": token,
        "reason_limit": CANCEL_REASON_LIMIT,
    }
    return private_page(
        render(request, "booking/cancel.html", context, status=400 if error else 200)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    try:
        visit_request = request_from_token(token)
    except LinkInvalid:
        return link_invalid(request)
    if request.method == "POST":
        privacy.visit_request_withdraw_consent(visit_request=visit_request, actor=None)
        return redirect("booking:erased")
    context = {"visit_request": visit_request, "token": token}
    return private_page(render(request, "booking/withdraw.html", context))


@require_safe
def request_erased(request: HttpRequest) -> HttpResponse:
    response = private_page(render(request, "booking/erased.html"))
    response.delete_cookie(RECEIVED_COOKIE, samesite="Lax")
    return response


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    notice = current_notice()
    return render(request, "booking/privacy.html", {"notice": notice})


@require_safe
def served_areas_page(request: HttpRequest) -> HttpResponse:
    """The PIN codes our nurses visit, city by city, from the list staff keep in admin."""
    return render(request, "booking/areas.html", {"cities": areas_by_city()})


def rate_limited(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    return render(request, "booking/rate_limited.html", status=429)
