"""Seed the PIN codes the nurses reach: Mumbai city and suburbs, Thane and Navi Mumbai.

Staff edit the list in admin; this only adds rows that are missing.
"""

from django.db import migrations

THANE = {
    "400601": "Thane West (Court Naka)",
    "400602": "Thane West (Naupada)",
    "400603": "Thane East (Kopri)",
    "400604": "Thane (Wagle Estate)",
    "400605": "Kalwa",
    "400606": "Thane (Jekegram)",
    "400607": "Thane West (Majiwada)",
    "400608": "Thane (Balkum)",
    "400610": "Thane (Vasant Vihar)",
    "400612": "Mumbra",
    "400615": "Thane (Kasarvadavali)",
}
NAVI_MUMBAI = {
    "400614": "CBD Belapur",
    "400701": "Ghansoli",
    "400703": "Vashi",
    "400705": "Sanpada",
    "400706": "Nerul",
    "400708": "Airoli",
    "400709": "Koparkhairane",
    "400710": "Turbhe",
    "410206": "Panvel",
    "410210": "Kharghar",
}


def seed(apps, schema_editor):
    ServiceArea = apps.get_model("booking", "ServiceArea")
    rows = [(f"4000{n:02d}" if n < 100 else f"400{n}", "Mumbai", "Mumbai") for n in range(1, 105)]
    rows += [(pin, name, "Thane") for pin, name in THANE.items()]
    rows += [(pin, name, "Navi Mumbai") for pin, name in NAVI_MUMBAI.items()]
    existing = set(ServiceArea.objects.values_list("pin_code", flat=True))
    ServiceArea.objects.bulk_create(
        [ServiceArea(pin_code=p, name=n, city=c) for p, n, c in rows if p not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
