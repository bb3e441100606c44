"""Delivery through the production shape: gunicorn, a real Celery worker and
beat on a real Redis, PostgreSQL, an SMTP server and an HTTP SMS provider.

These tests start their own redis-server (so they can stop it) and run the
web server and the worker as subprocesses on the test database.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from booking.models import MessageKind, VisitRequest
from outbox.models import Channel, Message, MessageStatus
from tests.factories import (
    MessageFactory,
    ServiceAreaFactory,
    VisitRequestFactory,
    caregiver_form_data,
    form_data,
)
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (set DATABASE_URL): worker and web run as separate processes",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def wait_until(predicate, timeout: float = 30, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def real_clock_env() -> dict[str, str]:
    """The environment without libfaketime: CI's night run fakes the clock, and
    redis-server and redis-cli hang under it. Redis keeps the real clock (its
    TTLs are relative, so nothing depends on it agreeing with ours)."""
    return {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }


class Redis:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            env=real_clock_env(),
        )
        wait_until(lambda: _port_open(self.port), timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def queued_payloads(self) -> list[bytes]:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), "--raw", "LRANGE", "celery", "0", "-1"],
            capture_output=True,
            check=True,
            env=real_clock_env(),
            timeout=30,
        )
        return [line for line in out.stdout.splitlines() if line]


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def stack(tmp_path, smtp_server, sms_provider) -> Iterator[dict]:
    """Environment for the subprocesses: the test database, our Redis, our SMTP and SMS servers."""
    db = connection.settings_dict
    redis = Redis(tmp_path)
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SMS_BACKEND": "outbox.channels.sms.HttpSmsBackend",
        "SMS_HTTP_URL": sms_provider.url,
        "SMS_HTTP_TOKEN": "test-token",
        "UHAPO_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
        # Sweep every 2 s instead of every minute, so the tests wait less.
        "MESSAGE_SWEEP_SECONDS": "2",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    procs: list[subprocess.Popen] = []
    ctx = {
        "env": env,
        "redis": redis,
        "procs": procs,
        "tmp": tmp_path,
        "smtp": smtp_server,
        "sms": sms_provider,
    }
    yield ctx
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    redis.stop()


def start_web(ctx) -> str:
    port = free_port()
    log = open(ctx["tmp"] / "web.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "uhapo.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=ctx["env"],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    ctx["procs"].append(proc)
    wait_until(lambda: _port_open(port), timeout=30)
    return f"http://127.0.0.1:{port}"


def start_worker(ctx, *, beat: bool, concurrency: int = 1) -> subprocess.Popen:
    log = open(ctx["tmp"] / "worker.log", "ab")  # noqa: SIM115
    args = [
        str(BIN / "celery"),
        "-A",
        "uhapo",
        "worker",
        "--loglevel=INFO",
        "--concurrency",
        str(concurrency),
        "--pool",
        "prefork",
        "-n",
        f"test-{time.monotonic_ns()}@%h",
    ]
    if beat:
        args += ["--beat", "--schedule", str(ctx["tmp"] / f"beat-{time.monotonic_ns()}")]
    proc = subprocess.Popen(
        args, cwd=ROOT, env=ctx["env"], stdout=log, stderr=log, start_new_session=True
    )
    ctx["procs"].append(proc)
    return proc


def submit(base_url: str, data: dict) -> tuple[int, float]:
    """GET the form for its CSRF token, then POST it, as a browser would."""
    with urllib.request.urlopen(f"{base_url}/book/", timeout=15) as response:
        html = response.read().decode()
        cookie = next(
            c.split(";")[0]
            for c in response.headers.get_all("Set-Cookie")
            if c.startswith("csrftoken=")
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        f"{base_url}/book/",
        data=body,
        headers={"Cookie": cookie, "Referer": f"{base_url}/book/", "X-Forwarded-Proto": "http"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=15) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


def _all_sent(count: int):
    def check():
        rows = list(Message.objects.values_list("status", flat=True))
        return len(rows) == count and set(rows) == {MessageStatus.SENT}

    return check


def test_new_request_goes_out_once_per_channel_through_a_real_worker(stack):
    ServiceAreaFactory()
    base = start_web(stack)
    start_worker(stack, beat=False)
    status, _ = submit(base, caregiver_form_data())
    assert status == 302
    # 2 SMS + 2 family emails + the coordinators' alert.
    wait_until(_all_sent(5), timeout=60)
    assert len(stack["sms"].received) == 2
    assert len(stack["sms"].distinct_keys()) == 2
    assert len(stack["smtp"].wait_for(3)) == 3


def test_with_redis_down_the_request_is_saved_and_its_messages_go_out_once_redis_is_back(stack):
    ServiceAreaFactory()
    base = start_web(stack)
    stack["redis"].stop()
    status, elapsed = submit(base, form_data())
    print(f"\n[submit with the broker down answered {status} in {elapsed:.2f}s]")
    assert status == 302
    visit_request = VisitRequest.objects.get()
    assert visit_request.consent is not None
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.PENDING}

    stack["redis"].start()
    start_worker(stack, beat=True)
    wait_until(_all_sent(3), timeout=90)
    assert len(stack["sms"].received) == 1
    assert len(stack["smtp"].wait_for(2)) == 2


def test_a_worker_killed_mid_send_loses_nothing_and_the_provider_sees_one_key(stack):
    ServiceAreaFactory()
    base = start_web(stack)
    stack["sms"].hang_next = 1
    worker = start_worker(stack, beat=False)
    status, _ = submit(base, form_data(patient_email=""))
    assert status == 302
    sms_row = Message.objects.get(channel=Channel.SMS)
    wait_until(lambda: stack["sms"].received, timeout=60)
    wait_until(
        lambda: Message.objects.get(pk=sms_row.pk).status == MessageStatus.SENDING, timeout=10
    )
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    stack["sms"].release.set()

    # Time passes beyond the sending timeout (the worker is gone for good).
    Message.objects.filter(pk=sms_row.pk).update(
        claimed_at=sms_row.created_at - django_settings.MESSAGE_SENDING_TIMEOUT
    )
    start_worker(stack, beat=True)
    wait_until(lambda: Message.objects.get(pk=sms_row.pk).status == MessageStatus.SENT, timeout=90)
    assert len(stack["sms"].received) == 2  # the crash forced one resend...
    assert stack["sms"].distinct_keys() == {str(sms_row.idempotency_key)}  # ...of one message


def enqueue(ctx, message_ids: list[int]) -> None:
    """Hand rows to the stack's Redis, as the web does after its commit."""
    from outbox.tasks import deliver_messages
    from uhapo.celery import app

    with app.connection_for_write(ctx["redis"].url) as conn:
        deliver_messages.apply_async((message_ids,), connection=conn)


