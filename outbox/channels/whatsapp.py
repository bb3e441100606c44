"""WhatsApp through the Cloud API: a thin client of the Graph API's messages endpoint.

Only approved utility templates are sent (outside the 24-hour window a
business may send nothing else): the template named by the SMS's DLT entry,
in the reader's language, with the same slot values. pywa would bring a web
framework's worth of handlers for the one call we make.
"""

from __future__ import annotations

from django.conf import settings

from outbox.channels.sms import SmsError, post_json
from outbox.dlt import DltMatch
from outbox.models import Message


class WhatsAppError(SmsError):
    """The Cloud API did not take the message: the SMS goes instead."""


def payload(*, to: str, language: str, dlt: DltMatch) -> dict[str, object]:
    parameters = [{"type": "text", "text": value} for value in dlt.variables]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {
            "name": dlt.template.whatsapp,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": parameters}],
        },
    }


def send(message: Message, body: str, dlt: DltMatch) -> str:
    """Send the approved template; return the message's wamid for its receipts."""
    if not dlt.template.whatsapp:
        raise WhatsAppError(f"no WhatsApp template is approved for {message.kind!r}")
    url = f"{settings.WHATSAPP_API_URL}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    try:
        answer = post_json(
            url,
            payload(to=message.recipient, language=message.language, dlt=dlt),
            headers={"Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"},
            timeout=10,
        )
    except SmsError as exc:
        raise WhatsAppError(str(exc)) from None
    try:
        return str(answer["messages"][0]["id"])
    except (KeyError, IndexError, TypeError):
        raise WhatsAppError("the Cloud API gave no message id") from None
