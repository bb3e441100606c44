"""Celery tasks: thin, idempotent, ids only. The logic is in booking.services."""

from __future__ import annotations

import logging

from celery import shared_task

from booking import services

logger = logging.getLogger(__name__)
BATCH = 50


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send each due message in the batch; rows already claimed or sent are skipped."""
    return sum(services.message_deliver(message_id=pk) for pk in message_ids)


@shared_task(ignore_result=True)
def deliver_due_messages() -> int:
    """The beat sweep: rescue stuck rows, then fan the due ones out to workers."""
    ids = services.messages_due()
    for start in range(0, len(ids), BATCH):
        deliver_messages.delay(ids[start : start + BATCH])
    return len(ids)


def enqueue_delivery(message_ids: list[int]) -> None:
    """Wake a worker for these rows. If the broker is down the rows stay
    pending in the database and the beat sweep sends them later, so a
    failure here is logged, never raised into the web request."""
    try:
        deliver_messages.delay(message_ids)
    except Exception:
        logger.warning("broker unavailable; %s message(s) left for the sweep", len(message_ids))


@shared_task(ignore_result=True)
def anonymise_expired_requests() -> int:
    """Daily: erase personal details of requests closed longer ago than the retention period."""
    return services.visit_requests_anonymise_expired()
