"""The call log's service: a call is kept with its outcome and an event, the status stays."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from booking import calls, privacy
from booking.models import CallAttempt, CallOutcome, RequestEvent, Status
from tests.booking.admin.helpers import NOW
from tests.factories import CoordinatorFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_call_with_no_answer_is_logged_without_changing_the_status():
    coordinator = CoordinatorFactory()
    request = VisitRequestFactory(status=Status.NEW)
    attempt = calls.call_attempt_record(
        visit_request=request,
        outcome=CallOutcome.NO_ANSWER,
        note="  Rang twice, try after 4 pm  ",
        actor=coordinator,
    )
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert (attempt.outcome, attempt.note, attempt.called_at) == (
        CallOutcome.NO_ANSWER,
        "Rang twice, try after 4 pm",
        NOW,
    )
    assert attempt.caller == coordinator
    event = RequestEvent.objects.get(request=request)
    assert (event.from_status, event.to_status) == (Status.NEW, Status.NEW)
    assert event.note == "Call logged: No answer. Rang twice, try after 4 pm"
    assert event.changes == {"call_outcome": ["", "no_answer"]}


@pytest.mark.parametrize(
    ("outcome", "note", "field"),
    [("hung_up", "", "outcome"), ("", "", "outcome"), ("busy", "x" * 301, "note")],
)
def test_a_bad_call_is_refused_beside_its_field_and_nothing_is_saved(outcome, note, field):
    request = VisitRequestFactory()
    with pytest.raises(ValidationError) as refused:
        calls.call_attempt_record(
            visit_request=request, outcome=outcome, note=note, actor=CoordinatorFactory()
        )
    assert field in refused.value.message_dict
    assert not CallAttempt.objects.exists()
    assert not RequestEvent.objects.exists()


def test_an_erased_request_takes_no_calls_and_erasure_blanks_call_notes():
    coordinator = CoordinatorFactory()
    request = VisitRequestFactory()
    calls.call_attempt_record(
        visit_request=request, outcome="spoke", note="Spoke to Fictional Son", actor=coordinator
    )
    privacy.visit_request_withdraw_consent(visit_request=request, actor=coordinator)
    request.refresh_from_db()
    attempt = CallAttempt.objects.get()
    assert attempt.note == privacy.ERASED
    assert attempt.outcome == "spoke"
    with pytest.raises(ValidationError):
        calls.call_attempt_record(visit_request=request, outcome="busy", actor=coordinator)
