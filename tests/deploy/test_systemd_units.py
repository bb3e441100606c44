"""The systemd units in deploy/systemd: what production runs, and that it restarts."""

from __future__ import annotations

import configparser
import importlib
import importlib.util
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
APP_DIR = "/srv/uhapo"
SERVICES = ("uhapo-web.service", "uhapo-worker.service", "uhapo-beat.service")


def parse(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read_string((UNITS / name).read_text())
    return unit


def exec_start(name: str) -> list[str]:
    return shlex.split(parse(name)["Service"]["ExecStart"])


def test_the_units_are_the_three_services_and_their_target():
    assert sorted(p.name for p in UNITS.iterdir() if p.suffix in (".service", ".target")) == sorted(
        (*SERVICES, "uhapo.target")
    )


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_restarts_when_it_dies(name):
    """A dead process comes back by itself, however often: nobody has to restart it."""
    unit = parse(name)
    service = unit["Service"]
    assert service["Restart"] in ("always", "on-failure")
    assert float(service["RestartSec"].rstrip("s")) > 0
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_the_release_as_its_own_user_with_hardening(name):
    unit = parse(name)
    service = unit["Service"]
    assert service["User"] == service["Group"] == "uhapo"
    assert service["WorkingDirectory"] == APP_DIR
    assert service["EnvironmentFile"] == "/etc/uhapo/env"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"].split() == [f"{APP_DIR}/var"]
    assert service["PrivateTmp"] == "yes"
    assert unit["Unit"]["PartOf"] == "uhapo.target"
    assert unit["Install"]["WantedBy"] == "uhapo.target"


def test_web_runs_gunicorn_on_the_wsgi_module_with_the_repository_config():
    argv = exec_start("uhapo-web.service")
    assert argv[0] == f"{APP_DIR}/.venv/bin/gunicorn"
    assert argv[1] == "uhapo.wsgi"
    assert importlib.util.find_spec(argv[1]) is not None
    config = Path(argv[argv.index("--config") + 1])
    assert (ROOT / config.relative_to(APP_DIR)).name == "gunicorn.conf.py"
    assert (ROOT / config.relative_to(APP_DIR)).is_file()


@pytest.mark.parametrize("name", ["uhapo-worker.service", "uhapo-beat.service"])
def test_worker_and_beat_run_celery_on_the_project_app(name):
    argv = exec_start(name)
    assert argv[0] == f"{APP_DIR}/.venv/bin/celery"
    app = argv[argv.index("-A") + 1]
    assert importlib.import_module(app).celery_app.main == "uhapo"


def test_exactly_one_unit_runs_beat():
    """Two beats would sweep twice; a worker's embedded beat (-B) counts as one."""

    def runs_beat(argv: list[str]) -> bool:
        command = [a for a in argv[1:] if not a.startswith("-")]
        return "beat" in command or "-B" in argv or "--beat" in argv

    beats = [name for name in SERVICES if runs_beat(exec_start(name))]
    assert beats == ["uhapo-beat.service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own parser: no unknown key or bad value. It checks that each
    command exists, so the copies point at this virtualenv instead of /srv/uhapo's."""
    for path in UNITS.iterdir():
        if path.suffix not in (".service", ".target"):
            continue
        text = path.read_text().replace(f"{APP_DIR}/.venv/bin/", f"{Path(sys.executable).parent}/")
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
