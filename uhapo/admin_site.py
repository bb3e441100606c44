"""The staff admin: Django's admin behind a second factor (TOTP) for every account."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device
from django_ratelimit.core import is_ratelimited

from uhapo.middleware import SESSION_STARTED_KEY

# How long before the session ends a staff page warns (static/js/admin-session.js).
SESSION_WARNING_SECONDS = 5 * 60


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code, on one page.

    Staff have one authenticator app each, so their device is chosen for
    them instead of asking them to pick it from a list first.

    Whatever was wrong (the password, the code, or both), the answer is the
    same, so a guessed password is never confirmed by a request for the
    code; a wrong code counts as a failed login for the lockout.
    """

    # django-otp has no type hints, so the two attributes of Django's
    # AuthenticationForm that clean() changes are declared here: the account
    # the password matched, and the posted data (the login view binds request.POST).
    user_cache: AbstractBaseUser | None
    data: QueryDict

    otp_token = forms.CharField(
        required=False,
        label=_("6-digit code from your authenticator app"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct username, password and 6-digit code from your "
            "authenticator app. All three are case-sensitive."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if self.user_cache is not None:
                # The password was right but the code was not: tell the
                # lockout, which only hears of failed passwords by itself.
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
                self.user_cache = None
            # A used or wrong code is not shown again.
            self.data = self.data.copy()
            self.data["otp_token"] = ""
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            ) from None

    def _chosen_device(self, user: AbstractBaseUser) -> Device | None:
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class UhapoAdminSite(OTPAdminSite):
    """No admin page opens until the staff member has entered a code from their phone."""

    site_header = _("UHAPO triage")
    site_title = _("UHAPO triage")
    index_title = _("Requests and visits")
    login_form = StaffLoginForm
    login_template = "admin/uhapo_login.html"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Beyond the per-account lockout, one address may only try so often,
        # so nobody can walk through every coordinator's username.
        if request.method == "POST" and is_ratelimited(
            request,
            group="staff-login-ip",
            key="ip",
            rate=settings.STAFF_LOGIN_RATE_LIMIT_IP,
            increment=True,
        ):
            response: HttpResponse = render(
                request, "admin/login_rate_limited.html", self.each_context(request), status=429
            )
            return response
        return super().login(request, extra_context)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Callable[..., Any]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            refuse_impossible_dates(request)
            return view(request, *args, **kwargs)

        return super().admin_view(checked, cacheable)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return [
            path(
                "session/keep-alive/",
                self.admin_view(require_POST(self.keep_alive_view)),
                name="session_keep_alive",
            ),
            *super().get_urls(),
        ]

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = request.user
        # For static/js/admin-session.js (templates/admin/base_site.html): when the
        # session will end, so a page can warn before and keep what was typed.
        if user.is_active and user.is_staff:
            context["staff_session"] = {
                **session_timing(request),
                "warn_seconds": SESSION_WARNING_SECONDS,
            }
        return context

    def keep_alive_view(self, request: HttpRequest) -> JsonResponse:
        """For "Stay signed in": any signed-in request restarts the idle time; say what is left.

        The 8-hour limit (uhapo.middleware) is never extended: its end is told so
        the page can warn before it too.
        """
        return JsonResponse(session_timing(request))


# A list's date drill-down (?due_at__year=2026&due_at__month=12): Django turns
# the values into a date and reports a ValueError as a bad filter, but a year
# of 30 digits overflows instead, a server error on every list with a date
# hierarchy, ours and the installed apps' alike.
# Year 9999 overflows too: Django adds a year (or a day) to find the range's end.
DATE_PARTS = re.compile(r"__(year|month|day)$")
DATE_PART_VALUE = re.compile(r"^\d{1,4}$")
LAST_YEAR = 9998


def refuse_impossible_dates(request: HttpRequest) -> None:
    """A date drill-down that is not a number of up to four digits, or a year past
    LAST_YEAR, is a bad request (400)."""
    for name, values in request.GET.lists():
        part = DATE_PARTS.search(name)
        if part is None:
            continue
        if not all(DATE_PART_VALUE.match(v) for v in values):
            raise BadRequest("Not a date in the list's date drill-down.")
        if part.group(1) == "year" and any(int(v) > LAST_YEAR for v in values):
            raise BadRequest("Not a date in the list's date drill-down.")


def session_timing(request: HttpRequest) -> dict[str, int]:
    """Seconds until the session ends if left idle, and until its 8-hour limit."""
    started = request.session.get(SESSION_STARTED_KEY) or time.time()
    absolute_left = started + settings.SESSION_ABSOLUTE_MAX_AGE - time.time()
    return {
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        "absolute_seconds": max(0, int(absolute_left)),
    }
