"""The outbox: one row per message, the source of truth for delivery."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outbox import registry


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


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
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
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
