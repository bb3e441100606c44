"""What nurses see and do; the CSV export."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Status, VisitRequest
from outbox.models import MessageStatus
from tests.booking.admin.helpers import (
    admin_url,
    changelist_url,
    export,
    ist,
    listed,
    make_rows,
    post_action,
    scheduled,
)
from tests.factories import (
    MessageFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- nurses --------------------------------------------------------------------------------


def test_nurse_sees_only_her_own_visits(nurse_client, nurse, other_nurse):
    mine = scheduled(nurse, ist(2026, 12, 4, 9, 0))
    scheduled(other_nurse, ist(2026, 12, 4, 9, 0))
    VisitRequestFactory()
    assert listed(nurse_client.get(changelist_url())) == {mine.reference}
    day = nurse_client.get(admin_url("visits") + "?date=2026-12-04")
    assert [v.pk for g in day.context["by_nurse"] for v in g["visits"]] == [mine.pk]


def test_nurse_cannot_open_another_nurses_visit(nurse_client, other_nurse):
    theirs = scheduled(other_nurse, ist(2026, 12, 1, 9, 0))
    assert nurse_client.get(admin_url("change", theirs.pk)).status_code == 404
    assert nurse_client.get(admin_url("complete", theirs.pk)).status_code == 404
    assert nurse_client.post(admin_url("complete", theirs.pk)).status_code == 404
    post_action(nurse_client, "mark_completed", [theirs])
    theirs.refresh_from_db()
    assert theirs.status == Status.SCHEDULED


def test_nurse_records_her_visit_and_does_nothing_else(nurse_client, nurse):
    """Her one step is "Record the visit": "Mark completed", which records nothing, is not hers."""
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    page = nurse_client.get(admin_url("change", visit.pk))
    assert page.status_code == 200
    assert [b["name"] for b in page.context["workflow_buttons"]] == ["record"]
    for name in ("contacted", "schedule", "complete", "cancel", "decline", "erase", "handover"):
        assert nurse_client.get(admin_url(name, visit.pk)).status_code == 403, name
        assert (
            nurse_client.post(
                admin_url(name, visit.pk), {"reason": "x", "note": "x", "handover_notes": "x"}
            ).status_code
            == 403
        )
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert not visit.events.exists()


def test_nurse_cannot_close_visits_in_bulk(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    response = post_action(nurse_client, "mark_completed", [visit])
    assert response.status_code == 200  # the list again: she has no actions to run
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    assert not visit.events.exists()


def test_nurse_has_no_list_action_and_cannot_export(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    response = nurse_client.get(changelist_url())
    assert response.context["action_form"] is None
    response = post_action(nurse_client, "export_csv", [visit])
    assert response.status_code == 200
    assert not response["Content-Type"].startswith("text/csv")
    assert visit.reference in response.content.decode()  # just the list


def test_nurse_cannot_resend_a_message_of_her_own_visit(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    failed = MessageFactory(request=visit, status=MessageStatus.FAILED, attempts=5)
    assert nurse_client.get(admin_url("resend", visit.pk, failed.pk)).status_code == 403
    assert nurse_client.post(admin_url("resend", visit.pk, failed.pk)).status_code == 403
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED


def test_nurse_cannot_reach_messages_or_events(nurse_client):
    assert nurse_client.get(reverse("admin:outbox_message_changelist")).status_code == 403
    assert nurse_client.get(reverse("admin:booking_requestevent_changelist")).status_code == 403


# --- export ------------------------------------------------------------------------------


def test_export_selected_to_csv(coordinator_client, nurse):
    chosen = scheduled(nurse, ist(2026, 12, 4, 10, 0), patient_name="=HYPERLINK(1)")
    other = VisitRequestFactory(patient_name="Not Exported")
    rows = export(coordinator_client, [chosen])
    header, *body = rows
    assert header[:3] == ["reference", "received", "status"]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["reference"] == chosen.reference
    assert row["patient's full name"] == "'=HYPERLINK(1)"
    assert row["patient's mobile"] == "+919820012345"
    assert row["nurse"] == "Asha Fictional"
    assert row["visit starts"] == "2026-12-04 10:00"
    assert other.patient_name not in str(rows)


def test_export_query_count_does_not_grow(coordinator_client):
    make_rows(3)
    with CaptureQueriesContext(connection) as few:
        assert len(export(coordinator_client, VisitRequest.objects.all())) == 4
    make_rows(27)
    with CaptureQueriesContext(connection) as many:
        assert len(export(coordinator_client, VisitRequest.objects.all())) == 31
    assert len(many) == len(few)


def test_export_has_language_medicine_hospital_and_oncologist_formula_safe(coordinator_client):
    """What a coordinator needs to ring the hospital back, in the spreadsheet too."""
    chosen = VisitRequestFactory(
        language="mr",
        medicine="other",
        medicine_other="+Made-up-mab",
        oncologist_name="@Dr Fictional",
        hospital_name="=Imaginary Cancer Centre",
    )
    header, row = export(coordinator_client, [chosen])
    row_by = dict(zip(header, row, strict=True))
    assert row_by["language"] == "Marathi (मराठी)"
    assert row_by["medicine prescribed"] == "'+Made-up-mab"
    assert row_by["treating oncologist"] == "'@Dr Fictional"
    assert row_by["hospital"] == "'=Imaginary Cancer Centre"