def test_the_worker_outlives_redis_stopping_in_the_middle_of_a_send(stack):
    """Redis stopping while a task is unacknowledged does not end the worker (issue 13)."""
    area = ServiceAreaFactory()
    first, second = (
        MessageFactory(
            request=visit_request,
            channel=Channel.EMAIL,
            recipient=visit_request.patient_email,
        )
        for visit_request in VisitRequestFactory.create_batch(2, service_area=area)
    )
    smtp, redis = stack["smtp"], stack["redis"]
    smtp.hang_next = 1
    # Two processes: one busy with the send, so the consumer has a BRPOP
    # waiting for the next task when Redis goes (the case that crashed).
    worker = start_worker(stack, beat=False, concurrency=2)
    log = stack["tmp"] / "worker.log"
    enqueue(stack, [first.pk])
    assert smtp.hanging.wait(60)
    redis.stop()
    # The consumer either tries to reconnect or, with the bug, exits.
    wait_until(lambda: worker.poll() is not None or b"Cannot connect to" in log.read_bytes())
    assert worker.poll() is None, [
        line for line in log.read_text().splitlines() if "CRITICAL" in line
    ]

    redis.start()
    smtp.release.set()
    enqueue(stack, [second.pk])  # consumed only if the worker reconnected
    wait_until(
        lambda: set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT},
        timeout=90,
    )
    assert worker.poll() is None
    assert b"Unrecoverable error" not in log.read_bytes()
    assert len({m["Message-ID"] for m in smtp.wait_for(2)}) == len(smtp.messages) == 2


def test_task_arguments_carry_ids_only(stack):
    ServiceAreaFactory()
    base = start_web(stack)  # no worker: the task messages stay in Redis to be read
    status, _ = submit(base, caregiver_form_data())
    assert status == 302
    payloads = b"\n".join(wait_until(stack["redis"].queued_payloads, timeout=10))
    assert b"deliver_messages" in payloads
    import base64
    import json

    for raw in stack["redis"].queued_payloads():
        envelope = json.loads(raw)
        body = base64.b64decode(envelope["body"]).decode()
        args = json.loads(body)[0]
        assert all(isinstance(i, int) for arg in args for i in arg), body
        for detail in (
            "Testina",
            "Fictional",
            "9820012345",
            "Imaginary",
            "Lung",
            "embrolizumab",
            "example.com",
        ):
            assert detail not in body
            assert detail not in raw.decode()
    assert Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED).count() == 4
