"""The consent notice the family agrees to: its version and the hash of its text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags


@dataclass(frozen=True)
class Notice:
    version: str
    text: str
    sha256: str


@lru_cache(maxsize=8)
def _notice_for(language: str, version: str) -> Notice:
    with translation.override(language):
        html = render_to_string("booking/includes/consent_notice.html")
    text = " ".join(strip_tags(html).split())
    return Notice(version=version, text=text, sha256=hashlib.sha256(text.encode()).hexdigest())


def current_notice(language: str | None = None) -> Notice:
    return _notice_for(
        language or translation.get_language() or "en", settings.PRIVACY_NOTICE_VERSION
    )
