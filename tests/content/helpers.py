"""Reading the guide's HTML the way a visitor and a search engine would."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import pyphen
import textstat
from textstat.backend.selections import list_words

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "blockquote"}


@dataclass
class ParsedPage:
    title: str = ""
    meta_description: str | None = None
    links: list[str] = field(default_factory=list)
    structured_data: list[dict] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = ParsedPage()
        self._in_title = False
        self._in_ld_json = False
        self._ld_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and attributes.get("name") == "description":
            self.page.meta_description = attributes.get("content")
        elif tag == "a" and attributes.get("href"):
            self.page.links.append(attributes["href"])
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_ld_json = True
            self._ld_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_ld_json:
            self._in_ld_json = False
            self.page.structured_data.append(json.loads("".join(self._ld_text)))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._in_ld_json:
            self._ld_text.append(data)


def parse_page(html: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    parser.page.title = " ".join(parser.page.title.split())
    return parser.page


def element_html(html: str, opening_tag: str, tag: str = "div") -> str:
    """The markup inside the first element that opens with `opening_tag` (no nesting of `tag`)."""
    start = html.index(opening_tag) + len(opening_tag)
    return html[start : html.index(f"</{tag}>", start)]


class _BlockText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text if text[-1] in ".!?:" else f"{text}.")


def markdown_to_text(body: str) -> str:
    """The words a reader sees, one block (heading, paragraph, list item) per sentence.

    A heading or a list item stands on its own line, so it ends a sentence
    for the reader; textstat only splits on . ! ?, so give it one.
    """
    parser = _BlockText()
    parser.feed(markdown.markdown(body))
    parser.close()
    parser.flush()
    return " ".join(parser.blocks)


_HYPHENATOR = pyphen.Pyphen(lang="en_US")


def flesch_kincaid_grade(text: str) -> float:
    """Flesch-Kincaid grade, as textstat computes it but without the CMU dictionary.

    textstat 0.7's own `flesch_kincaid_grade` looks each word up in NLTK's
    cmudict, which it downloads on first use; nothing can be downloaded in CI
    or here. It falls back to Pyphen for words cmudict lacks, so this uses
    textstat's word and sentence counts with that Pyphen fallback for every
    word: 0.39 * words/sentence + 11.8 * syllables/word - 15.59.
    """
    words = list_words(text, lowercase=True)
    sentences = textstat.sentence_count(text)
    if not words or not sentences:
        return 0.0
    syllables = sum(len(_HYPHENATOR.positions(word)) + 1 for word in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59


def seed_words(text: str) -> list[str]:
    """Words as the before-stop seed check splits them (curly apostrophes made straight)."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))
