"""Real local servers that stand in for providers we cannot reach from tests:
an SMTP server (aiosmtpd), an HTTP SMS provider and a Sentry ingest endpoint."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it receives. It can
    be told to hang on the next messages, to hold a send in the middle."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.hang_next = 0
        self.hanging = threading.Event()  # set while a message is held
        self.release = threading.Event()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.hang_next:
            self.hang_next -= 1
            self.hanging.set()
            # In a thread, so the server's event loop keeps serving others.
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class SmsProvider:
    """An HTTP server shaped like an SMS gateway. It records each POST and can
    be told to fail or to hang, to test retries and crashes."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail_next = 0
        self.hang_next = 0
        self.release = threading.Event()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                provider.received.append(
                    {
                        "body": body,
                        "key": self.headers.get("Idempotency-Key"),
                        "auth": self.headers.get("Authorization"),
                    }
                )
                if provider.hang_next:
                    provider.hang_next -= 1
                    provider.release.wait(60)
                if provider.fail_next:
                    provider.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/messages"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SmsProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def distinct_keys(self) -> set[str]:
        return {r["key"] for r in self.received}

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


class Msg91Provider:
    """MSG91's flow endpoint as its documentation shapes it: an `authkey` header and a
    JSON body naming the template, the DLT ids and the slots' values. A request of
    any other shape is answered 400, as the real one does, and kept in `refused`."""

    PATH = "/api/v5/flow"
    AUTHKEY = "test-msg91-authkey"

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.refused: list[str] = []
        self.answer_error_next = 0
        self.hang_next = 0
        self.release = threading.Event()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                problem = provider.check(self.path, self.headers, body)
                if provider.hang_next:
                    provider.hang_next -= 1
                    provider.release.wait(60)
                if problem:
                    provider.refused.append(problem)
                    self._answer(400, {"type": "error", "message": problem})
                    return
                provider.received.append({"body": body, "key": self.headers.get("Idempotency-Key")})
                if provider.answer_error_next:
                    provider.answer_error_next -= 1
                    self._answer(200, {"type": "error", "message": "Flow not found"})
                    return
                self._answer(200, {"type": "success", "message": f"req{len(provider.received)}"})

            def _answer(self, status: int, payload: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(payload).encode())

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{self.PATH}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def check(self, path: str, headers, body: dict) -> str:
        """What is wrong with a request, or "" when it is what MSG91 expects."""
        if path != self.PATH:
            return f"wrong path {path}"
        if headers.get("authkey") != self.AUTHKEY:
            return "wrong authkey"
        for field in ("template_id", "sender", "DLT_TE_ID", "PE_ID", "short_url", "recipients"):
            if not body.get(field):
                return f"missing {field}"
        if not (
            re.fullmatch(r"\d{19}", body["DLT_TE_ID"]) and re.fullmatch(r"\d{19}", body["PE_ID"])
        ):
            return "DLT ids are 19 digits"
        if body["short_url"] != "0":
            return "links must not be shortened"
        (recipient,) = body["recipients"]
        if not re.fullmatch(r"91\d{10}", recipient.get("mobiles", "")):
            return "mobiles must be 91 and ten digits"
        names = [k for k in recipient if k != "mobiles"]
        if names != [f"VAR{n}" for n in range(1, len(names) + 1)]:
            return "slot values are VAR1, VAR2, ... in order"
        return ""

    def start(self) -> Msg91Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


class WhatsAppCloud:
    """The Cloud API's messages endpoint: a bearer token, and a template message
    shaped as Meta documents it; anything else is answered 400 and kept in `refused`."""

    TOKEN = "test-whatsapp-token"
    PHONE_NUMBER_ID = "100200300400500"

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.refused: list[str] = []
        self.fail_next = 0
        cloud = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                problem = cloud.check(self.path, self.headers, body)
                if problem or cloud.fail_next:
                    cloud.fail_next = max(0, cloud.fail_next - (not problem))
                    cloud.refused.append(problem or "told to fail")
                    self._answer(400, {"error": {"code": 131026, "message": "undeliverable"}})
                    return
                cloud.received.append(body)
                wamid = f"wamid.TEST{len(cloud.received)}"
                self._answer(200, {"messaging_product": "whatsapp", "messages": [{"id": wamid}]})

            def _answer(self, status: int, payload: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(payload).encode())

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v21.0"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def check(self, path: str, headers, body: dict) -> str:
        if path != f"/v21.0/{self.PHONE_NUMBER_ID}/messages":
            return f"wrong path {path}"
        if headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return "wrong token"
        if (body.get("messaging_product"), body.get("type")) != ("whatsapp", "template"):
            return "only template messages"
        if not re.fullmatch(r"91\d{10}", body.get("to", "")):
            return "to must be 91 and ten digits"
        template = body.get("template") or {}
        if not template.get("name") or template.get("language", {}).get("code") not in (
            "en",
            "hi",
            "mr",
        ):
            return "template name and language"
        (component,) = template.get("components") or [{}]
        parameters = component.get("parameters") or []
        if component.get("type") != "body" or not all(
            p.get("type") == "text" and isinstance(p.get("text"), str) for p in parameters
        ):
            return "body parameters of type text"
        return ""

    def start(self) -> WhatsAppCloud:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SentryIngest:
    """An HTTP server on 127.0.0.1 shaped like Sentry's ingest endpoint: it keeps
    every envelope the SDK POSTs, decompressed."""

    def __init__(self) -> None:
        self.envelopes: list[bytes] = []
        ingest = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding:
                    raise AssertionError(f"unexpected Content-Encoding {encoding}")
                ingest.envelopes.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://public@127.0.0.1:{self._server.server_address[1]}/1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SentryIngest:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def items(self, kind: str) -> list[dict]:
        """The payloads of every envelope item of `kind` ("event", "transaction", ...)."""
        found = []
        for envelope in self.envelopes:
            rest = envelope.split(b"\n", 1)[1] if b"\n" in envelope else b""
            while rest.strip():
                header_line, rest = rest.split(b"\n", 1)
                header = json.loads(header_line)
                if "length" in header:
                    payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
                else:
                    payload, _, rest = rest.partition(b"\n")
                if header.get("type") == kind:
                    found.append(json.loads(payload))
        return found
