"""India's DLT rules for SMS: every text must match a registered template exactly.

The registrations are data, in outbox/dlt_templates.toml (one entry per kind
x language, the same words as the message templates). Before an SMS or a
WhatsApp message leaves, its rendered text is matched against the entries of
its kind and language; the slots' values are what a template-based API (the
provider's flow, WhatsApp's template parameters) is sent. No match: refused.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

REGISTRY = Path(__file__).with_name("dlt_templates.toml")
# A {#var#} holds up to 30 characters under the operators' scrubbing rules.
VAR_MAX = 30
_SLOT = re.compile(r"\{#(var|url)#\}")


class UnregisteredText(ValueError):
    """No registered template of this kind and language matches the text: never sent."""


@dataclass(frozen=True)
class SmsTemplate:
    kind: str
    language: str
    text: str
    dlt_template_id: str
    header: str
    category: str
    whatsapp: str = ""
    # The SMS provider's own id for the template, where it is not the DLT id.
    provider_template_id: str = ""

    def pattern(self, site_url: str) -> re.Pattern[str]:
        parts = _SLOT.split(self.text)
        regex = re.escape(parts[0])
        # split() alternates literal text and slot types: var, text, url, text ...
        for slot, literal in zip(parts[1::2], parts[2::2], strict=True):
            if slot == "var":
                regex += f"(.{{0,{VAR_MAX}}}?)"
            else:
                # Links only on the whitelisted domain, so no shortener ever passes.
                regex += f"({re.escape(site_url)}/\\S*)"
            regex += re.escape(literal)
        return re.compile(regex, re.DOTALL)


@dataclass(frozen=True)
class DltMatch:
    """The registered template a text matched, and the values of its slots in order."""

    template: SmsTemplate
    entity_id: str
    variables: tuple[str, ...]


@functools.cache
def _registry() -> tuple[str, tuple[SmsTemplate, ...]]:
    with REGISTRY.open("rb") as fh:
        data = tomllib.load(fh)
    return data["entity_id"], tuple(SmsTemplate(**entry) for entry in data["sms"])


def templates() -> tuple[SmsTemplate, ...]:
    return _registry()[1]


def has_whatsapp_template(*, kind: str, language: str) -> bool:
    """Whether this kind is registered as a WhatsApp utility template in this language."""
    return any(t.whatsapp for t in templates() if (t.kind, t.language) == (kind, language))


def match(*, kind: str, language: str, text: str) -> DltMatch:
    """The registered template this text is, or UnregisteredText (the message is refused)."""
    entity_id, entries = _registry()
    candidates = [t for t in entries if (t.kind, t.language) == (kind, language)]
    if not candidates:
        raise UnregisteredText(f"no DLT template is registered for {kind!r} in {language!r}")
    for template in candidates:
        found = template.pattern(settings.SITE_URL).fullmatch(text)
        if found:
            return DltMatch(template, entity_id, found.groups())
    raise UnregisteredText(
        f"the {kind!r} text in {language!r} matches none of its {len(candidates)} "
        "registered DLT template(s)"
    )
