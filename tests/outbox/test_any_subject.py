"""The outbox sends for any app: it knows a message's subject only as a generic link."""

from __future__ import annotations

import pytest
from django.utils import timezone

from booking.models import ServiceArea
from outbox import dispatch, dlt, registry
from outbox.models import Channel, Message, MessageStatus
from outbox.queueing import Route, cancel_pending, messages_of, queue_messages
from tests.sms import RecordingSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def area_notice(monkeypatch):
    """A kind of message another app might register, about a row that is not a request,
    with its SMS registered on DLT like every other."""
    entity_id, entries = dlt._registry()
    registered = dlt.SmsTemplate(
        kind="test-area",
        language="en",
        text="Visits now reach {#var#}.",
        dlt_template_id="1207170000000000999",
        header="UHAPOC",
        category="service-implicit",
    )
    monkeypatch.setattr(dlt, "_registry", lambda: (entity_id, (*entries, registered)))

    def render(message: Message) -> registry.Rendered:
        area = ServiceArea.objects.get(pk=message.subject_id)
        return registry.Rendered(body=f"Visits now reach {area.pin_code}.")

    registry.register(registry.Kind(name="test-area", label="Area opened", render=render))
    yield
    registry._KINDS.pop("test-area")


def test_a_message_about_any_row_is_queued_and_sent(
    area_notice, django_capture_on_commit_callbacks
):
    area = ServiceArea.objects.create(pin_code="999991", name="Fictional Nagar")
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = queue_messages(
            subject=area,
            routes=[Route("test-area", Channel.SMS, "staff", "+919820012345", "en")],
            due_at=timezone.now(),
            held_in_quiet_hours=False,
        )
    message.refresh_from_db()
    assert message.subject == area
    assert message.status == MessageStatus.SENT
    assert RecordingSmsBackend.sent[-1]["body"] == "Visits now reach 999991."
    assert list(messages_of(area)) == [message]


def test_cancelling_one_subjects_messages_leaves_anothers(area_notice):
    first = ServiceArea.objects.create(pin_code="999992", name="First Fictional")
    second = ServiceArea.objects.create(pin_code="999993", name="Second Fictional")
    later = timezone.now() + timezone.timedelta(days=1)
    for area in (first, second):
        queue_messages(
            subject=area,
            routes=[Route("test-area", Channel.EMAIL, "staff", "ops@uhapo.example", "en")],
            due_at=later,
        )
    assert cancel_pending(subject=first) == 1
    assert messages_of(second).get().status == MessageStatus.PENDING


def test_a_message_of_a_kind_nobody_registered_is_never_sent():
    """Refused loudly: it fails and is shown to staff; it is never sent as something else."""
    area = ServiceArea.objects.create(pin_code="999994", name="Unregistered Fictional")
    (message,) = queue_messages(
        subject=area,
        routes=[Route("no-such-kind", Channel.SMS, "staff", "+919820012345", "en")],
        due_at=timezone.now(),
        held_in_quiet_hours=False,
    )
    assert dispatch.message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING  # retried later, then failed
    assert "no message kind 'no-such-kind' is registered" in message.last_error
    assert RecordingSmsBackend.sent == []
