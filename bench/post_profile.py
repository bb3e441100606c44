"""Where a booking POST's web CPU goes: one short yardstick run, then one run of
valid submissions with py-spy on the gunicorn workers, in the production shape.

    .venv/bin/python -m bench.post_profile [--seconds 10] [--label before]

Lighter than `make bench` (one run of each, about a minute; py-spy itself
slows the run): for finding what to change, not for quoting. Writes
bench/profiles/submit-<label>.txt (py-spy's collapsed stacks, not kept in
git), records the run's CPU per saved request, the yardstick's CPU per
request and the milliseconds per part (bench.profiling.breakdown) under
<label> in bench/post_profile.json, and prints the table of every label. Uses the database uhapo_<BENCH_NAME> (default
uhapo_perf) and a private redis-server.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys

from bench.cases import get_case, submit_case
from bench.model import BENCH, Case
from bench.profiling import PROFILE, breakdown, parts_table
from bench.stack import ROOT, Stack

# Each profiled run's figures and parts, by label; bench/results.md shows them.
SUMMARY = BENCH / "post_profile.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--label", default="now")
    options = parser.parse_args()
    PROFILE.add("submit")
    baseline = Case("baseline", "yardstick", "")
    submit = Case("submit", "valid booking submissions", "")
    stack = Stack(
        os.environ.get("BENCH_NAME", "perf"),
        extra_env={"BOOKING_RATE_LIMIT_IP": "1000000/h", "BOOKING_RATE_LIMIT_PHONE": "1000000/h"},
    )
    with stack:
        stack.create_database()
        stack.start_redis()
        stack.activate()
        stack.start_web(app="bench.baseline:application")
        get_case(stack, baseline, "/fixed", runs=1, seconds=options.seconds)
        stack.stop("web")
        stack.start_web()
        stack.start_worker(concurrency=2)
        stack.start_beat()
        submit_case(stack, submit, runs=1, seconds=options.seconds)
        from django.db import connections

        connections.close_all()
    stack.drop_database()
    raw = BENCH / "profiles" / "submit.txt"
    kept = raw.with_name(f"submit-{options.label}.txt")
    raw.replace(kept)
    yard, post = baseline.runs[0].cpu_ms, submit.runs[0].cpu_ms
    entries = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {}
    entries[options.label] = {
        "when": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "commit": os.popen("git rev-parse --short HEAD").read().strip(),  # noqa: S605, S607
        "yardstick_ms": round(yard, 3),
        "post_ms": round(post, 3),
        "saved": submit.runs[0].extra["saved"],
        "parts": {k: round(v * post, 3) for k, v in breakdown(kept).items()},
    }
    SUMMARY.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")
    print(f"\nyardstick {yard:.2f} ms CPU/request; booking POST {post:.2f} ms CPU/saved request")
    print(f"ratio {post / yard:.1f}x; profile {kept.relative_to(ROOT)}\n")
    print(parts_table(entries))
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
