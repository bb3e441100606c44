"""Email through Django's configured backend (SMTP in production)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from outbox.models import Message
from outbox.registry import Rendered


def send(message: Message, rendered: Rendered) -> None:
    key = str(message.idempotency_key)
    email = EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        # The same Message-ID on a resend lets mail systems drop the copy.
        headers={"Message-ID": f"<{key}@uhapo.message>", "X-UHAPO-Idempotency-Key": key},
    )
    for filename, content, mimetype in rendered.attachments:
        email.attach(filename, content, mimetype)
    email.send(fail_silently=False)
