"""Every response carries the security headers, with DEBUG off as in production."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.test import Client

from tests.factories import ServiceAreaFactory, form_data
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/book/", "/this-page-does-not-exist/", "/healthz"]
ONE_YEAR = 365 * 24 * 60 * 60
# What would give away the server or the framework, or their versions.
GIVEAWAYS = re.compile(r"django|python|wsgiserver|gunicorn/", re.I)

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in policy.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path, secure=True)
    headers = response.headers

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    hsts = dict(
        (item.strip().split("=") + [""])[:2]
        for item in headers["Strict-Transport-Security"].split(";")
    )
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert "includeSubDomains" in hsts


@pytest.mark.parametrize("path", PAGES)
def test_the_content_security_policy_allows_no_inline_or_eval(client, path):
    """script-src and style-src stay 'self': no 'unsafe-inline', no 'unsafe-eval', no framing."""
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]


def test_the_csrf_cookie_is_secure_and_same_site_after_a_form_get(client):
    response = client.get("/book/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_the_booking_cookie_is_secure_http_only_and_same_site_after_a_post(client):
    # An earlier transactional test may have emptied the seeded service areas.
    ServiceAreaFactory(pin_code="400053")
    response = client.post("/book/", form_data(pin_code="400053"))
    assert response.status_code == 302, response.content[:2000]
    cookie = response.cookies["uhapo_received"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # a booking writes no session


def test_the_session_cookie_is_secure_http_only_and_same_site_after_a_staff_login(client):
    from tests.auth import current_code, totp_device
    from tests.factories import CoordinatorFactory

    user = CoordinatorFactory()
    response = client.post(
        "/admin/login/",
        {
            "username": user.username,
            "password": "correct-horse-battery-staple",
            "otp_token": current_code(totp_device(user)),
            "next": "/admin/",
        },
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_plain_http_gets_no_hsts_header(client):
    """HSTS only means something over HTTPS; browsers ignore it on plain HTTP."""
    assert "Strict-Transport-Security" not in client.get("/").headers


def _assert_no_giveaways(response) -> None:
    for name, value in response.headers.items():
        assert not GIVEAWAYS.search(f"{name}: {value}"), f"{name}: {value}"
    assert "Server" not in response.headers
    assert "X-Powered-By" not in response.headers
    body = response.content.decode(errors="replace")
    for giveaway in ("Django", "Traceback", django.get_version(), sys.version.split()[0]):
        assert giveaway not in body, f"{giveaway!r} in a {response.status_code} page"


@pytest.mark.parametrize("path", ["/this-page-does-not-exist/", "/request/not-a-token/"])
def test_not_found_pages_name_no_server_or_framework(client, path):
    response = client.get(path)
    assert response.status_code == 404
    _assert_no_giveaways(response)


def test_the_server_error_page_names_no_server_or_framework(monkeypatch):
    from booking import views

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(views, "VisitRequestForm", broken)
    response = Client(raise_request_exception=False).get("/book/")
    assert response.status_code == 500
    assert "simulated failure" not in response.content.decode()
    _assert_no_giveaways(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_csrf_failure_page_names_no_server_or_framework():
    response = Client(enforce_csrf_checks=True).post("/book/", form_data())
    assert response.status_code == 403
    _assert_no_giveaways(response)


# --- The production server ------------------------------------------------------------


@pytest.fixture
def gunicorn_url(tmp_path):
    """gunicorn as the Procfile starts it, on a free local port, DEBUG off."""
    port = free_port()
    env = {**os.environ, "DJANGO_DEBUG": "false", "UHAPO_VAR_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "uhapo.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(process.stderr.read().decode()[-3000:]) from None
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_gunicorn_names_itself_without_a_version(gunicorn_url):
    """gunicorn says only "gunicorn" in Server; the framework is never named."""
    for path, status in (("/robots.txt", 200), ("/this-page-does-not-exist/", 404)):
        connection = http.client.HTTPConnection(gunicorn_url, timeout=10)
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        headers = dict(response.getheaders())
        assert response.status == status, body[:500]
        assert headers.get("Server") in {None, "gunicorn"}, headers
        assert "X-Powered-By" not in headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Django" not in body
        assert django.get_version() not in body
