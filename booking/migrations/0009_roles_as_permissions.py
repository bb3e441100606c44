"""The two staff roles become permissions of their own, granted to the groups.

Coordinators triage every request (booking.triage_visitrequest); nurses are
assigned visits and mark their own completed (booking.complete_visit). The
admin asks user.has_perm() for these, so a role can also be given to one
account directly. Before this, "may change a request" stood for
"coordinator" and the Nurses group's name chose who could be assigned.

Group names appear here, in migrations, and nowhere in the application.
Re-running only adds what is missing; it never removes a permission an
administrator granted by hand.
"""

from django.db import migrations

GRANTS = {
    "Coordinators": ["triage_visitrequest"],
    "Nurses": ["complete_visit"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure the new ones exist already.
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("booking")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="booking", codename__in=codenames
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
            content_type__app_label="booking", codename__in=codenames
        )
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_coordinators_view_outbox_messages"),
        ("booking", "0003_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="visitrequest",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    (
                        "triage_visitrequest",
                        "Can triage requests: contact, schedule, cancel, decline, erase, "
                        "resend, export",
                    ),
                    ("complete_visit", "Can mark an assigned visit completed"),
                ],
                "verbose_name": "home-visit request",
                "verbose_name_plural": "home-visit requests",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
