"""The request page and the day's visits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from booking.models import AccessLog, MessageKind, RequestEvent, Status, VisitRequest
from outbox.models import MessageStatus
from tests.auth import sign_in
from tests.booking.admin.helpers import (
    TODAY,
    admin_url,
    changelist_url,
    ist,
    post_action,
    scheduled,
)
from tests.factories import (
    MessageFactory,
    SuperuserFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- the request page -----------------------------------------------------------------


def test_request_page_shows_details_consent_timeline_and_messages(coordinator_client, nurse):
    request = VisitRequestFactory(
        caregiver_name="Fictional Daughter",
        caregiver_relationship="daughter",
        caregiver_phone="+919876543210",
    )
    RequestEvent.objects.create(
        request=request, to_status="new", actor_label="family", note="Arrived"
    )
    MessageFactory(
        request=request, status=MessageStatus.FAILED, attempts=5, last_error="provider down"
    )
    response = coordinator_client.get(admin_url("change", request.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        request.reference,
        "Testina Fictional",
        "Fictional Daughter",
        "+91 98765 43210",
        "Flat 12, Imaginary Heights",
        "2026-11-01",  # the privacy notice version consented to
        "Arrived",
        "provider down",
        admin_url("resend", request.pk, request.messages.get().pk),
        admin_url("contacted", request.pk),
        admin_url("schedule", request.pk),
        admin_url("cancel", request.pk),
        admin_url("decline", request.pk),
    ):
        assert text in html, text
    assert admin_url("complete", request.pk) not in html  # not scheduled yet
    assert 'name="_save"' not in html


def test_request_page_cannot_be_saved_directly(coordinator_client):
    request = VisitRequestFactory()
    response = coordinator_client.post(
        admin_url("change", request.pk), {"status": "completed", "patient_name": "Changed"}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert (request.status, request.patient_name) == (Status.NEW, "Testina Fictional")


def test_requests_cannot_be_added_or_deleted_even_by_a_superuser(client):
    sign_in(client, SuperuserFactory())
    request = VisitRequestFactory()
    assert client.get(admin_url("add")).status_code == 403
    assert client.post(admin_url("delete", request.pk), {"post": "yes"}).status_code == 403
    assert VisitRequest.objects.filter(pk=request.pk).exists()


def test_events_are_append_only_in_admin(client):
    sign_in(client, SuperuserFactory())
    event = RequestEvent.objects.create(
        request=VisitRequestFactory(), to_status="new", actor_label="family"
    )
    change = reverse("admin:booking_requestevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"note": "rewritten"}).status_code == 403
    delete = reverse("admin:booking_requestevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:booking_requestevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_messages_list_resends_failed_ones_only(coordinator_client):
    failed = MessageFactory(status=MessageStatus.FAILED, attempts=5)
    sent = MessageFactory(request=failed.subject, kind=MessageKind.COORDINATOR_ALERT, status="sent")
    response = coordinator_client.post(
        reverse("admin:outbox_message_changelist"),
        {"action": "resend_selected", "index": "0", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, sent.status) == (MessageStatus.PENDING, MessageStatus.SENT)


def test_opening_listing_and_exporting_requests_are_logged(coordinator_client, coordinator):
    request = VisitRequestFactory()
    coordinator_client.get(admin_url("change", request.pk))
    coordinator_client.get(changelist_url())
    post_action(coordinator_client, "export_csv", [request])
    logged = list(
        AccessLog.objects.order_by("pk").values_list("actor_username", "action", "request_ids")
    )
    assert logged == [
        (coordinator.username, "view", [request.pk]),
        (coordinator.username, "list", [request.pk]),
        (coordinator.username, "export", [request.pk]),
    ]


@pytest.mark.parametrize(
    "step",
    ["contacted", "schedule", "complete", "cancel", "decline", "erase", "record", "handover"],
)
def test_every_workflow_page_writes_an_access_log_row(coordinator_client, coordinator, nurse, step):
    """Each workflow page shows the request's summary (who, where, what medicine)."""
    request = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    response = coordinator_client.get(admin_url(step, request.pk))
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.actor_username, entry.action, entry.request_ids) == (
        coordinator.username,
        "view",
        [request.pk],
    )
    assert entry.page == admin_url(step, request.pk)


def test_message_and_event_pages_write_access_log_rows(coordinator_client, coordinator):
    request = VisitRequestFactory()
    message = MessageFactory(request=request)
    event = RequestEvent.objects.create(
        request=request, from_status="", to_status=Status.NEW, actor_label="family"
    )
    pages = [
        reverse("admin:outbox_message_changelist"),
        reverse("admin:outbox_message_change", args=[message.pk]),
        reverse("admin:booking_requestevent_changelist"),
        reverse("admin:booking_requestevent_change", args=[event.pk]),
    ]
    for page in pages:
        assert coordinator_client.get(page).status_code == 200
    logged = list(AccessLog.objects.order_by("pk").values_list("action", "request_ids", "page"))
    assert logged == [
        ("list", [request.pk], pages[0]),
        ("view", [request.pk], pages[1]),
        ("list", [request.pk], pages[2]),
        ("view", [request.pk], pages[3]),
    ]


