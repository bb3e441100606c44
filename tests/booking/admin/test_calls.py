"""The call log in admin: "Log a call", the calls on the request page and the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from booking import calls
from booking.models import AccessLog, CallAttempt, Status
from tests.booking.admin.helpers import admin_url, changelist_url, flashes, ist, scheduled
from tests.factories import VisitRequestFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_logs_a_call_and_sees_it_on_the_request_and_the_list(
    coordinator_client, coordinator
):
    request = VisitRequestFactory(status=Status.NEW)
    page = coordinator_client.get(admin_url("change", request.pk)).content.decode()
    assert admin_url("call", request.pk) in page
    form = coordinator_client.get(admin_url("call", request.pk))
    assert form.status_code == 200
    assert "How did the call go?" in form.content.decode()
    response = coordinator_client.post(
        admin_url("call", request.pk), {"outcome": "no_answer", "note": "Rang at 10"}
    )
    assert response.status_code == 302
    assert flashes(response) == [f"Call logged for {request.reference}: No answer."]
    request.refresh_from_db()
    assert request.status == Status.NEW
    page = coordinator_client.get(admin_url("change", request.pk)).content.decode()
    assert "Rang at 10" in page
    assert "No answer" in page
    listing = coordinator_client.get(changelist_url())
    row = next(r for r in listing.context["cl"].result_list if r.pk == request.pk)
    assert row.call_count == 1
    assert 'class="field-call_count">1<' in listing.content.decode()


def test_a_call_without_an_outcome_is_refused_beside_the_field(coordinator_client):
    request = VisitRequestFactory()
    response = coordinator_client.post(admin_url("call", request.pk), {"note": "?"})
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == ["Choose how the call went."]
    assert not CallAttempt.objects.exists()


def test_the_call_page_is_access_logged(coordinator_client, coordinator):
    request = VisitRequestFactory()
    coordinator_client.get(admin_url("call", request.pk))
    entry = AccessLog.objects.get()
    assert (entry.action, entry.request_ids, entry.page) == (
        "view",
        [request.pk],
        admin_url("call", request.pk),
    )


def test_the_calls_page_lists_every_call_for_coordinators(coordinator_client, coordinator):
    request = VisitRequestFactory()
    calls.call_attempt_record(visit_request=request, outcome="busy", actor=coordinator)
    response = coordinator_client.get(reverse("admin:booking_callattempt_changelist"))
    assert response.status_code == 200
    assert request.reference in response.content.decode()
    assert AccessLog.objects.get().request_ids == [request.pk]


def test_nurses_neither_log_nor_see_calls(nurse_client, nurse, coordinator):
    visit = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    calls.call_attempt_record(
        visit_request=visit, outcome="spoke", note="Fictional note", actor=coordinator
    )
    page = nurse_client.get(admin_url("change", visit.pk)).content.decode()
    assert admin_url("call", visit.pk) not in page
    assert "Fictional note" not in page
    assert nurse_client.get(admin_url("call", visit.pk)).status_code == 403
    assert nurse_client.post(admin_url("call", visit.pk), {"outcome": "busy"}).status_code == 403
    assert CallAttempt.objects.count() == 1
    calls_page = nurse_client.get(reverse("admin:booking_callattempt_changelist"))
    assert calls_page.status_code == 403
