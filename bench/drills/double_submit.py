#!/usr/bin/env python3
"""Drill: the same filled-in form posted 20 times at once (a family tapping
Send again and again on a slow connection, or a browser retrying).

Expect: every post answered without a server error, 1 request saved, 1
confirmation, and each message sent once.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import _boot  # noqa: F401

from bench.drillkit import (
    drill_stack,
    form_data,
    incomplete,
    integrity,
    load_form,
    message_statuses,
    post_form,
    seconds_summary,
    verdict,
    wait_delivered,
)

COPIES = 20


def main() -> int:
    with drill_stack() as (stack, smtp, sms):
        form = load_form(stack.base_url)
        data = form_data(1)
        barrier = threading.Barrier(COPIES, timeout=30)

        def post(_: int):
            barrier.wait()  # all 20 leave together
            return post_form(stack.base_url, form, data)

        with ThreadPoolExecutor(COPIES) as pool:
            answers = list(pool.map(post, range(COPIES)))
        delivered = wait_delivered(timeout=60)
        figures = integrity()
        statuses = message_statuses()
        codes = sorted({a.status for a in answers})
        return verdict(
            f"double submit: one form posted {COPIES} times at once",
            [
                (
                    "no server error and no unanswered post",
                    all(0 < a.status < 500 for a in answers),
                ),
                (
                    "every post answered with the redirect to 'received'",
                    all(a.status == 302 for a in answers),
                ),
                ("1 request saved", figures["requests"] == 1),
                ("1 confirmation", figures["confirmations"] == 1),
                ("the request is complete, no duplicate message row", incomplete(figures) == 0),
                (
                    "each message sent once",
                    delivered
                    and smtp.duplicates + sms.duplicates == 0
                    and smtp.received + sms.received <= 2,
                ),
            ],
            [
                f"answers: {', '.join(f'{c} x {sum(a.status == c for a in answers)}' for c in codes)};"
                f" {seconds_summary([a.seconds for a in answers])}",
                "database: " + ", ".join(f"{k} {v}" for k, v in figures.items()),
                "messages: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
                *sorted({f"a {a.status} answer said: {a.error}" for a in answers if a.error}),
                f"provider stand-ins: {smtp.received} emails, {sms.received} SMS",
            ],
        )


if __name__ == "__main__":
    sys.exit(main())
