"""MSG91's flow API (SMS_BACKEND=outbox.channels.msg91.Msg91SmsBackend).

A flow sends a template the provider holds, with the values of its slots:
the provider composes the text from the registered words, so a message
cannot drift from its DLT registration. We still send what DLT needs to
see (the header, the entity and template ids) with every message.
"""

from __future__ import annotations

from django.conf import settings

from outbox.channels.sms import SmsError, post_json
from outbox.dlt import DltMatch

FLOW_URL = "https://control.msg91.com/api/v5/flow"


class Msg91SmsBackend:
    timeout = 10

    def payload(self, *, to: str, dlt: DltMatch) -> dict[str, object]:
        template = dlt.template
        recipient: dict[str, str] = {"mobiles": to.lstrip("+")}
        recipient.update({f"VAR{n}": value for n, value in enumerate(dlt.variables, start=1)})
        return {
            "template_id": template.provider_template_id or template.dlt_template_id,
            "sender": template.header,
            "DLT_TE_ID": template.dlt_template_id,
            "PE_ID": dlt.entity_id,
            # Shortened links are refused under DLT: the registered links go as they are.
            "short_url": "0",
            "recipients": [recipient],
        }

    def send(self, *, to: str, body: str, idempotency_key: str, dlt: DltMatch) -> str:
        if not settings.SMS_HTTP_TOKEN:
            raise SmsError("SMS_HTTP_TOKEN (the MSG91 authkey) is not set")
        answer = post_json(
            settings.SMS_HTTP_URL or FLOW_URL,
            self.payload(to=to, dlt=dlt),
            # MSG91 documents no idempotency key: the outbox's claim is what stops a
            # second send. The key goes along for gateways (and our drills) that read it.
            headers={"authkey": settings.SMS_HTTP_TOKEN, "Idempotency-Key": idempotency_key},
            timeout=self.timeout,
        )
        # MSG91 can answer 200 with {"type": "error"}: that is a refusal too.
        if answer.get("type") != "success":
            raise SmsError(f"MSG91 refused the message ({answer.get('type', 'no answer')})")
        return str(answer.get("message", ""))
