"""Delivery receipts (MSG91, WhatsApp) and WhatsApp replies: stored as they come, processed by id.

A webhook only stores the raw call and answers 200 (providers retry slow or
failing endpoints, and a retry is a duplicate); a task then reads it. Each
status only moves its message up the ladder in outbox.models.DELIVERY_RANK,
so the same event twice changes nothing and a late "sent" never overwrites
"delivered". A message its provider failed to deliver falls back once.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from outbox.fallback import message_fall_back
from outbox.models import (
    DELIVERY_RANK,
    Channel,
    Delivery,
    Message,
    MessageStatus,
    ReceiptEvent,
    WhatsAppOptOut,
)
from uhapo.celery import app

logger = logging.getLogger(__name__)
PROCESS_TASK = "outbox.tasks.process_receipt"
# MSG91's delivery report codes: 1 delivered, 8 handed to the operator; the rest
# listed are final refusals (failed, DND, rejected, blocked).
MSG91_STATUS = {"1": Delivery.DELIVERED, "8": Delivery.SENT}
MSG91_FAILED = {"2", "9", "16", "17", "25", "26"}
WHATSAPP_STATUS = {
    "sent": Delivery.SENT,
    "delivered": Delivery.DELIVERED,
    "read": Delivery.READ,
    "failed": Delivery.FAILED,
}
STOP_WORDS = {"STOP", "UNSUBSCRIBE", "STOP ALL"}
FIELD_OF = {
    Delivery.DELIVERED: "delivered_at",
    Delivery.READ: "read_at",
    Delivery.FAILED: "delivery_failed_at",
}


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    delivery: str
    at: datetime.datetime
    reason: str = ""


def receipt_store(*, source: str, payload: bytes) -> ReceiptEvent:
    """Keep one webhook call as it came and hand its id to a worker after commit."""
    event = ReceiptEvent(source=source, payload=payload)
    event.full_clean()
    event.save()
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    try:
        app.tasks[PROCESS_TASK].delay(event_id)
    except Exception:
        # Left unprocessed in the table; the beat sweep picks it up.
        logger.warning("broker unavailable; receipt %s left for the sweep", event_id)


def receipts_unprocessed() -> list[int]:
    """Calls stored over a minute ago and still unprocessed (their task was lost)."""
    older = timezone.now() - datetime.timedelta(minutes=1)
    unprocessed = ReceiptEvent.objects.filter(processed_at=None, received_at__lt=older)
    return list(unprocessed.values_list("pk", flat=True)[:500])


@transaction.atomic
def receipt_process(*, event_id: int) -> int:
    """Apply one stored call's statuses and STOP replies, then empty its payload.

    Locked and checked first, so two workers on the same id apply it once.
    """
    event = ReceiptEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.processed_at is not None:
        return 0
    try:
        data = json.loads(bytes(event.payload) or b"null")
    except ValueError:
        data = None
    if event.source == ReceiptEvent.Source.WHATSAPP:
        receipts = list(_whatsapp_receipts(data))
        for phone in _whatsapp_stops(data):
            WhatsAppOptOut.objects.get_or_create(number_hash=WhatsAppOptOut.hash_of(phone))
            logger.info("a number opted out of WhatsApp (receipt %s)", event_id)
    else:
        receipts = list(_msg91_receipts(data))
    changed = sum(delivery_record(receipt=r, source=event.source) for r in receipts)
    event.processed_at = timezone.now()
    event.payload = b""
    event.save(update_fields=["processed_at", "payload"])
    return changed


def delivery_record(*, receipt: Receipt, source: str) -> bool:
    """Move the message this receipt is about up to its new state; a failure falls back once."""
    channel = Channel.WHATSAPP if source == ReceiptEvent.Source.WHATSAPP else Channel.SMS
    message = Message.objects.filter(
        provider_id=receipt.provider_id, channel=channel, provider_id__gt=""
    ).first()
    if message is None:
        return False
    # Each time is kept the first time it is heard, whatever the order.
    field = FIELD_OF.get(Delivery(receipt.delivery))
    if field and getattr(message, field) is None:
        Message.objects.filter(pk=message.pk, **{f"{field}__isnull": True}).update(
            **{field: receipt.at}
        )
    lower = [
        value for value, rank in DELIVERY_RANK.items() if rank < DELIVERY_RANK[receipt.delivery]
    ]
    moved = Message.objects.filter(pk=message.pk, delivery__in=lower).update(
        delivery=receipt.delivery
    )
    if moved and receipt.delivery == Delivery.FAILED:
        Message.objects.filter(pk=message.pk).update(last_error=f"Not delivered: {receipt.reason}")
        if message.status == MessageStatus.SENT:
            message_fall_back(message=message)
    return bool(moved)


def _at(timestamp: object) -> datetime.datetime:
    try:
        return datetime.datetime.fromtimestamp(int(str(timestamp)), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError):
        return timezone.now()


def _whatsapp_values(data: object) -> Iterator[dict]:
    if not isinstance(data, dict):
        return
    for entry in data.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value")
            if isinstance(value, dict):
                yield value


def _whatsapp_receipts(data: object) -> Iterator[Receipt]:
    for value in _whatsapp_values(data):
        for status in value.get("statuses") or []:
            delivery = WHATSAPP_STATUS.get(status.get("status", ""))
            if delivery and status.get("id"):
                # The error's code and title only: its details can quote the number.
                errors = status.get("errors") or [{}]
                reason = f"WhatsApp {errors[0].get('code', '')} {errors[0].get('title', '')}"
                yield Receipt(str(status["id"]), delivery, _at(status.get("timestamp")), reason)


def _whatsapp_stops(data: object) -> Iterator[str]:
    for value in _whatsapp_values(data):
        for message in value.get("messages") or []:
            words = (message.get("text") or {}).get("body") or (message.get("button") or {}).get(
                "text", ""
            )
            if str(words).strip().upper() in STOP_WORDS and message.get("from"):
                yield str(message["from"])


def _msg91_receipts(data: object) -> Iterator[Receipt]:
    """MSG91's delivery report: a list (or {"data": list}) of requests, each with its reports."""
    reports = data.get("data") if isinstance(data, dict) else data
    for request in reports if isinstance(reports, list) else []:
        if not isinstance(request, dict) or not request.get("requestId"):
            continue
        for report in request.get("report") or []:
            code = str(report.get("status", ""))
            delivery = Delivery.FAILED if code in MSG91_FAILED else MSG91_STATUS.get(code)
            if delivery:
                reason = f"MSG91 {code} {report.get('desc', '')}".strip()
                yield Receipt(str(request["requestId"]), delivery, _msg91_at(report), reason)


def _msg91_at(report: dict) -> datetime.datetime:
    try:
        local = datetime.datetime.strptime(str(report.get("date")), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return timezone.now()
    return timezone.make_aware(local)
