"""Celery tasks: thin, idempotent, ids only. The logic is in outbox.dispatch."""

from __future__ import annotations

from celery import shared_task

from outbox import dispatch

BATCH = 50


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send each due message in the batch; rows already claimed or sent are skipped."""
    return sum(dispatch.message_deliver(message_id=pk) for pk in message_ids)


@shared_task(ignore_result=True)
def deliver_due_messages() -> int:
    """The beat sweep: rescue stuck rows, then fan the due ones out to workers."""
    ids = dispatch.messages_due()
    for start in range(0, len(ids), BATCH):
        deliver_messages.delay(ids[start : start + BATCH])
    return len(ids)
