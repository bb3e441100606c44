"""Celery tasks: thin, idempotent, ids only. The logic is in booking.privacy.

Sending messages is the outbox's (outbox/tasks.py).
"""

from __future__ import annotations

from celery import shared_task

from booking import privacy


@shared_task(ignore_result=True)
def anonymise_expired_requests() -> int:
    """Daily: erase personal details of requests closed longer ago than the retention period."""
    return privacy.visit_requests_anonymise_expired()
