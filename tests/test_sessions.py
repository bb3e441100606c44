"""Staff sessions end after 30 idle minutes and after 8 hours in all."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.auth import sign_in
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata"))
MINUTES = datetime.timedelta(minutes=1)


@pytest.fixture
def signed_in(client):
    user = CoordinatorFactory()
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, user)
        yield client, clock


def is_signed_in(client) -> bool:
    response = client.get(reverse("admin:index"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
        return False
    assert response.status_code == 200
    return True


def test_activity_keeps_a_session_alive_past_30_minutes(signed_in):
    client, clock = signed_in
    for _ in range(4):
        assert is_signed_in(client)
        clock.shift(29 * MINUTES)
    assert is_signed_in(client)


def test_session_ends_after_30_idle_minutes(signed_in):
    client, clock = signed_in
    assert is_signed_in(client)
    clock.shift(31 * MINUTES)
    assert not is_signed_in(client)


def test_session_ends_after_8_hours_however_active(signed_in):
    client, clock = signed_in
    assert is_signed_in(client)  # the first request after signing in starts the clock
    for _ in range(19):  # every 25 minutes until 7 h 55 min
        clock.shift(25 * MINUTES)
        assert is_signed_in(client)
    clock.shift(10 * MINUTES)  # 8 h 05 min after the first request
    assert not is_signed_in(client)
    assert "_auth_user_id" not in client.session
