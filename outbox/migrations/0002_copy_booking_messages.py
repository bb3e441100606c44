"""Move the outbox rows from booking.Message (request FK) to outbox.Message (generic subject).

Ids, idempotency keys and every status are kept, so a message that was sent
is never sent again and a provider still recognises a resend.
"""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = (
    "id",
    "kind",
    "channel",
    "audience",
    "schedule_version",
    "recipient",
    "language",
    "due_at",
    "held_in_quiet_hours",
    "status",
    "attempts",
    "last_error",
    "claimed_at",
    "sent_at",
    "idempotency_key",
    "created_at",
)


def _reset_sequence(schema_editor, model):
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    Old = apps.get_model("booking", "Message")
    New = apps.get_model("outbox", "Message")
    if Old._meta.db_table not in schema_editor.connection.introspection.table_names():
        return  # replayed on a database that has only the new table: nothing to copy
    ContentType = apps.get_model("contenttypes", "ContentType")
    subject_type, _ = ContentType.objects.get_or_create(app_label="booking", model="visitrequest")
    rows = Old.objects.order_by("pk").values("request_id", *FIELDS)
    batch = []
    for row in rows.iterator(chunk_size=2000):
        batch.append(New(subject_type=subject_type, subject_id=row.pop("request_id"), **row))
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    _reset_sequence(schema_editor, New)


def backwards(apps, schema_editor):
    Old = apps.get_model("booking", "Message")
    New = apps.get_model("outbox", "Message")
    rows = New.objects.filter(subject_type__app_label="booking", subject_type__model="visitrequest")
    Old.objects.bulk_create(
        [Old(request_id=row["subject_id"], **{f: row[f] for f in FIELDS}) for row in
         rows.order_by("pk").values("subject_id", *FIELDS)]
    )
    _reset_sequence(schema_editor, Old)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("booking", "0006_proxy_safe_tokens_quiet_hours_access_page"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
