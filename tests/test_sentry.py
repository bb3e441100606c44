"""With SENTRY_DSN set, errors reach Sentry without any patient's details.

The SDK sends to a local stand-in for Sentry's ingest endpoint (tests/servers.py).
"""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from booking.links import status_token
from tests.error_urls import PATIENT, patient_details_in
from tests.factories import VisitRequestFactory
from tests.servers import SentryIngest
from tests.subprocesses import run_manage
from uhapo.sentry import SAFE_HEADERS, sentry_init


@pytest.fixture
def sentry():
    """The SDK started as settings start it, sending to a local ingest server."""
    ingest = SentryIngest().start()
    sentry_init(dsn=ingest.dsn, environment="test", release="uhapo@test")
    yield ingest
    # Leave the process as the other tests expect it: no client, nothing sent.
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)
    ingest.stop()


def _events(ingest: SentryIngest) -> list[dict]:
    sentry_sdk.flush(timeout=5)
    return ingest.items("event")


def _post_through_wsgi(path: str, query: str, fields: dict[str, str], **headers: str) -> str:
    """POST as gunicorn would: through Django's WSGI handler, which the SDK wraps in
    production (the test client bypasses it, and with it the request's URL and headers)."""
    body = urlencode(fields).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(body),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    setup_testing_defaults(environ)
    statuses = []
    # As Django's test client does: the request must not close the test's
    # database connection (on PostgreSQL that would be a second error).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(
            environ, lambda status, headers, exc_info=None: statuses.append(status)
        )
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return statuses[0]


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_server_error_reaches_sentry_without_the_patients_details(sentry):
    token = status_token(VisitRequestFactory())
    status = _post_through_wsgi(
        f"/test-errors/explode/{token}/",
        "patient=Savitribai+Kulkarni",
        {**PATIENT, "patient_phone": "+91 98200-12345"},
        cookie=f"uhapo_received=cookie-of-savitribai; {settings.SESSION_COOKIE_NAME}=session-of-savitribai",
        user_agent="TestBrowser/1.0",
        x_patient_name="Savitribai Kulkarni",
        referer="https://care.uhapo.example/book/?email=savitri.kulkarni@example.com",
    )
    assert status.startswith("500")

    events = _events(sentry)
    assert len(events) == 1
    event = events[0]
    # What finds the bug arrives: the kind of error, where, and which build.
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames[-1]["function"] == "explode"
    assert event["environment"] == "test"
    assert event["release"] == "uhapo@test"
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"] == "http://testserver/test-errors/explode/[signed]/"
    assert event["request"]["headers"]["User-Agent"] == "TestBrowser/1.0"
    # Nothing the family typed or sent does.
    assert set(event["request"]) == {"method", "url", "headers"}
    assert {name.lower() for name in event["request"]["headers"]} <= SAFE_HEADERS
    assert all("vars" not in frame for frame in frames)
    assert "user" not in event
    raw = b"".join(sentry.envelopes).decode()
    assert patient_details_in(raw) == []
    assert "-of-savitribai" not in raw
    assert token not in raw


def test_a_logged_error_reaches_sentry_with_phone_and_email_redacted(sentry):
    logging.getLogger("outbox.dispatch").error(
        "SMS to +91 98200 12345 failed; told savitri.kulkarni@example.com"
    )
    events = _events(sentry)
    assert len(events) == 1
    assert events[0]["logentry"]["message"] == "SMS to [phone] failed; told [email]"
    assert patient_details_in(b"".join(sentry.envelopes).decode()) == []


def test_settings_start_sentry_from_the_environment():
    """SENTRY_DSN, SENTRY_ENVIRONMENT and RELEASE are all the configuration there is."""
    env = {
        # Nothing listens there, and nothing is sent: no error happens.
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        "SENTRY_ENVIRONMENT": "staging",
        "RELEASE": "2026.12.1",
    }
    script = (
        "import json, sentry_sdk; o = sentry_sdk.get_client().options; "
        "print(json.dumps([o['dsn'], o['environment'], o['release'], "
        "o['include_local_variables'], o['before_send'].__module__, "
        "{k: v for k, v in o['data_collection'].items() "
        "if k in ('user_info', 'http_bodies', 'stack_frame_variables', 'cookies')}]))"
    )
    result = run_manage("shell", "-c", script, env=env, keep_django_env=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "http://public@127.0.0.1:9/1",
        "staging",
        "2026.12.1",
        False,
        "uhapo.sentry",
        # Nothing of the user, no bodies, no frame variables, no cookies.
        {
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "cookies": {"mode": "off"},
        },
    ]
