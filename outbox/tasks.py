"""Celery tasks: thin, idempotent, ids only. The logic is in outbox.dispatch."""

from __future__ import annotations

from celery import shared_task

from outbox import dispatch, receipts

BATCH = 50


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send each due message in the batch; rows already claimed or sent are skipped."""
    return sum(dispatch.message_deliver(message_id=pk) for pk in message_ids)


@shared_task(ignore_result=True)
def deliver_due_messages() -> int:
    """The beat sweep: rescue stuck rows, then fan the due ones out to workers;
    and the receipts whose task was lost (Redis down when they came)."""
    ids = dispatch.messages_due()
    for start in range(0, len(ids), BATCH):
        deliver_messages.delay(ids[start : start + BATCH])
    for event_id in receipts.receipts_unprocessed():
        process_receipt.delay(event_id)
    return len(ids)


@shared_task(ignore_result=True)
def process_receipt(event_id: int) -> int:
    """Apply one stored webhook call; a second run finds it processed and does nothing."""
    return receipts.receipt_process(event_id=event_id)
