"""What a benchmark run measures: a case and its runs; where results go."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from bench.stack import (
    ROOT,
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
