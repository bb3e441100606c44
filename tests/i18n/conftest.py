"""Translations are compiled before these tests run, as `make test` does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from tests.content.conftest import starting_pages  # noqa: F401 - the guide's pages, by slug

LANGUAGES = ["en", "hi", "mr"]
OTHER_LANGUAGES = ["hi", "mr"]
# A phrase every page shows (the footer), as each language says it.
FOOTER = {
    "en": "This is not an emergency service.",
    "hi": "यह इमरजेंसी सेवा नहीं है।",
    "mr": "ही इमर्जन्सी सेवा नाही.",
}


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> Iterator[None]:
    """Compile locale/*.po (a no-op when `make test` already did) and reload the catalogues."""
    call_command("compile_translations", verbosity=0)
    # A catalogue loaded before the .mo existed would stay cached for the process.
    trans_real._translations = {}
    trans_real._default = None
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _english_in_test_code() -> Iterator[None]:
    """Each request activates its page's language in this thread; test code reverses in English."""
    translation.activate("en")
    yield
    translation.activate("en")


def prefixed(path: str, language: str) -> str:
    """`path` (an English, unprefixed address) as it is in `language`."""
    return path if language == "en" else f"/{language}{path}"


class Document(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.alternates: dict[str, str] = {}
        self.switcher: list[dict[str, str | None]] = []
        self._in_switcher = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "link" and attributes.get("rel") == "alternate" and attributes.get("hreflang"):
            self.alternates[attributes["hreflang"]] = attributes["href"]
        elif tag == "nav" and "language-switcher" in (attributes.get("class") or ""):
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_switcher = False


def visible_text(html: str) -> str:
    """The page's text without tags, scripts or styles, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
