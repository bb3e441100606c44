"""The check-in invitation and the red alert are registered DLT templates, exactly, in each language."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.utils import timezone

from aftercare import services
from aftercare.messages import INVITE, RED_ALERT
from aftercare.models import CheckIn
from outbox import dlt, registry
from outbox.channels.sms import sms_segments
from outbox.models import Channel, Message
from tests.aftercare.checkins import completed_visit, group_answers
from tests.booking.visit_record_data import NOW, ist

pytestmark = pytest.mark.django_db
# Links included: GSM-7 in 2 parts, UCS-2 (Devanagari) in 4.
SEGMENT_BUDGET = {"en": 2, "hi": 4, "mr": 4}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _sms(checkin: CheckIn, kind: str, language: str) -> str:
    message = Message(
        subject=checkin,
        kind=kind,
        channel=Channel.SMS,
        audience="patient",
        recipient="+919800000001",
        language=language,
        due_at=timezone.now(),
    )
    return registry.get(kind).render(message).body


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
@pytest.mark.parametrize("kind", [INVITE, RED_ALERT])
def test_each_check_in_sms_is_its_registered_template_exactly(clock, kind, language):
    visit = completed_visit(language=language)
    clock.move_to(ist(2026, 12, 3, 10, 5))
    checkin = CheckIn.objects.get(visit=visit, day=1)
    if kind == RED_ALERT:
        checkin = services.checkin_answer_group(
            checkin=checkin,
            group_id="bowels",
            answers=group_answers("bowels", blood_in_stool="yes"),
        )
    text = _sms(checkin, kind, language)
    found = dlt.match(kind=kind, language=language, text=text)
    filled = found.template.text
    for value in found.variables:
        filled = re.sub(r"\{#(var|url)#\}", lambda _m, v=value: v, filled, count=1)
    assert filled == text
    assert visit.patient_name not in text
    assert sms_segments(text) <= SEGMENT_BUDGET[language], text
