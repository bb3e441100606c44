"""The page being read, in each of the site's languages: for the switcher and hreflang.

English is unprefixed and Hindi and Marathi live under /hi/ and /mr/, so a
link keeps its language when it is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_from_path


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's name in itself, as the switcher shows it
    path: str  # the same page in this language, query string kept
    absolute_url: str  # the same, absolute and without the query (for hreflang)
    is_current: bool
    is_default: bool


def _with_prefix(path: str, language: str) -> str:
    """`path` moved under `language`'s prefix (none for the default language)."""
    current = get_language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def local_path(path: str) -> str:
    """`path` as an address on this site, whatever it was asked as: `//evil.example/`
    or `/\\evil.example/` would be another site to a browser, so any run of
    leading slashes or backslashes becomes one slash."""
    return "/" + path.lstrip("/\\")


def same_page_in(full_path: str, language: str) -> str:
    """The address of the page at `full_path` in `language`."""
    translated = translate_url(full_path, language)
    if (
        translated == full_path
        and (get_language_from_path(full_path) or settings.LANGUAGE_CODE) != language
    ):
        # translate_url leaves an address it cannot resolve (a 404) as it is.
        parts = urlsplit(full_path)
        translated = urlunsplit(parts._replace(path=_with_prefix(parts.path, language)))
    return local_path(translated)


def _absolute_url_maker(request: HttpRequest) -> Callable[[str], str]:
    try:
        request.get_host()
    except DisallowedHost:
        # The 400 page for a Host header we do not serve: our own address, not theirs.
        return lambda path: f"{settings.SITE_URL}{path}"
    return request.build_absolute_uri


def language_links(request: HttpRequest) -> list[LanguageLink]:
    current = get_language() or settings.LANGUAGE_CODE
    full_path = request.get_full_path()
    absolute = _absolute_url_maker(request)
    links = []
    for code, name in settings.LANGUAGES:
        path = same_page_in(full_path, code)
        links.append(
            LanguageLink(
                code=code,
                name=str(name),
                path=path,
                absolute_url=absolute(urlsplit(path).path),
                is_current=code == current,
                is_default=code == settings.LANGUAGE_CODE,
            )
        )
    return links
