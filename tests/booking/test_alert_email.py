"""The coordinators' new-request alert says when clinical review is needed, and why."""

from __future__ import annotations

import uuid

import pytest

from booking import messages as booking_messages
from booking import workflow
from booking.models import MessageKind
from booking.privacy import current_notice
from outbox.models import Message
from tests.booking.test_services import details
from tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db


def _alert_body(**answers) -> str:
    ServiceAreaFactory()
    visit_request, _created = workflow.visit_request_create(
        details=details(**answers),
        submission_token=uuid.uuid4(),
        language="hi",
        notice=current_notice("hi"),
    )
    alert = Message.objects.get(subject_id=visit_request.pk, kind=MessageKind.COORDINATOR_ALERT)
    return booking_messages.render(alert).body


def test_the_alert_names_both_reasons_for_clinical_review_in_english():
    body = _alert_body(first_dose_in_hospital=False, had_infusion_reaction=True)
    assert "It needs clinical review before a visit is booked:" in body
    assert "- the first dose was not given in hospital\n" in body
    assert "- a reaction to an infusion before\n" in body
    assert "speak Hindi with them" in body


def test_the_alert_names_the_one_reason_there_is():
    body = _alert_body(first_dose_in_hospital=True, had_infusion_reaction=True)
    assert "- a reaction to an infusion before" in body
    assert "first dose" not in body


def test_the_alert_says_nothing_of_review_when_none_is_needed():
    body = _alert_body(first_dose_in_hospital=True, had_infusion_reaction=False)
    assert "clinical review" not in body
