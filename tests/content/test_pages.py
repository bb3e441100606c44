"""What a visitor sees: the landing page, the guide's index, each page, and the 404."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from content.models import Page
from tests.content.conftest import STARTING_SLUGS, TYPE_SLUGS
from tests.content.helpers import element_html, parse_page
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_starting_page_is_reachable_from_home_by_links(client, starting_pages):
    home = reverse("content:home")
    seen, queue = {home}, [home]
    while queue:
        url = queue.pop()
        for href in parse_page(_get(client, url)).links:
            parts = urlsplit(href)
            # Follow the guide's own links only; booking and tel: links lead elsewhere.
            if parts.scheme or parts.netloc:
                continue
            if parts.path.startswith("/guide/") and parts.path not in seen:
                seen.add(parts.path)
                queue.append(parts.path)
    assert {page.get_absolute_url() for page in starting_pages.values()} <= seen


def test_home_is_a_landing_page_with_contents_button_and_phone(client, starting_pages):
    html = _get(client, reverse("content:home"))
    main = element_html(
        html, '<main id="main-content" tabindex="-1" class="container py-4">', "main"
    )
    parsed = parse_page(main)
    assert "Immunotherapy for cancer, given at home" in main
    assert reverse("booking:request") in parsed.links
    assert f"tel:{settings.SUPPORT_PHONE}" in parsed.links
    main_pages = [p for p in starting_pages.values() if p.parent is None]
    for page in main_pages:
        assert page.get_absolute_url() in parsed.links


def test_guide_index_lists_every_page_in_reading_order(client, starting_pages):
    html = _get(client, reverse("content:guide"))
    positions = [
        html.index(f'href="{starting_pages[s].get_absolute_url()}"') for s in STARTING_SLUGS
    ]
    assert positions == sorted(positions)
    assert '<nav aria-label="Breadcrumb"' in html


@pytest.mark.parametrize("slug", STARTING_SLUGS)
def test_each_starting_page_renders_in_the_layout_with_everything_a_reader_needs(
    client, starting_pages, slug
):
    page = starting_pages[slug]
    html = _get(client, page.get_absolute_url())
    parsed = parse_page(html)

    assert 'id="main-content"' in html
    assert parsed.title == f"{page.title} · UHAPO Home Care"
    assert parsed.meta_description == page.summary
    assert f"<h1>{page.title}</h1>" in html
    # Get help: the 24/7 line and the emergency number.
    assert 'class="get-help' in html
    assert f"tel:{settings.SUPPORT_PHONE}" in parsed.links
    assert "tel:112" in parsed.links
    # Review dates, for people and for search engines.
    assert "Last reviewed" in html
    last, due = page.last_reviewed, page.next_review_due
    assert f'<time datetime="{last:%Y-%m-%d}">{last.day} {last:%B %Y}</time>' in html
    assert "Next review due" in html
    assert f'<time datetime="{due:%Y-%m-%d}">{due.day} {due:%B %Y}</time>' in html
    [data] = parsed.structured_data
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == page.title
    assert data["lastReviewed"] == page.last_reviewed.isoformat()
    assert data["reviewedBy"]["name"] == page.reviewer
    assert data["url"] == f"http://testserver{page.get_absolute_url()}"
    # Breadcrumbs end with the page itself.
    breadcrumbs = element_html(
        html, '<nav aria-label="Breadcrumb" class="breadcrumbs mb-3">', "nav"
    )
    assert 'href="/"' in breadcrumbs
    assert f'href="{reverse("content:guide")}"' in breadcrumbs
    assert (
        f'<li class="breadcrumb-item active" aria-current="page">{page.title}</li>' in breadcrumbs
    )


def test_titles_and_descriptions_are_unique_across_the_guide(client, starting_pages):
    urls = [reverse("content:home"), reverse("content:guide")]
    urls += [page.get_absolute_url() for page in starting_pages.values()]
    parsed = [parse_page(_get(client, url)) for url in urls]
    titles = [p.title for p in parsed]
    descriptions = [p.meta_description for p in parsed]
    assert len(set(titles)) == len(titles)
    assert len(set(descriptions)) == len(descriptions)


def test_previous_and_next_links_walk_the_guide_in_reading_order(client, starting_pages):
    visited = []
    url = starting_pages[STARTING_SLUGS[0]].get_absolute_url()
    html = _get(client, url)
    assert 'rel="prev"' not in html
    while True:
        visited.append(url)
        if 'rel="next"' not in html:
            break
        pager = element_html(html, '<nav class="guide-pager"', "nav")
        next_url = pager.split('class="guide-pager-next"><a href="')[1].split('"')[0]
        next_html = _get(client, next_url)
        back = element_html(next_html, '<nav class="guide-pager"', "nav")
        assert f'<a href="{url}" rel="prev">' in back
        url, html = next_url, next_html
    assert visited == [starting_pages[slug].get_absolute_url() for slug in STARTING_SLUGS]


def test_a_sub_page_has_its_parent_in_the_breadcrumbs(client, starting_pages):
    html = _get(client, starting_pages["car-t-cell-therapy"].get_absolute_url())
    breadcrumbs = element_html(
        html, '<nav aria-label="Breadcrumb" class="breadcrumbs mb-3">', "nav"
    )
    assert starting_pages["types-of-immunotherapy"].get_absolute_url() in breadcrumbs
    [data] = parse_page(html).structured_data
    names = [item["name"] for item in data["breadcrumb"]["itemListElement"]]
    assert names == ["Home", "Immunotherapy guide", "Types of immunotherapy", "CAR-T cell therapy"]


def test_the_types_page_links_each_type(client, starting_pages):
    types_page = starting_pages["types-of-immunotherapy"]
    html = _get(client, types_page.get_absolute_url())
    section = element_html(html, '<section class="guide-children"', "section")
    for child in types_page.children.all():
        assert f'href="{child.get_absolute_url()}"' in section


def test_only_the_home_care_page_shows_the_request_button(client, starting_pages):
    button = f'<a class="btn btn-primary btn-lg" href="{reverse("booking:request")}">'
    home_care = _get(client, starting_pages["immunotherapy-at-home"].get_absolute_url())
    assert button in home_care
    assert "Request a home visit</a>" in element_html(home_care, '<p class="request-visit', "p")
    other = _get(client, starting_pages["benefits-of-immunotherapy"].get_absolute_url())
    assert button not in other


def test_unknown_slug_gets_the_friendly_404_in_the_layout(client, starting_pages):
    response = client.get(reverse("content:page", kwargs={"slug": "no-such-page"}))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="main-content"' in html
    assert "We could not find that page" in html
    links = parse_page(element_html(html, '<main id="main-content"', "main")).links
    assert reverse("content:guide") in links
    assert reverse("booking:request") in links


def test_an_unpublished_page_is_hidden_everywhere(client, starting_pages):
    hidden = PageFactory(title="Draft page", slug="draft-page", is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert hidden.get_absolute_url() not in _get(client, reverse("content:guide"))
    assert hidden.get_absolute_url() not in _get(client, reverse("content:home"))


def test_a_sub_page_of_a_hidden_page_stays_in_the_guide(client, starting_pages):
    draft = PageFactory(title="Draft section", slug="draft-section", is_published=False)
    orphan = PageFactory(title="Orphan page", slug="orphan-page", parent=draft)
    assert orphan.get_absolute_url() in _get(client, reverse("content:guide"))
    assert _get(client, orphan.get_absolute_url())


def test_a_changed_page_shows_the_new_text_on_the_next_request(client, starting_pages):
    page = starting_pages["what-is-immunotherapy"]
    assert "A brand new sentence" not in _get(client, page.get_absolute_url())
    page.body += "\n\nA brand new sentence for this test."
    page.save()
    assert "A brand new sentence for this test." in _get(client, page.get_absolute_url())


def test_a_renamed_page_shows_its_new_title_on_its_neighbours(client, starting_pages):
    first, second = (starting_pages[slug] for slug in STARTING_SLUGS[:2])
    _get(client, first.get_absolute_url())
    second.title = "How it works, step by step"
    second.save()
    assert "How it works, step by step" in _get(client, first.get_absolute_url())


def test_the_body_is_sanitised_before_it_reaches_the_page(client, db):
    page = PageFactory(
        body=(
            "Hello <script>alert('body')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            "[click me](javascript:alert(2))\n\n"
            '<a href="https://example.org" onclick="alert(3)" style="color:red">safe link</a>\n\n'
            '<iframe src="https://example.org"></iframe>'
        )
    )
    html = _get(client, page.get_absolute_url())
    body = element_html(html, '<div class="guide-body">')
    for unsafe in (
        "<script",
        "alert(",
        "onerror",
        "javascript:",
        "onclick",
        "style=",
        "<iframe",
        "<img",
    ):
        assert unsafe not in body, unsafe
    assert '<a href="https://example.org" rel="noopener noreferrer">safe link</a>' in body
    assert "click me" in body


def test_a_title_cannot_break_out_of_the_structured_data(client, db):
    page = PageFactory(title="</script><script>alert(1)</script>")
    html = _get(client, page.get_absolute_url())
    assert "<script>alert(1)" not in html
    [data] = parse_page(html).structured_data
    assert data["name"] == page.title


def test_an_empty_guide_still_renders(client, db):
    Page.objects.filter(parent__isnull=False).delete()
    Page.objects.all().delete()
    assert "The guide is being updated" in _get(client, reverse("content:home"))
    assert "The guide is being updated" in _get(client, reverse("content:guide"))


def test_the_guide_refuses_to_be_posted_to(client, starting_pages):
    page = starting_pages["what-is-immunotherapy"]
    assert client.post(page.get_absolute_url()).status_code == 405


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("hi", "/hi"), ("mr", "/mr")])
@pytest.mark.parametrize("slug", [*TYPE_SLUGS, "immunotherapy-at-home"])
def test_type_and_home_care_pages_link_the_warning_signs_and_say_tell_any_doctor(
    client, starting_pages, slug, language, prefix
):
    html = _get(client, f"{prefix}/guide/{slug}/")
    assert f'href="{prefix}/guide/warning-signs-after-immunotherapy/"' in html
    assert 'href="tel:108"' in html
    assert 'href="tel:112"' in html
    tell_doctor = {
        "en": "Tell any doctor you see that you are having immunotherapy.",
        "hi": "उन्हें बताएँ कि इम्यूनोथेरेपी चल रही है",
        "mr": "त्यांना सांगा की इम्युनोथेरपी सुरू आहे",
    }[language]
    assert tell_doctor in html


@pytest.mark.parametrize("prefix", ["", "/hi", "/mr"])
def test_the_warning_signs_page_is_there_in_each_language(client, starting_pages, prefix):
    html = _get(client, f"{prefix}/guide/warning-signs-after-immunotherapy/")
    assert 'href="tel:108"' in html
    assert "38 °C" in html
