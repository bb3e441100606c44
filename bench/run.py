"""`make bench`: the portal's production shape on this machine, measured.

Starts a fresh database, a private redis-server, gunicorn (gunicorn.conf.py),
a Celery worker with two processes and one beat; runs each case three times
with wrk (2 threads, 32 connections, 10 s); measures the due-message sweep on
a million rows; prints the table and writes bench/results.md.

    .venv/bin/python -m bench.run [--quick] [--only guide,home,...]

--quick runs each case once for 3 s (to try the script, not to quote).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.stack import (
    ROOT,
    CpuMeter,
    Stack,
    children,
    cpu_seconds,
    machine,
    tree_cpu_seconds,
    wait_until,
)

BENCH = ROOT / "bench"
RESULTS = BENCH / "results.md"
THREADS, CONNECTIONS = 2, 32
GUIDE_PAGE = "/guide/what-is-immunotherapy/"
SUBMIT_LINES = 20_000  # per run: more than 10 s can use at 2,000 saved/s


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float  # gunicorn workers' CPU per request
    others: float = 0.0  # cores used by other people's processes during the run
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    key: str
    title: str
    target: str
    runs: list[Run] = field(default_factory=list)
    ok: bool | None = None
    note: str = ""

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)


# --- profiling ------------------------------------------------------------------

PROFILE: set[str] = set()  # case keys to profile (--profile)


class Profiler:
    """py-spy on the gunicorn workers during one run: a flame graph and a text summary.

    Samples only threads holding the GIL (--gil), so waits on PostgreSQL or on
    the network do not show as work.
    """

    def __init__(self, stack: Stack, key: str, seconds: float) -> None:
        self.key, self.proc = key, None
        if key not in PROFILE:
            return
        out = BENCH / "profiles"
        out.mkdir(exist_ok=True)
        self.raw = out / f"{key}.txt"
        pid = stack.procs["web"].pid
        common = ["--pid", str(pid), "--subprocesses", "--gil", "--nonblocking", "-r", "250"]
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                *common,
                "-d",
                str(int(seconds)),
                "--format",
                "raw",
                "-o",
                str(self.raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def finish(self) -> None:
        if self.proc is None:
            return
        self.proc.wait(60)
        summary = summarise_profile(self.raw)
        (self.raw.with_suffix(".top.txt")).write_text(summary)
        print(
            f"  profile of {self.key}: {self.raw.relative_to(ROOT)} (collapsed stacks), "
            f"{self.raw.with_suffix('.top.txt').relative_to(ROOT)}",
            flush=True,
        )


class WorkerProfiler(Profiler):
    """py-spy on the Celery worker's pool processes while they deliver, waits included."""

    def __init__(self, pid: int) -> None:
        out = BENCH / "profiles"
        out.mkdir(exist_ok=True)
        self.key = "sweep"
        self.raw = out / "sweep.txt"
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                "-r",
                "250",
                "--format",
                "raw",
                "-o",
                str(self.raw),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def finish(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        super().finish()


def summarise_profile(raw: Path, top: int = 45) -> str:
    """Inclusive share of samples per function, from py-spy's collapsed stacks."""
    from collections import Counter

    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [
            f.split(":")[0].replace(".venv/lib/python3.11/site-packages/", "")
            for f in stack.split(";")[1:]
        ]
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            own[frames[-1]] += n
    lines = [f"{total} samples (GIL held)", "", "inclusive:"]
    lines += [f"{100 * v / total:5.1f}%  {k}" for k, v in inclusive.most_common(top)]
    lines += ["", "own time:"]
    lines += [f"{100 * v / total:5.1f}%  {k}" for k, v in own.most_common(25)]
    return "\n".join(lines) + "\n"


# --- wrk ------------------------------------------------------------------------


def wrk(url: str, seconds: float, script: str, *args: str) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(BENCH / "wrk" / script),
        url,
    ]
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.split(" ", 1)[1])
    raise RuntimeError(f"wrk printed no figures:\n{out.stdout}\n{out.stderr}")


