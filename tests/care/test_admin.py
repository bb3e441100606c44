"""The course of treatment in admin: the regimen catalogue, nurses' details, visit records."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from booking.models import AccessLog, Status
from booking.visit_records import visit_record_save
from care.models import NurseProfile, Regimen, VisitRecord
from tests.auth import sign_in
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def recorded_visit(nurse) -> VisitRecord:
    start = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=IST)
    visit = VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
    )
    return visit_record_save(
        visit_request=visit,
        data={
            "outcome": "no_show",
            "arrived_at": start,
            "not_given_reason": "Nobody at home.",
        },
        actor=nurse,
    )


def test_coordinators_read_the_regimen_catalogue_with_its_review_dates(client):
    sign_in(client, CoordinatorFactory())
    response = client.get(reverse("admin:care_regimen_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    for column in ("days between doses", "infusion minutes", "most doses", "reviewer"):
        assert column in html.lower(), column
    assert "Pembrolizumab every 3 weeks" in html  # seeded by care's migration 0002
    regimen = Regimen.objects.get(name="Pembrolizumab every 3 weeks")
    history = client.get(reverse("admin:care_regimen_history", args=[regimen.pk]))
    assert history.status_code == 200


def test_a_coordinator_edits_a_regimen_and_its_history_says_who(client):
    coordinator = CoordinatorFactory()
    sign_in(client, coordinator)
    regimen = Regimen.objects.get(name="Pembrolizumab every 3 weeks")
    url = reverse("admin:care_regimen_change", args=[regimen.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(observation_minutes=45, is_active="on")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    regimen.refresh_from_db()
    assert regimen.observation_minutes == 45
    change = regimen.history.latest()
    assert (change.history_user, change.observation_minutes) == (coordinator, 45)


def test_coordinators_list_nurses_details(client):
    nurse = NurseFactory(first_name="Asha", last_name="Fictional")
    NurseProfile.objects.create(user=nurse, phone="+919820011111", registration_number="MNC-TEST-1")
    sign_in(client, CoordinatorFactory())
    html = client.get(reverse("admin:care_nurseprofile_changelist")).content.decode()
    assert "Asha Fictional" in html
    assert "MNC-TEST-1" in html


def test_a_nurse_reads_only_her_own_visit_records_and_nobody_changes_them():
    nurse, other = NurseFactory(), NurseFactory()
    mine, theirs = recorded_visit(nurse), recorded_visit(other)
    client = sign_in(Client(), nurse)
    listing = client.get(reverse("admin:care_visitrecord_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:care_visitrecord_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:care_visitrecord_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:care_visitrecord_add")).status_code == 403
    response = client.post(
        reverse("admin:care_visitrecord_change", args=[mine.pk]), {"outcome": "given"}
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.outcome == "no_show"


def test_a_coordinator_reads_every_visit_record_and_each_view_is_access_logged():
    coordinator = CoordinatorFactory()
    records = [recorded_visit(NurseFactory()), recorded_visit(NurseFactory())]
    client = sign_in(Client(), coordinator)
    listing = client.get(reverse("admin:care_visitrecord_changelist"))
    assert set(listing.context["cl"].result_list) == set(records)
    page = client.get(reverse("admin:care_visitrecord_change", args=[records[0].pk]))
    assert "Nobody at home." in page.content.decode()
    logged = [
        (row.actor_username, row.action, sorted(row.request_ids))
        for row in AccessLog.objects.order_by("pk")
    ]
    assert logged == [
        (coordinator.username, "list", sorted(r.visit_id for r in records)),
        (coordinator.username, "view", [records[0].visit_id]),
    ]
