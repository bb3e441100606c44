"""Guide pages are cheap to build and cheap to revalidate."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from content import caching
from content.models import Page, PageTranslation
from tests.content.conftest import STARTING_SLUGS
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 3


def _add_pages(count: int) -> None:
    """Many extra pages, half of them sub-pages, in one insert."""
    parents = PageFactory.create_batch(count // 10)
    pages = []
    for n in range(count - len(parents)):
        page = PageFactory.build(parent=parents[n % len(parents)] if n % 2 else None)
        page.updated_at = timezone.now()
        pages.append(page)
    Page.objects.bulk_create(pages)


def _guide_urls() -> list[str]:
    return [
        reverse("content:home"),
        reverse("content:guide"),
        reverse("content:page", kwargs={"slug": STARTING_SLUGS[0]}),
        reverse("content:page", kwargs={"slug": "car-t-cell-therapy"}),
        reverse("content:page", kwargs={"slug": STARTING_SLUGS[-1]}),
    ]


@pytest.mark.parametrize("extra_pages", [0, 300])
def test_a_guide_page_costs_at_most_three_queries(
    client, starting_pages, django_assert_max_num_queries, extra_pages
):
    """However many pages exist, a page is built from a fixed, small number of queries."""
    if extra_pages:
        _add_pages(extra_pages)
    for url in _guide_urls():
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200


def test_a_revalidation_costs_no_query_once_the_version_is_known(
    client, starting_pages, django_assert_num_queries
):
    url = starting_pages["cancer-vaccines"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    # The guide's version sits in the shared cache until a page changes.
    with django_assert_num_queries(0):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304


@pytest.mark.parametrize("url_name", ["content:home", "content:guide", "content:page"])
def test_responses_may_be_reused_for_five_minutes(client, starting_pages, url_name):
    kwargs = {"slug": STARTING_SLUGS[1]} if url_name == "content:page" else {}
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]


def test_if_none_match_gets_304_with_the_cache_headers(client, starting_pages):
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    first = client.get(url)
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_if_modified_since_gets_304(client, starting_pages):
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    first = client.get(url)
    response = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert response.status_code == 304


def test_an_older_if_modified_since_gets_the_page(client, starting_pages):
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    long_ago = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())
    assert client.get(url, headers={"If-Modified-Since": long_ago}).status_code == 200


def test_last_modified_is_the_newest_edit_in_the_guide(client, starting_pages):
    """Pages and their translations alike: any of them may be on screen."""
    newest = max(
        [page.updated_at for page in starting_pages.values()]
        + [t.updated_at for t in PageTranslation.objects.all()]
    )
    response = client.get(starting_pages["what-is-immunotherapy"].get_absolute_url())
    assert response.headers["Last-Modified"] == http_date(newest.timestamp())


def test_an_edit_anywhere_in_the_guide_invalidates_the_etag(client, starting_pages):
    """A page shows its neighbours' titles, so their edits must reach it too."""
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    neighbour = starting_pages["how-immunotherapy-works"]
    neighbour.title = "How it works"
    neighbour.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "How it works" in response.content.decode()


def test_hiding_or_deleting_a_page_invalidates_the_etag(client, starting_pages):
    url = reverse("content:guide")
    extra = PageFactory(title="Extra page")
    etag = client.get(url).headers["ETag"]

    extra.is_published = False
    extra.save()
    hidden = client.get(url, headers={"If-None-Match": etag})
    assert hidden.status_code == 200
    assert "Extra page" not in hidden.content.decode()

    etag = hidden.headers["ETag"]
    extra.delete()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_each_address_has_its_own_etag(client, starting_pages):
    first, second = (starting_pages[slug].get_absolute_url() for slug in STARTING_SLUGS[:2])
    assert client.get(first).headers["ETag"] != client.get(second).headers["ETag"]


def test_signed_in_staff_get_a_private_copy(client, starting_pages, admin_user):
    """Staff sessions set a cookie on every response; shared caches must not keep those."""
    client.force_login(admin_user)
    response = client.get(starting_pages["what-is-immunotherapy"].get_absolute_url())
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_a_page_already_rendered_costs_no_query(client, starting_pages, django_assert_num_queries):
    url = starting_pages["cancer-vaccines"].get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content


