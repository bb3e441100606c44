"""The guide's starting pages: Markdown files in content/seed/, loaded by `manage.py load_guide`.

Each file is `<slug>.<language>.md`: front matter between two `---` lines,
one `key: value` per line, then the body in Markdown. English files hold a
page (its place in the guide, its review); the others hold that page's
translation. The keys are the models' field names; `parent` is the parent
page's slug. Values are read as written, without quotes or escapes: text,
whole numbers, `true`/`false` and ISO dates; an unknown, missing or repeated
key is an error. (Our own short reader rather than PyYAML: no dependency
for this alone, and none of YAML's guessing, where `no` is false and `1.10`
a number.)

Loading only ever creates. A page is created when no page has ever had its
slug (the page history keeps the slugs of deleted and renamed pages), and a
translation when its page is there and has never had one in that language.
So a second run changes nothing, an edit made in admin is never overwritten,
and a page staff deleted or renamed on purpose does not come back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from content.models import Page, PageTranslation

SEED_DIR = Path(__file__).resolve().parent / "seed"
FILE_NAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2})\.md$")
FENCE = "---"


class SeedError(Exception):
    """A seed file that does not say exactly what a page or a translation needs."""


def _text(value: str) -> str:
    if not value:
        raise ValueError("is empty")
    return value


def _slug(value: str) -> str:
    if not FILE_NAME.match(f"{value}.en.md"):
        raise ValueError(f"{value!r} is not a slug")
    return value


def _number(value: str) -> int:
    if not value.isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def _yes_no(value: str) -> bool:
    # Only the two words: "yes", "1" or "False" would each be a guess.
    if value not in {"true", "false"}:
        raise ValueError(f"{value!r} is neither true nor false")
    return value == "true"


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


Reader = Callable[[str], Any]
TRANSLATION_KEYS: dict[str, Reader] = {
    "title": _text,
    "summary": _text,
    "reviewer": _text,
    "last_reviewed": _date,
    "next_review_due": _date,
}
PAGE_KEYS: dict[str, Reader] = {
    **TRANSLATION_KEYS,
    "parent": _slug,
    "order": _number,
    "is_published": _yes_no,
    "show_request_button": _yes_no,
}
# A main page has no parent; everything else must be said.
OPTIONAL_PAGE_KEYS = {"parent"}


@dataclass(frozen=True)
class SeedText:
    """One seed file: a page (English) or one of its translations."""

    path: Path
    slug: str
    language: str
    body: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def is_page(self) -> bool:
        return self.language == settings.LANGUAGE_CODE

    @property
    def title(self) -> str:
        return self.fields["title"]

    @property
    def summary(self) -> str:
        return self.fields["summary"]

    @property
    def parent(self) -> str | None:
        return self.fields.get("parent")


def parse_seed_file(path: Path) -> SeedText:
    """Read one file, refusing anything the loader would otherwise have to guess at."""
    match = FILE_NAME.match(path.name)
    if not match:
        raise SeedError(f"{path}: the name must be <slug>.<language>.md")
    slug, language = match["slug"], match["language"]
    is_page = language == settings.LANGUAGE_CODE
    if not is_page and language not in dict(settings.LANGUAGES):
        raise SeedError(f"{path}: {language!r} is not one of the site's languages")
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[0] != FENCE or FENCE not in lines[1:]:
        raise SeedError(f"{path}: the front matter must sit between two '---' lines at the top")
    end = lines.index(FENCE, 1)
    keys = PAGE_KEYS if is_page else TRANSLATION_KEYS
    values: dict[str, Any] = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, colon, value = line.partition(":")
        if not colon or key != key.strip() or key not in keys:
            raise SeedError(f"{path}:{number}: expected one of {', '.join(keys)} as 'key: value'")
        if key in values:
            raise SeedError(f"{path}:{number}: {key} is given twice")
        try:
            values[key] = keys[key](value.strip())
        except ValueError as exc:
            raise SeedError(f"{path}:{number}: {key} {exc}") from exc
    required = set(keys) - (OPTIONAL_PAGE_KEYS if is_page else set())
    if missing := sorted(required - set(values)):
        raise SeedError(f"{path}: missing {', '.join(missing)}")
    body = "\n".join(lines[end + 1 :]).strip("\n")
    if not body:
        raise SeedError(f"{path}: the body is empty")
    return SeedText(path=path, slug=slug, language=language, body=f"{body}\n", fields=values)


def read_seed(seed_dir: Path | None = None) -> list[SeedText]:
    """Every seed file, pages first in the guide's order, then the translations."""
    paths = sorted((seed_dir or SEED_DIR).glob("*.md"))
    texts = [parse_seed_file(path) for path in paths]
    pages = {text.slug for text in texts if text.is_page}
    for text in texts:
        if text.is_page and text.parent and text.parent not in pages:
            raise SeedError(f"{text.path}: parent {text.parent} has no file of its own")
        if not text.is_page and text.slug not in pages:
            raise SeedError(f"{text.path}: translates {text.slug}, which has no English file")
    # A parent before its sub-pages, so that it is there to point at.
    return sorted(
        texts,
        key=lambda t: (not t.is_page, t.parent is not None, t.fields.get("order", 0), t.slug),
    )


@dataclass
class LoadReport:
    """What `load_guide` did, as (slug, language) pairs."""

    created: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    # Deleted or renamed in admin, or under a page that is: left out on purpose.
    left_out: list[tuple[str, str]] = field(default_factory=list)


def _save(instance: Page | PageTranslation, text: SeedText) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise SeedError(f"{text.path}: {'; '.join(exc.messages)}") from exc
    # The first entry of the history says where the text came from.
    instance._change_reason = f"Loaded from content/seed/{text.path.name}"
    instance.save()


def load_guide(texts: Iterable[SeedText] | None = None) -> LoadReport:
    """Create the seed pages and translations that are missing, all of them or none."""
    texts = read_seed() if texts is None else list(texts)
    report = LoadReport()
    with transaction.atomic():
        pages = {page.slug: page for page in Page.objects.all()}
        slugs_ever = set(pages) | set(Page.history.values_list("slug", flat=True).distinct())
        translated = set(PageTranslation.objects.values_list("page_id", "language"))
        translated_ever = translated | set(
            PageTranslation.history.values_list("page_id", "language").distinct()
        )
        for text in texts:
            key = (text.slug, text.language)
            if text.is_page:
                if text.slug in pages:
                    report.kept.append(key)
                    continue
                if text.slug in slugs_ever:
                    report.left_out.append(key)
                    continue
                parent = pages.get(text.parent) if text.parent else None
                if text.parent and parent is None:
                    report.left_out.append(key)  # its parent was deleted or renamed
                    continue
                new_page = Page(slug=text.slug, body=text.body, **{**text.fields, "parent": parent})
                _save(new_page, text)
                pages[new_page.slug] = new_page
                report.created.append(key)
                continue
            page = pages.get(text.slug)
            if page is None:
                report.left_out.append(key)
                continue
            if (page.pk, text.language) in translated:
                report.kept.append(key)
                continue
            if (page.pk, text.language) in translated_ever:
                report.left_out.append(key)  # staff deleted this translation
                continue
            translation = PageTranslation(
                page=page, language=text.language, body=text.body, **text.fields
            )
            _save(translation, text)
            report.created.append(key)
    return report
