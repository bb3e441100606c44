"""A message that could not go on its channel goes once more on the next one."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from outbox.models import Channel, Message, WhatsAppOptOut
from outbox.queueing import wake
from outbox.quiet_hours import sms_due_time

logger = logging.getLogger(__name__)
NEXT_CHANNEL = {Channel.WHATSAPP: Channel.SMS}


def opted_out_of_whatsapp(phone: str) -> bool:
    return WhatsAppOptOut.objects.filter(number_hash=WhatsAppOptOut.hash_of(phone)).exists()


@transaction.atomic
def message_fall_back(*, message: Message) -> Message | None:
    """Queue the same message on the next channel (WhatsApp -> SMS), once.

    The row is unique per subject, kind, channel, audience and schedule, so a
    second failure report (a receipt after a send error) finds it written.
    """
    channel = NEXT_CHANNEL.get(Channel(message.channel))
    if channel is None:
        return None
    now = timezone.now()
    row, created = Message.objects.get_or_create(
        subject_type_id=message.subject_type_id,
        subject_id=message.subject_id,
        kind=message.kind,
        channel=channel,
        audience=message.audience,
        schedule_version=message.schedule_version,
        defaults={
            "recipient": message.recipient,
            "language": message.language,
            "due_at": sms_due_time(now) if message.held_in_quiet_hours else now,
            "held_in_quiet_hours": message.held_in_quiet_hours,
        },
    )
    if created:
        logger.warning("message %s falls back to %s as message %s", message.pk, channel, row.pk)
        wake([row.pk])
    return row
