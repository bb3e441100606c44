"""Judging the cases against their targets and writing bench/results.md."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from bench.model import BENCH, CONNECTIONS, THREADS, Case
from bench.profiling import parts_table
from bench.stack import (
    ROOT,
)

PROFILES = BENCH / "post_profile.json"

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


# The booking POST's web CPU per saved request may be at most this many times
# the yardstick's CPU per request in the same run (issue 20).
POST_RATIO_TARGET = 8.0


def post_ratio(cases: list[Case]) -> tuple[float, float, float] | None:
    """(POST web CPU ms per saved request, yardstick CPU ms per request, their
    ratio), medians of this run's runs; None without both cases."""
    runs = {c.key: c for c in cases if c.runs}
    if "submit" not in runs or "baseline" not in runs:
        return None
    post, yard = runs["submit"].median("cpu_ms"), runs["baseline"].median("cpu_ms")
    return post, yard, post / yard


def post_ratio_line(cases: list[Case]) -> str:
    found = post_ratio(cases)
    if found is None:
        return ""
    post, yard, ratio = found
    verdict = "met" if ratio <= POST_RATIO_TARGET else "**missed**"
    return (
        f"Booking POST against the yardstick, same run: {post:.2f} ms of web CPU per saved "
        f"request / {yard:.2f} ms per yardstick request = **{ratio:.1f}x** "
        f"(target <= {POST_RATIO_TARGET:.0f}x: {verdict})."
    )


def instruction_ratio_text(post_ir: float, yard_ir: float) -> str:
    return (
        f"Booking POST against the yardstick in instructions (callgrind, one process, "
        f"Django's handler without gunicorn): {post_ir / 1e6:.2f} M per saved request / "
        f"{yard_ir / 1e6:.3f} M per yardstick request = **{post_ir / yard_ir:.1f}x**; "
        "the same on a quiet machine and a busy one."
    )


def report(
    cases: list[Case],
    sweep: dict[str, Any] | None,
    memory: dict[str, list[float]],
    drain: dict[str, Any] | None,
    *,
    instructions: tuple[float, float] | None = None,
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
        f"- Load before the run (1/5/15 min): {loadavg()}; the benchmark shares the "
        "machine with whatever else runs, and wrk itself uses one of the two cores.",
        f"- Web: {gunicorn_line}; DJANGO_DEBUG=false, PostgreSQL on 127.0.0.1, "
        "persistent connections (DATABASE_CONN_MAX_AGE=600, health checks on), a private "
        "redis-server for the broker and the cache, a Celery worker with 2 processes and "
        "one beat running throughout.",
        f"- wrk: {THREADS} threads, {CONNECTIONS} connections, "
        f"{'3 s x 1' if quick else '10 s x 3'} runs per case; medians of the runs. "
        "Server CPU is the gunicorn workers' CPU time per request (per saved request for "
        "submissions); other load is the CPU "
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
    if post_ratio_line(cases):
        lines += ["", post_ratio_line(cases)]
    if instructions:
        lines += [
            "",
            instruction_ratio_text(*instructions)
            + " CPU seconds swing with the machine's load (a third of a millisecond "
            "suffers more from a shared core than seven do); instruction counts do not.",
        ]
    if submit:
        lines += [
            "",
            "Booking submissions, per run (a request is saved with its consent, first event, "
            "one confirmation SMS and one coordinator email, in one transaction):",
            "",
            "| run | sent | answered 2xx/3xx | saved requests | confirmations | duplicates "
            "| errors | window s | CPU ms per saved request: web + worker + PostgreSQL "
            "| web CPU / yardstick |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: |",
        ]
        found = post_ratio(cases)
        for i, r in enumerate(submit.runs, 1):
            e = r.extra
            errors = ", ".join(f"{k} {v}" for k, v in e["error_detail"].items()) or "0"
            total = r.cpu_ms + e["worker_cpu_ms"] + e["postgres_cpu_ms"]
            lines.append(
                f"| {i} | {e['sent']:,} | {e['answered_2xx_3xx']:,} | {e['saved']:,} | "
                f"{e['confirmations']:,} | {e['duplicates']} | {errors} | {e['window_s']:.2f} | "
                f"{r.cpu_ms:.1f} + {e['worker_cpu_ms']:.1f} + {e['postgres_cpu_ms']:.1f} "
                f"= {total:.1f} (at most {2000 / total:,.0f}/s on 2 idle cores) | "
                + (f"{r.cpu_ms / found[1]:.1f}x |" if found else " |")
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
    if PROFILES.exists():
        entries = json.loads(PROFILES.read_text())
        lines += [
            "",
            "Where a booking POST's web CPU goes, by part (`python -m bench.post_profile "
            "--label L`: one yardstick run and one submission run of 10 s with py-spy "
            "sampling the gunicorn workers, which slows them, so compare the ratio rather than "
            "the milliseconds with the table above; each sample is charged to the deepest "
            "part on its stack, `bench.profiling.POST_PARTS`; "
            + ", ".join(f"{k}: {v['when']} at {v['commit']}" for k, v in entries.items())
            + "):",
            "",
            parts_table(entries).rstrip("\n"),
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


def loadavg() -> str:
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
