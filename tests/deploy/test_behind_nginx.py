"""The production shape through a real nginx: deploy/nginx/uhapo.conf on loopback in front of
gunicorn, on the PostgreSQL test database (tests/deploy/stack.py builds it).

Each visitor is its own loopback address (127.0.0.2, 127.0.0.3, ...): that is the address
nginx sees, as it would see a family's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.auth import current_code, totp_device
from tests.booking.test_worker import wait_until
from tests.deploy.stack import (
    BOOKING_LIMIT,
    HOST,
    NGINX,
    ORIGIN,
    WEBHOOK_SECRET,
    WEBHOOK_VERIFY_TOKEN,
    Answer,
    Stack,
    Visitor,
    start_stack,
    stop_stack,
    tls_context,
)
from tests.factories import CoordinatorFactory

PASSWORD = "correct-horse-battery-staple"
ONE_YEAR = 365 * 24 * 60 * 60

pytestmark = [
    pytest.mark.proxy,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (set DATABASE_URL): gunicorn runs as a separate process",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _need(binary: str, what: str) -> None:
    if Path(binary).exists() or shutil.which(binary):
        return
    message = f"{binary} not found: install {what}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory) -> Iterator[Stack]:
    """nginx with the production site file, in front of gunicorn, with a Redis of its own."""
    _need(NGINX, "Debian's nginx (apt-get install -y nginx-light) or set UHAPO_NGINX")
    _need("openssl", "the openssl command (apt-get install -y openssl)")
    stack = start_stack(tmp_path_factory.mktemp("nginx"))
    yield stack
    stop_stack(stack)


@pytest.fixture
def proxy(stack: Stack, transactional_db) -> Stack:
    """The stack with no rate-limit or lockout counts left by an earlier test."""
    redis.Redis(port=stack.redis.port).flushall()
    return stack


def post_junk_until_limited(visitor: Visitor) -> None:
    token = visitor.form_token("/book/")
    answers = [
        visitor.post_form("/book/", {"patient_name": "x"}, token=token).status
        for _ in range(BOOKING_LIMIT + 1)
    ]
    assert answers == [200] * BOOKING_LIMIT + [429]


def login(visitor: Visitor, user, *, password: str = PASSWORD, code: str = "") -> Answer:
    token = visitor.form_token("/admin/login/")
    data = {"username": user.username, "password": password, "otp_token": code, "next": "/admin/"}
    return visitor.post_form("/admin/login/", data, token=token)


# --- The way in ---------------------------------------------------------------------------


def test_plain_http_is_redirected_to_the_same_address_on_https(proxy):
    answer = Visitor(proxy, "127.0.0.2").http("GET", "/guide/?utm_source=whatsapp")
    assert answer.status == 301
    assert answer.header("Location") == f"{ORIGIN}/guide/?utm_source=whatsapp"


def test_https_speaks_http2_to_browsers_that_ask(proxy):
    context = tls_context(proxy)
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=15) as raw,
        context.wrap_socket(raw, server_hostname=HOST) as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in {"TLSv1.2", "TLSv1.3"}


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_https_accepts_tls_1_2_and_1_3(proxy, version):
    context = tls_context(proxy, minimum_version=version, maximum_version=version)
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=15) as raw,
        context.wrap_socket(raw, server_hostname=HOST) as tls,
    ):
        assert tls.version() == version.name.replace("_", ".")


@pytest.mark.parametrize("path", ["/", "/book/", "/this-page-does-not-exist/"])
def test_https_answers_carry_the_security_headers_and_no_server_version(proxy, path):
    answer = Visitor(proxy, "127.0.0.2").https("GET", path)
    assert answer.status in {200, 404}
    hsts = answer.header("Strict-Transport-Security")
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR
    assert "includeSubDomains" in hsts
    assert "default-src 'self'" in answer.header("Content-Security-Policy")
    assert "frame-ancestors 'none'" in answer.header("Content-Security-Policy")
    assert answer.header("X-Frame-Options") == "DENY"
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Referrer-Policy") == "same-origin"
    # Each header once: nginx adds none of its own on top of Django's.
    assert len(answer.headers.get_all("Strict-Transport-Security")) == 1
    assert answer.header("Server") == "nginx"
    assert "gunicorn" not in str(answer.headers).lower()


def test_an_unknown_host_over_https_gets_no_page(proxy):
    visitor = Visitor(proxy, "127.0.0.2")
    try:
        answer = visitor.https("GET", "/book/", host="evil.example")
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return  # 444: nginx closed the connection without an answer
    assert answer.status in {400, 421}
    assert "evil.example" not in answer.body
    # nginx's own refusal: Django's DisallowedHost page would mean the request reached it.
    assert "<center>nginx</center>" in answer.body


def test_an_unknown_host_over_plain_http_is_not_redirected(proxy):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        Visitor(proxy, "127.0.0.2").http("GET", "/book/", host="evil.example")


def test_a_tls_handshake_for_another_name_shows_no_certificate(proxy):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=15) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="evil.example")


# --- Client addresses: rate limits -------------------------------------------------------


def test_each_client_address_has_its_own_booking_limit(proxy):
    post_junk_until_limited(Visitor(proxy, "127.0.0.2"))
    other = Visitor(proxy, "127.0.0.3")
    answer = other.post_form("/book/", {"patient_name": "x"}, token=other.form_token("/book/"))
    assert answer.status == 200
    assert "There is a problem" in answer.body or 'class="invalid-feedback' in answer.body


def test_a_limited_client_cannot_escape_by_writing_x_forwarded_for(proxy):
    limited = Visitor(proxy, "127.0.0.2")
    post_junk_until_limited(limited)
    token = limited.form_token("/book/")
    for claimed in ("127.0.0.9", "203.0.113.7", "127.0.0.9, 127.0.0.2"):
        answer = limited.post_form(
            "/book/", {"patient_name": "x"}, token=token, headers={"X-Forwarded-For": claimed}
        )
        assert answer.status == 429, claimed


def test_a_fresh_client_claiming_a_limited_address_is_not_limited(proxy):
    post_junk_until_limited(Visitor(proxy, "127.0.0.2"))
    fresh = Visitor(proxy, "127.0.0.4")
    answer = fresh.post_form(
        "/book/",
        {"patient_name": "x"},
        token=fresh.form_token("/book/"),
        headers={"X-Forwarded-For": "127.0.0.2"},
    )
    assert answer.status == 200


# --- Client addresses: staff lockout -----------------------------------------------------


@pytest.fixture
def staff(proxy):
    """Two coordinators with authenticator apps (committed: gunicorn must see them)."""
    first, second = CoordinatorFactory(), CoordinatorFactory()
    return {user: totp_device(user) for user in (first, second)}


def _guess_until_locked(stack: Stack, user) -> Visitor:
    """127.0.0.2 tries wrong passwords for `user` until that address is locked out of it."""
    guesser = Visitor(stack, "127.0.0.2")
    limit = settings.AXES_FAILURE_LIMIT
    answers = [login(guesser, user, password="not-the-password").status for _ in range(limit + 1)]
    # The failure that reaches the limit is already answered with the lockout page.
    assert answers == [200] * (limit - 1) + [429, 429]
    return guesser


def test_failed_logins_from_one_address_do_not_lock_the_account_elsewhere(proxy, staff):
    target, device = next(iter(staff.items()))
    _guess_until_locked(proxy, target)
    at_her_desk = Visitor(proxy, "127.0.0.3")
    answer = login(at_her_desk, target, code=current_code(device))
    assert answer.status == 302
    assert answer.header("Location") == "/admin/"
    assert at_her_desk.https("GET", "/admin/").status == 200


def test_failed_logins_for_one_account_do_not_lock_a_colleague_at_the_same_address(proxy, staff):
    (target, _), (colleague, device) = staff.items()
    guesser = _guess_until_locked(proxy, target)
    answer = login(guesser, colleague, code=current_code(device))
    assert answer.status == 302
    assert answer.header("Location") == "/admin/"


# --- Caching, health, static files, uploads, logs ----------------------------------------


def test_the_booking_form_is_never_kept_by_a_cache(proxy):
    answer = Visitor(proxy, "127.0.0.2").https("GET", "/book/")
    assert answer.status == 200
    cache_control = {part.strip() for part in answer.header("Cache-Control").split(",")}
    assert {"private", "no-store"} <= cache_control


def test_healthz_answers_through_the_proxy(proxy):
    answer = Visitor(proxy, "127.0.0.2").https("GET", "/healthz")
    assert answer.status == 200
    assert '"status": "ok"' in answer.body


def test_healthz_answers_head_through_the_proxy(proxy):
    """A load balancer's HEAD check gets the same answer as GET, without a body."""
    answer = Visitor(proxy, "127.0.0.2").https("HEAD", "/healthz")
    assert answer.status == 200
    assert answer.body == ""


