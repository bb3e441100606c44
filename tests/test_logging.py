"""The redaction filter on every log handler."""

import pytest
from django.core import signing

from uhapo.logging import redact


@pytest.mark.parametrize(
    "text",
    [
        "sms to +919820012345 failed",
        "sms to +91 98200 12345 failed",
        "sms to 98200 12345 failed",
        "sms to 098200-12345 failed",
        "sms to 9820012345.",
        "call (9820012345)",
        "mail to testina@example.com bounced",
    ],
)
def test_phone_numbers_and_emails_are_redacted(text):
    cleaned = redact(text)
    assert "9820012345" not in cleaned.replace(" ", "").replace("-", "")
    assert "testina@example.com" not in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Task outbox.tasks.deliver_messages[a4649749-2fc3-406b-8e9e-98acfc9ccf3d] succeeded in 0.0123456789s: 2",
        "message 1234567 sent",
        "2026-11-27 16:37:23,865 INFO request 42",
        "rescued 3 messages stuck in sending",
        "visit at 10:30:00 IST, sweep took 0:00:01.250000",
    ],
)
def test_ids_uuids_timings_and_dates_are_left_alone(text):
    assert redact(text) == text


def test_a_private_link_is_redacted_from_an_address():
    """The family's link opens their request: a log line or error report must not carry it."""
    token = signing.dumps([12345, "a1b2c3d4e5f6a7b8"], salt="booking.status-link")
    assert redact(f"Not Found: /hi/request/{token}/cancel/") == (
        "Not Found: /hi/request/[signed]/cancel/"
    )
