"""Workflow actions and buttons, through the services."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from booking.admin.workflow_views import resend_failed
from booking.models import AccessLog, MessageKind, RequestEvent, Status, VisitRequest
from outbox.models import Message, MessageStatus
from tests.booking.admin.helpers import (
    admin_url,
    apply_action,
    changelist_url,
    flashes,
    ist,
    post_action,
    scheduled,
)
from tests.factories import (
    MessageFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- actions and buttons, through the services --------------------------------------------------


def test_mark_contacted_with_a_note(coordinator_client, coordinator):
    request = VisitRequestFactory()
    page = coordinator_client.get(admin_url("contacted", request.pk))
    assert page.status_code == 200
    assert 'name="note"' in page.content.decode()

    response = coordinator_client.post(
        admin_url("contacted", request.pk), {"note": "Spoke to the son; prescription seen."}
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", request.pk)
    request.refresh_from_db()
    assert request.status == Status.CONTACTED
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("new", "contacted", coordinator)
    assert event.note == "Spoke to the son; prescription seen."
    # Marking contacted tells nobody.
    assert not request.messages.exists()


def test_mark_contacted_bulk_action_asks_for_a_note(coordinator_client):
    first, second = VisitRequestFactory(), VisitRequestFactory()
    page = post_action(coordinator_client, "mark_contacted", [first, second])
    assert page.status_code == 200
    assert "admin/booking/visitrequest/bulk_action.html" in [t.name for t in page.templates]
    assert VisitRequest.objects.filter(status=Status.NEW).count() == 2

    response = apply_action(
        coordinator_client, "mark_contacted", [first, second], note="Called both"
    )
    assert response.status_code == 302
    assert set(VisitRequest.objects.values_list("status", flat=True)) == {Status.CONTACTED}
    assert RequestEvent.objects.filter(to_status="contacted", note="Called both").count() == 2
    assert "2 requests marked contacted." in flashes(response)


def test_the_confirmation_page_of_a_bulk_action_carries_the_chosen_requests(coordinator_client):
    """Submitting the page as a browser would (its own hidden fields) applies the action."""
    chosen, left_alone = VisitRequestFactory(), VisitRequestFactory()
    page = post_action(coordinator_client, "cancel_requests", [chosen])
    html = page.content.decode()
    assert f"{chosen.reference} &ndash; {chosen.patient_name}" in html
    assert left_alone.reference not in html
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    assert ("_selected_action", str(chosen.pk)) in hidden
    assert ("action", "cancel_requests") in hidden
    # The page names the family, so seeing it is logged like any list of requests.
    assert list(AccessLog.objects.values_list("action", "request_ids")) == [("list", [chosen.pk])]

    fields: dict[str, list[str]] = {"reason": ["Family asked to stop."]}
    for name, value in hidden:
        fields.setdefault(name, []).append(value)
    response = coordinator_client.post(changelist_url(), fields)
    assert response.status_code == 302
    assert "1 request cancelled." in flashes(response)
    chosen.refresh_from_db()
    left_alone.refresh_from_db()
    assert (chosen.status, left_alone.status) == (Status.CANCELLED, Status.NEW)


def test_schedule_writes_event_and_queues_confirmation_and_reminders(
    coordinator_client, coordinator, nurse
):
    request = VisitRequestFactory(
        status=Status.CONTACTED, preferred_date=datetime.date(2026, 12, 4)
    )
    page = coordinator_client.get(admin_url("schedule", request.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["date"] == datetime.date(2026, 12, 4)

    response = coordinator_client.post(
        admin_url("schedule", request.pk),
        {"date": "2026-12-04", "start_time": "10:00", "duration": "120", "nurse": nurse.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED
    assert request.nurse == nurse
    assert request.scheduled_start == ist(2026, 12, 4, 10, 0)
    assert request.scheduled_end == ist(2026, 12, 4, 12, 0)
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "contacted",
        "scheduled",
        coordinator,
    )
    assert event.changes["scheduled_start"] == [None, ist(2026, 12, 4, 10, 0).isoformat()]
    assert event.changes["nurse"] == [None, "Asha Fictional"]
    kinds = sorted(request.messages.exclude(audience="nurse").values_list("kind", "channel"))
    assert kinds == sorted(
        (kind, channel)
        for kind in (MessageKind.VISIT_SCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H)
        for channel in ("email", "sms")
    )
    # The nurse is told too (by email: this one has no mobile in her details).
    told = request.messages.filter(audience="nurse").values_list("kind", "recipient")
    assert list(told) == [(MessageKind.NURSE_ASSIGNED, nurse.email)]
    assert set(request.messages.values_list("status", flat=True)) == {MessageStatus.PENDING}


def test_schedule_refuses_a_time_in_the_past(coordinator_client, nurse):
    request = VisitRequestFactory()
    response = coordinator_client.post(
        admin_url("schedule", request.pk),
        {"date": "2026-12-02", "start_time": "09:00", "duration": "60", "nurse": nurse.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == ["The visit must start in the future."]
    assert "uhapo-error-summary" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert not request.events.exists()
    assert not request.messages.exists()


def test_overlapping_visits_for_one_nurse_are_refused(coordinator_client, nurse, other_nurse):
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0), hours=2, area="Andheri East")
    request = VisitRequestFactory()
    overlapping = {"date": "2026-12-04", "start_time": "11:00", "duration": "60", "nurse": nurse.pk}
    response = coordinator_client.post(admin_url("schedule", request.pk), overlapping)
    assert response.status_code == 200
    assert response.context["form"].errors["nurse"] == [
        f"Overlaps {booked.reference}, 10:00–12:00 in Andheri East"
    ]
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert not request.messages.exists()

    # Another nurse at that time, or the same nurse once she has had time to travel, is fine.
    response = coordinator_client.post(
        admin_url("schedule", request.pk), {**overlapping, "nurse": other_nurse.pk}
    )
    assert response.status_code == 302
    second = VisitRequestFactory()
    response = coordinator_client.post(
        admin_url("schedule", second.pk),
        {"date": "2026-12-04", "start_time": "12:45", "duration": "60", "nurse": nurse.pk},
    )
    assert response.status_code == 302


def test_service_refusal_shows_on_the_form(coordinator_client, nurse, monkeypatch):
    """An overlap that appears between the form check and the service's lock is still refused."""
    from booking import scheduling

    request = VisitRequestFactory()
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    real = scheduling.conflicts
    calls = []

    def first_says_free(**kwargs):
        calls.append(kwargs)
        return [] if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(scheduling, "conflicts", first_says_free)
    response = coordinator_client.post(
        admin_url("schedule", request.pk),
        {"date": "2026-12-04", "start_time": "11:00", "duration": "60", "nurse": nurse.pk},
    )
    assert response.status_code == 200
    assert booked.reference in response.context["form"].errors["nurse"][0]
    # The clash appeared late, so the override field is offered now.
    assert 'name="override_reason"' in response.content.decode()
    assert '<textarea name="override_reason"' in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_schedule_action_takes_one_request(coordinator_client):
    first, second = VisitRequestFactory(), VisitRequestFactory()
    response = post_action(coordinator_client, "schedule_visit", [first])
    assert response.status_code == 302
    assert response["Location"] == admin_url("schedule", first.pk)
    response = post_action(coordinator_client, "schedule_visit", [first, second])
    assert "Choose exactly one request to schedule." in flashes(response)


