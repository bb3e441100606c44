"""SMS: a small backend interface, a console and a folder backend for laptops,
one HTTP provider backend for production, and the segment count.

Pick one with SMS_BACKEND (a dotted path).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.models import Message
from outbox.registry import Rendered


class SmsError(Exception):
    """The provider did not accept the message; the sender retries later."""


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, idempotency_key: str) -> None: ...


class ConsoleSmsBackend:
    """Writes each SMS to standard output, like Django's console email backend."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        sys.stdout.write(f"--- SMS to {to} (key {idempotency_key})\n{body}\n---\n")
        sys.stdout.flush()


class FileSmsBackend:
    """Writes each SMS to a file in SMS_FILE_PATH, one file per message."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{idempotency_key}.txt").write_text(f"To: {to}\n\n{body}\n", "utf-8")


class HttpSmsBackend:
    """POSTs JSON to `SMS_HTTP_URL` with a bearer token and an Idempotency-Key header.

    The shape is the common one of Indian SMS gateways; a provider with a
    different shape gets a subclass that overrides `payload`.
    """

    timeout = 10

    def payload(self, *, to: str, body: str) -> dict[str, str]:
        return {"to": to, "sender": settings.SMS_SENDER_ID, "text": body}

    def send(self, *, to: str, body: str, idempotency_key: str) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set")
        request = urllib.request.Request(  # noqa: S310 (URL comes from settings)
            settings.SMS_HTTP_URL,
            data=json.dumps(self.payload(to=to, body=body)).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"provider answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"provider unreachable: {type(exc).__name__}") from None
        if not 200 <= status < 300:
            raise SmsError(f"provider answered {status}")


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send(message: Message, rendered: Rendered) -> None:
    get_backend().send(
        to=message.recipient, body=rendered.body, idempotency_key=str(message.idempotency_key)
    )


_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("^{}\\[~]|€")  # each takes two units


def sms_segments(text: str) -> int:
    """How many SMS segments a text needs (GSM-7 if it fits, else UCS-2)."""
    if all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if units <= 160 else -(-units // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
