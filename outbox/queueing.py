"""The one way any app writes a message: rows first, a worker woken after commit."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from outbox.models import PHONE_CHANNELS, Message, MessageStatus
from outbox.quiet_hours import sms_due_time
from uhapo.celery import app

logger = logging.getLogger(__name__)
# Woken by name: the tasks module imports dispatch, never the other way round.
DELIVER_TASK = "outbox.tasks.deliver_messages"


@dataclass(frozen=True)
class Route:
    """One message to write: what kind, by which channel, to whom, in which language."""

    kind: str
    channel: str
    audience: str
    recipient: str
    language: str


def queue_messages(
    *,
    subject: models.Model,
    routes: Iterable[Route],
    due_at: datetime.datetime,
    schedule_version: int = 0,
    not_after: datetime.datetime | None = None,
    held_in_quiet_hours: bool = True,
) -> list[Message]:
    """Write the outbox rows for these routes, all due at `due_at`, and wake
    one worker for the due ones after commit.

    `held_in_quiet_hours=False` is for what a family has just done
    themselves: its SMS goes at once, at any hour. A row that quiet hours
    would push to or past `not_after` (a reminder after its visit) is not
    written at all.
    """
    subject_type = ContentType.objects.get_for_model(subject)
    rows = []
    for route in routes:
        held = held_in_quiet_hours and route.channel in PHONE_CHANNELS
        due = sms_due_time(due_at) if held else due_at
        if not_after is not None and due >= not_after:
            continue
        rows.append(
            Message(
                subject_type=subject_type,
                subject_id=subject.pk,
                kind=route.kind,
                channel=route.channel,
                audience=route.audience,
                schedule_version=schedule_version,
                recipient=route.recipient,
                language=route.language,
                due_at=due,
                held_in_quiet_hours=held,
            )
        )
    created = Message.objects.bulk_create(rows)
    wake([m.pk for m in created if m.due_at <= timezone.now()])
    return created


def messages_of(subject: models.Model) -> models.QuerySet[Message]:
    return Message.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def cancel_pending(*, subject: models.Model, kinds: Iterable[str] | None = None) -> int:
    """Cancel the subject's messages not yet sent (all, or only these kinds)."""
    pending = messages_of(subject).filter(status=MessageStatus.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(status=MessageStatus.CANCELLED)


def wake(message_ids: list[int]) -> None:
    """After commit, hand the ids (never their contents) to a worker."""
    if message_ids:
        transaction.on_commit(lambda: enqueue_delivery(message_ids))


def enqueue_delivery(message_ids: list[int]) -> None:
    """Wake a worker for these rows. If the broker is down the rows stay
    pending in the database and the beat sweep sends them later, so a
    failure here is logged, never raised into the web request."""
    task = app.tasks[DELIVER_TASK]  # registered by OutboxConfig.ready; a KeyError is a bug
    try:
        # The ids' repr given here: Celery's own (saferepr, for the worker's
        # log) cost about a tenth of the publish on the booking's path.
        task.apply_async(  # type: ignore[call-arg]  # Celery's options, not in its type stubs
            (message_ids,), argsrepr=repr((message_ids,)), kwargsrepr="{}"
        )
    except Exception:
        logger.warning("broker unavailable; %s message(s) left for the sweep", len(message_ids))
