"""Create the Coordinators and Nurses groups with their permissions.

Coordinators triage every request and manage service areas and guide pages;
nurses only view the visits assigned to them (the admin narrows the list)
and mark them completed. Administrators are superusers, in no group.
Re-running only adds what is missing; it never removes a permission an
administrator granted by hand.
"""

from django.db import migrations

GROUPS = {
    "Coordinators": [
        ("booking", "visitrequest", ["view", "change"]),
        ("booking", "message", ["view"]),
        ("booking", "requestevent", ["view"]),
        ("booking", "servicearea", ["add", "change", "view"]),
        ("content", "page", ["view", "change"]),
    ],
    "Nurses": [
        ("booking", "visitrequest", ["view"]),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure the ones these groups need exist already on a fresh database.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    using = schema_editor.connection.alias
    for app_label in ("booking", "content"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, using=using, apps=apps)
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            permissions = Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"permissions not found: {sorted(missing)}")
            group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_service_areas"),
        ("content", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
