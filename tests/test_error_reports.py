"""Server errors and failed tasks reach ADMINS by email, without any patient's details."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from booking.links import status_token
from tests.error_urls import PATIENT, patient_details_in
from tests.factories import VisitRequestFactory
from uhapo.celery import app as celery_app
from uhapo.settings import env_addresses

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

ADMINS = [("Ops", "ops@uhapo.example"), ("Second", "b@uhapo.example")]


@celery_app.task(name="tests.test_error_reports.send_to_patient")
def send_to_patient(message_id: int) -> None:
    raise ValueError(f"could not text {PATIENT['patient_name']} on {PATIENT['patient_phone']}")


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = ADMINS


def _post_patient_details(path: str = "/test-errors/explode/") -> None:
    client = Client(raise_request_exception=False)
    client.cookies["uhapo_received"] = "cookie-of-savitribai"
    client.cookies[settings.SESSION_COOKIE_NAME] = "session-of-savitribai"
    response = client.post(
        f"{path}?patient=Savitribai+Kulkarni",
        {**PATIENT, "patient_phone": "+91 98200-12345"},
        HTTP_X_PATIENT_NAME="Savitribai Kulkarni",
        HTTP_REFERER="https://care.uhapo.example/book/?email=savitri.kulkarni@example.com",
    )
    assert response.status_code == 500


def test_a_server_error_is_mailed_to_admins_without_the_patients_details():
    _post_patient_details()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ops@uhapo.example", "b@uhapo.example"]
    assert email.from_email == settings.SERVER_EMAIL
    assert email.alternatives == []  # plain text only
    report = f"{email.subject}\n{email.body}"
    # What finds the bug is there: where it failed and what kind of error it was.
    assert "/test-errors/explode/" in email.subject
    assert "ValueError" in report
    assert 'tests/error_urls.py", line' in report
    assert "in explode" in report
    # Nothing the family typed or sent is.
    assert patient_details_in(report) == []
    assert "-of-savitribai" not in report
    assert "X_PATIENT" not in report


def test_a_private_link_in_the_failing_address_is_not_mailed():
    token = status_token(VisitRequestFactory())
    _post_patient_details(f"/test-errors/explode/{token}/")
    report = mail.outbox[0].subject + mail.outbox[0].body
    assert token not in report
    assert "/test-errors/explode/[signed]/" in report


def test_a_failed_task_is_mailed_to_admins_without_the_patients_details():
    send_to_patient.delay(42)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ops@uhapo.example", "b@uhapo.example"]
    report = f"{email.subject}\n{email.body}"
    assert "tests.test_error_reports.send_to_patient" in email.subject
    assert "ValueError" in report
    assert patient_details_in(report) == []


def test_a_host_we_do_not_serve_is_logged_not_mailed():
    response = Client().get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    assert mail.outbox == []


def test_django_admins_is_read_as_names_and_addresses(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", "Ops <ops@uhapo.example>, Second <b@uhapo.example>")
    assert env_addresses("DJANGO_ADMINS") == ADMINS
    monkeypatch.setenv("DJANGO_ADMINS", "ops@uhapo.example")
    assert env_addresses("DJANGO_ADMINS") == [("ops@uhapo.example", "ops@uhapo.example")]
    monkeypatch.setenv("DJANGO_ADMINS", "")
    assert env_addresses("DJANGO_ADMINS") == []
    monkeypatch.delenv("DJANGO_ADMINS")
    assert env_addresses("DJANGO_ADMINS") == []


def test_django_admins_without_an_address_refuses_to_start(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", "Ops, Second <b@uhapo.example>")
    with pytest.raises(ImproperlyConfigured):
        env_addresses("DJANGO_ADMINS")


# --- a burst is one email ---------------------------------------------------------


BURST_START = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


def test_a_burst_of_one_error_is_one_email_and_the_next_one_counts_the_repeats():
    with time_machine.travel(BURST_START, tick=False) as traveller:
        for _ in range(5):
            _post_patient_details()
        assert len(mail.outbox) == 1
        # The same error from another address is the same error.
        token = status_token(VisitRequestFactory())
        _post_patient_details(f"/test-errors/explode/{token}/")
        assert len(mail.outbox) == 1
        traveller.shift(datetime.timedelta(minutes=settings.ERROR_EMAIL_REPEAT_MINUTES, seconds=1))
        _post_patient_details()
    assert len(mail.outbox) == 2
    later = mail.outbox[1].body
    assert "The same error happened 5 more time(s) since the last email about it" in later
    assert patient_details_in(later) == []
    # Counted once: the email after next has nothing to add.
    with time_machine.travel(BURST_START + datetime.timedelta(minutes=25), tick=False):
        _post_patient_details()
    assert len(mail.outbox) == 3
    assert "more time(s)" not in mail.outbox[2].body


def test_another_error_is_mailed_even_during_a_burst():
    _post_patient_details()
    _post_patient_details()
    send_to_patient.delay(42)
    assert [("/test-errors/explode/" in m.subject) for m in mail.outbox] == [True, False]
    assert "tests.test_error_reports.send_to_patient" in mail.outbox[1].subject


def test_with_the_cache_unreachable_every_error_is_mailed(settings):
    # A Redis that is not there (nothing listens on port 1): a report repeated
    # is better than a report lost.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    for _ in range(3):
        _post_patient_details()
    assert len(mail.outbox) == 3


def test_with_no_repeat_window_every_error_is_mailed(settings):
    settings.ERROR_EMAIL_REPEAT_MINUTES = 0
    for _ in range(3):
        _post_patient_details()
    assert len(mail.outbox) == 3
