from django.db import migrations


class Migration(migrations.Migration):
    # The rows were copied to outbox.Message first (outbox 0002).
    dependencies = [
        ("booking", "0006_proxy_safe_tokens_quiet_hours_access_page"),
        ("outbox", "0002_copy_booking_messages"),
    ]

    operations = [migrations.DeleteModel(name="Message")]
