"""The nurse's visit record: what she measured and gave, and how the visit ended.

`visit_record_save` is the one way a care.VisitRecord is written. It checks
the whole record first (every refusal is returned at once, each on its
field), then in one transaction saves it, closes the visit (completed, not
given or missed), cancels the family's reminders and asks booking.cycles for
the next cycle's visit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.services import checkins_schedule
from booking.cycles import propose_next
from booking.models import Status, VisitRequest
from booking.workflow import (
    REMINDER_OFFSETS,
    actor_label_for,
    locked,
    move_status,
    refuse_before_start,
)
from care.models import Outcome, ReactionGrade, VisitRecord
from clearance.readiness import refuse_unless_ready
from outbox.queueing import cancel_pending

# What the record's outcome closes the visit as.
OUTCOME_STATUS = {
    Outcome.GIVEN: Status.COMPLETED,
    Outcome.NOT_GIVEN: Status.NOT_GIVEN,
    Outcome.NO_SHOW: Status.NO_SHOW,
}

# Plausible readings: outside them the figure was mistyped (or the patient
# needs a doctor, not a form). Both ends allowed.
VITAL_RANGES: dict[str, tuple[Decimal, Decimal, str]] = {
    "bp_systolic": (Decimal(60), Decimal(260), "mmHg"),
    "bp_diastolic": (Decimal(30), Decimal(160), "mmHg"),
    "pulse": (Decimal(30), Decimal(220), "/min"),
    "temperature": (Decimal(34), Decimal(42), "°C"),
    "spo2": (Decimal(50), Decimal(100), "%"),
}
WEIGHT_RANGE = (Decimal(20), Decimal(250))
# A cool box reading outside this is a typing slip; 2–8 °C is what "kept" means.
COOL_BOX_PLAUSIBLE = (Decimal(-10), Decimal(40))
COLD_CHAIN = (Decimal(2), Decimal(8))
OBSERVATION_MAX = 240

# In the order they happen: each no earlier than the one before.
TIMES = ("arrived_at", "infusion_started_at", "infusion_ended_at", "left_at")
VITALS_BEFORE = ("bp_systolic_before", "bp_diastolic_before", "pulse_before", "temperature_before")
DOSE_FIELDS = ("batch_number", "batch_expiry", "infusion_started_at", "infusion_ended_at")

RECORD_FIELDS = (
    "outcome",
    "not_given_reason",
    *TIMES,
    "weight_kg",
    *(f"{vital}_{when}" for when in ("before", "after") for vital in VITAL_RANGES),
    "batch_number",
    "batch_expiry",
    "cold_chain_kept",
    "cold_chain_temperature",
    "observation_minutes",
    "reaction_grade",
    "reaction_action",
    "notes",
)
TEXT_FIELDS = ("not_given_reason", "batch_number", "reaction_action", "notes")


Refuse = Callable[[str, str], None]


class RecordRefused(ValidationError):
    """The record was not saved; `error_dict` says why, field by field."""


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    fields = {name: data.get(name) for name in RECORD_FIELDS}
    for name in TEXT_FIELDS:
        fields[name] = (fields[name] or "").strip()
    if fields["reaction_grade"] in (None, ""):
        fields["reaction_grade"] = ReactionGrade.NONE
    return fields


def _moment_name(name: str) -> str:
    return {
        "arrived_at": _("you arrived"),
        "infusion_started_at": _("the infusion started"),
        "infusion_ended_at": _("the infusion ended"),
    }[name]


def _hhmm(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def record_problems(
    *, visit_request: VisitRequest, fields: Mapping[str, Any], now: datetime.datetime
) -> dict[str, list[str]]:
    """Every reason to refuse this record, by field (NON_FIELD_ERRORS for the visit itself)."""
    problems: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    outcome = fields["outcome"]
    if outcome not in Outcome.values:
        refuse("outcome", _("Choose how the visit ended."))
    given = outcome == Outcome.GIVEN

    _check_times(fields, now, given=given, refuse=refuse)
    _check_vitals(fields, given=given, refuse=refuse)
    if given:
        _check_dose(visit_request, fields, refuse=refuse)
    elif outcome in Outcome.values:
        if not fields["not_given_reason"]:
            refuse(
                "not_given_reason",
                _("Say why the dose was not given.")
                if outcome == Outcome.NOT_GIVEN
                else _("Say what happened (for example: nobody answered the door or the phone)."),
            )
        for name in ("batch_number", "infusion_started_at", "infusion_ended_at"):
            if fields[name]:
                refuse(
                    name,
                    _(
                        "Leave this empty when no dose was given; "
                        "you can name the batch in the reason."
                    ),
                )
    _check_cold_chain_reading(fields, refuse=refuse)

    minutes = fields["observation_minutes"]
    if minutes is not None and not 0 <= minutes <= OBSERVATION_MAX:
        refuse(
            "observation_minutes",
            _("Observation minutes must be between 0 and %(most)d.") % {"most": OBSERVATION_MAX},
        )
    # A TextField's max_length is only the form's; the service holds it too.
    for name in ("not_given_reason", "reaction_action", "notes"):
        most = getattr(VisitRecord._meta.get_field(name), "max_length", None)
        if most and len(fields[name]) > most:
            refuse(name, _("Please keep this under %(most)d characters.") % {"most": most})
    grade = fields["reaction_grade"]
    if grade not in ReactionGrade.values:
        refuse("reaction_grade", _("Choose the reaction's grade."))
    elif grade >= ReactionGrade.MILD and not fields["reaction_action"]:
        refuse("reaction_action", _("Say what was done for the reaction."))
    return problems


def _check_times(
    fields: Mapping[str, Any], now: datetime.datetime, *, given: bool, refuse: Refuse
) -> None:
    if fields["arrived_at"] is None:
        refuse("arrived_at", _("Give the time you arrived."))
    if given:
        for name in ("infusion_started_at", "infusion_ended_at", "left_at"):
            if fields[name] is None:
                refuse(name, _("Give the time: it is needed when the dose was given."))
    for name in TIMES:
        moment = fields[name]
        if moment is not None and moment > now:
            refuse(
                name,
                _("%(time)s is still in the future: give the time it happened.")
                % {"time": _hhmm(moment)},
            )
    known = [(name, fields[name]) for name in TIMES if fields[name] is not None]
    for (before, earlier), (after, later) in zip(known, known[1:], strict=False):
        # The infusion lasts some time; arrival and leaving may share its minute.
        strictly = (before, after) == ("infusion_started_at", "infusion_ended_at")
        if later < earlier or (strictly and later == earlier):
            refuse(
                after,
                _("This must be after %(what)s (%(time)s).")
                % {"what": _moment_name(before), "time": _hhmm(earlier)},
            )


def _check_vitals(fields: Mapping[str, Any], *, given: bool, refuse: Refuse) -> None:
    for when in ("before", "after"):
        for vital, (low, high, unit) in VITAL_RANGES.items():
            name = f"{vital}_{when}"
            value = fields[name]
            if value is not None and not low <= value <= high:
                refuse(
                    name,
                    _(
                        "%(value)s %(unit)s cannot be right: give a reading from %(low)s to %(high)s."
                    )
                    % {"value": value, "unit": unit, "low": low, "high": high},
                )
        systolic, diastolic = fields[f"bp_systolic_{when}"], fields[f"bp_diastolic_{when}"]
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            refuse(
                f"bp_diastolic_{when}",
                _("The diastolic (lower) figure must be below the systolic (upper) one."),
            )
    if given:
        for name in VITALS_BEFORE:
            if fields[name] is None:
                refuse(name, _("Needed before a dose is given."))
    weight = fields["weight_kg"]
    if weight is not None and not WEIGHT_RANGE[0] <= weight <= WEIGHT_RANGE[1]:
        refuse(
            "weight_kg",
            _("%(value)s kg cannot be right: give a weight from %(low)s to %(high)s kg.")
            % {"value": weight, "low": WEIGHT_RANGE[0], "high": WEIGHT_RANGE[1]},
        )


def _check_dose(visit_request: VisitRequest, fields: Mapping[str, Any], *, refuse: Refuse) -> None:
    if not fields["batch_number"]:
        refuse("batch_number", _("Give the batch number printed on the vial."))
    expiry = fields["batch_expiry"]
    if expiry is None:
        refuse("batch_expiry", _("Give the expiry date printed on the vial."))
    elif visit_request.scheduled_start is not None:
        visit_day = timezone.localtime(visit_request.scheduled_start).date()
        if expiry < visit_day:
            refuse(
                "batch_expiry",
                _("This batch expired before the visit: an expired dose must not be given."),
            )
    kept = fields["cold_chain_kept"]
    if kept is None:
        refuse("cold_chain_kept", _("Say whether the medicine was kept at 2–8 °C all the way."))
    elif kept is False:
        refuse(
            "cold_chain_kept",
            _(
                "A dose whose cold chain was broken must not be given. Record the visit as "
                "not given, with the reason."
            ),
        )


def _check_cold_chain_reading(fields: Mapping[str, Any], *, refuse: Refuse) -> None:
    reading = fields["cold_chain_temperature"]
    if reading is None:
        return
    if not COOL_BOX_PLAUSIBLE[0] <= reading <= COOL_BOX_PLAUSIBLE[1]:
        refuse(
            "cold_chain_temperature",
            _("%(value)s °C cannot be right: check the cool box's thermometer.")
            % {"value": reading},
        )
    elif fields["cold_chain_kept"] and not COLD_CHAIN[0] <= reading <= COLD_CHAIN[1]:
        refuse(
            "cold_chain_temperature",
            _(
                "%(value)s °C is outside 2–8 °C, so the cold chain was not kept: the dose "
                "must not be given."
            )
            % {"value": reading},
        )


def _event_note(fields: Mapping[str, Any]) -> str:
    label = Outcome(fields["outcome"]).label
    if fields["not_given_reason"]:
        return f"{label}: {fields['not_given_reason']}"
    return str(label)


@transaction.atomic
def visit_record_save(
    *, visit_request: VisitRequest, data: Mapping[str, Any], actor: User
) -> VisitRecord:
    """Save the nurse's record, close the visit by its outcome, stop its reminders.

    Refused with a RecordRefused (nothing saved) before the visit starts, or
    when anything in the record is missing, impossible or unsafe.
    """
    visit_request = locked(visit_request)
    fields = _fields(data)
    if visit_request.status != Status.SCHEDULED:
        raise RecordRefused(
            {
                NON_FIELD_ERRORS: [
                    _("Only a scheduled visit can be recorded; this one is %(status)s.")
                    % {"status": visit_request.get_status_display().lower()}
                ]
            }
        )
    try:
        refuse_before_start(visit_request)
    except ValidationError as exc:
        raise RecordRefused({NON_FIELD_ERRORS: exc.messages}) from None
    if fields["outcome"] == Outcome.GIVEN:
        # No dose without a complete checklist; "not given" and "nobody home" need none.
        try:
            refuse_unless_ready(visit_request)
        except ValidationError as exc:
            raise RecordRefused({NON_FIELD_ERRORS: exc.messages}) from None
    problems = record_problems(visit_request=visit_request, fields=fields, now=timezone.now())
    if problems:
        raise RecordRefused(problems)

    record = VisitRecord(visit=visit_request, recorded_by=actor, **fields)
    try:
        record.full_clean(exclude=["visit", "recorded_by"])
    except ValidationError as exc:
        raise RecordRefused(exc.message_dict) from None
    record.save()

    outcome = fields["outcome"]
    move_status(
        visit_request,
        OUTCOME_STATUS[outcome],
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=_event_note(fields),
        changes={"outcome": [None, outcome]},
    )
    cancel_pending(subject=visit_request, kinds=REMINDER_OFFSETS.keys())
    visit_request.save(update_fields=["status", "closed_at", "updated_at"])
    propose_next(visit_request=visit_request, actor=actor)
    # After propose_next, which may have finished the course: weekly check-ins need it active.
    checkins_schedule(visit_request=visit_request)
    return record
