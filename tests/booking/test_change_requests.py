"""A family's request to move a visit is answered by moving it."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from booking import change_requests, workflow
from booking.models import ChangeRequestStatus, Status
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NOW = datetime.datetime(2026, 12, 7, 11, 0, tzinfo=IST)


def test_moving_the_visit_answers_the_familys_request():
    with time_machine.travel(NOW, tick=False):
        nurse = NurseFactory()
        start = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=IST)
        visit = VisitRequestFactory(
            status=Status.SCHEDULED,
            nurse=nurse,
            scheduled_start=start,
            scheduled_end=start + datetime.timedelta(hours=2),
        )
        change = change_requests.change_request_create(
            visit_request=visit,
            days=[datetime.date(2026, 12, 10)],
            time_of_day="afternoon",
            reason="Hospital appointment",
        )
        coordinator = CoordinatorFactory()
        moved_to = datetime.datetime(2026, 12, 10, 14, 0, tzinfo=IST)

        workflow.visit_request_schedule(
            visit_request=visit,
            start=moved_to,
            end=moved_to + datetime.timedelta(hours=2),
            nurse=nurse,
            actor=coordinator,
        )

        change.refresh_from_db()
        assert change.status == ChangeRequestStatus.MOVED
        assert change.answered_by == coordinator
        assert change_requests.open_change_request(visit) is None


def test_cancelling_closes_an_open_request_to_move_and_the_familys_page_stops_showing_it(client):
    from booking.links import status_path

    with time_machine.travel(NOW, tick=False):
        visit = VisitRequestFactory(status=Status.CONTACTED)
        change = change_requests.change_request_create(
            visit_request=visit,
            days=[datetime.date(2026, 12, 10)],
            time_of_day="afternoon",
            reason="Hospital appointment",
        )
        workflow.visit_request_cancel(
            visit_request=visit, reason="Admitted to hospital", actor=None
        )
        change.refresh_from_db()
        assert change.status == ChangeRequestStatus.CLOSED
        assert change_requests.open_change_request(visit) is None
        html = client.get(status_path(visit)).content.decode()
    assert "Cancelled" in html
    assert "Your request to move the visit" not in html
    assert "Waiting for a coordinator" not in html


def test_the_familys_page_repeats_the_time_of_day_they_asked_for(client):
    from booking.links import status_path

    with time_machine.travel(NOW, tick=False):
        visit = VisitRequestFactory(status=Status.CONTACTED)
        change_requests.change_request_create(
            visit_request=visit,
            days=[datetime.date(2026, 12, 10)],
            time_of_day="afternoon",
            reason="Hospital appointment",
        )
        html = client.get(status_path(visit)).content.decode()
    assert "Waiting for a coordinator" in html
    assert "afternoon" in html.split("You asked for:")[1].split("</p>")[0]


def test_the_coordinators_are_emailed_when_the_family_asks_to_move_or_cancels(client, mailoutbox):
    from django.conf import settings

    from booking.models import MessageKind
    from outbox import dispatch
    from outbox.models import Message

    with time_machine.travel(NOW, tick=False):
        visit = VisitRequestFactory(status=Status.CONTACTED)
        change_requests.change_request_create(
            visit_request=visit,
            days=[datetime.date(2026, 12, 10)],
            time_of_day="",
            reason="Hospital appointment",
        )
        (move,) = Message.objects.filter(kind=MessageKind.FAMILY_MOVE)
        assert move.recipient == settings.COORDINATOR_EMAIL
        assert dispatch.message_deliver(message_id=move.pk)
        workflow.visit_request_cancel(visit_request=visit, reason="Admitted", actor=None)
        (cancelled,) = Message.objects.filter(kind=MessageKind.FAMILY_CANCELLED)
        assert cancelled.recipient == settings.COORDINATOR_EMAIL
        assert dispatch.message_deliver(message_id=cancelled.pk)
    subjects = sorted(m.subject for m in mailoutbox if visit.reference in m.subject)
    assert any("The family cancelled" in s for s in subjects)
    assert any("The family asks to move" in s for s in subjects)
    body = next(m.body for m in mailoutbox if "cancelled" in m.subject)
    assert visit.get_admin_url() in body
    assert visit.patient_name not in body


def test_staff_cancelling_does_not_email_the_coordinators_about_it():
    from booking.models import MessageKind
    from outbox.models import Message

    with time_machine.travel(NOW, tick=False):
        visit = VisitRequestFactory(status=Status.CONTACTED)
        workflow.visit_request_cancel(
            visit_request=visit, reason="Family called", actor=CoordinatorFactory()
        )
    assert not Message.objects.filter(kind=MessageKind.FAMILY_CANCELLED).exists()
