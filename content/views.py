"""The immunotherapy guide: the landing page, the guide's index and one view per page.

Every view answers conditional GETs and may be reused by a browser or a proxy
for a few minutes. A page costs at most three queries: the guide's version
(for ETag/Last-Modified), the page, and the guide's navigation; usually none,
because the version is kept in the shared cache (forgotten whenever a page or
translation is saved or deleted) and each process keeps the pages it has
rendered for that version.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from content.guide import Guide
from content.models import Page
from content.rendering import render_markdown

CACHE_MAX_AGE = 300
VERSION_KEY = "content:guide-version"
RENDERED_SECONDS = 24 * 60 * 60

View = Callable[..., HttpResponse]


def _guide_version(request: HttpRequest) -> tuple[datetime.datetime | None, int, int]:
    """The newest edit and the number of pages and translations, unpublished ones included.

    Each page shows its neighbours' titles, so any edit anywhere in the guide
    changes it. Unpublished pages count too: hiding the newest page must not
    move Last-Modified back in time, and deleting one changes the count.
    """
    # condition() asks for the ETag and for Last-Modified separately; keep the
    # answer on the request so one lookup serves both.
    version = getattr(request, "_content_guide_version", None)
    if version is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = _count_guide_version()
            cache.set(VERSION_KEY, version, timeout=None)
        request._content_guide_version = version
    return version


def _count_guide_version() -> tuple[datetime.datetime | None, int, int]:
    # Translations count too: any of them may be the text on screen.
    totals = Page.objects.aggregate(
        latest=Max("updated_at"),
        pages=Count("pk", distinct=True),
        latest_translation=Max("translations__updated_at"),
        translations=Count("translations", distinct=True),
    )
    edits = [totals["latest"], totals["latest_translation"]]
    return (
        max((edit for edit in edits if edit is not None), default=None),
        totals["pages"],
        totals["translations"],
    )


def forget_guide_version(**kwargs: Any) -> None:
    """Connected to every save and delete of a page or a translation (content.apps).

    Forgotten at once, and again after the commit: a request that read the
    old rows between the two must not keep the old version in the cache.
    """
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    latest, pages, translations = _guide_version(request)
    # The support phone is printed on every page and comes from the environment.
    parts = (
        request.path,
        get_language() or "",
        latest.isoformat() if latest else "",
        str(pages),
        str(translations),
        settings.SUPPORT_PHONE,
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime.datetime | None:
    return _guide_version(request)[0]


def _kept_rendered(view: View) -> View:
    """Serve the page this process already rendered for this version of the guide.

    Only for anonymous visitors without a query string: everything else on
    such a page follows from the path, the language and the host.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = f"content-page:{request.scheme}:{request.get_host()}:{_etag(request)}"
        rendered = caches["template_fragments"].get(key)
        if rendered is not None:
            return HttpResponse(rendered)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            caches["template_fragments"].set(key, response.content, RENDERED_SECONDS)
        return response

    return wrapped


def _reusable(view: View) -> View:
    """Let browsers and proxies keep the page for a while and revalidate it cheaply."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(
        _kept_rendered(view)
    )

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Staff sessions are refreshed with a Set-Cookie on every request;
            # a shared cache must never store that and hand it to someone else.
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
        return response

    return wrapped


def _breadcrumbs(*pages: Page) -> list[tuple[str, str, str]]:
    """(name, url, lang) for each step; lang is set only where a title falls back to English."""
    language = get_language() or settings.LANGUAGE_CODE
    trail = [
        (_("Home"), reverse("content:home"), ""),
        (_("Immunotherapy guide"), reverse("content:guide"), ""),
    ]
    return trail + [
        (
            page.shown_title,
            page.get_absolute_url(),
            page.shown_language if page.shown_language != language else "",
        )
        for page in pages
    ]


def _structured_data(
    request: HttpRequest, page: Page, breadcrumbs: list[tuple[str, str, str]]
) -> dict[str, Any]:
    """schema.org MedicalWebPage, so search engines show who reviewed the page and when."""
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.shown_title,
        "headline": page.shown_title,
        "description": page.shown_summary,
        "url": request.build_absolute_uri(page.get_absolute_url()),
        "inLanguage": page.shown_language,
        "lastReviewed": page.shown_last_reviewed.isoformat(),
        "reviewedBy": {"@type": "Organization", "name": page.shown_reviewer},
        "dateModified": page.shown_updated_at.isoformat(),
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": {"@type": "MedicalTherapy", "name": _("Cancer immunotherapy")},
        "publisher": {"@type": "Organization", "name": _("UHAPO Home Care")},
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": str(name),
                    "item": request.build_absolute_uri(url),
                }
                for position, (name, url, _lang) in enumerate(breadcrumbs, start=1)
            ],
        },
    }


@require_safe
@_reusable
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "content/home.html", {"guide": Guide.published()})


@require_safe
@_reusable
def guide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "content/guide.html",
        {"guide": Guide.published(), "breadcrumbs": _breadcrumbs()},
    )


@require_safe
@_reusable
def page(request: HttpRequest, slug: str) -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    page = get_object_or_404(Page.objects.published().in_language(language), slug=slug)
    guide = Guide.published(language)
    parent = guide.parent(page)
    breadcrumbs = _breadcrumbs(*([parent] if parent else []), page)
    return render(
        request,
        "content/page.html",
        {
            "page": page,
            "body": render_markdown(page.shown_body),
            # No translation yet: the English text is shown, and the page says so.
            "untranslated": page.shown_language != language,
            "parent": parent,
            "children": guide.children(page),
            "previous_page": guide.previous(page),
            "next_page": guide.next(page),
            "breadcrumbs": breadcrumbs,
            "structured_data": _structured_data(request, page, breadcrumbs),
        },
    )
