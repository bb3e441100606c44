"""What the drills in bench/drills/ share: the stack with provider stand-ins, a
browser-like client for the booking form, and the checks on the database.

Each drill uses the database uhapo_drill (created fresh, dropped at the end;
BENCH_DRILL_NAME=x makes it uhapo_x, for two people sharing one PostgreSQL),
its own redis-server and its own gunicorn, worker and beat; run one drill at
a time.
"""

from __future__ import annotations

import contextlib
import http.cookies
import os
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench.sinks import SmsSink, SmtpSink
from bench.stack import Stack, wait_until

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_RE = re.compile(r'name="submission_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all (connection refused, reset, timeout)
    started: float  # time.time()
    ended: float
    error: str = ""  # no answer: the exception; an answer with the form again: its errors

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


@dataclass
class Form:
    """What a browser holds after loading /book/: the CSRF cookie and the form's tokens."""

    cookie: str
    csrf_token: str
    submission_token: str


def load_form(base_url: str, timeout: float = 15) -> Form:
    with urllib.request.urlopen(f"{base_url}/book/", timeout=timeout) as response:
        html = response.read().decode()
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return Form(
        cookie=jar["csrftoken"].value,
        csrf_token=TOKEN_RE.search(html).group(1),
        submission_token=SUBMISSION_RE.search(html).group(1),
    )


def post_form(base_url: str, form: Form, data: dict[str, Any], timeout: float = 30) -> Answer:
    body = urllib.parse.urlencode(
        {
            **data,
            "submission_token": form.submission_token,
            "csrfmiddlewaretoken": form.csrf_token,
        }
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/book/",
        data=body,
        headers={
            "Cookie": f"csrftoken={form.cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    started = time.time()
    try:
        with _opener.open(request, timeout=timeout) as response:
            html = response.read().decode(errors="replace")
            return Answer(response.status, started, time.time(), error=form_errors(html))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, started, time.time())
    except OSError as exc:
        return Answer(0, started, time.time(), error=type(exc).__name__)


def form_errors(html: str) -> str:
    """The messages in the page's error summary, if the form came back with errors."""
    start = html.find('id="error-summary"')
    if start < 0:
        return ""
    items = re.findall(r"<li>(.*?)</li>", html[start : html.find("</div>", start)], re.S)
    return "; ".join(re.sub(r"<[^>]+>", "", item).strip() for item in items)


def submit(base_url: str, data: dict[str, Any]) -> Answer:
    """Load the form, then post it, as a family's browser does. Times the POST."""
    try:
        form = load_form(base_url)
    except OSError as exc:
        now = time.time()
        return Answer(0, now, now, error=f"GET /book/: {type(exc).__name__}")
    return post_form(base_url, form, data)


def form_data(n: int) -> dict[str, Any]:
    """A valid form for a fictional patient; `n` varies the phone number."""
    from tests.factories import form_data as factory_form_data

    return factory_form_data(patient_phone=f"98200 {n % 100000:05d}", patient_email="")


# --- the stack -------------------------------------------------------------------------


@contextlib.contextmanager
def drill_stack(
    *,
    sms_delay: float = 0.0,
    smtp_delay: float = 0.0,
    env: dict[str, str] | None = None,
    web: bool = True,
    worker: bool = True,
    beat: bool = True,
) -> Iterator[tuple[Stack, SmtpSink, SmsSink]]:
    smtp = SmtpSink(smtp_delay).start()
    sms = SmsSink(sms_delay).start()
    stack = Stack(
        os.environ.get("BENCH_DRILL_NAME", "drill"),
        extra_env={
            **smtp.env(),
            **sms.env(),
            # Drills post hundreds of forms from one address: limits are
            # configuration, raised here as for the benchmark.
            "BOOKING_RATE_LIMIT_IP": "1000000/h",
            "BOOKING_RATE_LIMIT_PHONE": "1000000/h",
            **(env or {}),
        },
    )
    try:
        with stack:
            stack.create_database()
            stack.start_redis()
            stack.activate()
            if web:
                stack.start_web()
            if worker:
                stack.start_worker(concurrency=2)
            if beat:
                stack.start_beat()
            yield stack, smtp, sms
            from django.db import connections

            connections.close_all()
    finally:
        smtp.stop()
        sms.stop()
        stack.drop_database()


# --- checks ------------------------------------------------------------------------------


def integrity() -> dict[str, int]:
    """Every saved request must have its consent, first event and both kinds of message."""
    from django.db.models import Count, Q

    from booking.models import VisitRequest
    from outbox.models import Message

    requests = VisitRequest.objects.annotate(
        n_received=Count("messages", filter=Q(messages__kind="received")),
        n_alerts=Count("messages", filter=Q(messages__kind="alert")),
        n_events=Count("events", distinct=True),
    )
    duplicate_rows = (
        Message.objects.values(
            "subject_type", "subject_id", "kind", "channel", "audience", "schedule_version"
        )
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "requests": VisitRequest.objects.count(),
        "confirmations": Message.objects.filter(kind="received").count(),
        "messages": Message.objects.count(),
        "without consent": VisitRequest.objects.filter(consent__isnull=True).count(),
        "without first event": requests.filter(n_events=0).count(),
        "without confirmation": requests.filter(n_received=0).count(),
        "without coordinator alert": requests.filter(n_alerts=0).count(),
        "duplicate message rows": duplicate_rows,
    }


def incomplete(figures: dict[str, int]) -> int:
    return sum(v for k, v in figures.items() if k.startswith(("without", "duplicate")))


def held_for_quiet_hours() -> int:
    """SMS rows the worker moved to 08:00 IST because they fell due in quiet hours."""
    from django.utils import timezone

    from outbox.models import Channel, Message, MessageStatus

    return Message.objects.filter(
        channel=Channel.SMS, status=MessageStatus.PENDING, due_at__gt=timezone.now()
    ).count()


def wait_delivered(timeout: float) -> bool:
    """Wait until no message is due and unsent (SMS held for quiet hours are not due yet)."""
    from django.db.models import Q
    from django.utils import timezone

    from outbox.models import Message, MessageStatus

    def done() -> bool:
        unsent = Q(status=MessageStatus.SENDING) | Q(
            status=MessageStatus.PENDING, due_at__lte=timezone.now()
        )
        return not Message.objects.filter(unsent).exists()

    try:
        wait_until(done, timeout=timeout, interval=0.5, what="messages delivered")
    except TimeoutError:
        return False
    return True


def message_statuses() -> dict[str, int]:
    from django.db.models import Count

    from outbox.models import Message

    return dict(
        Message.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def worker_health(stack: Stack, key: str = "worker") -> dict[str, Any]:
    """Is the worker this stack started still running, and what did it log about the broker?"""
    proc = stack.procs.get(key)
    path = stack.workdir / f"{key}.log"
    log = path.read_text(errors="replace") if path.exists() else ""
    return {
        "alive": proc is not None and proc.poll() is None,
        "exit status": None if proc is None else proc.poll(),
        "connections lost": log.count("Connection to broker lost"),
        "connected": log.count("Connected to redis"),
        "unrecoverable errors": log.count("Unrecoverable error"),
    }


def worker_summary(health: dict[str, Any]) -> str:
    state = "alive" if health["alive"] else f"EXITED (status {health['exit status']})"
    return (
        f"worker: {state}; lost the broker {health['connections lost']} time(s), connected "
        f"{health['connected']} time(s); 'Unrecoverable error' in its log "
        f"{health['unrecoverable errors']} time(s)"
    )


def seconds_summary(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.3f} s, p99 {p99:.3f} s, max {ordered[-1]:.3f} s"


def verdict(name: str, checks: list[tuple[str, bool]], figures: list[str]) -> int:
    """Print PASS or FAIL, the figures and each check; the exit status for the shell."""
    passed = all(ok for _, ok in checks)
    print()
    print(f"{'PASS' if passed else 'FAIL'} {name}")
    for line in figures:
        print(f"  {line}")
    for label, ok in checks:
        print(f"  [{'ok' if ok else 'FAILED'}] {label}")
    sys.stdout.flush()
    return 0 if passed else 1