def get_case(stack: Stack, case: Case, path: str, *, runs: int, seconds: float) -> None:
    web = stack.procs["web"]
    wrk(stack.base_url + path, 2, "report.lua")  # warm up: templates, connections
    for index in range(runs):
        cpu_before = tree_cpu_seconds(web.pid)
        profiler = Profiler(stack, case.key, seconds - 1) if index == 0 else None
        meter = CpuMeter(stack.pids())
        result = wrk(stack.base_url + path, seconds, "report.lua")
        share = meter.stop()
        cpu = tree_cpu_seconds(web.pid) - cpu_before
        if profiler:
            profiler.finish()
        requests = max(result["requests"], 1)
        case.runs.append(
            Run(
                rps=result["requests"] / (result["duration_us"] / 1e6),
                p50_ms=result["latency_us"]["p50"] / 1000,
                p99_ms=result["latency_us"]["p99"] / 1000,
                errors=sum(result["errors"].values()),
                cpu_ms=1000 * cpu / requests,
                others=share["others"],
            )
        )
        print(f"  {case.key}: {fmt_run(case.runs[-1])}", flush=True)


def fmt_run(run: Run) -> str:
    return (
        f"{run.rps:,.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, "
        f"errors {run.errors}, {run.cpu_ms:.2f} ms CPU/request, "
        f"other processes {run.others:.2f} cores"
    )


# --- booking submissions -------------------------------------------------------------


def submission_lines(path: Path, count: int) -> None:
    """One valid form per line, each with its own CSRF cookie and token, its own
    submission token and its own patient number.

    The pairs come from django.middleware.csrf.get_token, the call the form
    page makes for a new visitor, so they are exactly what `count` visitors
    would each have been given; minting them here keeps 20,000 GETs out of
    the measurement.
    """
    import random
    import uuid

    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    from tests.factories import form_data

    template = form_data(patient_email="", notes="Benchmark request (fictional).")
    rng = random.Random()
    with path.open("w") as out:
        for _ in range(count):
            request = HttpRequest()
            token = get_token(request)
            cookie = request.META["CSRF_COOKIE"]
            fields = {
                **template,
                "submission_token": str(uuid.uuid4()),
                "patient_phone": f"98200 {rng.randrange(100000):05d}",
                "csrfmiddlewaretoken": token,
            }
            out.write(f"{cookie}\t{urllib.parse.urlencode(fields)}\n")


def db_counts() -> dict[str, int]:
    from booking.models import VisitRequest
    from outbox.models import Message

    return {
        "requests": VisitRequest.objects.count(),
        "confirmations": Message.objects.filter(kind="received").count(),
        "messages": Message.objects.count(),
        "duplicates": Message.objects.filter(kind="received")
        .values("subject_id", "channel", "audience")
        .order_by()
        .distinct()
        .count(),
    }


