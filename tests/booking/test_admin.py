"""Staff triage in Django admin: the list, its filters and search, the workflow
actions (through the services), nurses' limits, export and login protection."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zoneinfo
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking import workflow
from booking.admin.filters import NurseFilter
from booking.admin.workflow_views import resend_failed
from booking.models import AccessLog, MessageKind, RequestEvent, Status, VisitRequest
from outbox.models import Message, MessageStatus
from tests.auth import current_code, sign_in, totp_device
from tests.factories import (
    CoordinatorFactory,
    MessageFactory,
    NurseFactory,
    ServiceAreaFactory,
    SuperuserFactory,
    UserFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)
PASSWORD = "correct-horse-battery-staple"


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


# Wednesday 2 December 2026, 10:00 in Mumbai: "this week" runs Monday 30
# November to Sunday 6 December.
NOW = ist(2026, 12, 2, 10, 0)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def nurse():
    return NurseFactory(first_name="Asha", last_name="Fictional")


@pytest.fixture
def other_nurse():
    return NurseFactory(first_name="Meera", last_name="Fictional")


@pytest.fixture
def coordinator_client(client, coordinator):
    return sign_in(client, coordinator)


@pytest.fixture
def nurse_client(client, nurse):
    return sign_in(client, nurse)


def changelist_url(**params: object) -> str:
    url = reverse("admin:booking_visitrequest_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def admin_url(name: str, *args: object) -> str:
    return reverse(f"admin:booking_visitrequest_{name}", args=args)


def listed(response) -> set[str]:
    assert response.status_code == 200, response
    return {obj.reference for obj in response.context["cl"].result_list}


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def scheduled(nurse, start: datetime.datetime, hours: float = 2, **fields) -> VisitRequest:
    return VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + hours * H,
        **fields,
    )


def received_at(visit_request: VisitRequest, moment: datetime.datetime) -> None:
    VisitRequest.objects.filter(pk=visit_request.pk).update(created_at=moment)


def post_action(client, action: str, objs, **extra):
    data = {
        "action": action,
        "index": "0",
        "select_across": "0",
        "_selected_action": [o.pk for o in objs],
    }
    data.update(extra)
    return client.post(changelist_url(), data)


def apply_action(client, action: str, objs, **fields):
    """The second step of an action that asks for a note or a reason first."""
    data = {"action": action, "_selected_action": [o.pk for o in objs], "_apply_to_selected": "yes"}
    data.update(fields)
    return client.post(changelist_url(), data)


# --- the list -------------------------------------------------------------------------


def _make_rows(count: int) -> None:
    pins = ["400050", "400053", "400058", "400061", "400069", "400076"]
    for i in range(count):
        area = ServiceAreaFactory(pin_code=pins[i % len(pins)])
        if i % 3 == 0:
            scheduled(NurseFactory(), ist(2026, 12, 5, 8, 0) + 3 * i * H, service_area=area)
        else:
            VisitRequestFactory(service_area=area, status=Status.NEW if i % 2 else Status.CONTACTED)


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url())
    assert response.status_code == 200
    return len(queries), response


def test_list_query_count_does_not_grow_with_rows(coordinator_client):
    """The list costs a fixed number of SQL queries however many rows it shows."""
    _make_rows(3)
    few, response = _list_queries(coordinator_client)
    assert len(response.context["cl"].result_list) == 3
    _make_rows(27)
    many, response = _list_queries(coordinator_client)
    assert len(response.context["cl"].result_list) == 30
    assert many == few
    print(f"\nchangelist queries: {few} for 3 rows, {many} for 30 rows")


def test_list_shows_the_triage_columns(coordinator_client, nurse):
    new = VisitRequestFactory(
        patient_name="Ramesh Imaginary", area="Bandra West", pin_code="400050"
    )
    received_at(new, NOW - 3 * H - 10 * datetime.timedelta(minutes=1))
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    response = coordinator_client.get(changelist_url())
    html = response.content.decode()
    assert "Ramesh Imaginary" in html
    assert "Bandra West 400050" in html
    assert "3 h 10 min" in html
    assert 'class="uhapo-overdue"' in html
    assert "Asha Fictional" in html
    assert booked.reference in html
    assert "css/admin-triage." in html
    # Newest first.
    refs = [obj.reference for obj in response.context["cl"].result_list]
    assert refs == [booked.reference, new.reference]


# --- filters ------------------------------------------------------------------------------


def test_overdue_filter(coordinator_client):
    overdue_today = VisitRequestFactory()
    received_at(overdue_today, ist(2026, 12, 2, 7, 30))  # 8:00-10:00 counts: 2 h
    fresh = VisitRequestFactory()
    received_at(fresh, ist(2026, 12, 2, 8, 30))
    overdue_evening = VisitRequestFactory()
    received_at(overdue_evening, ist(2026, 12, 1, 19, 30))
    answered = VisitRequestFactory(status=Status.CONTACTED)
    received_at(answered, ist(2026, 12, 1, 9, 0))

    assert listed(coordinator_client.get(changelist_url(overdue="yes"))) == {
        overdue_today.reference,
        overdue_evening.reference,
    }
    assert listed(coordinator_client.get(changelist_url(overdue="no"))) == {
        fresh.reference,
        answered.reference,
    }


def test_status_and_clinical_review_filters(coordinator_client):
    new = VisitRequestFactory()
    contacted = VisitRequestFactory(status=Status.CONTACTED, needs_clinical_review=True)
    assert listed(coordinator_client.get(changelist_url(status__exact="contacted"))) == {
        contacted.reference
    }
    assert listed(coordinator_client.get(changelist_url(status__exact="new"))) == {new.reference}
    assert listed(coordinator_client.get(changelist_url(needs_clinical_review__exact="1"))) == {
        contacted.reference
    }


def test_preferred_date_filter_and_date_hierarchy(coordinator_client):
    rows = {
        day: VisitRequestFactory(preferred_date=day)
        for day in (
            TODAY,
            TODAY + datetime.timedelta(days=1),
            datetime.date(2026, 12, 5),
            datetime.date(2026, 12, 8),
            datetime.date(2026, 11, 28),
        )
    }
    ref = {day: obj.reference for day, obj in rows.items()}

    def found(value):
        return listed(coordinator_client.get(changelist_url(preferred=value)))

    assert found("today") == {ref[TODAY]}
    assert found("tomorrow") == {ref[datetime.date(2026, 12, 3)]}
    assert found("week") == {
        ref[TODAY],
        ref[datetime.date(2026, 12, 3)],
        ref[datetime.date(2026, 12, 5)],
    }
    assert found("next_week") == {ref[datetime.date(2026, 12, 8)]}
    assert found("past") == {ref[datetime.date(2026, 11, 28)]}
    by_day = coordinator_client.get(
        changelist_url(preferred_date__year=2026, preferred_date__month=12, preferred_date__day=8)
    )
    assert listed(by_day) == {ref[datetime.date(2026, 12, 8)]}


def test_scheduled_date_filter(coordinator_client, nurse):
    today = scheduled(nurse, ist(2026, 12, 2, 15, 0))
    tomorrow = scheduled(nurse, ist(2026, 12, 3, 9, 0))
    sunday = scheduled(nurse, ist(2026, 12, 6, 18, 0))
    next_week = scheduled(nurse, ist(2026, 12, 7, 9, 0))
    unscheduled = VisitRequestFactory()

    def found(value):
        return listed(coordinator_client.get(changelist_url(scheduled=value)))

    assert found("today") == {today.reference}
    assert found("tomorrow") == {tomorrow.reference}
    assert found("week") == {today.reference, tomorrow.reference, sunday.reference}
    assert found("next_week") == {next_week.reference}
    assert found("none") == {unscheduled.reference}


def test_area_nurse_and_medicine_filters(coordinator_client, nurse, other_nurse):
    bandra = ServiceAreaFactory(pin_code="400050")
    in_bandra = VisitRequestFactory(service_area=bandra, pin_code="400050", medicine="nivolumab")
    asha = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    meera = scheduled(other_nurse, ist(2026, 12, 4, 10, 0))

    assert listed(coordinator_client.get(changelist_url(service_area__id__exact=bandra.pk))) == {
        in_bandra.reference
    }
    assert listed(coordinator_client.get(changelist_url(nurse=nurse.pk))) == {asha.reference}
    assert listed(coordinator_client.get(changelist_url(nurse=other_nurse.pk))) == {meera.reference}
    assert listed(coordinator_client.get(changelist_url(nurse="none"))) == {in_bandra.reference}
    assert listed(coordinator_client.get(changelist_url(medicine="nivolumab"))) == {
        in_bandra.reference
    }


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "+919820012345",
        "98200 12345",
        "+91 98200-12345",
        "098200 12345",
        "919820012345",
        "9820012345",
    ],
)
def test_search_by_patient_phone_in_any_format(coordinator_client, typed):
    patient = VisitRequestFactory(patient_phone="+919820012345")
    VisitRequestFactory(patient_phone="+919833300000")
    assert listed(coordinator_client.get(changelist_url(q=typed))) == {patient.reference}


def test_search_by_caregiver_phone(coordinator_client):
    helped = VisitRequestFactory(
        patient_phone="+919833300000",
        caregiver_name="Fictional Son",
        caregiver_phone="+919876543210",
    )
    VisitRequestFactory()
    assert listed(coordinator_client.get(changelist_url(q="098765-43210"))) == {helped.reference}


def test_search_by_reference_and_name(coordinator_client):
    target = VisitRequestFactory(patient_name="Kamala Madeup", caregiver_name="Vikram Madeup")
    VisitRequestFactory(patient_name="Someone Else")
    reference = target.reference
    for typed in (
        reference,
        reference.lower(),
        reference.replace("-", "").lower(),
        "kamala",
        "Vikram",
    ):
        assert listed(coordinator_client.get(changelist_url(q=typed))) == {reference}, typed


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
    kinds = sorted(request.messages.values_list("kind", "channel"))
    assert kinds == sorted(
        (kind, channel)
        for kind in (MessageKind.VISIT_SCHEDULED, MessageKind.REMINDER_24H, MessageKind.REMINDER_2H)
        for channel in ("email", "sms")
    )
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
    scheduled(nurse, ist(2026, 12, 4, 10, 0), hours=2)
    request = VisitRequestFactory()
    overlapping = {"date": "2026-12-04", "start_time": "11:00", "duration": "60", "nurse": nurse.pk}
    response = coordinator_client.post(admin_url("schedule", request.pk), overlapping)
    assert response.status_code == 200
    assert response.context["form"].errors["nurse"] == [
        "This nurse already has a visit that overlaps this time."
    ]
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert not request.messages.exists()

    # Another nurse at that time, or the same nurse right after, is fine.
    response = coordinator_client.post(
        admin_url("schedule", request.pk), {**overlapping, "nurse": other_nurse.pk}
    )
    assert response.status_code == 302
    second = VisitRequestFactory()
    response = coordinator_client.post(
        admin_url("schedule", second.pk),
        {"date": "2026-12-04", "start_time": "12:00", "duration": "60", "nurse": nurse.pk},
    )
    assert response.status_code == 302


def test_service_refusal_shows_on_the_form(coordinator_client, nurse, monkeypatch):
    """An overlap that appears between the form check and the service's lock is still refused."""
    request = VisitRequestFactory()
    scheduled(nurse, ist(2026, 12, 4, 10, 0))
    real = workflow.nurse_has_overlap
    calls = []

    def first_says_free(**kwargs):
        calls.append(kwargs)
        return False if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(workflow, "nurse_has_overlap", first_says_free)
    response = coordinator_client.post(
        admin_url("schedule", request.pk),
        {"date": "2026-12-04", "start_time": "11:00", "duration": "60", "nurse": nurse.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["nurse"]
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
    told = request.messages.filter(kind=MessageKind.CANCELLED)
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]


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
    assert Message.objects.filter(kind=MessageKind.CANCELLED).count() == 4


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
    "step", ["contacted", "schedule", "complete", "cancel", "decline", "erase"]
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


def test_nurse_can_mark_her_visit_completed_and_nothing_else(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    page = nurse_client.get(admin_url("change", visit.pk))
    assert page.status_code == 200
    assert [b["name"] for b in page.context["workflow_buttons"]] == ["complete"]
    for name in ("contacted", "schedule", "cancel", "decline", "erase"):
        assert nurse_client.get(admin_url(name, visit.pk)).status_code == 403, name
        assert (
            nurse_client.post(admin_url(name, visit.pk), {"reason": "x", "note": "x"}).status_code
            == 403
        )

    response = nurse_client.post(
        admin_url("complete", visit.pk), {"note": "Infusion given, no reaction."}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED
    assert visit.events.get().actor == nurse


def test_nurse_bulk_completes_own_visits(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    response = post_action(nurse_client, "mark_completed", [visit])
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Status.COMPLETED


def test_nurse_has_only_the_completed_action_and_cannot_export(nurse_client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    response = nurse_client.get(changelist_url())
    actions = [
        name for name, _label in response.context["action_form"].fields["action"].choices if name
    ]
    assert actions == ["mark_completed"]
    response = post_action(nurse_client, "export_csv", [visit])
    assert response.status_code == 302
    assert not response["Content-Type"].startswith("text/csv")
    assert "No action selected." in flashes(response)


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


def _export(client, objs):
    response = post_action(client, "export_csv", objs)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_selected_to_csv(coordinator_client, nurse):
    chosen = scheduled(nurse, ist(2026, 12, 4, 10, 0), patient_name="=HYPERLINK(1)")
    other = VisitRequestFactory(patient_name="Not Exported")
    rows = _export(coordinator_client, [chosen])
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
    _make_rows(3)
    with CaptureQueriesContext(connection) as few:
        assert len(_export(coordinator_client, VisitRequest.objects.all())) == 4
    _make_rows(27)
    with CaptureQueriesContext(connection) as many:
        assert len(_export(coordinator_client, VisitRequest.objects.all())) == 31
    assert len(many) == len(few)


# --- groups, login protection, demo accounts --------------------------------------------------


def test_groups_come_from_a_migration():
    coordinators = set(
        Group.objects.get(name="Coordinators").permissions.values_list("codename", flat=True)
    )
    assert {
        "view_visitrequest",
        "change_visitrequest",
        "view_message",
        "view_requestevent",
        "add_servicearea",
        "change_servicearea",
        "view_servicearea",
        "view_page",
        "change_page",
    } <= coordinators
    assert not {c for c in coordinators if c.startswith("delete_")}
    assert "triage_visitrequest" in coordinators
    # A coordinator is not offered as the nurse of a visit.
    assert "complete_visit" not in coordinators
    nurses = set(Group.objects.get(name="Nurses").permissions.values_list("codename", flat=True))
    assert nurses == {"view_visitrequest", "complete_visit"}


def test_coordinator_manages_service_areas_and_guide_pages(coordinator_client):
    assert (
        coordinator_client.get(reverse("admin:booking_servicearea_changelist")).status_code == 200
    )
    assert coordinator_client.get(reverse("admin:booking_servicearea_add")).status_code == 200
    index = coordinator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:content_page_changelist") in index


def _login(client, username: str, password: str):
    """The admin's login form: password and the code from the authenticator app."""
    from django.contrib.auth import get_user_model

    device = totp_device(get_user_model().objects.get(username=username))
    return client.post(
        reverse("admin:login"),
        {
            "username": username,
            "password": password,
            "otp_token": current_code(device),
            "next": "/admin/",
        },
    )


def test_sixth_attempt_is_refused_even_with_the_right_password(client, clock):
    user = CoordinatorFactory()
    for _attempt in range(5):
        response = _login(client, user.username, "not-the-password-at-all")
    assert response.status_code == 429
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "admin/locked_out.html" in [t.name for t in response.templates]
    assert "paused for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302

    clock.shift(datetime.timedelta(minutes=16))
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_four_wrong_passwords_do_not_lock(client):
    user = CoordinatorFactory()
    for _attempt in range(4):
        assert _login(client, user.username, "not-the-password-at-all").status_code == 200
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("weak", ["short-pass", "password1234", "492037561839"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_demo_data_makes_fictional_staff_idempotently(client, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-2026")
    call_command("demo_data")
    call_command("demo_data")
    out = capsys.readouterr().out
    assert "demo-coordinator" in out
    assert "demo-nurse-asha" in out
    assert "a-long-demo-password-2026" in out
    coordinator = Group.objects.get(name="Coordinators").user_set.get()
    nurse = Group.objects.get(name="Nurses").user_set.get()
    assert coordinator.get_full_name() == "Demo Coordinator"
    assert nurse.get_full_name() == "Nurse Asha Demo"
    assert not coordinator.is_superuser
    assert coordinator.is_staff
    assert _login(client, "demo-nurse-asha", "a-long-demo-password-2026").status_code == 302


def test_demo_data_generates_a_password_and_refuses_production(settings, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_data")
    call_command("demo_data", force=True)
    password = (
        capsys.readouterr().out.split("Password for both (generated for this run): ")[1].split()[0]
    )
    validate_password(password)
    user = Group.objects.get(name="Coordinators").user_set.get()
    assert user.check_password(password)
    monkeypatch.setenv("DEMO_PASSWORD", "weak")
    with pytest.raises(CommandError):
        call_command("demo_data", force=True)


# --- roles are permissions, not group names ----------------------------------------------


def staff_with(*codenames: str):
    """A member of staff in no group, given these booking permissions directly."""
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
    )
    assert not user.groups.exists()
    return user


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("contacted", Status.CONTACTED),
        ("schedule", Status.SCHEDULED),
        ("complete", Status.COMPLETED),
        ("cancel", Status.CANCELLED),
        ("decline", Status.DECLINED),
        ("erase", Status.CANCELLED),
        ("resend", Status.NEW),
    ],
)
def test_a_coordinator_can_take_every_workflow_step(
    coordinator_client, coordinator, nurse, step, status
):
    visit = (
        scheduled(nurse, ist(2026, 12, 1, 9, 0)) if step == "complete" else VisitRequestFactory()
    )
    args = [visit.pk]
    if step == "resend":
        args.append(MessageFactory(request=visit, status=MessageStatus.FAILED, attempts=5).pk)
    data = {"note": "", "reason": "Family asked to stop.", "confirm": "on"}
    if step == "schedule":
        data.update(date="2026-12-04", start_time="10:00", duration="120", nurse=nurse.pk)

    assert coordinator_client.get(admin_url(step, *args)).status_code == 200
    response = coordinator_client.post(admin_url(step, *args), data)
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", visit.pk)
    visit.refresh_from_db()
    assert visit.status == status
    assert visit.events.filter(actor=coordinator).exists()


def test_a_user_given_only_the_triage_permission_triages(client, nurse):
    """No group at all: the admin asks for the permission, never for "Coordinators"."""
    sign_in(client, staff_with("triage_visitrequest"))
    new = VisitRequestFactory()
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    assert listed(client.get(changelist_url())) == {new.reference, booked.reference}

    response = client.post(admin_url("contacted", new.pk), {"note": "Spoke to the son."})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Status.CONTACTED
    page = client.get(admin_url("change", new.pk))
    html = page.content.decode()
    assert "Spoke to the son." in html  # the timeline: triage reads a request's rows
    assert admin_url("schedule", new.pk) in html
    assert len(_export(client, [new, booked])) == 3


def test_a_user_given_only_the_nurses_permission_completes_her_own_visit(client):
    nurse = staff_with("complete_visit")
    sign_in(client, nurse)
    mine = scheduled(nurse, ist(2026, 12, 1, 9, 0))
    VisitRequestFactory()
    assert listed(client.get(changelist_url())) == {mine.reference}
    assert client.post(admin_url("contacted", mine.pk), {"note": ""}).status_code == 403
    assert client.post(admin_url("complete", mine.pk), {"note": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.COMPLETED


def test_whoever_has_the_nurses_permission_is_offered_as_the_nurse(coordinator_client, nurse):
    """Through the group or given directly; not a coordinator, not a superuser."""
    direct = staff_with("complete_visit")
    SuperuserFactory()
    page = coordinator_client.get(admin_url("schedule", VisitRequestFactory().pk))
    assert set(page.context["form"].fields["nurse"].queryset) == {nurse, direct}
    filters = coordinator_client.get(changelist_url()).context["cl"].filter_specs
    nurse_filter = next(f for f in filters if isinstance(f, NurseFilter))
    assert {value for value, _label in nurse_filter.lookup_choices} == {
        "none",
        str(nurse.pk),
        str(direct.pk),
    }
