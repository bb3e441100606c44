"""SMS: a small backend interface, a console and a folder backend for laptops,
a generic HTTP gateway backend, and the segment count. The production
provider, MSG91, is in outbox/channels/msg91.py.

Pick one with SMS_BACKEND (a dotted path). Every backend is handed the DLT
template the text matched (outbox.dlt): nothing unregistered reaches one.
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

from outbox.dlt import DltMatch
from outbox.models import Message


class SmsError(Exception):
    """The provider did not accept the message; the sender retries later."""


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        """Hand the SMS to the provider; return its id for the message ("" if it gives none)."""


class ConsoleSmsBackend:
    """Writes each SMS to standard output, like Django's console email backend."""

    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        sys.stdout.write(
            f"--- SMS to {to} from {dlt.template.header} (DLT {dlt.template.dlt_template_id},"
            f" key {idempotency_key})\n{body}\n---\n"
        )
        sys.stdout.flush()
        return ""


class FileSmsBackend:
    """Writes each SMS to a file in SMS_FILE_PATH, one file per message."""

    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        head = f"To: {to}\nFrom: {dlt.template.header}\nDLT: {dlt.template.dlt_template_id}"
        (folder / f"{stamp}-{idempotency_key}.txt").write_text(f"{head}\n\n{body}\n", "utf-8")
        return ""


class HttpSmsBackend:
    """POSTs JSON to `SMS_HTTP_URL` with a bearer token and an Idempotency-Key header.

    The shape is the common one of Indian SMS gateways; a provider with a
    different shape gets a subclass that overrides `payload`.
    """

    timeout = 10

    def payload(self, *, to: str, body: str, dlt: DltMatch) -> dict[str, str]:
        return {
            "to": to,
            "sender": dlt.template.header,
            "text": body,
            "dlt_entity_id": dlt.entity_id,
            "dlt_template_id": dlt.template.dlt_template_id,
        }

    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set")
        answer = post_json(
            settings.SMS_HTTP_URL,
            self.payload(to=to, body=body, dlt=dlt),
            headers={
                "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
                "Idempotency-Key": idempotency_key,
            },
            timeout=self.timeout,
        )
        return str(answer.get("id", ""))


def post_json(url: str, payload: object, *, headers: dict[str, str], timeout: float) -> dict:
    """POST JSON, return the JSON answer ({} if none); SmsError on any refusal or outage.

    The error names the status or the exception's type only: a provider's
    answer can echo the number or the text back.
    """
    request = urllib.request.Request(  # noqa: S310 (URL comes from settings)
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise SmsError(f"provider answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SmsError(f"provider unreachable: {type(exc).__name__}") from None
    if not 200 <= status < 300:
        raise SmsError(f"provider answered {status}")
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send(message: Message, body: str, dlt: DltMatch) -> str:
    return get_backend().send(
        to=message.recipient, body=body, idempotency_key=str(message.idempotency_key), dlt=dlt
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
