"""Every public page in English, Hindi and Marathi: its lang, its switcher and its alternates."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse

from booking.links import status_token
from booking.views import RECEIVED_COOKIE, RECEIVED_SALT
from tests.content.conftest import STARTING_SLUGS
from tests.factories import PageFactory, ServiceAreaFactory, VisitRequestFactory
from tests.i18n.conftest import FOOTER, LANGUAGES, Document, prefixed, visible_text

pytestmark = pytest.mark.django_db

# Text the English templates show; none of it may be left on a Hindi or Marathi page.
ENGLISH_INTERFACE = [
    "Skip to main content",
    "Request a home visit",
    "Immunotherapy guide",
    "24/7 support",
    "This is not an emergency service",
    "Privacy notice",
]


@pytest.fixture
def pages(client, starting_pages) -> dict[str, tuple[str, int]]:
    """English address and expected status of each public page, by name."""
    ServiceAreaFactory()
    visit_request = VisitRequestFactory()
    token = status_token(visit_request)
    # The confirmation page reads the request from the cookie a booking sets.
    signer = signing.get_cookie_signer(salt=RECEIVED_COOKIE + RECEIVED_SALT)
    client.cookies[RECEIVED_COOKIE] = signer.sign(str(visit_request.pk))
    found = {
        "home": "/",
        "guide": "/guide/",
        **{f"guide page {slug}": f"/guide/{slug}/" for slug in STARTING_SLUGS},
        "booking form": "/book/",
        "confirmation": "/book/received/",
        "status": f"/request/{token}/",
        "cancel": f"/request/{token}/cancel/",
        "withdraw": f"/request/{token}/withdraw/",
        "privacy": "/privacy/",
    }
    pages = {name: (path, 200) for name, path in found.items()}
    pages["erased"] = ("/request/erased/", 200)
    pages["link that does not work"] = ("/request/not-a-real-token/", 404)
    pages["404"] = ("/no-such-page/", 404)
    return pages


def _get(client, path: str, status: int) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_renders_in_each_language_with_its_lang(client, pages, language):
    for name, (path, status) in pages.items():
        html = _get(client, prefixed(path, language), status)
        document = Document(html)
        assert document.html_lang == language, name
        assert FOOTER[language] in visible_text(html), name
        if language != "en":
            text = visible_text(html)
            leftovers = [phrase for phrase in ENGLISH_INTERFACE if phrase in text]
            assert not leftovers, (name, leftovers)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_switcher_keeps_the_visitor_on_the_same_page(client, pages, language):
    for name, (path, status) in pages.items():
        if name == "erased":
            continue  # reading it forgets the request, as it should
        document = Document(_get(client, prefixed(path, language), status))
        links = {link["hreflang"]: link for link in document.switcher}
        assert set(links) == set(LANGUAGES), name
        for code, link in links.items():
            assert link["href"] == prefixed(path, code), (name, code)
            assert link["lang"] == code
            assert ("aria-current" in link) is (code == language), (name, code)
        assert [link["hreflang"] for link in document.switcher] == LANGUAGES


def test_following_a_switcher_link_opens_that_page_in_that_language(client, pages):
    path, _status = pages["guide page car-t-cell-therapy"]
    english = Document(_get(client, path, 200))
    hindi_link = next(link for link in english.switcher if link["hreflang"] == "hi")
    hindi = client.get(hindi_link["href"])
    assert hindi.status_code == 200
    assert Document(hindi.content.decode()).html_lang == "hi"
    assert "<h1>CAR-T सेल थेरेपी</h1>" in hindi.content.decode()


def test_the_switcher_keeps_the_query_string(client, pages):
    path, _status = pages["status"]
    document = Document(_get(client, f"/hi{path}?cancelled=1", 200))
    hrefs = {link["hreflang"]: link["href"] for link in document.switcher}
    assert hrefs == {
        "en": f"{path}?cancelled=1",
        "hi": f"/hi{path}?cancelled=1",
        "mr": f"/mr{path}?cancelled=1",
    }


def test_the_switcher_works_on_a_page_that_does_not_exist(client):
    document = Document(_get(client, "/mr/no-such-page/", 404))
    hrefs = {link["hreflang"]: link["href"] for link in document.switcher}
    assert hrefs == {"en": "/no-such-page/", "hi": "/hi/no-such-page/", "mr": "/mr/no-such-page/"}


@pytest.mark.parametrize(
    "path",
    [
        "/hi//evil.example/",
        "/mr///evil.example/x/",
        "//evil.example/",
        "/hi/\\evil.example/",
        "/hi/%2F%2Fevil.example/",
    ],
)
def test_no_language_link_ever_leaves_the_site(client, path):
    """Whatever the address asked for, the switcher and hreflang point at this site only."""
    html = client.get(path).content.decode()
    document = Document(html)
    hrefs = [link["href"] for link in document.switcher]
    assert len(hrefs) == len(LANGUAGES)
    for href in hrefs:
        assert href.startswith("/"), href
        assert not href.startswith(("//", "/\\")), href
    for url in document.alternates.values():
        assert url.startswith("http://testserver/"), url
        assert "evil.example" not in url.split("/", 3)[2]
    assert 'href="//' not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_lists_its_alternates_and_an_english_x_default(client, pages, language):
    for name in ("home", "guide", "guide page what-is-immunotherapy", "booking form", "privacy"):
        path, status = pages[name]
        document = Document(_get(client, prefixed(path, language), status))
        assert document.alternates == {
            "en": f"http://testserver{path}",
            "hi": f"http://testserver/hi{path}",
            "mr": f"http://testserver/mr{path}",
            "x-default": f"http://testserver{path}",
        }, name


def test_a_guide_page_points_search_engines_at_itself_in_its_language(client, starting_pages):
    html = _get(client, "/mr/guide/cancer-vaccines/", 200)
    assert '<link rel="canonical" href="http://testserver/mr/guide/cancer-vaccines/">' in html
    assert '"inLanguage": "mr"' in html


def test_an_english_link_stays_english_whatever_the_browser_prefers(client, starting_pages):
    """A link shared on WhatsApp opens in the language it was sent in."""
    response = client.get("/guide/", headers={"Accept-Language": "hi,mr;q=0.9"})
    assert Document(response.content.decode()).html_lang == "en"
    response = client.get("/hi/guide/", headers={"Accept-Language": "en"})
    assert Document(response.content.decode()).html_lang == "hi"


def test_links_on_a_hindi_page_stay_in_hindi(client, starting_pages):
    html = _get(client, "/hi/", 200)
    main = html[html.index('<main id="main-content"') :]
    paths = re.findall(r'href="(/[^"]*)"', main)
    assert paths
    assert all(path.startswith("/hi/") for path in paths), paths


@pytest.mark.parametrize(
    ("language", "heading"),
    [("hi", "<h1>इम्यूनोथेरेपी क्या है?</h1>"), ("mr", "<h1>इम्युनोथेरपी म्हणजे काय?</h1>")],
    ids=["hi", "mr"],
)
def test_a_translated_page_shows_its_own_text_and_review_dates(
    client, starting_pages, language, heading
):
    html = _get(client, f"/{language}/guide/what-is-immunotherapy/", 200)
    assert heading in html
    assert 'id="translation-missing"' not in html
    # The translation's own review dates, with month names in the language.
    month = {"hi": "नवंबर", "mr": "नोव्हेंबर"}[language]
    assert f'<time datetime="2026-11-20">20 {month} 2026</time>' in html
    assert '<time datetime="2027-05-20">' in html
    assert 'lang="en"' not in html[html.index("<article") : html.index("</article>")]


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("hi", "यह पृष्ठ अभी हिन्दी में उपलब्ध नहीं है"),
        ("mr", "हे पान अजून मराठीत उपलब्ध नाही"),
    ],
    ids=["hi", "mr"],
)
def test_a_page_without_a_translation_falls_back_to_english_and_says_so(
    client, starting_pages, language, note
):
    page = PageFactory(title="Only in English", summary="An English summary.")
    path = page.get_absolute_url()
    html = _get(client, f"/{language}{path}", 200)
    assert Document(html).html_lang == language
    assert note in html
    assert '<h1 lang="en">Only in English</h1>' in html
    assert '<p class="lead" lang="en">An English summary.</p>' in html
    assert '<div class="guide-body" lang="en">' in html
    # Its review dates are the English page's, in the visitor's language.
    month = {"hi": "नवंबर", "mr": "नोव्हेंबर"}[language]
    assert f"1 {month} 2026" in html
    # The contents mark the English title so screen readers switch voice.
    guide = _get(client, f"/{language}/guide/", 200)
    assert f'<a href="/{language}{path}" lang="en">Only in English</a>' in guide


def test_the_english_page_has_no_fallback_note(client, starting_pages):
    html = _get(client, "/guide/what-is-immunotherapy/", 200)
    assert 'id="translation-missing"' not in html
    assert 'lang="en"' not in html[html.index("<main") :].split("</main>")[0]


def test_the_sitemap_lists_each_page_in_each_language_with_alternates(client, starting_pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locations = set(re.findall(r"<loc>([^<]+)</loc>", xml))
    for page in starting_pages.values():
        for language in LANGUAGES:
            assert f"http://testserver{prefixed(page.get_absolute_url(), language)}" in locations
    for name in ["content:home", "content:guide", "booking:request"]:
        for language in LANGUAGES:
            assert f"http://testserver{prefixed(reverse(name), language)}" in locations
    url = "http://testserver/guide/cancer-vaccines/"
    for language in LANGUAGES:
        assert (
            f'<xhtml:link rel="alternate" hreflang="{language}" '
            f'href="http://testserver{prefixed("/guide/cancer-vaccines/", language)}"/>'
        ) in xml
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{url}"/>' in xml


def test_the_sitemap_lists_an_untranslated_page_in_english_only(client, starting_pages):
    page = PageFactory(title="Not yet translated")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver{page.get_absolute_url()}</loc>" in xml
    assert f"http://testserver/hi{page.get_absolute_url()}" not in xml
    assert f"http://testserver/mr{page.get_absolute_url()}" not in xml


def test_robots_keep_crawlers_out_of_private_links_in_every_language(client):
    text = client.get("/robots.txt").content.decode()
    for prefix in ("", "/hi", "/mr"):
        assert f"Disallow: {prefix}/request/\n" in text
