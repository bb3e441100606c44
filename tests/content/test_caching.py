"""Guide pages are cheap to build and cheap to revalidate."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

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


def test_the_version_is_counted_again_after_any_edit(
    client, starting_pages, django_assert_num_queries
):
    page = starting_pages["cancer-vaccines"]
    client.get(page.get_absolute_url())
    page.body += "\n\nA sentence added by the clinical team."
    page.save()
    response = client.get(page.get_absolute_url())
    assert "A sentence added by the clinical team." in response.content.decode()
