from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    """Symptom check-ins after a visit, their red/amber/green triage and staff's follow-up."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "aftercare"
    verbose_name = _("Aftercare check-ins")

    def ready(self) -> None:
        # Tell the outbox how aftercare's messages are written.
        from aftercare.messages import register_kinds

        register_kinds()
