"""The providers' webhooks: verified, stored, answered 200; processed later by id (outbox.receipts).

CSRF-exempt because a provider cannot hold our CSRF token; each proves who it
is instead (WhatsApp signs the body with the app secret, MSG91 sends our
shared token). A call that does not prove it changes nothing and gets 403.
Nothing of the body is logged.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from outbox.models import ReceiptEvent
from outbox.receipts import receipt_store

# Far above any real receipt batch; a bigger body is not stored.
MAX_BODY = 256 * 1024


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    """GET: Meta's verify-token handshake. POST: statuses and replies, signed X-Hub-Signature-256."""
    if request.method != "POST":
        if request.GET.get("hub.mode") == "subscribe" and _same(
            request.GET.get("hub.verify_token", ""), settings.WHATSAPP_VERIFY_TOKEN
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    body = request.body
    secret = settings.WHATSAPP_APP_SECRET.encode()
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not secret or len(body) > MAX_BODY or not _same(signature, expected):
        return HttpResponseForbidden()
    receipt_store(source=ReceiptEvent.Source.WHATSAPP, payload=body)
    return HttpResponse(status=200)


@csrf_exempt
@require_http_methods(["POST"])
def sms(request: HttpRequest) -> HttpResponse:
    """MSG91's delivery reports, with our shared token in the X-UHAPO-Webhook-Token header."""
    token = request.headers.get("X-UHAPO-Webhook-Token", "")
    if len(request.body) > MAX_BODY or not _same(token, settings.SMS_WEBHOOK_TOKEN):
        return HttpResponseForbidden()
    receipt_store(source=ReceiptEvent.Source.SMS, payload=request.body)
    return HttpResponse(status=200)