def test_a_head_of_a_request_page_is_logged_like_a_get(coordinator_client):
    """Every page that shows requests logs alike: the request pages as the message pages."""
    request = VisitRequestFactory()
    assert coordinator_client.head(admin_url("change", request.pk)).status_code == 200
    assert coordinator_client.head(changelist_url()).status_code == 200
    logged = list(AccessLog.objects.order_by("pk").values_list("action", "request_ids"))
    assert logged == [("view", [request.pk]), ("list", [request.pk])]


def test_a_search_in_the_access_log_page_keeps_no_phone_number(coordinator_client):
    VisitRequestFactory(patient_phone="+919820012345")
    coordinator_client.get(changelist_url(q="98200 12345"))
    assert AccessLog.objects.get().page == changelist_url()


def test_access_log_is_read_only_even_for_a_superuser(client):
    sign_in(client, SuperuserFactory())
    entry = AccessLog.objects.create(actor_username="someone", action="view", request_ids=[1])
    assert client.get(reverse("admin:booking_accesslog_changelist")).status_code == 200
    change = reverse("admin:booking_accesslog_change", args=[entry.pk])
    assert client.post(change, {"action": "export"}).status_code == 403
    delete = reverse("admin:booking_accesslog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_erase_at_the_familys_request(coordinator_client, coordinator):
    request = VisitRequestFactory(caregiver_name="Fictional Son")
    pending = MessageFactory(request=request, due_at=ist(2026, 12, 3, 9, 0))
    assert coordinator_client.get(admin_url("erase", request.pk)).status_code == 200

    unconfirmed = coordinator_client.post(admin_url("erase", request.pk), {})
    assert unconfirmed.status_code == 200
    assert unconfirmed.context["form"].errors["confirm"]
    request.refresh_from_db()
    assert request.anonymised_at is None

    response = coordinator_client.post(admin_url("erase", request.pk), {"confirm": "on"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.anonymised_at is not None
    assert request.status == Status.CANCELLED
    assert request.caregiver_name == ""
    assert request.consent.withdrawn_at is not None
    pending.refresh_from_db()
    assert pending.status == MessageStatus.CANCELLED
    assert AccessLog.objects.filter(action="withdraw", request_ids=[request.pk]).exists()
    page = coordinator_client.get(admin_url("change", request.pk))
    assert admin_url("erase", request.pk) not in page.content.decode()


# --- the day's visits ---------------------------------------------------------------------


def test_visits_for_a_day_by_nurse_in_time_order(coordinator_client, nurse, other_nurse):
    late = scheduled(
        nurse, ist(2026, 12, 4, 15, 0), patient_name="Late Patient", landmark="Near the temple"
    )
    early = scheduled(nurse, ist(2026, 12, 4, 9, 0), patient_name="Early Patient")
    meera = scheduled(other_nurse, ist(2026, 12, 4, 11, 0), patient_name="Meera Patient")
    scheduled(nurse, ist(2026, 12, 5, 9, 0), patient_name="Next Day Patient")
    cancelled = scheduled(nurse, ist(2026, 12, 4, 12, 0), patient_name="Cancelled Patient")
    VisitRequest.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)

    response = coordinator_client.get(admin_url("visits") + "?date=2026-12-04")
    assert response.status_code == 200
    groups = response.context["by_nurse"]
    assert [g["label"] for g in groups] == ["Asha Fictional", "Meera Fictional"]
    assert [v.pk for v in groups[0]["visits"]] == [early.pk, late.pk]
    assert [v.pk for v in groups[1]["visits"]] == [meera.pk]
    html = response.content.decode()
    for text in (
        "09:00",
        "Flat 12, Imaginary Heights",
        "Example Road",
        "400053",
        "Near the temple",
        "+91 98200 12345",
    ):
        assert text in html, text
    assert "Next Day Patient" not in html
    assert "Cancelled Patient" not in html
    assert "css/admin-visits." in html
    assert "style=" not in html.split('id="content-main"')[1]


def test_visits_page_defaults_to_today(coordinator_client, nurse):
    today = scheduled(nurse, ist(2026, 12, 2, 16, 0))
    for query in ("", "?date=not-a-date"):
        response = coordinator_client.get(admin_url("visits") + query)
        assert response.status_code == 200
        assert response.context["day"] == TODAY
        assert today.reference in response.content.decode()


def test_the_timeline_names_people_and_outcomes_in_words(coordinator_client, coordinator):
    """Not "call outcome: - → no_answer" by "demo-coordinator"."""
    from booking.calls import call_attempt_record

    coordinator.first_name, coordinator.last_name = "Kavita", "Fictional"
    coordinator.save()
    request = VisitRequestFactory()
    call_attempt_record(visit_request=request, outcome="no_answer", actor=coordinator)
    response = coordinator_client.get(
        reverse("admin:booking_visitrequest_change", args=[request.pk])
    )
    html = response.content.decode()
    timeline = html[html.index("uhapo-timeline") :]
    assert "call: No answer" in timeline
    assert "no_answer" not in timeline
    assert "Kavita Fictional" in timeline
    assert coordinator.username not in timeline
