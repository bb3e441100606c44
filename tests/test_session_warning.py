"""Staff pages warn before the session ends, and "Stay signed in" keeps it alive."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.auth import sign_in
from tests.factories import CoordinatorFactory, NurseFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata"))
MINUTES = datetime.timedelta(minutes=1)
KEEP_ALIVE = "/admin/session/keep-alive/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, user)
    client.get(reverse("admin:index"))  # starts the 8-hour count, sets the CSRF cookie
    return client


def _token(client: Client) -> str:
    html = client.get(reverse("admin:index")).content.decode()
    return re.search(r'data-csrf-token="([^"]+)"', html).group(1)


def test_staff_pages_carry_the_warning_and_its_timings(clock):
    client = _signed_in(CoordinatorFactory())
    for _ in range(3):
        clock.shift(20 * MINUTES)
        assert client.get(reverse("admin:index")).status_code == 200
    html = client.get(reverse("admin:booking_visitrequest_changelist")).content.decode()
    assert 'data-idle-seconds="1800"' in html
    assert 'data-absolute-seconds="25200"' in html  # 7 of the 8 hours left
    assert 'data-warn-seconds="300"' in html
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in html
    assert "js/admin-session." in html
    assert "Stay signed in" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_the_sign_in_page_and_public_pages_have_no_warning(client):
    assert "admin-session" not in client.get(reverse("admin:login")).content.decode()
    assert "admin-session" not in client.get("/book/").content.decode()


def test_stay_signed_in_restarts_the_idle_time_but_never_the_8_hours(clock):
    client = _signed_in(NurseFactory())
    token = _token(client)
    for _ in range(3):
        clock.shift(26 * MINUTES)
        answer = client.post(KEEP_ALIVE, HTTP_X_CSRFTOKEN=token)
        assert answer.status_code == 200
        assert answer.json()["idle_seconds"] == 1800
    # 78 minutes in, still signed in; the 8 hours count from the sign-in.
    assert answer.json()["absolute_seconds"] == 8 * 3600 - 78 * 60
    assert client.get(reverse("admin:index")).status_code == 200


def test_keep_alive_needs_a_post_with_a_csrf_token_and_a_signed_in_staff_member(clock):
    client = _signed_in(CoordinatorFactory())
    assert client.get(KEEP_ALIVE).status_code == 405
    assert client.post(KEEP_ALIVE).status_code == 403  # no CSRF token
    anonymous = Client()
    response = anonymous.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_keep_alive_after_the_idle_limit_does_not_revive_the_session(clock):
    client = _signed_in(CoordinatorFactory())
    token = _token(client)
    clock.shift(31 * MINUTES)
    response = client.post(KEEP_ALIVE, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
