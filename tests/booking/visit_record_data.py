"""A nurse's visit record as she would type it, and a visit ready to record (shared by tests)."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from booking.models import Status, VisitRequest
from tests.factories import VisitRequestFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


# Wednesday 2 December 2026, 10:00 in Mumbai; the visit began at 08:00.
NOW = ist(2026, 12, 2, 10, 0)
VISIT_START = ist(2026, 12, 2, 8, 0)


def visit_to_record(nurse, start: datetime.datetime = VISIT_START, **fields) -> VisitRequest:
    return VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
        **fields,
    )


def given_dose(**overrides: object) -> dict[str, object]:
    """What the service receives for a dose given without trouble, at the 08:00 visit."""
    data: dict[str, object] = {
        "outcome": "given",
        "not_given_reason": "",
        "arrived_at": ist(2026, 12, 2, 8, 0),
        "weight_kg": Decimal("62.5"),
        "bp_systolic_before": 124,
        "bp_diastolic_before": 78,
        "pulse_before": 76,
        "temperature_before": Decimal("36.8"),
        "spo2_before": 98,
        "batch_number": "TEST-B123",
        "batch_expiry": datetime.date(2027, 6, 30),
        "cold_chain_kept": True,
        "cold_chain_temperature": Decimal("5.0"),
        "infusion_started_at": ist(2026, 12, 2, 8, 40),
        "infusion_ended_at": ist(2026, 12, 2, 9, 10),
        "observation_minutes": 30,
        "reaction_grade": 0,
        "reaction_action": "",
        "bp_systolic_after": 120,
        "bp_diastolic_after": 76,
        "pulse_after": 74,
        "temperature_after": Decimal("36.9"),
        "spo2_after": 98,
        "left_at": ist(2026, 12, 2, 9, 45),
        "notes": "",
    }
    data.update(overrides)
    return data


def given_dose_form(**overrides: str) -> dict[str, str]:
    """The same dose as the nurse types it into "Record the visit"."""
    data = {
        "arrived_at": "08:00",
        "weight_kg": "62.5",
        "bp_systolic_before": "124",
        "bp_diastolic_before": "78",
        "pulse_before": "76",
        "temperature_before": "36.8",
        "spo2_before": "98",
        "batch_number": "TEST-B123",
        "batch_expiry": "2027-06-30",
        "cold_chain_kept": "yes",
        "cold_chain_temperature": "5.0",
        "infusion_started_at": "08:40",
        "infusion_ended_at": "09:10",
        "observation_minutes": "30",
        "reaction_grade": "0",
        "reaction_action": "",
        "bp_systolic_after": "120",
        "bp_diastolic_after": "76",
        "pulse_after": "74",
        "temperature_after": "36.9",
        "spo2_after": "98",
        "outcome": "given",
        "not_given_reason": "",
        "left_at": "09:45",
        "notes": "",
    }
    data.update(overrides)
    return data
