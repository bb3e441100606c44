#!/usr/bin/env python3
"""Drill: every PostgreSQL connection of the app killed (pg_terminate_backend),
twice, while families keep submitting.

Expect: errors only for requests in flight at those moments, the app
recovering by itself (CONN_HEALTH_CHECKS reconnects on the next request), and
no request saved without its consent, event and messages.

Only connections to this drill's own database are terminated.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import _boot  # noqa: F401

from bench.drillkit import (
    Answer,
    drill_stack,
    form_data,
    incomplete,
    integrity,
    message_statuses,
    seconds_summary,
    submit,
    verdict,
    wait_delivered,
)

CLIENTS = 8
RUN_S = 20.0
KILLS_AT = (6.0, 13.0)
SLACK_S = 0.05  # clock and scheduling slack when deciding "in flight"


def terminate_app_connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def main() -> int:
    with drill_stack() as (stack, smtp, sms):
        answers: list[Answer] = []
        lock = threading.Lock()
        started = time.time()
        counter = iter(range(1_000_000))

        def client() -> None:
            while time.time() - started < RUN_S:
                with lock:
                    n = next(counter)
                answer = submit(stack.base_url, form_data(n))
                with lock:
                    answers.append(answer)

        kills: list[tuple[float, int]] = []
        with ThreadPoolExecutor(CLIENTS) as pool:
            for _ in range(CLIENTS):
                pool.submit(client)
            for at in KILLS_AT:
                time.sleep(max(0.0, started + at - time.time()))
                moment = time.time()
                kills.append((moment, terminate_app_connections()))
                print(
                    f"terminated {kills[-1][1]} connections at t={moment - started:.1f} s",
                    flush=True,
                )
        delivered = wait_delivered(timeout=90)
        figures = integrity()
        statuses = message_statuses()

        def in_flight(a: Answer) -> bool:
            return any(a.started - SLACK_S <= k <= a.ended + SLACK_S for k, _ in kills)

        failed = [a for a in answers if not a.ok]
        outside = [a for a in failed if not in_flight(a)]
        last_kill = kills[-1][0]
        after = [a for a in answers if a.started > last_kill + 1.0]
        redirected = sum(a.status == 302 for a in answers)
        return verdict(
            f"postgres connections killed twice during {RUN_S:.0f} s of submissions",
            [
                ("errors only for requests in flight at a kill", not outside),
                (
                    "recovered by itself: every request from 1 s after the last kill succeeded",
                    bool(after) and all(a.ok for a in after),
                ),
                ("every answered request saved", figures["requests"] >= redirected),
                (
                    "no request saved without its consent, event and messages",
                    incomplete(figures) == 0,
                ),
            ],
            [
                f"{len(answers)} submissions from {CLIENTS} clients; connections terminated: "
                + ", ".join(f"{n} at t={k - started:.1f} s" for k, n in kills),
                f"answers: 302 x {redirected}, failed x {len(failed)} "
                f"({', '.join(sorted({str(a.status or a.error) for a in failed})) or 'none'}), "
                f"failed outside a kill: {len(outside)}",
                f"POST time {seconds_summary([a.seconds for a in answers])}",
                f"after the last kill: {len(after)} requests, {sum(a.ok for a in after)} succeeded",
                "database: " + ", ".join(f"{k} {v}" for k, v in figures.items()),
                "messages: "
                + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                + (
                    ""
                    if delivered
                    else " (not all sent within 90 s: a row claimed at the "
                    "kill waits for the sweep's rescue after MESSAGE_SENDING_TIMEOUT)"
                ),
                f"provider stand-ins: {smtp.received} emails ({smtp.distinct} distinct), "
                f"{sms.received} SMS ({sms.distinct} distinct)",
            ],
        )


if __name__ == "__main__":
    sys.exit(main())
