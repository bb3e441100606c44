"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium per session, a new context (fresh cookies and cache) per test. The
live server serves the collected static files through WhiteNoise, as
production does, so hashed names, compression and cache headers are real.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = os.environ.get("UHAPO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last, so the Playwright event loop lives only at the end of a run."""
    browser = [item for item in items if BROWSER_DIR in Path(item.path).parents]
    others = [item for item in items if BROWSER_DIR not in Path(item.path).parents]
    items[:] = others + browser


# --- Static files, served like production ----------------------------------------


@pytest.fixture(scope="session")
def _collected_static() -> None:
    """Collect static files if `make test` has not, or if static/ changed since."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()]
    if not manifest.exists() or any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources):
        call_command("collectstatic", "--noinput", verbosity=0)


def _no_static_handler(application: Any) -> Any:
    # pytest-django serves /static/ from the finders, which know nothing of
    # hashed names; without it WhiteNoise serves STATIC_ROOT, as in production.
    return application


@pytest.fixture(scope="session")
def live_server(_collected_static: None, django_db_setup: None) -> Iterator[Any]:
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


# --- The data the migrations and load_guide seed ------------------------------------


@pytest.fixture(scope="session")
def _data_migrations(django_db_setup: None, django_db_blocker: Any) -> list[tuple[Any, Any]]:
    """Each RunPython of the project's own migrations, with the app registry it ran with."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    ours = {
        app.label
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR)
    }
    with django_db_blocker.unblock():
        loader = MigrationLoader(connection)
    plan = [key for leaf in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(leaf)]
    steps = []
    for key in dict.fromkeys(plan):
        operations = loader.graph.nodes[key].operations
        code = [op.code for op in operations if isinstance(op, RunPython)]
        if key[0] in ours and code:
            state_apps = loader.project_state(key).apps
            steps += [(state_apps, function) for function in code]
    return steps


@pytest.fixture
def seeded_db(transactional_db: None, _data_migrations: list[tuple[Any, Any]]) -> None:
    """The rows the data migrations add (service areas, staff groups) and the guide's pages.

    Transactional tests, these and others, leave an empty database behind, and
    the live server can only see committed rows. The seeding functions and
    load_guide add only what is missing, so running them again is safe (the
    flush emptied the pages' history too, so load_guide makes them afresh).
    """
    from types import SimpleNamespace

    from django.db import connection

    schema_editor = SimpleNamespace(connection=connection)
    for state_apps, function in _data_migrations:
        function(state_apps, schema_editor)
    call_command("load_guide", verbosity=0)


# --- The browser -------------------------------------------------------------------


def _keep_this_threads_database_connections() -> None:
    """Make the tests use the same database connections once Playwright is running.

    Django keeps connections per thread, but per asyncio context while a loop
    runs in the thread, and Playwright's sync API leaves its loop running. The
    tests would then open second connections to the test database, which are
    still open when it is dropped at the end (PostgreSQL refuses). Call with
    the loop running: the thread's own connections are stored for this context.
    """
    import threading

    from django.db import connections

    handler_storage = connections._connections
    thread_storage = object.__getattribute__(handler_storage, "_storage")
    assert isinstance(thread_storage, threading.local), "Django's connection storage changed"
    for alias in connections:
        wrapper = getattr(thread_storage, alias, None) or connections.create_connection(alias)
        setattr(thread_storage, alias, wrapper)
        setattr(handler_storage, alias, wrapper)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(apt-get install -y chromium) or set UHAPO_CHROMIUM to its path."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and
    # Django refuses ORM calls from a thread with a running loop; the tests'
    # own ORM calls are synchronous, so the check does not apply to them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            _keep_this_threads_database_connections()
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageProblems:
    """What the browser complained about while a test ran."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def new_page(browser: Any, live_server: Any, seeded_db: None) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh contexts; fail the test on any CSP violation or script error."""
    contexts = []
    problems = PageProblems()

    def open_page(**context_options: Any) -> Any:
        options: dict[str, Any] = {
            "base_url": live_server.url,
            "locale": "en-IN",
            "timezone_id": "Asia/Kolkata",
            "viewport": {"width": 1280, "height": 900},
        }
        options.update(context_options)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                problems.csp.append(f"{page.url}: {message.text}")
            elif message.type == "error" and "Failed to load resource" not in message.text:
                problems.errors.append(f"{page.url}: {message.text}")

        def on_response(response: Any) -> None:
            # Error pages (404, 400) are answers the tests ask for; a missing
            # stylesheet, script or image is not.
            if response.status >= 400 and response.request.resource_type != "document":
                problems.errors.append(f"{response.status} for {response.url} on {page.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: problems.errors.append(f"{page.url}: {exc}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems.csp, "Content Security Policy violations:\n" + "\n".join(problems.csp)
    assert not problems.errors, "Errors in the page:\n" + "\n".join(problems.errors)


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


# --- Accessibility -------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@pytest.fixture
def check_axe(axe_source: str) -> Callable[[Any, str], None]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page as it is now: zero violations."""

    def check(page: Any, label: str) -> None:
        # evaluate() goes through the DevTools protocol, which the page's CSP
        # does not govern, so axe runs under the same policy visitors get.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        # No preload: axe would copy each stylesheet into an inline <style>
        # (for an experimental rule only), which the CSP rightly blocks.
        options = {
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
            "preload": False,
        }
        results = page.evaluate("options => window.axe.run(document, options)", options)
        violations = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [(n["target"], n["failureSummary"]) for n in v["nodes"]],
            }
            for v in results["violations"]
        ]
        assert not violations, f"axe found violations on {label} ({page.url}):\n" + json.dumps(
            violations, indent=2
        )

    return check


# --- The public pages ----------------------------------------------------------------

NOT_FOUND_PATH = "/this-page-does-not-exist/"


@pytest.fixture
def public_paths(live_server: Any) -> list[str]:
    """Every page in the sitemap (home, guide, each guide page, booking form), the privacy
    notice (linked from every footer) and the 404 page."""
    import urllib.request
    from urllib.parse import urlsplit
    from xml.etree import ElementTree

    from django.urls import reverse

    with urllib.request.urlopen(f"{live_server.url}/sitemap.xml", timeout=10) as response:
        tree = ElementTree.fromstring(response.read())
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = [urlsplit(loc.text or "").path for loc in tree.findall("sm:url/sm:loc", namespace)]
    assert "/" in paths, paths
    assert "/book/" in paths, paths
    return [*dict.fromkeys([*paths, reverse("booking:privacy")]), NOT_FOUND_PATH]


@pytest.fixture
def guide_pages(seeded_db: None) -> list[Any]:
    """The published guide pages, as load_guide makes them from content/seed."""
    from content.models import Page

    pages = list(Page.objects.filter(is_published=True))
    assert pages, "no published guide pages: load_guide should make them from content/seed"
    return pages
