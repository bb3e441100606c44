"""Coordinators keep the course of treatment; nurses read their visits' records.

Nurses write their record through the visit's own page (booking.complete_visit);
these grants let coordinators edit the catalogue, patients and courses, and
see the records. Re-running only adds what is missing.
"""

from django.db import migrations

GRANTS = {
    "Coordinators": [
        "add_regimen",
        "change_regimen",
        "view_regimen",
        "add_patient",
        "change_patient",
        "view_patient",
        "add_patienthelper",
        "change_patienthelper",
        "view_patienthelper",
        "add_course",
        "change_course",
        "view_course",
        "add_nurseprofile",
        "change_nurseprofile",
        "view_nurseprofile",
        "view_visitrecord",
    ],
    "Nurses": ["view_visitrecord"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("care")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="care", codename__in=codenames
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
            content_type__app_label="care", codename__in=codenames
        )
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_seed_regimens"),
        ("booking", "0009_roles_as_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
