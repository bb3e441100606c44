"""Staff sign-in: a guesser learns nothing from the answer and cannot lock out colleagues."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.auth import current_code, totp_device
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def attempt(user, address: str, *, password: str = PASSWORD, code: str | None = None, client=None):
    client = client or Client()
    data = {"username": user.username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    response = client.post(
        reverse("admin:login"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address
    )
    return response


def wrong_code(device) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def error_text(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_a_right_password_with_a_wrong_or_missing_code_reads_like_a_wrong_password():
    user = CoordinatorFactory()
    device = totp_device(user)
    wrong_password = attempt(user, "127.0.0.2", password="not-the-password", code="123456")
    right_password_no_code = attempt(user, "127.0.0.2", code="")
    right_password_wrong_code = attempt(user, "127.0.0.2", code=wrong_code(device))
    answers = {
        error_text(r) for r in (wrong_password, right_password_no_code, right_password_wrong_code)
    }
    assert len(answers) == 1
    (answer,) = answers
    assert "6-digit code from your authenticator app" in answer
    assert "OTP" not in answer
    for response in (wrong_password, right_password_no_code, right_password_wrong_code):
        assert response.status_code == 200
        assert "OTP" not in response.content.decode()


def test_wrong_codes_count_towards_the_lockout(settings):
    user = CoordinatorFactory()
    device = totp_device(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(user, "127.0.0.2", code=wrong_code(device))
    response = attempt(user, "127.0.0.2", code=current_code(device))
    assert response.status_code == 429
    assert "paused" in response.content.decode()


def test_failures_from_one_address_lock_no_one_out_elsewhere(settings):
    target = CoordinatorFactory()
    colleague = CoordinatorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(target, "127.0.0.2", password="guess")
    # The coordinator at her own desk signs in.
    at_desk = attempt(target, "127.0.0.3", code=current_code(totp_device(target)))
    assert at_desk.status_code == 302
    # A colleague behind the guesser's address is not locked out either.
    colleague_response = attempt(colleague, "127.0.0.2", code=current_code(totp_device(colleague)))
    assert colleague_response.status_code == 302


def test_the_guessing_address_is_locked_for_that_account(settings):
    target = CoordinatorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(target, "127.0.0.2", password="guess")
    response = attempt(target, "127.0.0.2", code=current_code(totp_device(target)))
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_paused(settings):
    settings.STAFF_LOGIN_RATE_LIMIT_IP = "4/15m"
    users = [CoordinatorFactory() for _ in range(5)]
    answers = [attempt(user, "127.0.0.2", password="guess").status_code for user in users]
    assert answers == [200, 200, 200, 200, 429]
    # Another address is unaffected.
    assert attempt(users[0], "127.0.0.3", password="guess").status_code == 200


def test_a_spoofed_forwarded_header_does_not_reset_the_lockout(settings):
    target = CoordinatorFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(target, "127.0.0.2", password="guess")
    spoofed = attempt(target, "10.9.9.9, 127.0.0.2", code=current_code(totp_device(target)))
    assert spoofed.status_code == 429
