"""The nurse's side in admin: "Record the visit", the notes written for her, her day list."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from booking.models import AccessLog, MessageKind, Status
from care.models import Course, VisitRecord
from outbox.models import MessageStatus
from tests.auth import sign_in
from tests.booking.admin.helpers import (
    admin_url,
    changelist_url,
    flashes,
    ist,
    listed,
    post_action,
    scheduled,
)
from tests.booking.visit_record_data import given_dose_form, visit_to_record
from tests.factories import CourseFactory, MessageFactory

pytestmark = pytest.mark.django_db


def reminder(visit):
    return MessageFactory(request=visit, kind=MessageKind.REMINDER_2H, due_at=ist(2026, 12, 9, 6))


def course(notes: str = "") -> Course:
    return CourseFactory(handover_notes=notes)


# --- Record the visit ------------------------------------------------------------------------


def test_nurse_records_her_visit_and_the_request_page_shows_the_record(
    nurse_client, nurse, coordinator
):
    visit = visit_to_record(nurse)
    queued = reminder(visit)
    page = nurse_client.get(admin_url("record", visit.pk))
    assert page.status_code == 200
    titles = [str(group["title"]) for group in page.context["form"].groups()]
    assert titles == [
        "Arrival",
        "Before the infusion",
        "The medicine",
        "The infusion",
        "Reaction",
        "After the infusion",
        "Outcome",
        "Leaving",
    ]

    response = nurse_client.post(admin_url("record", visit.pk), given_dose_form())
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", visit.pk)
    assert f"{visit.reference} recorded: Dose given." in flashes(response)
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED
    record = visit.record
    assert record.recorded_by == nurse
    assert record.arrived_at == ist(2026, 12, 2, 8, 0)
    assert record.cold_chain_kept is True
    queued.refresh_from_db()
    assert queued.status == MessageStatus.CANCELLED

    for client in (nurse_client, sign_in(Client(), coordinator)):
        html = client.get(admin_url("change", visit.pk)).content.decode()
        assert "The nurse's visit record</h2>" in html
        assert "TEST-B123" in html
        assert "08:40&ndash;09:10" in html
        assert admin_url("record", visit.pk) not in html  # recorded: no button any more


def test_a_refused_record_keeps_what_was_typed_with_the_error_beside_the_field(nurse_client, nurse):
    visit = visit_to_record(nurse)
    typed = given_dose_form(cold_chain_kept="no", pulse_before="300", notes="Lift not working.")
    response = nurse_client.post(admin_url("record", visit.pk), typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Record the visit as not given" in form.errors["cold_chain_kept"][0]
    assert "from 30 to 220" in form.errors["pulse_before"][0]
    html = response.content.decode()
    assert 'value="TEST-B123"' in html
    assert 'value="300"' in html
    assert "Lift not working." in html
    assert 'href="#id_cold_chain_kept"' in html  # the summary links to the question
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert not VisitRecord.objects.exists()


def test_a_nurse_cannot_record_a_future_visit(nurse_client, nurse):
    visit = visit_to_record(nurse, ist(2026, 12, 5, 9, 0))
    queued = reminder(visit)
    page = nurse_client.get(admin_url("record", visit.pk))
    assert "You can record it once it has started." in page.content.decode()
    response = nurse_client.post(admin_url("record", visit.pk), given_dose_form())
    assert response.status_code == 200
    assert "cannot be completed before it starts" in response.context["form"].non_field_errors()[0]
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    queued.refresh_from_db()
    assert queued.status == MessageStatus.PENDING


def test_a_coordinator_cannot_mark_a_future_visit_completed(coordinator_client, nurse):
    visit = visit_to_record(nurse, ist(2026, 12, 5, 9, 0))
    queued = reminder(visit)
    response = coordinator_client.post(admin_url("complete", visit.pk), {"note": ""})
    assert any("cannot be completed before it starts" in m for m in flashes(response))
    response = post_action(coordinator_client, "mark_completed", [visit])
    assert any("cannot be completed before it starts" in m for m in flashes(response))
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    queued.refresh_from_db()
    assert queued.status == MessageStatus.PENDING


def test_a_visit_of_a_course_offers_coordinators_no_mark_completed(coordinator_client, nurse):
    one_off = visit_to_record(nurse)
    in_course = visit_to_record(nurse, course=course(), cycle_number=1)
    buttons = coordinator_client.get(admin_url("change", one_off.pk)).context["workflow_buttons"]
    assert {"record", "complete"} <= {b["name"] for b in buttons}
    buttons = coordinator_client.get(admin_url("change", in_course.pk)).context["workflow_buttons"]
    names = {b["name"] for b in buttons}
    assert "record" in names
    assert "complete" not in names


def test_a_nurse_cannot_record_another_nurses_visit(nurse_client, other_nurse):
    theirs = visit_to_record(other_nurse)
    assert nurse_client.get(admin_url("record", theirs.pk)).status_code == 404
    assert nurse_client.post(admin_url("record", theirs.pk), given_dose_form()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SCHEDULED


def test_a_coordinator_records_a_visit_the_nurse_phoned_in(coordinator_client, coordinator, nurse):
    visit = visit_to_record(nurse)
    form = {"arrived_at": "08:10", "outcome": "not_given", "not_given_reason": "BP 190/110."}
    response = coordinator_client.post(admin_url("record", visit.pk), form)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.NOT_GIVEN
    assert visit.record.recorded_by == coordinator


def test_the_record_page_writes_an_access_log_row(nurse_client, nurse):
    visit = visit_to_record(nurse)
    nurse_client.get(admin_url("record", visit.pk))
    entry = AccessLog.objects.get()
    assert (entry.actor_username, entry.action, entry.request_ids, entry.page) == (
        nurse.username,
        "view",
        [visit.pk],
        admin_url("record", visit.pk),
    )


# --- notes for the nurse ---------------------------------------------------------------------


def test_a_coordinator_changes_the_notes_and_the_event_keeps_old_and_new(
    coordinator_client, coordinator, nurse
):
    visit = visit_to_record(nurse, handover_notes="Ring twice.")
    page = coordinator_client.get(admin_url("handover", visit.pk))
    assert page.context["form"]["handover_notes"].value() == "Ring twice."
    response = coordinator_client.post(
        admin_url("handover", visit.pk),
        {"handover_notes": "Reaction in cycle 2: premedication as the oncologist advised."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.handover_notes.startswith("Reaction in cycle 2")
    event = visit.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "scheduled",
        "scheduled",
        coordinator,
    )
    assert event.changes == {
        "handover_notes": [
            "Ring twice.",
            "Reaction in cycle 2: premedication as the oncologist advised.",
        ]
    }
    assert AccessLog.objects.filter(page=admin_url("handover", visit.pk)).count() == 1


def test_notes_too_long_are_refused_beside_the_field(coordinator_client, nurse):
    visit = visit_to_record(nurse, handover_notes="Ring twice.")
    response = coordinator_client.post(
        admin_url("handover", visit.pk), {"handover_notes": "x" * 2001}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["handover_notes"]
    visit.refresh_from_db()
    assert visit.handover_notes == "Ring twice."
    assert not visit.events.exists()


def test_the_nurse_sees_both_notes_on_the_visit_and_record_pages(nurse_client, nurse):
    visit = visit_to_record(
        nurse, handover_notes="Dog in the flat.", course=course("Reaction in cycle 2.")
    )
    for name in ("change", "record"):
        html = nurse_client.get(admin_url(name, visit.pk)).content.decode()
        assert "Dog in the flat." in html, name
        assert "Reaction in cycle 2." in html, name


# --- her day list ------------------------------------------------------------------------------


def test_the_nurse_day_list_is_her_visits_in_time_order_with_what_she_needs(
    nurse_client, nurse, other_nurse
):
    afternoon = visit_to_record(nurse, ist(2026, 12, 3, 15, 0), area="Bandra West")
    morning = visit_to_record(
        nurse,
        ist(2026, 12, 3, 9, 0),
        handover_notes="Premedication first.",
        course=course("Reaction in cycle 2."),
        cycle_number=3,
        caregiver_name="Fictional Son",
        caregiver_phone="+919820054321",
        language="mr",
    )
    noon = visit_to_record(nurse, ist(2026, 12, 3, 12, 0))
    visit_to_record(other_nurse, ist(2026, 12, 3, 10, 0))

    response = nurse_client.get(admin_url("visits") + "?date=2026-12-03")
    assert response.status_code == 200
    assert [v.pk for v in response.context["own_day"]] == [morning.pk, noon.pk, afternoon.pk]
    html = response.content.decode()
    assert (
        html.index(morning.reference) < html.index(noon.reference) < html.index(afternoon.reference)
    )
    for text in (
        "09:00&ndash;11:00",
        'href="tel:+919820012345"',
        'href="tel:+919820054321"',
        "Premedication first.",
        "Reaction in cycle 2.",
        "cycle 3",
        "मराठी",
        "Bandra West",
        admin_url("record", morning.pk),
    ):
        assert text in html, text
    assert "uhapo-route-table" not in html  # cards, not the coordinators' wide table
    entry = AccessLog.objects.get()
    assert entry.action == "list"
    assert sorted(entry.request_ids) == sorted([morning.pk, noon.pk, afternoon.pk])


def test_coordinators_keep_the_day_by_nurse(coordinator_client, nurse, other_nurse):
    visit_to_record(nurse, ist(2026, 12, 3, 9, 0))
    visit_to_record(other_nurse, ist(2026, 12, 3, 10, 0))
    response = coordinator_client.get(admin_url("visits") + "?date=2026-12-03")
    assert response.context["own_day"] is None
    assert [group["nurse"] for group in response.context["by_nurse"]] == [nurse, other_nurse]


def test_a_recorded_visit_stays_on_the_day_list_with_its_outcome(nurse_client, nurse):
    visit = visit_to_record(nurse)
    nurse_client.post(
        admin_url("record", visit.pk),
        {"arrived_at": "08:05", "outcome": "no_show", "not_given_reason": "Nobody at home."},
    )
    response = nurse_client.get(admin_url("visits") + "?date=2026-12-02")
    assert [v.pk for v in response.context["own_day"]] == [visit.pk]
    html = response.content.decode()
    assert "Visit missed" in html
    assert admin_url("record", visit.pk) not in html


# --- The list's date drill-down ------------------------------------------------------------------


def test_a_nurse_drills_down_by_the_day_of_her_visits_a_coordinator_by_the_day_asked_for(
    nurse_client, coordinator, nurse
):
    visit = scheduled(nurse, ist(2026, 12, 4, 10), preferred_date=datetime.date(2026, 12, 9))
    visit_day = {"scheduled_start__year": 2026, "scheduled_start__month": 12}
    asked_day = {"preferred_date__year": 2026, "preferred_date__month": 12}

    mine = nurse_client.get(changelist_url(**visit_day, scheduled_start__day=4))
    assert mine.context["cl"].date_hierarchy == "scheduled_start"
    assert listed(mine) == {visit.reference}
    assert listed(nurse_client.get(changelist_url(**visit_day, scheduled_start__day=9))) == set()

    coordinator_client = sign_in(Client(), coordinator)
    theirs = coordinator_client.get(changelist_url(**asked_day, preferred_date__day=9))
    assert theirs.context["cl"].date_hierarchy == "preferred_date"
    assert listed(theirs) == {visit.reference}


def test_a_nurses_drill_down_past_the_last_year_is_a_bad_request(nurse_client, nurse):
    assert nurse_client.get(changelist_url(scheduled_start__year=9999)).status_code == 400
    last = changelist_url(
        scheduled_start__year=9998, scheduled_start__month=12, scheduled_start__day=31
    )
    assert nurse_client.get(last).status_code == 200
