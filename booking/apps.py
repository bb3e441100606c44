from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "booking"

    def ready(self) -> None:
        # Tell the outbox how booking's messages are written.
        from booking.messages import register_kinds

        register_kinds()

        # Cache invalidation, not business logic: however an area is changed,
        # the next booking must see it (booking/service_areas.py).
        from booking.models import ServiceArea
        from booking.service_areas import forget_served_areas, forget_served_areas_after_migrate

        for signal in (post_save, post_delete):
            signal.connect(
                forget_served_areas, sender=ServiceArea, dispatch_uid=f"served-areas-{signal}"
            )
        post_migrate.connect(
            forget_served_areas_after_migrate, sender=self, dispatch_uid="served-areas-migrate"
        )
