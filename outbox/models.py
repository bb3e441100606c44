"""The outbox: one row per message, the source of truth for delivery."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from outbox import registry


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


# Held in quiet hours, matched against the registered templates (outbox.dlt).
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.TextChoices):
    """What the provider's receipts say became of a sent message."""

    UNKNOWN = "", _("No receipt yet")
    SENT = "sent", _("Sent on by the provider")
    FAILED = "failed", _("Not delivered")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")


# Receipts arrive in any order: one only moves a message up this ladder, so a
# late "sent" never undoes "delivered", and "delivered" beats an earlier "failed".
DELIVERY_RANK = {value: rank for rank, value in enumerate(Delivery.values)}
# What staff must see: given up on, or refused by the network. Not WhatsApp rows:
# each failed one fell back to an SMS, which is flagged in its turn if it fails too.
UNDELIVERED = (Q(status="failed") | Q(delivery=Delivery.FAILED)) & ~Q(channel=Channel.WHATSAPP)


class Message(models.Model):
    """One message to one address, about one thing (a visit request, later a visit).

    The app that owns the subject registers its kinds of message
    (outbox.registry) and says who the audience is; the outbox only stores,
    claims, sends and retries.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("kind"), max_length=32)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    audience = models.CharField(_("to whom"), max_length=11)
    # Bumped by the subject when what the message announces changes (a visit
    # moved), so a fresh set of reminders can be written beside the old ones.
    schedule_version = models.PositiveIntegerField(default=0)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="en")
    due_at = models.DateTimeField(_("due"))
    # Off for what the family set off themselves (the confirmation of their
    # request or of their own cancellation): they are awake and waiting for it.
    held_in_quiet_hours = models.BooleanField(_("held in quiet hours"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Sent with every attempt so a provider can drop a resend after a crash.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The provider's id for the message (MSG91's request id, WhatsApp's wamid): receipts carry it.
    provider_id = models.CharField(max_length=128, blank=True, db_index=True, editable=False)
    delivery = models.CharField(
        _("delivery"), max_length=9, choices=Delivery.choices, blank=True, default=Delivery.UNKNOWN
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivery_failed_at = models.DateTimeField(_("not delivered"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "subject_type",
                    "subject_id",
                    "kind",
                    "channel",
                    "audience",
                    "schedule_version",
                ],
                name="one_message_per_subject_kind_channel_audience",
            ),
        ]
        indexes = [
            # The beat sweep reads only these few rows out of millions.
            models.Index(
                fields=["due_at"],
                name="outbox_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="outbox_sending_claimed",
                condition=Q(status="sending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{registry.label(self.kind)} ({self.get_channel_display()})"


class ReceiptEvent(models.Model):
    """One webhook call from a provider, stored as it came and processed later by id.

    The payload can hold a phone number or a reply's words: it is emptied once
    processed, so only the outcome stays (on the messages it was about).
    """

    class Source(models.TextChoices):
        SMS = "sms", _("SMS provider")
        WHATSAPP = "whatsapp", _("WhatsApp")

    source = models.CharField(_("from"), max_length=8, choices=Source.choices)
    payload = models.BinaryField(editable=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="outbox_receipt_unprocessed",
                condition=Q(processed_at=None),
            )
        ]
        verbose_name = _("delivery receipt")
        verbose_name_plural = _("delivery receipts")

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"


class WhatsAppOptOut(models.Model):
    """A number that replied STOP on WhatsApp: it gets its messages by SMS from then on.

    Kept as a keyed hash, not the number: an opt-out outlives the requests
    (and their erasure), and must not keep a family's number after them.
    """

    number_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("opted out"), auto_now_add=True)

    class Meta:
        verbose_name = _("WhatsApp opt-out")
        verbose_name_plural = _("WhatsApp opt-outs")

    def __str__(self) -> str:
        return str(_("WhatsApp opt-out #%(id)s") % {"id": self.pk})

    @staticmethod
    def hash_of(phone: str) -> str:
        """The key for an E.164 number ("+919820012345"), however WhatsApp wrote it."""
        digits = "+" + phone.lstrip("+")
        return salted_hmac("outbox.whatsapp-opt-out", digits, algorithm="sha256").hexdigest()
