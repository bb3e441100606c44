"""The regimen catalogue as first written: the medicines the service gives at home.

Figures from each medicine's product information (prescribing information
in the US, summary of product characteristics in the EU); coordinators edit
them in admin and a clinician reviews them on their own dates, as guide
pages are. Re-running adds what is missing and never overwrites an edit.
"""

import datetime

from django.db import migrations

SOURCE_LABEL = "Product information (US prescribing information / EU SmPC) for {}: {}."
NOT_YET = "Seeded from the product information; awaiting the clinical team's review"

REGIMENS = [
    # name, medicine, interval days, infusion minutes, most doses, most months, what the label says
    ("Pembrolizumab every 3 weeks", "pembrolizumab", 21, 30, 35, 24,
     "200 mg every 3 weeks as a 30-minute infusion, for up to 24 months"),
    ("Pembrolizumab every 6 weeks", "pembrolizumab", 42, 30, 18, 24,
     "400 mg every 6 weeks as a 30-minute infusion, for up to 24 months"),
    ("Nivolumab every 2 weeks", "nivolumab", 14, 30, None, None,
     "240 mg every 2 weeks as a 30-minute infusion"),
    ("Nivolumab every 4 weeks", "nivolumab", 28, 30, None, None,
     "480 mg every 4 weeks as a 30-minute infusion"),
    ("Atezolizumab every 2 weeks", "atezolizumab", 14, 60, None, None,
     "840 mg every 2 weeks; first infusion over 60 minutes, later ones over 30 if tolerated"),
    ("Atezolizumab every 3 weeks", "atezolizumab", 21, 60, None, None,
     "1200 mg every 3 weeks; first infusion over 60 minutes, later ones over 30 if tolerated"),
    ("Atezolizumab every 4 weeks", "atezolizumab", 28, 60, None, None,
     "1680 mg every 4 weeks; first infusion over 60 minutes, later ones over 30 if tolerated"),
    ("Durvalumab every 2 weeks", "durvalumab", 14, 60, None, None,
     "10 mg/kg every 2 weeks as a 60-minute infusion"),
    ("Durvalumab every 4 weeks", "durvalumab", 28, 60, None, None,
     "1500 mg every 4 weeks as a 60-minute infusion"),
    ("Ipilimumab every 3 weeks, 4 doses", "ipilimumab", 21, 90, 4, None,
     "3 mg/kg every 3 weeks for a total of 4 doses as a 90-minute infusion"),
]


def seed(apps, schema_editor):
    Regimen = apps.get_model("care", "Regimen")
    for name, medicine, interval, minutes, doses, months, label in REGIMENS:
        Regimen.objects.get_or_create(
            name=name,
            defaults={
                "medicine": medicine,
                "interval_days": interval,
                "infusion_minutes": minutes,
                "max_cycles": doses,
                "max_months": months,
                "source": SOURCE_LABEL.format(medicine, label),
                "reviewer": NOT_YET,
                "last_reviewed": datetime.date(2026, 12, 1),
                "next_review_due": datetime.date(2027, 3, 1),
            },
        )


def unseed(apps, schema_editor):
    Regimen = apps.get_model("care", "Regimen")
    Regimen.objects.filter(name__in=[r[0] for r in REGIMENS], courses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
