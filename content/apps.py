from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "content"
    verbose_name = _("Immunotherapy guide")

    def ready(self) -> None:
        # Cache invalidation, not business logic: whichever way a page or a
        # translation is saved (admin, shell, load_guide), the next request
        # must show it. A migration's historical models send no signal that
        # names these models, so every migrate starts afresh too.
        from content.caching import forget_guide_version
        from content.models import Page, PageTranslation

        for model in (Page, PageTranslation):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_guide_version,
                    sender=model,
                    dispatch_uid=f"guide-{model.__name__}-{signal}",
                )
        post_migrate.connect(forget_guide_version, sender=self, dispatch_uid="guide-migrate")
