"""Guide pages are cheap to serve and cheap to revalidate.

Every guide view answers conditional GETs and may be kept by a browser or a
proxy for a few minutes. Its ETag and Last-Modified come from the guide's
*version*: the newest edit and the number of pages and translations, over the
whole guide (each page shows its neighbours' titles), plus a *generation*.

The version is kept in the shared cache, so a page costs no query to
revalidate, and each process keeps the pages it rendered for that version,
so a warm page costs no query at all. Three rules keep that correct:

- Any save or delete of a page or a translation, and every migrate, starts
  a new generation (a random token), after the commit as well as at once. A
  reader that counted the old rows while a save was committing stores its
  version under the generation it began with; nobody asks for that one any
  more, so it cannot make the old version stick.
- The generation and the version live an hour at most. What sends no signal
  (`QuerySet.update()`, raw SQL, a restored backup) is therefore shown within
  the hour, at once if the code that did it calls `forget_guide_version()`.
- `settings.RELEASE` is part of the ETag, so a deploy (new templates, new
  code) makes browsers and proxies fetch every page afresh.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from content.models import Page

CACHE_MAX_AGE = 300
GENERATION_KEY = "content:guide-generation"
VERSION_KEY = "content:guide-version"
# Long enough that a busy guide is counted a few times an hour; short enough
# that a change no signal announced is seen the same hour.
VERSION_SECONDS = 60 * 60
RENDERED_SECONDS = 24 * 60 * 60

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class GuideVersion:
    generation: str
    latest: datetime.datetime | None
    pages: int
    translations: int


def _new_generation() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), VERSION_SECONDS)


def forget_guide_version(using: str | None = None, **kwargs: Any) -> None:
    """Make every guide page count its version and render afresh.

    Connected to every save and delete of a page or a translation and to
    post_migrate (content.apps). Call it after changing pages in a way that
    sends no signal, such as `QuerySet.update()`.

    At once, so that the saving request and its own transaction see the
    change; and again after the commit, for readers who counted the rows
    before it.
    """
    _new_generation()
    transaction.on_commit(_new_generation, using=using)


def _count_version(generation: str) -> GuideVersion:
    # Unpublished pages count too: hiding the newest page must not move
    # Last-Modified back in time, and deleting one changes the count.
    # Translations count as well: any of them may be the text on screen.
    totals = Page.objects.aggregate(
        latest=Max("updated_at"),
        pages=Count("pk", distinct=True),
        latest_translation=Max("translations__updated_at"),
        translations=Count("translations", distinct=True),
    )
    edits = [totals["latest"], totals["latest_translation"]]
    return GuideVersion(
        generation=generation,
        latest=max((edit for edit in edits if edit is not None), default=None),
        pages=totals["pages"],
        translations=totals["translations"],
    )


def _read_version() -> GuideVersion:
    found = cache.get_many([GENERATION_KEY, VERSION_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # The hour is up, or the cache lost it: begin a new one. add(), so
        # that readers arriving together agree on one; "" if the cache cannot
        # be reached at all, so that the ETag at least stays the same while
        # every request counts the version for itself.
        cache.add(GENERATION_KEY, secrets.token_hex(8), VERSION_SECONDS)
        generation = cache.get(GENERATION_KEY, "")
    # Stored as a plain tuple: a pickled class would tie the cache to this code.
    stored = found.get(VERSION_KEY)
    if stored is not None and stored[0] == generation:
        return GuideVersion(*stored)
    version = _count_version(generation)
    cache.set(
        VERSION_KEY,
        (version.generation, version.latest, version.pages, version.translations),
        VERSION_SECONDS,
    )
    return version


class _KeepsGuideVersion(Protocol):
    """A request guide_version() has answered once already."""

    _content_guide_version: GuideVersion


def guide_version(request: HttpRequest) -> GuideVersion:
    # condition() asks for the ETag and for Last-Modified separately; keep the
    # answer on the request so one lookup serves both.
    version: GuideVersion | None = getattr(request, "_content_guide_version", None)
    if version is None:
        version = cast(_KeepsGuideVersion, request)._content_guide_version = _read_version()
    return version


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    version = guide_version(request)
    parts = (
        request.path,
        get_language() or "",
        version.generation,
        version.latest.isoformat() if version.latest else "",
        str(version.pages),
        str(version.translations),
        # Printed on every page, and set by the environment.
        settings.SUPPORT_PHONE,
        settings.RELEASE,
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime.datetime | None:
    return guide_version(request).latest


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


def reusable(view: View) -> View:
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
