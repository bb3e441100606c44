#!/usr/bin/env python3
"""Drill: 500 booking submissions, 50 at a time.

Expect: no server error, 500 requests saved, 500 confirmations, no message
row or send duplicated (the provider stand-ins count each idempotency key).
"""

from __future__ import annotations

import sys
import time
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

COUNT, CONCURRENCY = 500, 50


def main() -> int:
    with drill_stack() as (stack, smtp, sms):
        started = time.monotonic()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            answers = list(pool.map(lambda n: submit(stack.base_url, form_data(n)), range(COUNT)))
        elapsed = time.monotonic() - started
        delivered = wait_delivered(timeout=120)
        figures = integrity()
        statuses = message_statuses()
        held = held_for_quiet_hours()
        server_errors = sum(1 for a in answers if a.status >= 500)
        no_answer = sum(1 for a in answers if a.status == 0)
        redirected = sum(1 for a in answers if a.status == 302)
        return verdict(
            f"burst: {COUNT} submissions, {CONCURRENCY} at a time",
            [
                ("no server error and no unanswered request", server_errors + no_answer == 0),
                (f"{COUNT} answered with the redirect to 'received'", redirected == COUNT),
                (f"{COUNT} requests saved", figures["requests"] == COUNT),
                (f"{COUNT} confirmations", figures["confirmations"] == COUNT),
                ("every request complete, no duplicate message row", incomplete(figures) == 0),
                ("every due message sent within 120 s", delivered),
                ("no message sent twice", smtp.duplicates + sms.duplicates == 0),
            ],
            [
                f"{COUNT} submissions in {elapsed:.1f} s = {COUNT / elapsed:.0f}/s "
                f"(each a GET of the form and a POST)",
                f"answers: 302 x {redirected}, 5xx x {server_errors}, none x {no_answer}; "
                f"POST time {seconds_summary([a.seconds for a in answers])}",
                "database: " + ", ".join(f"{k} {v}" for k, v in figures.items()),
                "messages: "
                + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
                + (f" ({held} SMS held for quiet hours until 08:00 IST)" if held else ""),
                f"provider stand-ins: {smtp.received} emails ({smtp.distinct} distinct), "
                f"{sms.received} SMS ({sms.distinct} distinct)",
            ],
        )


if __name__ == "__main__":
    sys.exit(main())
