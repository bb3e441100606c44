from django.apps import AppConfig


class BookingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "booking"

    def ready(self) -> None:
        # Tell the outbox how booking's messages are written.
        from booking.messages import register_kinds

        register_kinds()