def submit_case(stack: Stack, case: Case, *, runs: int, seconds: float) -> None:
    web = stack.procs["web"]
    tmp = Path(tempfile.mkdtemp(prefix="uhapo-bench-forms-"))
    lines = tmp / "warm.txt"
    submission_lines(lines, 300)
    wrk(stack.base_url + "/book/", 3, "submit.lua", str(lines), str(THREADS), "1")
    for index in range(runs):
        lines = tmp / f"run{index}.txt"
        submission_lines(lines, SUBMIT_LINES)
        before = db_counts()
        cpu_before = tree_cpu_seconds(web.pid)
        worker = stack.procs["worker"]
        worker_before = tree_cpu_seconds(worker.pid) + cpu_seconds([worker.pid])
        profiler = Profiler(stack, case.key, seconds - 1) if index == 0 else None
        meter = CpuMeter(stack.pids())
        # -d leaves 4 s after the sending window for the answers still in flight
        # (less than gunicorn's keep-alive, so no idle connection is closed meanwhile).
        result = wrk(
            stack.base_url + "/book/",
            seconds + 4,
            "submit.lua",
            str(lines),
            str(THREADS),
            str(seconds),
        )
        share = meter.stop()
        cpu = tree_cpu_seconds(web.pid) - cpu_before
        worker_cpu = tree_cpu_seconds(worker.pid) + cpu_seconds([worker.pid]) - worker_before
        if profiler:
            profiler.finish()
        # A request wrk gave up on could still be saved a moment later: wait
        # until the count stops moving before comparing.
        after = db_counts()
        for _ in range(20):
            time.sleep(0.5)
            again = db_counts()
            if again == after:
                break
            after = again
        answered = result["s2xx"] + result["s3xx"]
        saved = after["requests"] - before["requests"]
        confirmations = after["confirmations"] - before["confirmations"]
        socket_errors = sum(v for k, v in result["errors"].items() if k != "status")
        unanswered = result["sent"] - answered - result["s4xx"] - result["s5xx"] - result["other"]
        errors = (
            result["s4xx"] + result["s5xx"] + result["other"] + socket_errors + max(unanswered, 0)
        )
        run = Run(
            rps=saved / result["window_s"] if result["window_s"] else 0.0,
            p50_ms=result["latency_us"]["p50"] / 1000,
            p99_ms=result["latency_us"]["p99"] / 1000,
            errors=errors,
            cpu_ms=1000 * cpu / max(result["requests"], 1),
            others=share["others"],
            extra={
                "sent": result["sent"],
                "answered_2xx_3xx": answered,
                "saved": saved,
                "confirmations": confirmations,
                "duplicates": (after["confirmations"] - before["confirmations"])
                - (after["duplicates"] - before["duplicates"]),
                "window_s": result["window_s"],
                "exhausted": bool(result["exhausted"]),
                # CPU per saved request elsewhere than gunicorn, over the same window:
                # the Celery worker sending its two messages, and PostgreSQL.
                "worker_cpu_ms": 1000 * worker_cpu / max(saved, 1),
                "postgres_cpu_ms": 1000 * share["postgres"] * share["wall"] / max(saved, 1),
                "error_detail": {
                    **{k: v for k, v in result["errors"].items() if v and k != "status"},
                    **{k: result[k] for k in ("s4xx", "s5xx", "other") if result[k]},
                    **({"unanswered": unanswered} if unanswered > 0 else {}),
                },
            },
        )
        case.runs.append(run)
        (lines).unlink()
        print(
            f"  submit: {fmt_run(run)}; sent {result['sent']}, answered 2xx/3xx {answered}, "
            f"saved {saved}, confirmations {confirmations}"
            + (f", errors: {run.extra['error_detail']}" if run.extra["error_detail"] else ""),
            flush=True,
        )
    lines = tmp / "warm.txt"
    lines.unlink(missing_ok=True)
    tmp.rmdir()


def drain_messages(timeout: float) -> dict[str, Any]:
    """Wait for the worker to deliver what the submissions queued; SMS in quiet hours wait."""
    from django.utils import timezone

    from outbox.models import Message
    from outbox.quiet_hours import in_quiet_hours

    started = time.monotonic()

    def settled() -> bool:
        pending = Message.objects.filter(status__in=["pending", "sending"])
        if in_quiet_hours(timezone.now()):
            pending = pending.filter(due_at__lte=timezone.now())
        return not pending.exists()

    try:
        wait_until(settled, timeout=timeout, interval=0.5, what="all due messages sent")
        drained = True
    except TimeoutError:
        drained = False
    statuses = dict(_status_counts())
    return {"drained": drained, "seconds": time.monotonic() - started, "statuses": statuses}


