"""The settings module refuses to run production on unsafe defaults."""

import os
import subprocess

import pytest
from django.db import connection

from tests.subprocesses import run_manage


def _check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_manage("check", *args, env=env_overrides)


def test_debug_off_without_secret_key_refuses_to_start():
    """With DJANGO_DEBUG off, a missing secret key stops the app at start-up."""
    result = _check({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "uhapo.example"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_with_a_guessable_secret_key_refuses_to_start():
    result = _check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "uhapo.example",
        }
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = _check(
        {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "production-like-" + "a1b2c3d4e5" * 6}
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_deploy_check_passes_with_production_variables():
    result = _check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "production-like-" + "a1b2c3d4e5" * 6,
            "DJANGO_ALLOWED_HOSTS": "care.uhapo.example",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_reports_the_database_vendor(capsys):
    """CI runs on PostgreSQL; this line in the output shows which database ran the suite."""
    with capsys.disabled():
        print(f"\n[database vendor: {connection.vendor}]")
    assert connection.vendor in {"postgresql", "sqlite"}
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"


def _hsts_header(extra_env: dict[str, str]) -> str:
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "production-like-" + "a1b2c3d4e5" * 6,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        **extra_env,
    }
    script = (
        "from django.test import Client;"
        "print(Client().get('/robots.txt', secure=True)['Strict-Transport-Security'])"
    )
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_asks_for_no_preload_unless_told_to():
    """Preloading a domain is hard to undo, so it is never the default."""
    assert "preload" not in _hsts_header({})
    assert "preload" in _hsts_header({"DJANGO_HSTS_PRELOAD": "true"})


def test_a_fresh_data_folder_is_made_with_what_the_embedded_default_needs(tmp_path):
    """`migrate` with a new UHAPO_VAR_DIR said "unable to open database file", and the
    folder broker's worker failed, until someone made the folders by hand."""
    var = tmp_path / "new" / "var"
    env = {"DJANGO_DEBUG": "true", "UHAPO_VAR_DIR": str(var)}
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr
    for folder in ("celery/out", "celery/processed", "celery/control", "mail", "sms"):
        assert (var / folder).is_dir(), folder
