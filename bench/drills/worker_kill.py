#!/usr/bin/env python3
"""Drill: the Celery worker killed with SIGKILL (main process and pool) in the
middle of 50 sends, then started again.

Expect: all 50 delivered afterwards. A message whose send was under way at
the kill may go out a second time, with the same Message-ID, so the mail
system can drop the copy; that is counted and shown.

Setup writes 50 due confirmation emails directly (as the tests' factories
do) and hands each to Celery, as the web does after a commit. The SMTP
stand-in takes 0.2 s per message, so the sends take several seconds.
"""

from __future__ import annotations

import sys
import time

import _boot  # noqa: F401

from bench.drillkit import drill_stack, message_statuses, verdict
from bench.stack import wait_until

COUNT = 50
RESCUE_WAIT_S = 330  # MESSAGE_SENDING_TIMEOUT (180 s) + a sweep or two + sending


def make_messages() -> list[int]:
    from outbox.queueing import enqueue_delivery
    from tests.factories import MessageFactory, ServiceAreaFactory, VisitRequestFactory

    area = ServiceAreaFactory()
    ids = []
    for _ in range(COUNT):
        visit_request = VisitRequestFactory(service_area=area)
        message = MessageFactory(
            request=visit_request,
            kind="received",
            channel="email",
            audience="patient",
            recipient=visit_request.patient_email,
        )
        ids.append(message.pk)
    for pk in ids:
        enqueue_delivery([pk])
    return ids


def main() -> int:
    with drill_stack(smtp_delay=0.2, worker=False) as (stack, smtp, sms):
        ids = make_messages()
        stack.start_worker(concurrency=2)
        wait_until(lambda: smtp.received >= 10, timeout=60, interval=0.05, what="10 sends")
        stack.kill("worker")
        killed = time.time()
        at_kill = message_statuses()
        received_at_kill = smtp.received
        print(f"worker killed after {received_at_kill} sends: {at_kill}", flush=True)
        time.sleep(2)
        stack.start_worker(concurrency=2)
        restarted = time.time()
        from outbox.models import Message, MessageStatus

        def all_sent() -> bool:
            return Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).count() == COUNT

        try:
            wait_until(all_sent, timeout=RESCUE_WAIT_S, interval=1, what="all 50 sent")
            finished = time.time()
        except TimeoutError:
            finished = None
        statuses = message_statuses()
        return verdict(
            f"worker killed with SIGKILL during {COUNT} sends",
            [
                (f"all {COUNT} rows marked sent afterwards", finished is not None),
                (f"the mail server got all {COUNT} messages", smtp.distinct == COUNT),
            ],
            [
                f"at the kill: {received_at_kill} received by the mail server; rows "
                + ", ".join(f"{k} {v}" for k, v in sorted(at_kill.items())),
                f"worker started again {restarted - killed:.1f} s after the kill; all sent "
                + (
                    f"{finished - killed:.0f} s after the kill"
                    if finished
                    else f"NOT within {RESCUE_WAIT_S} s"
                ),
                "rows now: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
                f"mail server: {smtp.received} messages, {smtp.distinct} distinct Message-IDs, "
                f"{smtp.duplicates} sent a second time after the kill (same Message-ID)",
                "rows never claimed go out on the next beat sweep; a row claimed by the dead "
                "worker waits MESSAGE_SENDING_TIMEOUT (180 s) before the sweep rescues it",
            ],
        )


if __name__ == "__main__":
    sys.exit(main())
