"""Let coordinators write the guide: add and edit pages and their translations.

booking's 0003 gave the Coordinators group only view and change on pages, so
a coordinator could neither add a page nor touch a translation (the inline on
a page's admin needs the translation permissions). Deleting stays with
administrators, as everywhere else. Re-running only adds what is missing.
"""

from django.db import migrations

GROUP = "Coordinators"
GRANTS = [
    ("page", ["add", "change", "view"]),
    ("pagetranslation", ["add", "change", "view"]),
]
# What booking's 0003 granted already, and so is not taken back on reversal.
GRANTED_BEFORE = {"change_page", "view_page"}


def _codenames():
    return [f"{action}_{model}" for model, actions in GRANTS for action in actions]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure the ones granted here exist already on a fresh database.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("content")
    app_config.models_module = True
    create_contenttypes(app_config, verbosity=0, using=using, apps=apps)
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = _codenames()
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="content", codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"permissions not found: {sorted(missing)}")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    group = Group.objects.using(using).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.using(using).filter(
                content_type__app_label="content",
                codename__in=set(_codenames()) - GRANTED_BEFORE,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0005_starting_page_translations"),
        ("booking", "0003_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, take_back)]
