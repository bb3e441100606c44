"""py-spy profiles of gunicorn and the Celery worker during a case's first run."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

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
