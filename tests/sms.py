"""An SMS backend for tests that keeps what it was asked to send, in memory.

Used only where a test runs in one process; tests of the real HTTP backend
point it at a local HTTP server instead (tests/booking/test_delivery.py).
"""

from __future__ import annotations

from typing import ClassVar

from outbox.dlt import DltMatch


class RecordingSmsBackend:
    sent: ClassVar[list[dict[str, str]]] = []

    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        self.sent.append(
            {
                "to": to,
                "body": body,
                "idempotency_key": idempotency_key,
                "dlt_template_id": dlt.template.dlt_template_id,
            }
        )
        return ""
