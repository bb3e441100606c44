"""Emails greet their reader by name, in the reader's language, as plain text."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from booking.models import Audience, MessageKind
from outbox import registry
from outbox.models import Channel, Message
from tests.factories import NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


def _email(visit_request, kind: str, audience: str, recipient: str) -> str:
    message = Message(
        subject=visit_request,
        kind=kind,
        channel=Channel.EMAIL,
        audience=audience,
        recipient=recipient,
        language=visit_request.language,
        due_at=timezone.now(),
    )
    return registry.get(kind).render(message).body


def test_the_patient_and_the_helper_are_each_greeted_by_their_own_name():
    visit_request = VisitRequestFactory(
        patient_name="Savitribai Fictional", caregiver_name="Anand Fictional"
    )
    to_patient = _email(
        visit_request, MessageKind.REQUEST_RECEIVED, Audience.PATIENT, "p@x.example"
    )
    to_helper = _email(
        visit_request, MessageKind.REQUEST_RECEIVED, Audience.CAREGIVER, "h@x.example"
    )
    assert to_patient.startswith("Hello Savitribai Fictional,\n")
    assert to_helper.startswith("Hello Anand Fictional,\n")


def test_a_name_is_written_as_typed_not_escaped_as_html():
    """Emails are plain text: D'Souza is not D&#x27;Souza, and a < stays a <."""
    visit_request = VisitRequestFactory(patient_name="Maria D'Souza")
    body = _email(visit_request, MessageKind.REQUEST_RECEIVED, Audience.PATIENT, "p@x.example")
    assert body.startswith("Hello Maria D'Souza,\n")
    assert "&#x27;" not in body
    assert "&amp;" not in body


@pytest.mark.parametrize(
    ("language", "hello"),
    [("hi", "नमस्ते Savitribai Fictional,"), ("mr", "नमस्कार Savitribai Fictional,")],
)
def test_the_greeting_is_in_the_familys_language(language, hello):
    visit_request = VisitRequestFactory(patient_name="Savitribai Fictional", language=language)
    body = _email(visit_request, MessageKind.REQUEST_RECEIVED, Audience.PATIENT, "p@x.example")
    assert body.startswith(hello + "\n")


def test_the_nurse_is_greeted_by_her_first_name():
    nurse = NurseFactory(first_name="Asha", last_name="Demo", email="asha.demo@uhapo.example")
    visit_request = VisitRequestFactory(nurse=nurse, status="scheduled")
    visit_request.scheduled_start = timezone.now() + datetime.timedelta(days=1)
    visit_request.scheduled_end = visit_request.scheduled_start + datetime.timedelta(hours=2)
    visit_request.save()
    body = _email(
        visit_request, MessageKind.NURSE_ASSIGNED, Audience.NURSE, "Asha.Demo@uhapo.example"
    )
    assert body.startswith("Hello Asha,\n")


def test_the_coordinators_alert_has_no_name_to_greet():
    visit_request = VisitRequestFactory(patient_name="Savitribai Fictional")
    body = _email(
        visit_request, MessageKind.COORDINATOR_ALERT, Audience.COORDINATOR, "care@uhapo.example"
    )
    assert "Hello Savitribai" not in body
