"""A booking POST's CPU in one process, without a server or a sampler: for
finding what to change quickly and repeatably, not for quoting (`make bench`
is the measure).

    .venv/bin/python -m bench.post_cost [--count 1500] [--profile 40] [--instructions]

Calls Django's WSGI handler directly with valid submissions (the same lines
`make bench` sends), against our own PostgreSQL database and a private
redis-server, in the production settings; then the yardstick's `/fixed` the
same way in a child process. Prints CPU milliseconds per call for both and
their ratio, and with --profile the functions that cost most (cProfile,
by own time and by cumulative time).

With --instructions it counts instructions instead of seconds, each side in
a child process under valgrind's callgrind with counting switched on only
around the measured calls: the count is the same on a quiet machine and on a
busy one, so this ratio holds however noisy the machine is (the CPU seconds
of `make bench` do not: a third of a millisecond suffers more from a shared
core than seven milliseconds do).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import instruction_ratio_text
from bench.stack import BIN, ROOT, Stack


def environ(path: str, *, method: str = "GET", body: bytes = b"", cookie: str = "") -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT_LANGUAGE": "en",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app: Any, env: dict) -> str:
    status: list[str] = []
    body = app(env, lambda s, h, exc_info=None: status.append(s))
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return status[0]


@contextlib.contextmanager
def counting(enabled: bool):
    """Callgrind counts instructions only inside this block (the child runs with
    --instr-atstart=no), so Django's start-up and the warm-up are left out."""
    if enabled:
        subprocess.run(
            ["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True
        )
    try:
        yield
    finally:
        if enabled:
            subprocess.run(
                ["callgrind_control", "-i", "off", str(os.getpid())],
                check=True,
                capture_output=True,
            )


def yardstick(count: int, *, instructions: bool = False) -> float:
    """CPU ms per call of the bare Django project's fixed page (in this process)."""
    from bench.baseline import application

    for _ in range(300):
        call(application, environ("/fixed"))
    started = time.process_time()
    with counting(instructions):
        for _ in range(count):
            call(application, environ("/fixed"))
    return 1000 * (time.process_time() - started) / count


def posts(count: int, *, profile: int = 0, warm: int = 300, instructions: bool = False) -> float:
    from django.core.wsgi import get_wsgi_application

    from bench.cases import submission_lines

    app = get_wsgi_application()
    lines = Path(tempfile.mkdtemp(prefix="uhapo-post-cost-")) / "lines.txt"
    submission_lines(lines, count + warm)
    envs = []
    for line in lines.read_text().splitlines():
        cookie, body = line.split("\t", 1)
        envs.append(
            environ("/book/", method="POST", body=body.encode(), cookie=f"csrftoken={cookie}")
        )
    # the form's page once (as a visitor would have it), then posts to warm up
    assert call(app, environ("/book/")).startswith("200"), "the form page did not open"
    for env in envs[:warm]:
        status = call(app, env)
        assert status.startswith("302"), f"a booking was not saved: {status}"
    measured = envs[warm:]
    profiler = cProfile.Profile(time.process_time) if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    with counting(instructions):
        for env in measured:
            status = call(app, env)
            if not status.startswith("302"):
                raise SystemExit(f"a booking was not saved: {status}")
    if profiler:
        profiler.disable()
    spent = 1000 * (time.process_time() - started) / len(measured)
    if profiler:
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(profile)
            print(out.getvalue())
    return spent


def child(*args: str) -> list[str]:
    """This module run again as a child process measuring one side."""
    return [str(BIN / "python"), "-m", "bench.post_cost", "--child", *args]


def yardstick_env(env: dict[str, str]) -> dict[str, str]:
    # The yardstick configures its own settings; ours must not be named.
    return {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}


def callgrind(args: list[str], env: dict[str, str], count: int) -> float:
    """Instructions per call of one measured loop, counted by callgrind in a child."""
    out = Path(tempfile.mkdtemp(prefix="uhapo-callgrind-")) / "callgrind.out"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            *child(*args, "--instructions"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    return int(totals[0].split()[1]) / count


def instruction_counts(env: dict[str, str]) -> tuple[float, float]:
    """Instructions per booking POST and per yardstick request, against the
    database, cache and broker `env` names (which must allow 200 bookings
    from one address and one number in an hour)."""
    # 150 bookings and 1,000 yardstick requests: under callgrind about a
    # minute each; the counts repeat to within a fraction of a percent.
    post_ir = callgrind(["posts", "--count", "150"], env, 150)
    yard_ir = callgrind(["yardstick", "--count", "1000"], yardstick_env(env), 1000)
    return post_ir, yard_ir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions")
    parser.add_argument("--instructions", action="store_true", help="count instructions")
    parser.add_argument("--child", choices=["posts", "yardstick"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "yardstick":
        print(f"{yardstick(options.count, instructions=options.instructions):.4f}")
        return 0
    if options.child == "posts":
        import django

        django.setup()
        ms = posts(options.count, warm=50, instructions=options.instructions)
        from django.db import connections

        connections.close_all()
        print(f"{ms:.4f}")
        return 0
    stack = Stack(
        os.environ.get("BENCH_NAME", "postcost"),
        extra_env={"BOOKING_RATE_LIMIT_IP": "1000000/h", "BOOKING_RATE_LIMIT_PHONE": "1000000/h"},
    )
    with stack:
        stack.create_database()
        stack.start_redis()
        if options.instructions:
            post_ir, yard_ir = instruction_counts(stack.env)
            stack.drop_database()
            print(instruction_ratio_text(post_ir, yard_ir))
            return 0
        stack.activate()
        post_ms = posts(options.count, profile=options.profile)
        from django.db import connections

        connections.close_all()
        out = subprocess.run(
            child("yardstick", "--count", "6000"),
            cwd=ROOT,
            env=yardstick_env(stack.env),
            capture_output=True,
            text=True,
            check=True,
        )
        yard_ms = float(out.stdout.strip().splitlines()[-1])
    stack.drop_database()
    note = " (under cProfile, which slows it)" if options.profile else ""
    print(f"booking POST {post_ms:.3f} ms CPU per saved request{note}")
    print(f"yardstick {yard_ms:.3f} ms CPU per request; ratio {post_ms / yard_ms:.1f}x")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
