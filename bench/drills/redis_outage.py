#!/usr/bin/env python3
"""Drill: Redis (broker and cache) stops during 100 submissions and comes back
two minutes later.

Expect: all 100 answered quickly and saved, every message sent within 60 s
of Redis coming back, none sent twice, and the same worker process still
running at the end. PostgreSQL holds every message; Redis only wakes a
worker, and the beat sweep catches up.

Redis is stopped while the worker is in the middle of one send (the SMTP
stand-in is made slow for it): that task is unacknowledged and the worker's
other process waits on a BRPOP, which used to end the worker ("Unrecoverable
error", issue 13; see uhapo/worker.py).

Only this drill's own redis-server is stopped.
"""

from __future__ import annotations

import datetime
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
    worker_health,
    worker_summary,
)
from bench.stack import wait_until

BEFORE, DURING = 30, 70
PAGES = ("/", "/guide/", "/guide/what-is-immunotherapy/", "/book/")
OUTAGE_S = 120
QUICK_S = 2.0  # "answered quickly": no POST slower than this
CATCH_UP_S = 60
HELD_SEND_S = 3.0  # how long the send under way at the stop takes


def main() -> int:
    with drill_stack() as (stack, smtp, sms):
        with ThreadPoolExecutor(4) as pool:
            before = list(
                pool.map(lambda n: submit(stack.base_url, form_data(n)), range(BEFORE - 1))
            )
            wait_delivered(timeout=60)
            # The last request before the stop is still being sent when Redis goes.
            smtp.delay = HELD_SEND_S
            before.append(submit(stack.base_url, form_data(BEFORE - 1)))
            under_way = wait_until(
                sending_emails, timeout=30, interval=0.02, what="an email send under way"
            )
            stack.stop("redis")
            stopped = time.time()
            smtp.delay = 0.0
            sent_at_stop = smtp.received + sms.received
            pages = {path: page_status(stack.base_url + path) for path in PAGES}
            print(f"redis stopped; pages answered {pages}; {DURING} more submissions", flush=True)
            during = list(
                pool.map(
                    lambda n: submit(stack.base_url, form_data(n)), range(BEFORE, BEFORE + DURING)
                )
            )
        print(f"waiting for {OUTAGE_S} s of outage to pass", flush=True)
        time.sleep(max(0.0, stopped + OUTAGE_S - time.time()))
        sent_during = smtp.received + sms.received - sent_at_stop
        stack.start_redis()
        back = time.time()
        print("redis started again", flush=True)
        delivered = wait_delivered(timeout=CATCH_UP_S + 60)
        caught_up = time.time() - back
        answers = before + during
        figures = integrity()
        statuses = message_statuses()
        held = held_for_quiet_hours()
        slowest = max(a.seconds for a in answers)
        # When did the provider stand-ins get each message (by its idempotency key)?
        arrived = {**smtp.times, **sms.times}
        queued = keys_of_requests_since(stopped)
        early = [k for k in queued if arrived.get(k, back) < back]
        late = [t - back for t in arrived.values() if t >= back]
        worker = worker_health(stack)
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
                ("nothing submitted during the outage sent before Redis was back", not early),
                (
                    f"every message sent within {CATCH_UP_S} s of Redis coming back",
                    delivered and all(t <= CATCH_UP_S for t in late),
                ),
                ("no message sent twice", smtp.duplicates + sms.duplicates == 0),
                (
                    "the worker never exited (running at the end, no 'Unrecoverable error')",
                    worker["alive"] and worker["unrecoverable errors"] == 0,
                ),
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
                f"queued during the outage: {len(queued)}, sent {len(queued & arrived.keys())}; "
                f"sent after Redis came back: {len(late)}, the last "
                f"{max(late, default=0):.1f} s after Redis came back (all settled after "
                f"{caught_up:.1f} s)",
                f"provider stand-ins: {smtp.received} emails ({smtp.distinct} distinct), "
                f"{sms.received} SMS ({sms.distinct} distinct); {under_way} send(s) under way "
                f"at the stop, {sent_during} finished during the outage",
                worker_summary(worker),
            ],
        )


def sending_emails() -> int:
    """Email rows claimed by the worker and not yet marked sent: sends under way."""
    from outbox.models import Channel, Message, MessageStatus

    return Message.objects.filter(channel=Channel.EMAIL, status=MessageStatus.SENDING).count()


def keys_of_requests_since(moment: float) -> set[str]:
    """Idempotency keys (what the provider stand-ins record) of requests saved after `moment`."""
    from outbox.models import Message

    since = datetime.datetime.fromtimestamp(moment, datetime.UTC)
    rows = Message.objects.filter(visit_request__created_at__gte=since)
    return {str(key) for key in rows.values_list("idempotency_key", flat=True)}


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
