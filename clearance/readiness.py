"""The readiness checklist of a visit: what it holds, whether it is complete, and its writes.

`refuse_unless_ready` is the one gate: booking.workflow calls it before a
visit is confirmed to the family (scheduled or moved), and
booking.visit_records before the nurse records a dose given. It passes when
every item is cleared for the visit's day, or when a senior clinician
overrode the checklist with a reason (`readiness_override`).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.events import actor_label_for, record_event, staff_note
from booking.models import VisitRequest
from booking.triage import review_reasons
from clearance.models import (
    BloodTest,
    BloodTestRule,
    CheckOutcome,
    Document,
    Item,
    ReadinessCheck,
    ReadinessOverride,
)

OVERRIDE = "clearance.override_readiness"


@dataclasses.dataclass(frozen=True)
class ItemState:
    """One line of the checklist, as it stands for the visit's day."""

    item: str
    blood_test: str
    label: str
    check: ReadinessCheck | None
    problem: str
    max_age_days: int = 0

    @property
    def cleared(self) -> bool:
        return not self.problem

    @property
    def key(self) -> str:
        return self.blood_test or self.item


def _day(moment: datetime.date) -> str:
    return formats.date_format(moment, "j M Y")


def visit_day(visit_request: VisitRequest, start: datetime.datetime | None = None) -> datetime.date:
    """The day the checks are counted to: the start being booked, the booked one, or the day asked for."""
    start = start or visit_request.scheduled_start
    if start is not None:
        return timezone.localtime(start).date()
    return visit_request.preferred_date


def blood_test_rules(visit_request: VisitRequest) -> list[BloodTestRule]:
    """The rules of the visit's regimen; for a visit not in a course, the default rules."""
    course = visit_request.course
    if course is not None:
        rules = list(BloodTestRule.objects.filter(regimen_id=course.regimen_id))
        if rules:
            return rules
    return list(BloodTestRule.objects.filter(regimen__isnull=True))


def _latest(visit_request: VisitRequest) -> dict[tuple[str, str], ReadinessCheck]:
    latest = {}
    checks = visit_request.readiness_checks.select_related("checked_by", "document")
    for check in checks.order_by("checked_at", "pk"):
        latest[(check.item, check.blood_test)] = check
    return latest


def checklist(
    visit_request: VisitRequest, *, start: datetime.datetime | None = None
) -> list[ItemState]:
    """Every item of the visit's checklist, cleared or with what is missing, for its day."""
    day = visit_day(visit_request, start)
    latest = _latest(visit_request)
    states = []

    prescription = latest.get((Item.PRESCRIPTION, ""))
    problem = ""
    if prescription is None:
        problem = _("Not checked yet.")
    elif prescription.valid_until is not None and prescription.valid_until < day:
        problem = _("Valid until %(until)s, before the visit on %(day)s.") % {
            "until": _day(prescription.valid_until),
            "day": _day(day),
        }
    states.append(
        ItemState(Item.PRESCRIPTION, "", str(Item.PRESCRIPTION.label), prescription, problem)
    )

    for rule in sorted(blood_test_rules(visit_request), key=lambda r: r.test):
        check = latest.get((Item.BLOOD_TEST, rule.test))
        label = _("%(test)s, at most %(days)d days old") % {
            "test": BloodTest(rule.test).label,
            "days": rule.max_age_days,
        }
        problem = ""
        if check is None or check.evidence_date is None:
            problem = _("No result recorded yet.")
        elif check.evidence_date > day:
            problem = _("Taken on %(taken)s, after the visit's day.") % {
                "taken": _day(check.evidence_date)
            }
        elif (age := (day - check.evidence_date).days) > rule.max_age_days:
            problem = _(
                "Taken on %(taken)s: %(age)d days before the visit on %(day)s, more than %(days)d."
            ) % {
                "taken": _day(check.evidence_date),
                "age": age,
                "day": _day(day),
                "days": rule.max_age_days,
            }
        states.append(
            ItemState(Item.BLOOD_TEST, rule.test, label, check, problem, rule.max_age_days)
        )

    go_ahead = latest.get((Item.GO_AHEAD, ""))
    states.append(
        ItemState(
            Item.GO_AHEAD,
            "",
            str(Item.GO_AHEAD.label),
            go_ahead,
            "" if go_ahead is not None else _("Not recorded yet."),
        )
    )

    if visit_request.needs_clinical_review:
        review = latest.get((Item.CLINICAL_REVIEW, ""))
        reasons = "; ".join(
            review_reasons(
                first_dose_in_hospital=visit_request.first_dose_in_hospital,
                had_infusion_reaction=visit_request.had_infusion_reaction,
            )
        )
        label = _("Clinical review (flagged: %(reasons)s)") % {"reasons": reasons or "-"}
        if review is None:
            problem = _("Not reviewed yet.")
        elif review.outcome == CheckOutcome.DECLINED:
            problem = _("Declined by %(who)s: %(why)s") % {
                "who": review.given_by,
                "why": review.note,
            }
        else:
            problem = ""
        states.append(ItemState(Item.CLINICAL_REVIEW, "", label, review, problem))
    return states