def _status_counts() -> list[tuple[str, int]]:
    from django.db.models import Count

    from outbox.models import Message

    return list(
        Message.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


# --- the due-message sweep ----------------------------------------------------------

SWEEP_SQL = """
TRUNCATE booking_visitrequest, booking_consent, booking_requestevent, outbox_message,
    django_session;
SET synchronous_commit TO off;
INSERT INTO booking_visitrequest (
    reference, submission_token, submission_fingerprint, link_nonce, language, submitted_by, patient_name,
    patient_birth_year, patient_phone, patient_email, caregiver_name,
    caregiver_relationship, caregiver_phone, caregiver_email, message_recipient,
    address_line, street, area, landmark, pin_code, service_area_id, cancer_type, medicine,
    medicine_other, oncologist_name, hospital_name, first_dose_in_hospital,
    had_infusion_reaction, has_prescription, preferred_date, preferred_time, notes,
    needs_clinical_review, status, schedule_version, closing_reason, created_at, updated_at)
SELECT 'UH-' || lpad(to_hex(n), 9, '0'), gen_random_uuid(), '', md5(n::text)::varchar(16), 'en',
    'patient', 'Testina Fictional', 1960, '+91982' || lpad((n %% 10000000)::text, 7, '0'),
    'testina' || n || '@example.com', '', '', '', '', 'patient',
    'Flat 12, Imaginary Heights', 'Example Road', 'Andheri West', '', '400053',
    (SELECT id FROM booking_servicearea WHERE pin_code = '400053'), 'Lung cancer',
    'pembrolizumab', '', 'Dr Placeholder', 'Nowhere General Hospital', true, false, true,
    current_date + 3, 'morning', '', false, 'completed', 1, '',
    now() - interval '400 days' + n * interval '1 minute', now()
FROM generate_series(1, %(requests)s) AS n;
-- Five messages a request: history (sent), a few cancelled and failed, upcoming
-- reminders (pending, due later), and exactly %(due)s pending rows already due.
INSERT INTO outbox_message (
    subject_type_id, subject_id, kind, channel, audience, schedule_version, recipient, language,
    due_at, held_in_quiet_hours, status, attempts, last_error, claimed_at, sent_at,
    idempotency_key, created_at)
SELECT (SELECT id FROM django_content_type WHERE app_label = 'booking' AND model = 'visitrequest'),
    r.id, m.kind, m.channel, m.audience, 1,
    CASE WHEN m.channel = 'sms' THEN r.patient_phone ELSE r.patient_email END, 'en',
    CASE WHEN m.kind IN ('remind24', 'remind2') AND r.id %% 50 = 0
         THEN now() + interval '1 day' + (r.id %% 1000) * interval '1 minute'
         ELSE r.created_at + m.offset_ END,
    m.kind <> 'received',
    CASE WHEN m.kind IN ('remind24', 'remind2') AND r.id %% 50 = 0 THEN 'pending'
         WHEN r.id %% 97 = 0 THEN 'cancelled'
         WHEN r.id %% 997 = 0 THEN 'failed'
         ELSE 'sent' END,
    1, '', r.created_at + m.offset_, r.created_at + m.offset_, gen_random_uuid(), r.created_at
FROM booking_visitrequest r
CROSS JOIN (VALUES
    ('received', 'sms', 'patient', interval '0'),
    ('received', 'email', 'patient', interval '0'),
    ('alert', 'email', 'coordinator', interval '0'),
    ('remind24', 'sms', 'patient', interval '2 days'),
    ('remind2', 'sms', 'patient', interval '3 days')
) AS m(kind, channel, audience, offset_);
UPDATE outbox_message SET status = 'pending', due_at = now() - (id %% 600) * interval '1 second',
    sent_at = NULL, claimed_at = NULL, attempts = 0
WHERE id IN (SELECT id FROM outbox_message WHERE kind = 'received' AND channel = 'email'
             AND status = 'sent' ORDER BY id LIMIT %(due)s);
ANALYZE booking_visitrequest;
ANALYZE outbox_message;
"""


def sweep_case(stack: Stack, *, deliver: int, quick: bool) -> dict[str, Any]:
    """Find the due rows among a million, then deliver `deliver` of them with two processes."""
    from django.db import connection
    from django.utils import timezone

    from outbox import dispatch
    from outbox.models import Message, MessageStatus
    from outbox.tasks import deliver_due_messages

    total = 100_000 if quick else 1_000_000
    # Beat and the worker would send the due rows while they are being counted:
    # stop them for the build and the finding, start them again to deliver.
    stack.stop("beat")
    stack.stop("worker")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(SWEEP_SQL % {"requests": total // 5, "due": 1000})
    build_s = time.monotonic() - started
    rows = Message.objects.count()
    due = Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=timezone.now()).count()
    print(f"  sweep: {rows:,} message rows written in {build_s:.0f} s, {due:,} due", flush=True)

    # What the beat sweep does first: rescue stuck rows, then list the due ones.
    timings = []
    for _ in range(30):
        t0 = time.perf_counter()
        found = dispatch.messages_due()
        timings.append((time.perf_counter() - t0) * 1000)
    now = timezone.now()
    plan = (
        Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:5000]
        .explain(analyze=True, buffers=True)
    )
    rescue_plan = Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - datetime.timedelta(minutes=3)
    ).explain(analyze=True)
    result: dict[str, Any] = {
        "rows": rows,
        "due": due,
        "found": len(found),
        "find_ms_median": statistics.median(timings),
        "find_ms_max": max(timings),
        "plan": plan,
        "rescue_plan": rescue_plan,
        "uses_index": "outbox_pending_due" in plan,
    }
    print(
        f"  sweep: messages_due() found {len(found)} in {result['find_ms_median']:.2f} ms "
        f"(median of 30, max {result['find_ms_max']:.2f}); index used: {result['uses_index']}",
        flush=True,
    )

    # Make `deliver` emails due (the 1,000 already due are among them), then
    # let the beat task fan them out to the two worker processes.
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE outbox_message SET status = 'pending', due_at = now() - interval '1 second',
                   sent_at = NULL, claimed_at = NULL, attempts = 0
               WHERE id IN (SELECT id FROM outbox_message WHERE kind = 'received'
                            AND channel = 'email' AND status IN ('sent', 'pending')
                            AND due_at < now() ORDER BY id LIMIT %s)""",
            [deliver],
        )
    stack.start_worker(concurrency=2)
    stack.start_beat()
    target_ids = set(
        Message.objects.filter(
            status=MessageStatus.PENDING, due_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    import redis

    broker = redis.Redis(port=stack.redis_port, db=0)
    worker = stack.procs["worker"]
    pool = children(worker.pid)
    cpu_before = cpu_seconds([worker.pid, *pool])
    profiler = WorkerProfiler(worker.pid) if "sweep" in PROFILE else None
    started = time.monotonic()
    sweeps = 0
    deadline = started + 180
    while time.monotonic() < deadline:
        remaining = Message.objects.filter(pk__in=target_ids, status=MessageStatus.PENDING)
        if not remaining.exists():
            break
        # Another sweep only when the last one's batches have been picked up,
        # as beat would do on its next tick.
        if broker.llen("celery") == 0:
            deliver_due_messages.delay()
            sweeps += 1
        time.sleep(0.2)
    wait_until(
        lambda: (
            not Message.objects.filter(
                pk__in=target_ids, status__in=[MessageStatus.PENDING, MessageStatus.SENDING]
            ).exists()
        ),
        timeout=max(deadline - time.monotonic(), 1),
        interval=0.1,
        what="all due messages sent",
    )
    elapsed = time.monotonic() - started
    cpu = cpu_seconds([worker.pid, *pool]) - cpu_before
    if profiler:
        profiler.finish()
    sent = Message.objects.filter(pk__in=target_ids, status=MessageStatus.SENT).count()
    result.update(
        deliver=len(target_ids),
        delivered=sent,
        deliver_s=elapsed,
        deliver_rate=sent / elapsed,
        deliver_cpu_ms=1000 * cpu / max(sent, 1),
        sweeps=sweeps,
    )
    print(
        f"  sweep: delivered {sent:,} of {len(target_ids):,} in {elapsed:.1f} s = "
        f"{sent / elapsed:,.0f}/s ({sweeps} sweeps, {result['deliver_cpu_ms']:.2f} ms worker CPU "
        "per message)",
        flush=True,
    )
    return result


# --- the report -----------------------------------------------------------------


def judge(cases: list[Case], sweep: dict[str, Any] | None, memory: dict[str, list[float]]) -> None:
    for case in cases:
        if not case.runs:
            continue
        rps, p99 = case.median("rps"), case.median("p99_ms")
        errors = sum(r.errors for r in case.runs)
        if case.key == "guide":
            case.ok = rps >= 3000 and p99 < 30 and errors == 0
        elif case.key in ("home", "form"):
            case.ok = rps >= 1500 and errors == 0
        elif case.key == "submit":
            consistent = all(
                r.extra["saved"] == r.extra["answered_2xx_3xx"] == r.extra["confirmations"]
                and r.extra["duplicates"] == 0
                for r in case.runs
            )
            case.ok = rps >= 500 and errors == 0 and consistent
            case.note = (
                "saved = answered = confirmations in every run"
                if consistent
                else ("MISMATCH between answers and rows")
            )
        elif case.key == "baseline":
            case.ok = None


def report(
    cases: list[Case],
    sweep: dict[str, Any] | None,
    memory: dict[str, list[float]],
    drain: dict[str, Any] | None,
    *,
    machine_line: str,
    gunicorn_line: str,
    quick: bool,
    started: datetime.datetime,
) -> str:
    def verdict(ok: bool | None) -> str:
        return "" if ok is None else ("met" if ok else "**missed**")

    lines = [
        "# Benchmark results",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `make bench`"
        + (" --quick (one short run per case: not for quoting)" if quick else "")
        + ".",
        "",
        f"- Machine: {machine_line}.",
        f"- Load before the run (1/5/15 min): {_loadavg()}; the benchmark shares the "
        "machine with whatever else runs, and wrk itself uses one of the two cores.",
        f"- Web: {gunicorn_line}; DJANGO_DEBUG=false, PostgreSQL on 127.0.0.1, "
        "persistent connections (DATABASE_CONN_MAX_AGE=600, health checks on), a private "
        "redis-server for the broker and the cache, a Celery worker with 2 processes and "
        "one beat running throughout.",
        f"- wrk: {THREADS} threads, {CONNECTIONS} connections, "
        f"{'3 s x 1' if quick else '10 s x 3'} runs per case; medians of the runs. "
        "Server CPU is the gunicorn workers' CPU time per request; other load is the CPU "
        "used meanwhile by processes that are neither this benchmark's nor PostgreSQL "
        "(the machine is shared), in cores out of 2.",
        "",
        "| case | target | req/s (median) | runs | p50 ms | p99 ms | errors | "
        "server CPU ms/req | other load (cores) | verdict |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for case in cases:
        if not case.runs:
            continue
        runs = " / ".join(f"{r.rps:,.0f}" for r in case.runs)
        lines.append(
            f"| {case.title} | {case.target} | {case.median('rps'):,.0f} | {runs} | "
            f"{case.median('p50_ms'):.1f} | {case.median('p99_ms'):.1f} | "
            f"{sum(r.errors for r in case.runs)} | {case.median('cpu_ms'):.2f} | "
            f"{case.median('others'):.2f} | {verdict(case.ok)} |"
        )
    submit = next((c for c in cases if c.key == "submit" and c.runs), None)
    if submit:
        lines += [
            "",
            "Booking submissions, per run (a request is saved with its consent, first event, "
            "one confirmation SMS and one coordinator email, in one transaction):",
            "",
            "| run | sent | answered 2xx/3xx | saved requests | confirmations | duplicates "
            "| errors | window s | CPU ms per saved request: web + worker + PostgreSQL |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
        ]
        for i, r in enumerate(submit.runs, 1):
            e = r.extra
            errors = ", ".join(f"{k} {v}" for k, v in e["error_detail"].items()) or "0"
            total = r.cpu_ms + e["worker_cpu_ms"] + e["postgres_cpu_ms"]
            lines.append(
                f"| {i} | {e['sent']:,} | {e['answered_2xx_3xx']:,} | {e['saved']:,} | "
                f"{e['confirmations']:,} | {e['duplicates']} | {errors} | {e['window_s']:.2f} | "
                f"{r.cpu_ms:.1f} + {e['worker_cpu_ms']:.1f} + {e['postgres_cpu_ms']:.1f} "
                f"= {total:.1f} (at most {2000 / total:,.0f}/s on 2 idle cores) |"
            )
        if drain:
            statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(drain["statuses"].items()))
            lines += [
                "",
                f"Their messages afterwards: {statuses} "
                f"({'all due ones sent' if drain['drained'] else 'NOT all sent'} "
                f"{drain['seconds']:.0f} s after the last run; SMS wait for 08:00 IST "
                "in quiet hours).",
            ]
    if sweep:
        ok_find = sweep["find_ms_median"] < 20 and sweep["uses_index"]
        ok_deliver = sweep["deliver_rate"] >= 500 and sweep["delivered"] == sweep["deliver"]
        lines += [
            "",
            "Due-message sweep:",
            "",
            "| measure | target | result | verdict |",
            "| --- | --- | ---: | --- |",
            f"| find the due rows among {sweep['rows']:,} ({sweep['due']:,} due; "
            "`dispatch.messages_due()`, median of 30) | < 20 ms, index used | "
            f"{sweep['find_ms_median']:.2f} ms (max {sweep['find_ms_max']:.2f}), found "
            f"{sweep['found']:,}, index {'used' if sweep['uses_index'] else 'NOT used'} | "
            f"{verdict(ok_find)} |",
            f"| deliver {sweep['deliver']:,} due emails, console backend, 2 worker processes "
            f"| >= 500/s | {sweep['deliver_rate']:,.0f}/s ({sweep['delivered']:,} in "
            f"{sweep['deliver_s']:.1f} s, {sweep['sweeps']} sweeps, "
            f"{sweep['deliver_cpu_ms']:.2f} ms worker CPU each) | {verdict(ok_deliver)} |",
            "",
            "Plan of the due-row query:",
            "",
            "```",
            sweep["plan"],
            "```",
            "",
            "Plan of the stuck-row rescue (the sweep's first statement):",
            "",
            "```",
            sweep["rescue_plan"],
            "```",
        ]
    if memory:
        limits = {"gunicorn worker": 120, "celery pool process": 150, "celery main": 150}
        lines += [
            "",
            "Memory after the runs (resident, MB):",
            "",
            "| process | each | target | verdict |",
            "| --- | --- | --- | --- |",
        ]
        for name, values in memory.items():
            limit = limits.get(name)
            ok = None if limit is None else all(v < limit for v in values)
            lines.append(
                f"| {name} | {', '.join(f'{v:.0f}' for v in values)} | "
                f"{f'< {limit}' if limit else ''} | {verdict(ok)} |"
            )
    return "\n".join(lines) + "\n"


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def gunicorn_settings() -> str:
    sys.path.insert(0, str(ROOT))
    namespace: dict[str, Any] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 (our own config)
    return (
        f"gunicorn {namespace.get('worker_class', 'sync')}, "
        f"{namespace.get('workers', 1)} workers x {namespace.get('threads', 1)} threads "
        "(gunicorn.conf.py)"
    )


# --- main -------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one 3 s run per case")
    parser.add_argument(
        "--profile",
        default="",
        help="comma-separated cases to profile with py-spy during their first run",
    )
    parser.add_argument(
        "--only",
        default="baseline,guide,home,form,submit,sweep",
        help="comma-separated cases (baseline,guide,home,form,submit,sweep)",
    )
    options = parser.parse_args()
    only = set(options.only.split(","))
    PROFILE.update(filter(None, options.profile.split(",")))
    runs, seconds = (1, 3) if options.quick else (3, 10)
    started = datetime.datetime.now(datetime.UTC)
    machine_line = machine()
    load_before = _loadavg()
    print(f"machine: {machine_line}\nload: {load_before}", flush=True)

    cases = [
        Case("baseline", "yardstick: bare Django, fixed 20 KB string", "(none)"),
        Case("guide", f"guide page `{GUIDE_PAGE}`", ">= 3,000 req/s, p99 < 30 ms"),
        Case("home", "home page `/`", ">= 1,500 req/s"),
        Case("form", "empty booking form `/book/`", ">= 1,500 req/s"),
        Case("submit", "valid booking submissions (saved/s)", ">= 500 saved/s, 0 errors"),
    ]
    sweep = drain = None
    memory: dict[str, list[float]] = {}
    stack = Stack(
        "bench",
        extra_env={
            "BOOKING_RATE_LIMIT_IP": "1000000/h",
            "BOOKING_RATE_LIMIT_PHONE": "1000000/h",
        },
    )
    with stack:
        print("preparing: database, migrations, static files, redis", flush=True)
        stack.create_database()
        stack.start_redis()
        stack.activate()
        if "baseline" in only:
            print("yardstick: bare Django", flush=True)
            stack.start_web(app="bench.baseline:application")
            get_case(stack, cases[0], "/fixed", runs=runs, seconds=seconds)
            stack.stop("web")
        stack.start_web()
        stack.start_worker(concurrency=2)
        stack.start_beat()
        for case, path in ((cases[1], GUIDE_PAGE), (cases[2], "/"), (cases[3], "/book/")):
            if case.key in only:
                print(case.title, flush=True)
                get_case(stack, case, path, runs=runs, seconds=seconds)
        if "submit" in only:
            print(cases[4].title, flush=True)
            submit_case(stack, cases[4], runs=runs, seconds=seconds)
            drain = drain_messages(timeout=120)
        memory = stack.memory()
        if "sweep" in only:
            print("due-message sweep", flush=True)
            sweep = sweep_case(
                stack, deliver=2000 if options.quick else 10_000, quick=options.quick
            )
            memory = stack.memory()
        judge(cases, sweep, memory)
        text = report(
            cases,
            sweep,
            memory,
            drain,
            machine_line=machine_line,
            gunicorn_line=gunicorn_settings(),
            quick=options.quick,
            started=started,
        )
        from django.db import connections

        connections.close_all()
    stack.drop_database()
    RESULTS.write_text(text)
    print()
    print(text)
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
