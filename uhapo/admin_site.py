"""The staff admin: Django's admin behind a second factor (TOTP) for every account."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the 6-digit code, on one page.

    Staff have one authenticator app each, so their device is chosen for
    them instead of asking them to pick it from a list first.
    """

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
