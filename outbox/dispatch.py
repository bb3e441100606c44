"""Claiming, sending, retrying and sweeping outbox rows. Safe to run twice, by any worker."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from outbox import dlt, registry
from outbox.channels import email, sms, whatsapp
from outbox.fallback import message_fall_back, opted_out_of_whatsapp
from outbox.models import PHONE_CHANNELS, Channel, Message, MessageStatus
from outbox.queueing import wake
from outbox.quiet_hours import in_quiet_hours, sms_due_time
from uhapo.logging import redact

logger = logging.getLogger(__name__)
PHONE_SENDERS = {Channel.SMS: sms.send, Channel.WHATSAPP: whatsapp.send}


class NotRequeueable(ValueError):
    """Only a failed message can be put back in the queue."""


def message_deliver(*, message_id: int) -> bool:
    """Claim one due message, send it, and mark it sent. Safe to run twice.

    The claim (pending -> sending) is one UPDATE, so only one worker ever
    sends a row; a crash between sending and marking leaves the row in
    `sending`, which the sweep rescues later with the same idempotency key.
    """
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, status=MessageStatus.PENDING, due_at__lte=now
    ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    if message.held_in_quiet_hours and message.channel in PHONE_CHANNELS and in_quiet_hours(now):
        Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
            status=MessageStatus.PENDING, due_at=sms_due_time(now), attempts=F("attempts") - 1
        )
        return False
    try:
        kind = registry.get(message.kind)
        if not kind.still_wanted(message):
            Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
                status=MessageStatus.CANCELLED
            )
            return False
        provider_id = _send(message, kind.render(message))
    except dlt.UnregisteredText as exc:
        _fail_now(message, f"Refused before sending: {exc}")
        logger.error("message %s refused: %s", message_id, exc)
        return False
    except whatsapp.WhatsAppError as exc:
        # At once, not after retries: the family is waiting, and the SMS is there.
        _fail_now(message, redact(f"WhatsApp failed, sent by SMS instead: {exc}")[:500])
        message_fall_back(message=message)
        return False
    except Exception as exc:
        _record_failure(message, exc)
        return False
    Message.objects.filter(pk=message_id, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error="", provider_id=provider_id
    )
    logger.info("message %s sent (%s, %s)", message_id, message.kind, message.channel)
    return True


def _send(message: Message, rendered: registry.Rendered) -> str:
    """Send through the row's channel; a phone message only as a registered template."""
    if message.channel == Channel.EMAIL:
        email.send(message, rendered)
        return ""
    if message.channel == Channel.WHATSAPP and opted_out_of_whatsapp(message.recipient):
        raise whatsapp.WhatsAppError("the number replied STOP on WhatsApp")
    match = dlt.match(kind=message.kind, language=message.language, text=rendered.body)
    return PHONE_SENDERS[Channel(message.channel)](message, rendered.body, match)


def _fail_now(message: Message, reason: str) -> None:
    """Failed for good, no retry: retrying would not change the answer."""
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.FAILED, last_error=reason
    )


def _record_failure(message: Message, exc: Exception) -> None:
    error = redact(f"{type(exc).__name__}: {exc}")[:500]
    attempts = message.attempts
    if attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        status, due = MessageStatus.FAILED, message.due_at
        logger.error("message %s failed for good after %s attempts", message.pk, attempts)
    else:
        # 1, 2, 4, 8 ... minutes, picked up by the beat sweep.
        due = timezone.now() + datetime.timedelta(minutes=2 ** (attempts - 1))
        if message.held_in_quiet_hours and message.channel in PHONE_CHANNELS:
            due = sms_due_time(due)
        status = MessageStatus.PENDING
        logger.warning("message %s attempt %s failed: %s", message.pk, attempts, error)
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=status, due_at=due, last_error=error
    )


def messages_due(*, limit: int = 5000) -> list[int]:
    """Rescue rows abandoned in `sending`, then list the ids of pending rows that are due."""
    now = timezone.now()
    rescued = Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - settings.MESSAGE_SENDING_TIMEOUT
    ).update(status=MessageStatus.PENDING)
    if rescued:
        logger.warning("rescued %s messages stuck in sending", rescued)
    return list(
        Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )


def message_requeue(*, message: Message) -> Message:
    """Put a failed message back in the queue, due now, with its attempts reset."""
    updated = Message.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, due_at=timezone.now(), last_error=""
    )
    if not updated:
        raise NotRequeueable(message.pk)
    wake([message.pk])
    message.refresh_from_db()
    return message
