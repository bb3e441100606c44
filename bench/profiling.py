"""py-spy profiles of gunicorn and the Celery worker during a case's first run."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.model import BENCH
from bench.stack import (
    ROOT,
    Stack,
)

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


# --- where a booking POST's milliseconds go --------------------------------------

# Each sample is charged to the deepest of these frames on its stack (a frame is
# "function (path"), so the parts add up to the whole. Order does not matter.
POST_PARTS: list[tuple[str, str]] = [
    ("gunicorn and WSGI, outside Django's handler", "handle_request (gunicorn/"),
    (
        "Django's handler (request, response, URL resolving)",
        "__call__ (django/core/handlers/wsgi.py",
    ),
    ("middleware: security", "(django/middleware/security.py"),
    ("middleware: whitenoise", "(whitenoise/"),
    ("middleware: sessions", "(django/contrib/sessions/"),
    ("middleware: locale", "(django/middleware/locale.py"),
    ("middleware: common", "(django/middleware/common.py"),
    ("middleware: CSRF", "(django/middleware/csrf.py"),
    ("middleware: auth", "(django/contrib/auth/middleware.py"),
    ("middleware: OTP", "(django_otp/middleware.py"),
    ("middleware: staff session limit", "(uhapo/middleware.py"),
    ("middleware: messages", "(django/contrib/messages/"),
    ("middleware: clickjacking", "(django/middleware/clickjacking.py"),
    ("middleware: CSP", "(csp/"),
    ("middleware: history", "(simple_history/middleware.py"),
    ("middleware: axes", "(axes/"),
    ("middleware: ratelimit", "(django_ratelimit/middleware.py"),
    ("rate limits (per address, per phone)", "(django_ratelimit/"),
    ("rate limits (per address, per phone)", "(booking/rate_limits.py"),
    ("the view, other", "request_visit (booking/views.py"),
    ("form construction", "__init__ (booking/forms.py"),
    ("form construction", "BaseForm.__init__ (django/forms/forms.py"),
    ("form validation", "full_clean (django/forms/forms.py"),
    ("phone parsing", "parse_indian_mobile (uhapo/phone.py"),
    ("PIN lookup", "area_serving (booking/service_areas.py"),
    ("request details", "request_details (booking/forms.py"),
    ("the service, other", "visit_request_create (booking/workflow.py"),
    ("fingerprint", "submission_fingerprint (booking/submissions.py"),
    ("model validation", "full_clean (django/db/models/base.py"),
    ("save the request", "save (django/db/models/base.py"),
    ("consent and event rows", "create (django/db/models/query.py"),
    ("message rows", "queue_messages (outbox/queueing.py"),
    ("SQL: compile", "(django/db/models/sql/compiler.py"),
    ("SQL: execute", "execute (django/db/backends/utils.py"),
    ("transaction begin/commit", "(django/db/transaction.py"),
    ("broker publish", "enqueue_delivery (outbox/queueing.py"),
    ("signed cookie", "set_signed_cookie (django/http/response.py"),
    ("redirect", "redirect (django/shortcuts.py"),
    ("cache calls (Redis)", "(django_redis/"),
    ("logging", "(logging/__init__.py"),
]


# py-spy names a library's file by its full path; the parts name it from the package.
_SITE = re.compile(r"\((?:[^()]*/(?:site-packages|python3\.\d+)/)")


def breakdown(raw: Path, parts: list[tuple[str, str]] = POST_PARTS) -> dict[str, float]:
    """Share of samples (0-1) charged to each part: the deepest matching frame wins."""
    from collections import Counter

    shares: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        label = "elsewhere (threads, idle loops)"
        for frame in reversed(stack.split(";")):
            frame = _SITE.sub("(", frame)
            found = next((name for name, pattern in parts if pattern in frame), None)
            if found:
                label = found
                break
        shares[label] += n
    return {k: v / max(total, 1) for k, v in shares.most_common()}


def parts_table(entries: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of web CPU ms per saved request by part, one column per
    profiled run (bench/post_profile.json: label -> its figures and parts)."""
    labels = list(entries)
    names: list[str] = []
    for entry in entries.values():
        names += [
            n for n in sorted(entry["parts"], key=lambda n: -entry["parts"][n]) if n not in names
        ]
    lines = [
        "| part | " + " | ".join(f"{label} (ms)" for label in labels) + " |",
        "| --- |" + " ---: |" * len(labels),
    ]
    for name in names:
        cells = " | ".join(f"{entries[label]['parts'].get(name, 0):.2f}" for label in labels)
        lines.append(f"| {name} | {cells} |")
    for title, key in (
        ("**web CPU per saved request**", "post_ms"),
        ("yardstick CPU per request, same run", "yardstick_ms"),
    ):
        lines.append(f"| {title} | " + " | ".join(f"{entries[k][key]:.2f}" for k in labels) + " |")
    ratios = " | ".join(
        f"{entries[k]['post_ms'] / entries[k]['yardstick_ms']:.1f}x" for k in labels
    )
    lines.append(f"| **ratio** | {ratios} |")
    return "\n".join(lines) + "\n"
