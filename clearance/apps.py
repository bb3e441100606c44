from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClearanceConfig(AppConfig):
    """Cleared before every infusion: the readiness checklist, its rules and the family's documents."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clearance"
    verbose_name = _("Readiness before an infusion")
