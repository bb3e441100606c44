"""Every staff account needs a password and a code from its authenticator app."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.auth import current_code, totp_device
from tests.factories import CoordinatorFactory, NurseFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def login(client, user, **extra):
    data = {"username": user.username, "password": PASSWORD, "next": "/admin/", **extra}
    return client.post(reverse("admin:login"), data)


def test_a_password_alone_opens_no_admin_page(client):
    user = CoordinatorFactory()
    totp_device(user)
    client.force_login(user)  # signed in with a password, but no second factor
    for url in ("admin:index", "admin:booking_visitrequest_changelist"):
        response = client.get(reverse(url))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_login_without_a_code_is_refused(client):
    user = NurseFactory()
    totp_device(user)
    response = login(client, user)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_code_is_refused(client):
    user = CoordinatorFactory()
    device = totp_device(user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = login(client, user, otp_token=wrong)
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_login_with_the_right_code_opens_the_admin(client):
    user = CoordinatorFactory()
    device = totp_device(user)
    response = login(client, user, otp_token=current_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_used_code_cannot_be_used_again(client):
    user = CoordinatorFactory()
    device = totp_device(user)
    code = current_code(device)
    assert login(client, user, otp_token=code).status_code == 302
    client.post(reverse("admin:logout"))
    response = login(client, user, otp_token=code)
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_without_an_authenticator_cannot_sign_in(client):
    user = CoordinatorFactory()
    response = login(client, user, otp_token="123456")
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_enrolment_command_prints_a_setup_link(capsys):
    from django.core.management import call_command

    user = CoordinatorFactory(username="coral-enrol")
    call_command("totp_enroll", "coral-enrol")
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out
    assert "UHAPO" in out
    assert user.totpdevice_set.filter(confirmed=True).count() == 1
