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
import os
import sys

from bench.cases import drain_messages, get_case, submit_case
from bench.model import GUIDE_PAGE, RESULTS, Case
from bench.post_cost import instruction_counts
from bench.profiling import PROFILE
from bench.report import (
    gunicorn_settings,
    instruction_ratio_text,
    judge,
    loadavg,
    post_ratio_line,
    report,
)
from bench.stack import (
    ROOT,
    Stack,
    machine,
)
from bench.sweep import sweep_case

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
        default="baseline,guide,home,form,submit,instructions,sweep",
        help="comma-separated cases (baseline,guide,home,form,submit,instructions,sweep)",
    )
    options = parser.parse_args()
    only = set(options.only.split(","))
    PROFILE.update(filter(None, options.profile.split(",")))
    runs, seconds = (1, 3) if options.quick else (3, 10)
    started = datetime.datetime.now(datetime.UTC)
    machine_line = machine()
    load_before = loadavg()
    print(f"machine: {machine_line}\nload: {load_before}", flush=True)

    cases = [
        Case("baseline", "yardstick: bare Django, fixed 20 KB string", "(none)"),
        Case("guide", f"guide page `{GUIDE_PAGE}`", ">= 3,000 req/s, p99 < 30 ms"),
        Case("home", "home page `/`", ">= 1,500 req/s"),
        Case("form", "empty booking form `/book/`", ">= 1,500 req/s"),
        Case("submit", "valid booking submissions (saved/s)", ">= 500 saved/s, 0 errors"),
    ]
    sweep = drain = instructions = None
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
        if "instructions" in only:
            print("booking POST and yardstick in instructions (callgrind)", flush=True)
            instructions = instruction_counts(stack.env)
            print(instruction_ratio_text(*instructions), flush=True)
        if "sweep" in only:
            print("due-message sweep", flush=True)
            sweep = sweep_case(
                stack, deliver=2000 if options.quick else 10_000, quick=options.quick
            )
            memory = stack.memory()
        judge(cases, sweep, memory)
        if post_ratio_line(cases):
            print(post_ratio_line(cases), flush=True)
        text = report(
            cases,
            sweep,
            memory,
            drain,
            instructions=instructions,
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
