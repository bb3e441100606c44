"""The readiness checklist: a visit is confirmed to the family and its dose given only when
every item is cleared for its day, or a senior clinician overrode it with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from booking import workflow
from booking.models import MessageKind, Status
from booking.visit_records import RecordRefused, visit_record_save
from care.models import Regimen, VisitRecord
from clearance import readiness
from clearance.models import BloodTestRule, CheckOutcome, GoAheadMethod, Item, ReadinessOverride
from outbox.models import Message
from tests.booking.admin.helpers import TODAY, ist
from tests.booking.visit_record_data import given_dose, visit_to_record
from tests.factories import CourseFactory, PatientFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db

START = ist(2026, 12, 4, 10, 0)
DAYS = datetime.timedelta(days=1)


def clear(visit, item, actor, **fields):
    return readiness.readiness_check_record(visit_request=visit, item=item, actor=actor, **fields)


def clear_all(visit, actor, *, taken_on=TODAY):
    clear(visit, Item.PRESCRIPTION, actor, evidence_date=TODAY, valid_until=TODAY + 60 * DAYS)
    for rule in readiness.blood_test_rules(visit):
        clear(visit, Item.BLOOD_TEST, actor, blood_test=rule.test, evidence_date=taken_on)
    clear(
        visit,
        Item.GO_AHEAD,
        actor,
        given_by="Dr Placeholder",
        method=GoAheadMethod.CALL,
        evidence_date=TODAY,
    )
    if visit.needs_clinical_review:
        clear(visit, Item.CLINICAL_REVIEW, actor, given_by="Dr Lead", note="Discharge summary.")


def schedule(visit, nurse, start=START):
    return workflow.visit_request_schedule(
        visit_request=visit,
        start=start,
        end=start + datetime.timedelta(hours=2),
        nurse=nurse,
        actor=None,
    )


def open_keys(visit, start=START):
    return [state.key for state in readiness.open_items(visit, start=start)]


def test_a_new_visit_starts_with_every_item_open():
    visit = VisitRequestFactory(cleared=False, needs_clinical_review=True)
    assert open_keys(visit) == [
        "prescription",
        "blood_count",
        "kidney",
        "liver",
        "thyroid",
        "go_ahead",
        "clinical_review",
    ]


ITEMS = ["prescription", "blood_count", "kidney", "liver", "thyroid", "go_ahead", "clinical_review"]


@pytest.mark.parametrize("left_open", ITEMS)
def test_a_visit_with_any_item_open_is_not_confirmed_to_the_family(left_open, coordinator, nurse):
    visit = VisitRequestFactory(cleared=False, needs_clinical_review=True)
    clear_all(visit, coordinator)
    visit.readiness_checks.filter(item=left_open).delete()
    visit.readiness_checks.filter(blood_test=left_open).delete()

    with pytest.raises(ValidationError) as refused:
        schedule(visit, nurse)

    (said,) = refused.value.error_dict[NON_FIELD_ERRORS]
    assert said.code == "not_ready"
    state = next(s for s in readiness.checklist(visit) if s.key == left_open)
    assert state.label in refused.value.messages[0]
    visit.refresh_from_db()
    assert visit.status == Status.NEW
    assert not Message.objects.filter(kind=MessageKind.VISIT_SCHEDULED).exists()


def test_a_visit_with_every_item_cleared_is_confirmed(coordinator, nurse):
    visit = VisitRequestFactory(cleared=False, needs_clinical_review=True)
    clear_all(visit, coordinator)
    schedule(visit, nurse)
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert Message.objects.filter(kind=MessageKind.VISIT_SCHEDULED).exists()


def test_a_ten_day_old_liver_test_is_refused_where_the_rule_is_seven(coordinator, nurse):
    visit = VisitRequestFactory(cleared=False)
    clear_all(visit, coordinator, taken_on=START.date() - 10 * DAYS)
    # Thyroid's rule is 42 days: 10 days old is fine for it.
    assert open_keys(visit) == ["blood_count", "kidney", "liver"]
    with pytest.raises(ValidationError) as refused:
        schedule(visit, nurse)
    assert "10 days before the visit" in refused.value.messages[0]


def test_a_seven_day_old_test_counts(coordinator):
    visit = VisitRequestFactory(cleared=False)
    clear_all(visit, coordinator, taken_on=START.date() - 7 * DAYS)
    assert open_keys(visit) == []


def test_the_regimens_rule_decides_how_recent_a_test_must_be(coordinator):
    """A course on a regimen whose liver rule is 14 days takes a 10-day-old liver test."""
    regimen = Regimen.objects.get(name="Nivolumab every 4 weeks")
    BloodTestRule.objects.filter(regimen=regimen, test="liver").update(max_age_days=14)
    course = CourseFactory(patient=PatientFactory(), regimen=regimen, interval_days=28)
    on_course = VisitRequestFactory(cleared=False, course=course, cycle_number=2)
    one_off = VisitRequestFactory(cleared=False)
    for visit in (on_course, one_off):
        clear_all(visit, coordinator, taken_on=TODAY)
        clear(
            visit,
            Item.BLOOD_TEST,
            coordinator,
            blood_test="liver",
            evidence_date=START.date() - 10 * DAYS,
        )

    assert open_keys(on_course) == []
    assert open_keys(one_off) == ["liver"]


def test_every_regimen_has_seeded_rules_with_their_source():
    for regimen in Regimen.objects.all():
        rules = {rule.test: rule for rule in regimen.blood_test_rules.all()}
        assert set(rules) == {"liver", "kidney", "blood_count", "thyroid"}
        assert rules["liver"].max_age_days == 7
        assert rules["thyroid"].max_age_days == 42
        assert all("ASCO" in rule.source for rule in rules.values())
    assert BloodTestRule.objects.filter(regimen__isnull=True).count() == 4


def test_a_prescription_that_ends_before_the_visit_is_open(coordinator):
    visit = VisitRequestFactory(cleared=False)
    clear_all(visit, coordinator)
    clear(
        visit,
        Item.PRESCRIPTION,
        coordinator,
        evidence_date=TODAY - 30 * DAYS,
        valid_until=START.date() - DAYS,
    )
    assert open_keys(visit) == ["prescription"]


def test_a_declined_review_keeps_the_visit_from_going_ahead(coordinator, nurse):
    visit = VisitRequestFactory(
        cleared=False, needs_clinical_review=True, first_dose_in_hospital=False
    )
    clear_all(visit, coordinator)
    clear(
        visit,
        Item.CLINICAL_REVIEW,
        coordinator,
        outcome=CheckOutcome.DECLINED,
        given_by="Dr Lead",
        note="First dose must be in hospital.",
    )
    with pytest.raises(ValidationError) as refused:
        schedule(visit, nurse)
    assert "Declined by Dr Lead: First dose must be in hospital." in refused.value.messages[0]
    assert "the first dose was not given in hospital" in refused.value.messages[0]


def test_each_check_records_who_checked_it_and_when(coordinator):
    visit = VisitRequestFactory(cleared=False)
    check = clear(
        visit,
        Item.GO_AHEAD,
        coordinator,
        given_by="Dr Placeholder",
        method="letter",
        evidence_date=TODAY,
    )
    assert check.checked_by == coordinator
    assert check.checked_at == ist(2026, 12, 2, 10, 0)
    assert visit.events.filter(actor=coordinator, note__contains="go-ahead").exists()


@pytest.mark.parametrize(
    ("item", "fields", "field"),
    [
        (Item.PRESCRIPTION, {"valid_until": TODAY}, "evidence_date"),
        (Item.PRESCRIPTION, {"evidence_date": TODAY}, "valid_until"),
        (Item.BLOOD_TEST, {"blood_test": "liver", "evidence_date": TODAY + DAYS}, "evidence_date"),
        (Item.GO_AHEAD, {"evidence_date": TODAY, "method": "call"}, "given_by"),
        (Item.GO_AHEAD, {"evidence_date": TODAY, "given_by": "Dr P"}, "method"),
        (Item.CLINICAL_REVIEW, {"given_by": "Dr Lead"}, "note"),
    ],
)
def test_a_check_missing_its_evidence_is_refused_beside_the_field(coordinator, item, fields, field):
    visit = VisitRequestFactory(cleared=False, needs_clinical_review=True)
    with pytest.raises(ValidationError) as refused:
        clear(visit, item, coordinator, **fields)
    assert field in refused.value.message_dict
    assert not visit.readiness_checks.exists()


def test_the_nurse_cannot_give_the_dose_with_an_item_open(coordinator, nurse):
    visit = visit_to_record(nurse, cleared=False)
    clear_all(visit, coordinator)
    # The oncologist's go-ahead was never given for this cycle.
    visit.readiness_checks.filter(item=Item.GO_AHEAD).delete()

    with pytest.raises(RecordRefused) as refused:
        visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)

    assert "go-ahead" in str(refused.value.message_dict)
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert not VisitRecord.objects.exists()


def test_the_nurse_gives_the_dose_once_every_item_is_cleared(coordinator, nurse):
    visit = visit_to_record(nurse, cleared=False)
    clear_all(visit, coordinator)
    visit_record_save(visit_request=visit, data=given_dose(), actor=nurse)
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED


def test_the_nurse_records_a_dose_not_given_whatever_the_checklist(nurse):
    visit = visit_to_record(nurse, cleared=False)
    visit_record_save(
        visit_request=visit,
        data={
            "outcome": "not_given",
            "not_given_reason": "No go-ahead from the oncologist.",
            "arrived_at": ist(2026, 12, 2, 8, 0),
            "left_at": ist(2026, 12, 2, 8, 30),
        },
        actor=nurse,
    )
    visit.refresh_from_db()
    assert visit.status == Status.NOT_GIVEN


def test_only_a_senior_role_may_override(coordinator):
    visit = VisitRequestFactory(cleared=False)
    with pytest.raises(PermissionDenied):
        readiness.readiness_override(visit_request=visit, reason="Urgent.", actor=coordinator)
    assert not ReadinessOverride.objects.exists()


def test_an_override_needs_a_reason(senior):
    visit = VisitRequestFactory(cleared=False)
    with pytest.raises(ValidationError) as refused:
        readiness.readiness_override(visit_request=visit, reason="  ", actor=senior)
    assert "reason" in refused.value.message_dict


def test_an_override_is_recorded_and_lets_the_visit_be_confirmed(senior, nurse):
    visit = VisitRequestFactory(cleared=False)
    override = readiness.readiness_override(
        visit_request=visit,
        reason="Oncologist on leave; lead reviewed the labs by phone.",
        actor=senior,
    )
    assert override.overridden_by == senior
    assert override.open_items == [
        "prescription",
        "blood_count",
        "kidney",
        "liver",
        "thyroid",
        "go_ahead",
    ]
    assert visit.events.filter(actor=senior, note__contains="Oncologist on leave").exists()
    schedule(visit, nurse)
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED


def test_nothing_to_override_when_every_item_is_cleared(senior):
    visit = VisitRequestFactory()
    with pytest.raises(ValidationError) as refused:
        readiness.readiness_override(visit_request=visit, reason="Just in case.", actor=senior)
    assert refused.value.code == "nothing_open"


def test_a_blood_test_taken_too_long_before_the_visit_is_logged_as_still_open(coordinator):
    """Recording a test is not clearing it: the timeline said "cleared" for a kidney test
    taken 14 days before the visit while the checklist said open."""
    visit = VisitRequestFactory(cleared=False)
    check = clear(
        visit, Item.BLOOD_TEST, coordinator, blood_test="kidney", evidence_date=TODAY - 14 * DAYS
    )
    assert "more than 7" in check.still_open
    note = visit.events.latest("pk").note
    assert "still open" in note
    assert "cleared" not in note
    fresh = clear(visit, Item.BLOOD_TEST, coordinator, blood_test="kidney", evidence_date=TODAY)
    assert fresh.still_open == ""
    assert visit.events.latest("pk").note.endswith("cleared.")


def test_a_date_more_than_a_year_ago_is_questioned_beside_the_field(coordinator):
    visit = VisitRequestFactory(cleared=False)
    with pytest.raises(ValidationError) as refused:
        clear(
            visit,
            Item.BLOOD_TEST,
            coordinator,
            blood_test="kidney",
            evidence_date=datetime.date(1990, 1, 1),
        )
    assert "more than a year ago" in refused.value.message_dict["evidence_date"][0]
    assert not visit.readiness_checks.exists()
