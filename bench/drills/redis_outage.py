#!/usr/bin/env python3
"""Drill: Redis (broker and cache) stops during 100 submissions and comes back
two minutes later.

Expect: all 100 answered quickly and saved, every message sent within 60 s
of Redis coming back, none sent twice. PostgreSQL holds every message; Redis
only wakes a worker, and the beat sweep catches up.

Only this drill's own redis-server is stopped.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import _boot  # noqa: F401

from bench.drillkit import (
    drill_stack,
    form_data,
    held_for_quiet_hours,
    incomplete,
    integrity,
    message_statuses,
    seconds_summary,
    submit,
    verdict,
    wait_delivered,
)

BEFORE, DURING = 30, 70
PAGES = ("/", "/guide/", "/guide/what-is-immunotherapy/", "/book/")
OUTAGE_S = 120
QUICK_S = 2.0  # "answered quickly": no POST slower than this
CATCH_UP_S = 60


def main() -> int:
    with drill_stack() as (stack, smtp, sms):
        with ThreadPoolExecutor(4) as pool:
            before = list(pool.map(lambda n: submit(stack.base_url, form_data(n)), range(BEFORE)))
            wait_delivered(timeout=60)
            stack.stop("redis")
            stopped = time.time()
            pages = {path: page_status(stack.base_url + path) for path in PAGES}
            print(f"redis stopped; pages answered {pages}; {DURING} more submissions", flush=True)
            during = list(
                pool.map(
                    lambda n: submit(stack.base_url, form_data(n)), range(BEFORE, BEFORE + DURING)
                )
            )
        sent_before_back = smtp.received + sms.received
        print(f"waiting for {OUTAGE_S} s of outage to pass", flush=True)
        time.sleep(max(0.0, stopped + OUTAGE_S - time.time()))
        stack.start_redis()
        back = time.time()
        print("redis started again", flush=True)
        delivered = wait_delivered(timeout=CATCH_UP_S + 60)
        caught_up = time.time() - back
        answers = before + during
        figures = integrity()
        statuses = message_statuses()
        held = held_for_quiet_hours()
        # When did the provider stand-ins get what was queued during the outage?
        late = [t - back for t in (*smtp.times.values(), *sms.times.values()) if t >= stopped]
        slowest = max(a.seconds for a in answers)
        return verdict(
            f"redis outage: stopped during {BEFORE + DURING} submissions, back after {OUTAGE_S} s",
            [
                (
                    "all 100 answered with the redirect to 'received'",
                    all(a.status == 302 for a in answers),
                ),
                (f"every POST answered within {QUICK_S:.0f} s", slowest < QUICK_S),
                (
                    "the guide and the form still served while Redis was down",
                    all(code == 200 for code in pages.values()),
                ),
                (
                    "100 requests saved, each complete",
                    figures["requests"] == 100 and incomplete(figures) == 0,
                ),
                ("nothing sent while Redis was down", sent_before_back == 2 * BEFORE),
                (
                    f"every message sent within {CATCH_UP_S} s of Redis coming back",
                    delivered and all(t <= CATCH_UP_S for t in late),
                ),
                ("no message sent twice", smtp.duplicates + sms.duplicates == 0),
            ],
            [
                "answers before the stop: "
                + _codes(before)
                + f"; POST {seconds_summary([a.seconds for a in before])}",
                "answers during the outage: "
                + _codes(during)
                + f"; POST {seconds_summary([a.seconds for a in during])}",
                *sorted({f"a {a.status} answer said: {a.error}" for a in answers if a.error}),
                "pages while Redis was down: "
                + ", ".join(f"{path} {code}" for path, code in pages.items()),
                "database: " + ", ".join(f"{k} {v}" for k, v in figures.items()),
                "messages: "
                + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                + (f" ({held} SMS held for quiet hours until 08:00 IST)" if held else ""),
                f"queued during the outage and sent after it: {len(late)}, the last "
                f"{max(late, default=0):.1f} s after Redis came back (all settled after "
                f"{caught_up:.1f} s)",
                f"provider stand-ins: {smtp.received} emails ({smtp.distinct} distinct), "
                f"{sms.received} SMS ({sms.distinct} distinct)",
            ],
        )


def page_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _codes(answers) -> str:
    codes = sorted({a.status for a in answers})
    return ", ".join(f"{c or 'none'} x {sum(a.status == c for a in answers)}" for c in codes)


if __name__ == "__main__":
    sys.exit(main())