def open_items(
    visit_request: VisitRequest, *, start: datetime.datetime | None = None
) -> list[ItemState]:
    return [state for state in checklist(visit_request, start=start) if not state.cleared]


def current_override(visit_request: VisitRequest) -> ReadinessOverride | None:
    return visit_request.readiness_overrides.select_related("overridden_by").first()


def refuse_unless_ready(
    visit_request: VisitRequest, *, start: datetime.datetime | None = None
) -> None:
    """Raise a ValidationError naming every open item, unless all are cleared or overridden."""
    if current_override(visit_request) is not None:
        return
    missing = open_items(visit_request, start=start)
    if missing:
        raise ValidationError(
            _("The readiness checklist is not complete: %(items)s")
            % {"items": " ".join(f"{state.label}: {state.problem}" for state in missing)},
            code="not_ready",
        )


# --- writes --------------------------------------------------------------------


def _refuse_closed(visit_request: VisitRequest) -> None:
    if visit_request.anonymised_at is not None or not visit_request.is_open:
        raise ValidationError(
            _("This visit is closed: its checklist can no longer change."), code="closed"
        )


def _problems(
    *,
    visit_request: VisitRequest,
    item: str,
    blood_test: str,
    outcome: str,
    evidence_date: datetime.date | None,
    valid_until: datetime.date | None,
    given_by: str,
    method: str,
    note: str,
    document: Document | None,
) -> dict[str, str]:
    today = timezone.localdate()
    problems: dict[str, str] = {}
    needs_date: dict[str, str] = {
        Item.PRESCRIPTION: _("Give the date on the prescription."),
        Item.BLOOD_TEST: _("Give the day the blood was taken."),
        Item.GO_AHEAD: _("Give the day the oncologist gave the go-ahead."),
    }
    if item in needs_date:
        if evidence_date is None:
            problems["evidence_date"] = needs_date[item]
        elif evidence_date > today:
            problems["evidence_date"] = _("This date is in the future.")
        elif evidence_date < today - datetime.timedelta(days=366):
            problems["evidence_date"] = _("This date is more than a year ago: check it.")
    if item == Item.PRESCRIPTION:
        if valid_until is None:
            problems["valid_until"] = _("Give the day the prescription is valid until.")
        elif evidence_date and valid_until < evidence_date:
            problems["valid_until"] = _("It cannot end before the prescription's date.")
    if item == Item.BLOOD_TEST and blood_test not in BloodTest.values:
        problems["blood_test"] = _("Choose which blood test.")
    if item == Item.GO_AHEAD:
        if not given_by:
            problems["given_by"] = _("Give the oncologist's name.")
        if not method:
            problems["method"] = _("Say how the go-ahead was given.")
    if item == Item.CLINICAL_REVIEW:
        if not visit_request.needs_clinical_review:
            problems["item"] = _("This request was not flagged for clinical review.")
        if not given_by:
            problems["given_by"] = _("Give the name of the clinician who reviewed it.")
        if not note:
            problems["note"] = (
                _("Say why it was declined.")
                if outcome == CheckOutcome.DECLINED
                else _("Say what the review was based on.")
            )
    if outcome == CheckOutcome.DECLINED and item != Item.CLINICAL_REVIEW:
        problems["outcome"] = _("Only a clinical review can be declined.")
    if document is not None and document.visit_id != visit_request.pk:
        problems["document"] = _("Choose a document of this visit.")
    return problems