def test_hashed_static_files_come_through_with_far_future_cache_headers(proxy):
    visitor = Visitor(proxy, "127.0.0.2")
    home = visitor.https("GET", "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.body).group(1)
    answer = visitor.https("GET", stylesheet, headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.header("Content-Encoding") == "gzip"
    cache_control = answer.header("Cache-Control")
    assert "immutable" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= ONE_YEAR
    assert answer.header("X-Content-Type-Options") == "nosniff"


def test_bodies_up_to_12_mb_reach_the_app_and_larger_ones_stop_at_the_proxy(proxy):
    visitor = Visitor(proxy, "127.0.0.2")
    headers = {"Content-Type": "application/octet-stream"}
    # Refused by Django's CSRF check, with Django's headers: the body got through nginx.
    under = visitor.https("POST", "/healthz", body=b"x" * (11 * 1024 * 1024), headers=headers)
    assert under.status == 403
    assert under.header("X-Frame-Options") == "DENY"
    # nginx refuses on the announced length alone, before any of the body is sent (sending
    # it would race nginx closing the connection).
    conn = visitor.connection()
    try:
        conn.putrequest("POST", "/healthz", skip_host=True)
        conn.putheader("Host", HOST)
        conn.putheader("Content-Length", str(13 * 1024 * 1024))
        conn.endheaders()
        over = conn.getresponse()
        assert over.status == 413
        assert over.getheader("Server") == "nginx"
    finally:
        conn.close()


def test_the_access_log_keeps_no_private_link_token_nor_query_string(proxy):
    visitor = Visitor(proxy, "127.0.0.2")
    token = "AbCdEf123456-signed-token-of-a-family"
    visitor.https("GET", f"/request/{token}/")
    visitor.https("GET", f"/hi/request/{token}/cancel/")
    visitor.https("GET", "/guide/?phone=9820012345")
    # nginx writes the line once the answer is sent: wait for the last one.
    wait_until(lambda: '"GET /guide/' in proxy.access_log.read_text(), timeout=10)
    log = proxy.access_log.read_text()
    assert token not in log
    assert "9820012345" not in log
    assert '"GET /request/<token>/ HTTP/1.1"' in log
    assert '"GET /hi/request/<token>/cancel/ HTTP/1.1"' in log
    assert '"GET /guide/ HTTP/1.1"' in log


# --- The providers' webhooks ----------------------------------------------------------------


def test_the_whatsapp_handshake_works_through_the_proxy_and_its_token_is_not_logged(proxy):
    visitor = Visitor(proxy, "127.0.0.2")
    query = f"hub.mode=subscribe&hub.verify_token={WEBHOOK_VERIFY_TOKEN}&hub.challenge=1158201444"
    answer = visitor.https("GET", f"/webhooks/whatsapp/?{query}")
    assert (answer.status, answer.body) == (200, "1158201444")
    wait_until(lambda: "/webhooks/whatsapp/" in proxy.access_log.read_text(), timeout=10)
    assert WEBHOOK_VERIFY_TOKEN not in proxy.access_log.read_text()


def test_bursts_of_signed_receipts_from_one_address_are_all_taken_and_never_cached(proxy):
    """Meta sends statuses in bursts from a few addresses: no page limit or cache applies."""
    visitor = Visitor(proxy, "127.0.0.2")
    body = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    answers = [
        visitor.https("POST", "/webhooks/whatsapp/", body=body, headers=headers)
        for _ in range(BOOKING_LIMIT * 3)
    ]
    assert {a.status for a in answers} == {200}
    assert all("public" not in a.header("Cache-Control") for a in answers)
    forged = visitor.https(
        "POST", "/webhooks/whatsapp/", body=body, headers={**headers, "X-Hub-Signature-256": "x"}
    )
    assert forged.status == 403
