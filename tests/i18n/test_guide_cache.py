"""Translated guide pages cost what English ones do, and any edit to a translation shows at once."""

from __future__ import annotations

import pytest
from django.utils.http import http_date

from content.models import PageTranslation
from tests.content.conftest import STARTING_SLUGS
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 3


@pytest.mark.parametrize("language", ["hi", "mr"])
def test_a_translated_page_costs_at_most_three_queries(
    client, starting_pages, django_assert_max_num_queries, language
):
    PageFactory.create_batch(20)  # some without translations, shown in English
    for url in (
        f"/{language}/",
        f"/{language}/guide/",
        *(f"/{language}/guide/{slug}/" for slug in STARTING_SLUGS),
    ):
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == 200, url


def test_a_hindi_revalidation_costs_no_query_once_the_version_is_known(
    client, starting_pages, django_assert_num_queries
):
    url = "/hi/guide/cancer-vaccines/"
    etag = client.get(url).headers["ETag"]
    # The guide's version sits in the shared cache until a page changes.
    with django_assert_num_queries(0):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_each_language_has_its_own_etag(client, starting_pages):
    etags = {client.get(f"{prefix}/guide/").headers["ETag"] for prefix in ("", "/hi", "/mr")}
    assert len(etags) == 3


def test_an_edited_translation_is_shown_on_the_next_request(client, starting_pages):
    url = "/mr/guide/what-is-immunotherapy/"
    first = client.get(url)
    translation = PageTranslation.objects.get(
        page=starting_pages["what-is-immunotherapy"], language="mr"
    )
    translation.body += "\n\nसमन्वयकाने जोडलेले नवे वाक्य."
    translation.save()
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert "समन्वयकाने जोडलेले नवे वाक्य." in response.content.decode()
    assert response.headers["Last-Modified"] == http_date(translation.updated_at.timestamp())


def test_a_new_title_in_hindi_reaches_the_neighbouring_pages(client, starting_pages):
    url = "/hi/guide/what-is-immunotherapy/"
    etag = client.get(url).headers["ETag"]
    PageTranslation.objects.filter(
        page=starting_pages["how-immunotherapy-works"], language="hi"
    ).update(title="इम्यूनोथेरेपी का काम, कदम-दर-कदम")
    # update() skips auto_now: the count and the newest edit did not move, but a
    # deleted translation must still change the answer.
    PageTranslation.objects.filter(page=starting_pages["cancer-vaccines"], language="hi").delete()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "इम्यूनोथेरेपी का काम, कदम-दर-कदम" in response.content.decode()


def test_translations_keep_their_history(starting_pages):
    translation = PageTranslation.objects.get(page=starting_pages["cancer-vaccines"], language="hi")
    assert translation.history.filter(history_type="+").count() == 1
    translation.title = "कैंसर के टीके (वैक्सीन)"
    translation.save()
    assert translation.history.latest().title == "कैंसर के टीके (वैक्सीन)"
