"""The staff admin: Django's admin behind a second factor (TOTP) for every account."""

from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class UhapoAdminSite(OTPAdminSite):
    """No admin page opens until the staff member has entered a code from their phone."""

    site_header = _("UHAPO triage")
    site_title = _("UHAPO triage")
    index_title = _("Requests and visits")


class UhapoAdminConfig(AdminConfig):
    default_site = "uhapo.admin_site.UhapoAdminSite"
