"""The wrk cases: pages, and booking submissions counted against the database."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.model import BENCH, CONNECTIONS, SUBMIT_LINES, THREADS, Case, Run
from bench.profiling import Profiler
from bench.stack import (
    CpuMeter,
    Stack,
    cpu_seconds,
    tree_cpu_seconds,
    wait_until,
)

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
            cpu_ms=1000 * cpu / max(saved, 1),  # per saved request
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
