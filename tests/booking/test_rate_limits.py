"""Booking's limits: every post per address, only saved requests per number."""

from __future__ import annotations

import pytest

from booking.models import VisitRequest
from booking.rate_limits import parse_rate
from tests.factories import ServiceAreaFactory, form_data

BOOK = "/book/"


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("20/h", (20, 3600)), ("5/h", (5, 3600)), ("30/15m", (30, 900)), ("3/d", (3, 86400))],
)
def test_rates_read_as_django_ratelimit_wrote_them(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["20", "20/x", "x/h", "20/1.5h"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(ValueError, match="20/h"):
        parse_rate(rate)


@pytest.mark.django_db
def test_a_post_that_saves_nothing_gives_the_numbers_slot_back(client, settings):
    """The same token with other answers is refused: it must not use up the family's limit."""
    settings.BOOKING_RATE_LIMIT_PHONE = "1/h"
    ServiceAreaFactory(pin_code="400053")
    first = form_data(patient_phone="98200 54321")
    assert client.post(BOOK, first).status_code == 302
    replay = form_data(submission_token=first["submission_token"], patient_phone="98200 12345")
    response = client.post(BOOK, replay)
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert client.post(BOOK, form_data(patient_phone="98200 12345")).status_code == 302
    assert client.post(BOOK, form_data(patient_phone="98200 12345")).status_code == 429
    assert VisitRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_post_is_not_counted_against_the_number(client, settings):
    settings.BOOKING_RATE_LIMIT_PHONE = "2/h"
    ServiceAreaFactory(pin_code="400053")
    for _ in range(2):
        assert client.post(BOOK, form_data()).status_code == 302
    for _ in range(3):
        assert client.post(BOOK, form_data()).status_code == 429
    settings.BOOKING_RATE_LIMIT_PHONE = "3/h"
    assert client.post(BOOK, form_data()).status_code == 302
    assert client.post(BOOK, form_data()).status_code == 429
    assert VisitRequest.objects.count() == 3
