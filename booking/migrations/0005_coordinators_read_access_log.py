"""Coordinators may read the access log (nobody may change it)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.using(using).get(
        content_type__app_label="booking", codename="view_accesslog"
    )
    Group.objects.using(using).get(name="Coordinators").permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("booking", "0004_privacy"), ("booking", "0003_staff_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