@transaction.atomic
def readiness_check_record(
    *,
    visit_request: VisitRequest,
    item: str,
    actor: User,
    blood_test: str = "",
    outcome: str = CheckOutcome.CLEARED,
    evidence_date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    given_by: str = "",
    method: str = "",
    note: str = "",
    document: Document | None = None,
) -> ReadinessCheck:
    """Record one check of one item (who checked it and when); the event log says so too."""
    visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    _refuse_closed(visit_request)
    given_by, note = given_by.strip(), note.strip()
    if item != Item.BLOOD_TEST:
        blood_test = ""
    if item != Item.PRESCRIPTION:
        valid_until = None
    problems = _problems(
        visit_request=visit_request,
        item=item,
        blood_test=blood_test,
        outcome=outcome,
        evidence_date=evidence_date,
        valid_until=valid_until,
        given_by=given_by,
        method=method,
        note=note,
        document=document,
    )
    if problems:
        raise ValidationError(problems)
    check = ReadinessCheck(
        visit=visit_request,
        item=item,
        blood_test=blood_test,
        outcome=outcome,
        evidence_date=evidence_date,
        valid_until=valid_until,
        given_by=given_by,
        method=method,
        note=note,
        document=document,
        checked_by=actor,
    )
    check.full_clean(exclude=["visit", "checked_by", "document"])
    check.save()
    what = BloodTest(blood_test).label if blood_test else Item(item).label
    # What the check leaves the item at, by the rules for the visit's day: a
    # blood test recorded as "cleared" but taken too long before is still open.
    check.still_open = still_open(visit_request, blood_test or item)
    if check.still_open:
        note = staff_note(gettext_lazy("Checklist: %(what)s recorded, still open: %(problem)s")) % {
            "what": staff_note(what),
            "problem": staff_note(check.still_open),
        }
    else:
        note = staff_note(gettext_lazy("Checklist: %(what)s %(outcome)s.")) % {
            "what": staff_note(what),
            "outcome": staff_note(CheckOutcome(outcome).label).lower(),
        }
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=note,
    )
    return check


def still_open(visit_request: VisitRequest, key: str) -> str:
    """Why this item (`Item` or `BloodTest` value) is open for the visit's day; empty if cleared."""
    for state in checklist(visit_request):
        if state.key == key:
            return str(state.problem)
    return ""


@transaction.atomic
def readiness_override(
    *, visit_request: VisitRequest, reason: str, actor: User
) -> ReadinessOverride:
    """A senior clinician lets the visit go ahead with items open; the reason is kept and shown."""
    if not actor.has_perm(OVERRIDE):
        raise PermissionDenied
    visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    _refuse_closed(visit_request)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    missing = open_items(visit_request)
    if not missing:
        raise ValidationError(
            _("Every item is cleared: there is nothing to override."), code="nothing_open"
        )
    override = ReadinessOverride(
        visit=visit_request,
        reason=reason,
        open_items=[state.key for state in missing],
        overridden_by=actor,
    )
    override.full_clean(exclude=["visit", "overridden_by"])
    override.save()
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=actor_label_for(actor, ""),
        note=staff_note(gettext_lazy("Readiness checklist overridden: %(reason)s"))
        % {"reason": reason},
    )
    return override
