from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"
    verbose_name = _("Immunotherapy guide")

    def ready(self) -> None:
        # Cache invalidation, not business logic: whichever way a page or a
        # translation is saved (admin, shell, migration), the next request
        # must show it.
        from content.models import Page, PageTranslation
        from content.views import forget_guide_version

        for model in (Page, PageTranslation):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_guide_version,
                    sender=model,
                    dispatch_uid=f"guide-{model.__name__}-{signal}",
                )
