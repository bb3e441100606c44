from django.apps import AppConfig


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Register the tasks in every process (web included), so queueing can
        # wake the delivery task by name without importing it.
        from outbox import tasks  # noqa: F401
