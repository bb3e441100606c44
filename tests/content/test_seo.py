"""What search engines are told: the sitemap and robots.txt."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def _sitemap_locations(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    return set(re.findall(r"<loc>([^<]+)</loc>", response.content.decode()))


def test_sitemap_lists_every_published_page_and_the_main_addresses(client, starting_pages):
    extra = PageFactory(title="Extra published page")
    locations = _sitemap_locations(client)
    for page in [*starting_pages.values(), extra]:
        assert f"http://testserver{page.get_absolute_url()}" in locations
    for name in ["content:home", "content:guide", "booking:request"]:
        assert f"http://testserver{reverse(name)}" in locations


def test_sitemap_leaves_out_unpublished_pages(client, starting_pages):
    hidden = PageFactory(title="Hidden page", is_published=False)
    assert f"http://testserver{hidden.get_absolute_url()}" not in _sitemap_locations(client)


def test_sitemap_gives_each_page_its_last_change(client, starting_pages):
    """Each page is listed once per language it is written in, each with its last change."""
    content = client.get("/sitemap.xml").content.decode()
    assert content.count("<lastmod>") == len(starting_pages) * len(settings.LANGUAGES)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /guide/" not in text
