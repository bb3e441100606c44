from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    """The course of treatment: patients, their helpers, regimens, courses, nurses' records."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "care"
    verbose_name = _("Course of treatment")
