"""Local stand-ins for the email and SMS providers, for the drills.

Both record every message they are handed with its idempotency key (the
email's Message-ID, the SMS Idempotency-Key header), so a drill can tell a
message sent twice from two messages. Both can be made slow, so a drill can
kill a worker in the middle of its sends.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from bench.stack import free_port

# aiosmtpd reports every connection at INFO; the drills print their own figures.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Sink:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.keys: list[str] = []
        self.times: dict[str, float] = {}  # first arrival (time.time()) of each key
        self._lock = threading.Lock()

    def record(self, key: str) -> None:
        with self._lock:
            self.keys.append(key)
            self.times.setdefault(key, time.time())

    @property
    def received(self) -> int:
        return len(self.keys)

    @property
    def distinct(self) -> int:
        return len(set(self.keys))

    @property
    def duplicates(self) -> int:
        """How many sends repeated a key already received."""
        return sum(n - 1 for n in Counter(self.keys).values())


class SmtpSink(Sink):
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps each Message-ID it receives."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay)
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.record(str(message["Message-ID"]).strip("<>").split("@")[0])
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def env(self) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }


class SmsSink(Sink):
    """An HTTP server answering like MSG91's flow API; keeps each Idempotency-Key."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay)
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                json.loads(self.rfile.read(length) or b"{}")
                if sink.delay:
                    time.sleep(sink.delay)
                sink.record(self.headers.get("Idempotency-Key", ""))
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"type": "success", "message": "drill"}')

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/api/v5/flow"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SmsSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def env(self) -> dict[str, str]:
        return {
            "SMS_BACKEND": "outbox.channels.msg91.Msg91SmsBackend",
            "SMS_HTTP_URL": self.url,
            "SMS_HTTP_TOKEN": "drill-token",
        }
