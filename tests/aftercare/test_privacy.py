"""Check-in answers are personal health data: erased by withdrawal and by retention."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from aftercare import services
from aftercare.links import checkin_path
from aftercare.models import Action, Answer, CheckIn, OutcomeEvent
from booking import privacy
from outbox.models import MessageStatus
from outbox.queueing import messages_of
from tests.aftercare.checkins import completed_visit, group_answers
from tests.booking.visit_record_data import NOW, ist
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def red_checkin(clock):
    visit = completed_visit()
    clock.move_to(ist(2026, 12, 3, 10, 5))
    checkin = CheckIn.objects.get(visit=visit, day=1)
    checkin = services.checkin_answer_group(
        checkin=checkin, group_id="bowels", answers=group_answers("bowels", blood_in_stool="yes")
    )
    services.checkin_outcome_record(
        checkin=checkin,
        action=Action.ADVICE,
        note="Spoke to the daughter, Testina's pain is better.",
        actor=CoordinatorFactory(),
    )
    return checkin


def assert_erased(checkin, client):
    path = checkin_path(checkin)
    checkin.refresh_from_db()
    assert not Answer.objects.filter(checkin__visit=checkin.visit).exists()
    assert set(OutcomeEvent.objects.filter(checkin=checkin).values_list("note", flat=True)) == {
        "[erased]"
    }
    assert client.get(path).status_code == 404
    for other in CheckIn.objects.filter(visit=checkin.visit):
        assert not messages_of(other).filter(status=MessageStatus.PENDING).exists()
        assert set(messages_of(other).values_list("recipient", flat=True)) <= {"[erased]"}


def test_withdrawing_consent_erases_the_answers_and_stops_the_links(clock, client):
    checkin = red_checkin(clock)
    privacy.visit_request_withdraw_consent(visit_request=checkin.visit, actor=None)
    assert_erased(checkin, client)


def test_retention_erases_the_answers_with_the_request(clock, client, settings):
    checkin = red_checkin(clock)
    visit = checkin.visit
    later = visit.closed_at + datetime.timedelta(days=settings.DATA_RETENTION_DAYS + 1)
    assert privacy.visit_requests_anonymise_expired(now=later) == 1
    clock.move_to(ist(2026, 12, 3, 10, 6))
    assert_erased(checkin, client)
