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


def test_a_logged_exception_keeps_its_type_and_traceback_but_not_its_text(caplog):
    """An exception's message can quote a family (a name, an address): the log keeps
    where and what failed, never the message, nor that of the exception behind it."""
    import logging

    from uhapo.logging import RedactPersonalDataFilter

    family = {"name": "Savitribai Kulkarni", "address": "Flat 12, Dadar"}

    def book():
        # The values come from data, so the traceback's source lines do not show them.
        try:
            raise KeyError(family["name"])
        except KeyError as exc:
            raise ValueError(f"Could not book for {family['name']} at {family['address']}") from exc

    logger = logging.getLogger("tests.redaction")
    handler = logging.StreamHandler(stream := __import__("io").StringIO())
    handler.addFilter(RedactPersonalDataFilter())
    logger.addHandler(handler)
    try:
        try:
            book()
        except ValueError:
            logger.exception("booking failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "booking failed" in text
    assert "ValueError" in text
    assert "KeyError" in text
    assert "in book" in text
    assert "Savitribai" not in text
    assert "Dadar" not in text