def test_mark_completed_cancels_pending_reminders(coordinator_client, coordinator, nurse):
    visit = scheduled(nurse, ist(2026, 12, 2, 8, 0))
    reminder = MessageFactory(
        request=visit, kind=MessageKind.REMINDER_2H, due_at=ist(2026, 12, 9, 8, 0)
    )
    response = coordinator_client.post(admin_url("complete", visit.pk), {"note": ""})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED
    assert visit.events.get().to_status == "completed"
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.CANCELLED


def test_mark_completed_bulk_action(coordinator_client, nurse, other_nurse):
    visits = [
        scheduled(nurse, ist(2026, 12, 1, 9, 0)),
        scheduled(other_nurse, ist(2026, 12, 1, 9, 0)),
    ]
    still_new = VisitRequestFactory()
    response = post_action(coordinator_client, "mark_completed", [*visits, still_new])
    assert response.status_code == 302
    assert VisitRequest.objects.filter(status=Status.COMPLETED).count() == 2
    still_new.refresh_from_db()
    assert still_new.status == Status.NEW
    messages_shown = flashes(response)
    assert "2 visits marked completed." in messages_shown
    assert any(still_new.reference in m and "cannot be marked" in m for m in messages_shown)


@pytest.mark.parametrize(("url_name", "status"), [("cancel", "cancelled"), ("decline", "declined")])
def test_cancel_or_decline_with_a_reason_tells_the_family(coordinator_client, url_name, status):
    request = VisitRequestFactory()
    old = MessageFactory(
        request=request, kind=MessageKind.REQUEST_RECEIVED, due_at=ist(2026, 12, 3, 8, 0)
    )

    refused = coordinator_client.post(admin_url(url_name, request.pk), {"reason": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]

    response = coordinator_client.post(
        admin_url(url_name, request.pk), {"reason": "Family asked to stop."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == status
    assert request.closing_reason == "Family asked to stop."
    assert request.events.get().note == "Family asked to stop."
    old.refresh_from_db()
    assert old.status == MessageStatus.CANCELLED
    # A decline has its own words (and next step), distinct from a cancellation.
    kind = MessageKind.DECLINED if status == "declined" else MessageKind.CANCELLED
    told = request.messages.filter(kind=kind)
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    assert request.messages.filter(status=MessageStatus.PENDING).count() == 2


@pytest.mark.parametrize(
    ("action", "status"), [("cancel_requests", "cancelled"), ("decline_requests", "declined")]
)
def test_cancel_or_decline_bulk_actions_need_a_reason(coordinator_client, action, status):
    requests = [VisitRequestFactory(), VisitRequestFactory(status=Status.CONTACTED)]
    assert post_action(coordinator_client, action, requests).status_code == 200
    no_reason = apply_action(coordinator_client, action, requests, reason="")
    assert no_reason.status_code == 200
    assert VisitRequest.objects.filter(status=status).count() == 0
    response = apply_action(
        coordinator_client, action, requests, reason="Outside our area after all."
    )
    assert response.status_code == 302
    assert VisitRequest.objects.filter(status=status).count() == 2
    kind = MessageKind.DECLINED if status == "declined" else MessageKind.CANCELLED
    assert Message.objects.filter(kind=kind).count() == 4


def test_resend_a_failed_message(coordinator_client, coordinator):
    request = VisitRequestFactory()
    failed = MessageFactory(
        request=request, status=MessageStatus.FAILED, attempts=5, last_error="timeout"
    )
    page = coordinator_client.get(admin_url("resend", request.pk, failed.pk))
    assert page.status_code == 200
    assert "timeout" in page.content.decode()
    response = coordinator_client.post(admin_url("resend", request.pk, failed.pk))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (MessageStatus.PENDING, 0, "")
    event = request.events.get()
    assert event.actor == coordinator
    assert "Resent" in event.note


def test_resend_action_and_refusal_of_a_sent_message(coordinator_client):
    request = VisitRequestFactory()
    failed = MessageFactory(request=request, status=MessageStatus.FAILED, attempts=5)
    sent = MessageFactory(
        request=request, kind=MessageKind.COORDINATOR_ALERT, status=MessageStatus.SENT
    )
    response = post_action(coordinator_client, "resend_failed_messages", [request])
    assert "1 message queued again." in flashes(response)
    failed.refresh_from_db()
    assert failed.status == MessageStatus.PENDING

    refused = coordinator_client.post(admin_url("resend", request.pk, sent.pk))
    assert refused.status_code == 302
    assert any("Only a failed message" in m for m in flashes(refused))
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_a_message_sent_since_the_page_was_drawn_is_refused_not_a_server_error(coordinator):
    """The request list, the request page and the message list all resend through here."""
    failed = MessageFactory(status=MessageStatus.FAILED, attempts=5)
    as_the_page_saw_it = list(Message.objects.filter(pk=failed.pk))
    Message.objects.filter(pk=failed.pk).update(status=MessageStatus.SENT)
    request = RequestFactory().post("/")
    request.user = coordinator
    request._messages = CookieStorage(request)

    assert resend_failed(request, as_the_page_saw_it) == 0
    assert [str(m) for m in request._messages] == [
        f"{failed.subject.reference}: Only a failed message can be sent again."
    ]
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT


def test_a_move_the_workflow_forbids_is_a_message_not_an_error(coordinator_client):
    done = VisitRequestFactory(status=Status.COMPLETED)
    response = coordinator_client.post(admin_url("contacted", done.pk), {"note": ""})
    assert response.status_code == 302
    assert any("cannot be marked Contacted" in m for m in flashes(response))
    done.refresh_from_db()
    assert done.status == Status.COMPLETED
    assert not done.events.exists()
