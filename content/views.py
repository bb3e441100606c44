"""The immunotherapy guide: the landing page, the guide's index and one view per page.

A page costs at most three queries: the guide's version (for ETag and
Last-Modified), the page, and the guide's navigation; usually none, because
of the caching in content/caching.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from content.caching import reusable
from content.guide import Guide
from content.models import Page
from content.rendering import render_markdown

if TYPE_CHECKING:
    from content.models import NavigationPage, ShownPage


def _breadcrumbs(*pages: NavigationPage) -> list[tuple[str, str, str]]:
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
    request: HttpRequest, page: ShownPage, breadcrumbs: list[tuple[str, str, str]]
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
@reusable
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "content/home.html", {"guide": Guide.published()})


@require_safe
@reusable
def guide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "content/guide.html",
        {"guide": Guide.published(), "breadcrumbs": _breadcrumbs()},
    )


@require_safe
@reusable
def page(request: HttpRequest, slug: str) -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    page: ShownPage = get_object_or_404(Page.objects.published().in_language(language), slug=slug)
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
