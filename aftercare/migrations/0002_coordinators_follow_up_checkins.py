"""Coordinators read check-ins and record what was done (aftercare.triage_checkin).

Re-running only adds what is missing.
"""

from django.db import migrations

GRANTS = {
    "Coordinators": ["triage_checkin", "view_checkin", "view_answer", "view_outcomeevent"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("aftercare")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="aftercare", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="aftercare", codename__in=codenames
        )
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0001_initial"),
        ("booking", "0009_roles_as_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
