"""The published guide in reading order, built from one query.

Navigation (contents, breadcrumbs, previous/next) is worked out here in
Python so that a page costs the same few queries however long the guide gets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import get_language

from content.models import Page

if TYPE_CHECKING:
    from content.models import NavigationPage

# What navigation shows; the body is only ever loaded for the page being read.
NAVIGATION_FIELDS = ("pk", "title", "slug", "summary", "parent_id", "order")
# Shown in the reader's language (`shown_title`, `shown_summary`, `shown_language`).
NAVIGATION_TEXT = ("title", "summary")


@dataclass(frozen=True)
class Section:
    """A main page and the sub-pages that follow it."""

    page: NavigationPage
    children: list[NavigationPage] = field(default_factory=list)


class Guide:
    def __init__(self, pages: Iterable[NavigationPage]) -> None:
        """`pages` must be the published pages in `Page.Meta.ordering` order."""
        pages = list(pages)
        published = {page.pk for page in pages}
        # A page sits under its parent only if that parent is a published main
        # page. Anything else (parent hidden, or nesting that bypassed
        # validation) is treated as a main page, so no published page can
        # drop out of the guide.
        roots = {page.pk for page in pages if page.parent_id not in published}
        children: dict[int, list[NavigationPage]] = defaultdict(list)
        for page in pages:
            if page.parent_id in roots:
                children[page.parent_id].append(page)
        self.sections = [
            Section(page, children[page.pk]) for page in pages if page.parent_id not in roots
        ]
        self.reading_order = [
            page for section in self.sections for page in (section.page, *section.children)
        ]
        self._by_pk = {page.pk: page for page in pages}
        self._position = {page.pk: i for i, page in enumerate(self.reading_order)}
        self._children = children
        self._roots = roots

    @classmethod
    def published(cls, language: str | None = None) -> Guide:
        """The guide with titles and summaries in `language` (default: the active one)."""
        language = language or get_language() or settings.LANGUAGE_CODE
        return cls(
            Page.objects.published().only(*NAVIGATION_FIELDS).in_language(language, NAVIGATION_TEXT)
        )

    def previous(self, page: Page) -> NavigationPage | None:
        position = self._position.get(page.pk)
        if not position:  # first page, or not in the guide
            return None
        return self.reading_order[position - 1]

    def next(self, page: Page) -> NavigationPage | None:
        position = self._position.get(page.pk)
        if position is None or position + 1 >= len(self.reading_order):
            return None
        return self.reading_order[position + 1]

    def parent(self, page: Page) -> NavigationPage | None:
        """The main page this page is shown under, if any."""
        if page.parent_id in self._roots:
            return self._by_pk[page.parent_id]
        return None

    def children(self, page: Page) -> list[NavigationPage]:
        return self._children.get(page.pk, [])