def test_the_version_is_counted_again_after_any_edit(client, starting_pages):
    page = starting_pages["cancer-vaccines"]
    client.get(page.get_absolute_url())
    page.body += "\n\nA sentence added by the clinical team."
    page.save()
    response = client.get(page.get_absolute_url())
    assert "A sentence added by the clinical team." in response.content.decode()


# --- the guide's version: finite, race-proof, released, and told of what sends no signal ---


def test_a_save_while_a_reader_is_counting_cannot_leave_the_old_version(
    client, starting_pages, monkeypatch
):
    """The reader stores what it counted before the save; the next visitor must not get it."""
    page = starting_pages["cancer-vaccines"]
    url = page.get_absolute_url()
    count = caching._count_version

    def count_then_a_save_lands(generation):
        version = count(generation)
        page.title = "Vaccines against cancer"
        page.save()
        return version

    monkeypatch.setattr(caching, "_count_version", count_then_a_save_lands)
    first = client.get(url)
    monkeypatch.setattr(caching, "_count_version", count)

    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert "Vaccines against cancer" in response.content.decode()


class _RecordingCache:
    """The real cache, noting the timeout of every write."""

    def __init__(self, real):
        self.real = real
        self.timeouts = {}

    def __getattr__(self, name):
        return getattr(self.real, name)

    def set(self, key, value, timeout):
        self.timeouts[key] = timeout
        return self.real.set(key, value, timeout)

    def add(self, key, value, timeout):
        self.timeouts[key] = timeout
        return self.real.add(key, value, timeout)


def test_the_guide_version_is_kept_an_hour_at_most(client, starting_pages, monkeypatch):
    recording = _RecordingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", recording)
    client.get(starting_pages["cancer-vaccines"].get_absolute_url())
    starting_pages["cancer-vaccines"].save()
    assert recording.timeouts == {
        caching.GENERATION_KEY: 60 * 60,
        caching.VERSION_KEY: 60 * 60,
    }


def test_an_update_that_sends_no_signal_shows_once_the_generation_ends(client, starting_pages):
    """QuerySet.update() skips signals and auto_now; the hour's end (or an eviction) catches it."""
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    Page.objects.filter(slug="how-immunotherapy-works").update(title="How it works")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    cache.delete(caching.GENERATION_KEY)  # as the cache does after VERSION_SECONDS

    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "How it works" in response.content.decode()


def test_forget_guide_version_shows_an_update_at_once(client, starting_pages):
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    Page.objects.filter(slug="how-immunotherapy-works").update(title="How it works")
    caching.forget_guide_version()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "How it works" in response.content.decode()


def test_a_migration_that_changes_pages_is_shown_after_migrate(client, starting_pages):
    """A data migration's historical models send no signal for Page; post_migrate does."""
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    Page.objects.filter(slug="how-immunotherapy-works").update(title="How it works")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_a_new_release_changes_every_etag(client, starting_pages, settings):
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    settings.RELEASE = "2026-12-01"
    etag = client.get(url).headers["ETag"]
    settings.RELEASE = "2026-12-08"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_without_a_reachable_cache_pages_still_revalidate(client, starting_pages, monkeypatch):
    """Every request counts the version then, but the ETag holds, so browsers still get 304."""
    monkeypatch.setattr(caching, "cache", DummyCache("unreachable", {}))
    url = starting_pages["what-is-immunotherapy"].get_absolute_url()
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


# --- anonymous visitors and the session ---


@pytest.mark.parametrize("url_name", ["content:home", "content:guide", "content:page"])
def test_an_anonymous_guide_page_sets_no_cookie_and_saves_no_session(
    client, starting_pages, url_name
):
    kwargs = {"slug": STARTING_SLUGS[1]} if url_name == "content:page" else {}
    url = reverse(url_name, kwargs=kwargs)
    for headers in ({}, {"If-None-Match": client.get(url).headers["ETag"]}):
        response = client.get(url, headers=headers)
        assert not response.cookies
        assert "Set-Cookie" not in response.headers
    assert not Session.objects.exists()
