"""Blood-test rules for every regimen in the catalogue, and who may do what.

The defaults, with their source: immune checkpoint inhibitors can inflame
the liver, kidneys, thyroid and blood, so the guidelines ask for liver and
kidney function and a blood count before every dose and thyroid function
every 4 to 6 weeks. "Before every dose" is written as "at most 7 days old on
the visit's day" (a week, so a test taken at the last visit's review still
counts for a weekly check), thyroid as 42 days. A clinician reviews these
in admin (each rule keeps its history); re-running adds what is missing and
never overwrites an edit.

Coordinators keep the rules and the checklist; a new group, Clinical leads,
holds the override (a senior clinician's account is in both groups).
Nurses open documents of their visits through the visit's page.
"""

from django.db import migrations

GUIDELINES = (
    "ASCO guideline on immune-related adverse events (Schneider et al., J Clin Oncol 2021); "
    "ESMO guideline on toxicities from immunotherapy (Haanen et al., Ann Oncol 2022); "
    "SITC toxicity management recommendations (Brahmer et al., J Immunother Cancer 2021): "
)
RULES = {
    "liver": (7, "liver tests (ALT, AST, bilirubin) before every cycle."),
    "kidney": (7, "creatinine and electrolytes before every cycle."),
    "blood_count": (7, "complete blood count before every cycle."),
    "thyroid": (42, "TSH and free T4 every 4 to 6 weeks (here 6 weeks, 42 days)."),
}
NOT_YET = " Seeded default, awaiting the clinical team's review."

SENIOR_GROUP = "Clinical leads"
GRANTS = {
    "Coordinators": [
        "add_bloodtestrule",
        "change_bloodtestrule",
        "view_bloodtestrule",
        "view_readinesscheck",
        "view_readinessoverride",
        "view_document",
        "open_document",
        "view_documentaccess",
    ],
    SENIOR_GROUP: ["override_readiness", "view_readinessoverride", "open_document"],
    "Nurses": ["open_document"],
}


def seed(apps, schema_editor):
    using = schema_editor.connection.alias
    Regimen = apps.get_model("care", "Regimen")
    BloodTestRule = apps.get_model("clearance", "BloodTestRule")
    for regimen in [None, *Regimen.objects.using(using).all()]:
        for test, (days, text) in RULES.items():
            BloodTestRule.objects.using(using).get_or_create(
                regimen=regimen,
                test=test,
                defaults={"max_age_days": days, "source": GUIDELINES + text + NOT_YET},
            )


def unseed(apps, schema_editor):
    apps.get_model("clearance", "BloodTestRule").objects.all().delete()


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("clearance")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.using(using).get_or_create(name=SENIOR_GROUP)
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="clearance", codename__in=codenames
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
            content_type__app_label="clearance", codename__in=codenames
        )
        for group in Group.objects.using(using).filter(name=name):
            group.permissions.remove(*permissions)
    Group.objects.using(using).filter(name=SENIOR_GROUP, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clearance", "0001_initial"),
        ("care", "0003_grant_roles"),
        ("booking", "0009_roles_as_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed), migrations.RunPython(grant, revoke)]
