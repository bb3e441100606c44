"""A patient's course of treatment for the tests that need one (the visit's length)."""

from __future__ import annotations

import datetime


def course_of(regimen_name: str):
    """A course on one of the seeded regimens (care migration 0002), as prescribed."""
    from care.models import Course, Patient, Regimen

    regimen = Regimen.objects.get(name=regimen_name)
    patient = Patient.objects.create(full_name="Testina Fictional", phone="+919820012345")
    return Course.objects.create(
        patient=patient,
        regimen=regimen,
        interval_days=regimen.interval_days,
        infusion_minutes=regimen.infusion_minutes,
        planned_cycles=4,
        hospital="Nowhere General Hospital",
        oncologist="Dr Placeholder",
        started_on=datetime.date(2026, 11, 10),
    )
