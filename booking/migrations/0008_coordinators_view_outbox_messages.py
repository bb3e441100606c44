"""Coordinators keep seeing the messages now that they live in the outbox app.

They had booking's view_message; the same right is now outbox's.
"""

from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure outbox's exist already on a fresh database.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("outbox")
    app_config.models_module = True
    create_contenttypes(app_config, verbosity=0, using=using, apps=apps)
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.using(using).get(
        content_type__app_label="outbox", codename="view_message"
    )
    for group in Group.objects.using(using).filter(name="Coordinators"):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="outbox", codename="view_message")
    for group in Group.objects.filter(name="Coordinators"):
        group.permissions.remove(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_message_moves_to_outbox"),
        ("outbox", "0002_copy_booking_messages"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
