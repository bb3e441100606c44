"""Each public page is light, asks nothing of any other host, and loads only what it uses."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

BUDGET = 100 * 1024
PAGES_WITH_SCRIPTS = {"/book/"}
ONE_YEAR = 365 * 24 * 60 * 60


def _without_language_prefix(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path.removeprefix(f"/{code}")
    return path


def _start_loading(page: Any, path: str) -> dict[str, tuple[str, int]]:
    """Start loading; the dict fills with url -> (resource type, uncompressed body size)."""
    loaded: dict[str, tuple[str, int]] = {}

    def on_finished(request: Any) -> None:
        response = request.response()
        loaded[request.url] = (request.resource_type, len(response.body()) if response else 0)

    page.on("requestfinished", on_finished)
    page.on("requestfailed", lambda request: loaded.setdefault(request.url, ("failed", 0)))
    page.goto(path, wait_until="commit")
    return loaded


def test_public_pages_stay_under_budget_and_on_this_host(
    new_page, guide_pages, public_paths, live_server, capsys
):
    """Under 100 KB uncompressed (HTML, CSS, JS, fonts, images), all from the site itself."""
    site = urlsplit(live_server.url).netloc
    report = []
    for path in public_paths:
        # A fresh context each time: an empty cache, as on a first visit.
        page = new_page()
        loaded = _start_loading(page, path)
        page.wait_for_load_state("networkidle")
        foreign = [url for url in loaded if urlsplit(url).netloc != site]
        assert not foreign, f"{path} asked other hosts for {foreign}"
        scripts = [url for url, (kind, _) in loaded.items() if kind == "script"]
        if _without_language_prefix(path) not in PAGES_WITH_SCRIPTS:
            assert not scripts, f"{path} loads JavaScript it does not need: {scripts}"
        report.append((path, sum(size for _, size in loaded.values()), loaded))

    with capsys.disabled():
        print("\n[page weight, uncompressed, first visit]")
        for path, total, loaded in report:
            print(f"  {path:<48} {total / 1024:6.1f} KB in {len(loaded)} requests")
            for url, (kind, size) in sorted(loaded.items(), key=lambda item: -item[1][1]):
                print(f"      {kind:<10} {urlsplit(url).path:<56} {size / 1024:6.1f} KB")
    over = [(path, total) for path, total, _ in report if total > BUDGET]
    assert not over, f"pages over {BUDGET // 1024} KB: {over}"


@pytest.mark.parametrize("name", ["css/bootstrap.min.css", "css/site.css", "js/booking.js"])
def test_static_files_are_compressed_and_cached_for_a_year(live_server, name):
    """With DEBUG off, hashed static files go out gzipped and cacheable for at least a year."""
    url = live_server.url + staticfiles_storage.url(name)
    assert url != live_server.url + f"/static/{name}", "static file names carry their hash"
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = response.headers
    assert headers["Content-Encoding"] == "gzip"
    cache_control = {
        part.strip().split("=")[0]: (part.strip().split("=") + [""])[1]
        for part in headers["Cache-Control"].split(",")
    }
    assert int(cache_control["max-age"]) >= ONE_YEAR
    assert "immutable" in cache_control
    assert "unsafe-inline" not in (headers["Content-Security-Policy"] or "")
