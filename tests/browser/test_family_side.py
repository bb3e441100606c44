"""The family's side in a real browser: the note's count, Back, the areas, the summary, readability."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from booking.links import status_path
from tests.browser.booking_form import field, fill_request, reference_on, send
from tests.factories import VisitRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 320, "height": 740}
DESK = {"width": 1366, "height": 768}
WIDTHS = [PHONE, DESK]

# How many lines an element's text takes up on screen.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return tops.size;
}"""


def _at(page: Any, viewport: dict[str, int]) -> str:
    page.set_viewport_size(viewport)
    return f"{viewport['width']} px"


def test_the_note_box_counts_as_it_is_typed_and_speaks_only_near_the_limit(page, check_axe):
    page.goto("/book/")
    notes = field(page, "Anything else we should know?")
    counter = page.locator("#id_notes-count")
    announcer = page.locator("#id_notes ~ [aria-live='polite']")
    expect(counter).to_have_text("Characters left: 1,000")
    expect(counter).to_have_attribute("aria-hidden", "true")

    notes.press_sequentially("Stairs, no lift.")
    expect(counter).to_have_text("Characters left: 984")
    # Far from the limit, a screen reader is not interrupted at every key.
    expect(announcer).to_have_text("")

    notes.fill("x" * 850)
    expect(announcer).to_have_text("Characters left: 150")  # past 200 left: said once
    notes.press_sequentially("yz")
    expect(counter).to_have_text("Characters left: 148")
    expect(announcer).to_have_text("Characters left: 150")  # not again until 100 left

    notes.fill("x" * 1004)
    expect(announcer).to_have_text("4 characters too many")
    notes.press_sequentially("!")
    expect(counter).to_have_text("5 characters too many")
    expect(counter).to_have_class("form-text char-count char-count-over")
    # Nothing was cut: the server says how much to take out.
    assert len(notes.input_value()) == 1005
    # Counted as the server counts: an emoji is one character, a line break one.
    notes.fill("🙏" * 999 + "\n")
    expect(counter).to_have_text("Characters left: 0")
    for viewport in WIDTHS:
        check_axe(page, f"the booking form with a note too long at {_at(page, viewport)}")


def test_the_note_box_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/book/")
    expect(page.locator("#id_notes-count")).to_have_count(0)
    expect(page.get_by_text("Up to 1,000 characters.")).to_be_visible()


def test_the_year_of_birth_is_still_there_after_going_back(page):
    page.goto("/book/")
    page.get_by_label("I am the patient").check()
    field(page, "Patient's full name").fill("Testina Fictional")
    field(page, "Patient's year of birth").fill("1952")
    field(page, "Preferred date").select_option(index=3)
    send(page)
    expect(page.locator("#error-summary")).to_be_visible()

    with page.expect_navigation():
        page.go_back()

    assert page.url.endswith("/book/")
    expect(field(page, "Patient's year of birth")).to_have_value("1952")
    expect(field(page, "Patient's full name")).to_have_value("Testina Fictional")


def test_the_areas_page_reads_well_on_a_phone_and_a_desk(page, check_axe):
    page.goto("/book/")
    page.get_by_role("link", name="See the PIN codes we visit").click()
    expect(page.get_by_role("heading", name="Areas we visit", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Navi Mumbai")).to_be_visible()
    expect(page.get_by_text("400703 Vashi")).to_be_visible()
    expect(page.get_by_text("401107")).to_have_count(0)
    for viewport in WIDTHS:
        label = _at(page, viewport)
        check_axe(page, f"the areas we visit at {label}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label


def test_the_out_of_area_answer_has_a_number_to_tap(page, check_axe):
    page.set_viewport_size(PHONE)
    page.goto("/book/")
    fill_request(page, answers={"PIN code": "401107", "Area": "Mira Road"})
    send(page)
    error = page.locator("#id_pin_code_error")
    expect(error).to_contain_text("do not visit PIN code 401107")
    call = error.get_by_role("link")
    expect(call).to_have_attribute("href", f"tel:{settings.SUPPORT_PHONE}")
    assert call.evaluate(LINES) == 1
    for viewport in WIDTHS:
        check_axe(page, f"the out-of-area answer at {_at(page, viewport)}")


def test_the_confirmation_and_status_sum_up_the_request(page, check_axe):
    page.set_viewport_size(PHONE)
    page.goto("/book/")
    fill_request(page, caregiver=True)
    send(page)
    summary = page.locator(".request-summary")
    expect(summary).to_contain_text("Testina")
    expect(summary).not_to_contain_text("Fictional")
    expect(summary).to_contain_text("Andheri West")
    expect(summary).not_to_contain_text("Imaginary Heights")
    expect(page.get_by_text("A care coordinator will call you")).to_be_visible()
    # The reference stays on one line, "UH-" with the rest.
    assert page.locator("#reference").evaluate(LINES) == 1
    for viewport in WIDTHS:
        check_axe(page, f"the confirmation's summary at {_at(page, viewport)}")
    reference = reference_on(page)

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="See or cancel my request").click()
    expect(page.locator(".request-summary")).to_contain_text("Testina")
    page.get_by_role("link", name="Cancel this request").click()
    page.get_by_label("Why are you cancelling?").fill("The treatment was changed.")
    page.get_by_role("button", name="Cancel the request").click()
    again = page.get_by_role("link", name="Request a visit again")
    expect(again).to_be_visible()
    assert page.get_by_text(reference).evaluate(LINES) == 1
    for viewport in WIDTHS:
        check_axe(page, f"the cancelled request's status at {_at(page, viewport)}")
    again.click()
    expect(page.get_by_role("heading", name="Request a home visit", level=1)).to_be_visible()


@pytest.mark.parametrize("width", [320, 360])
def test_the_header_leaves_the_phone_screen_to_the_page(new_page, guide_pages, width):
    page = new_page(viewport={"width": width, "height": 740})
    visit_request = VisitRequestFactory()
    for path in [
        "/",
        "/book/",
        "/guide/what-is-immunotherapy/",
        "/hi/",
        status_path(visit_request),
    ]:
        page.goto(path)
        height = page.locator(".site-header").evaluate("el => el.getBoundingClientRect().height")
        assert height <= 120, f"the header takes {height} px of 740 on {path} at {width} px"
        for link in page.locator("a[href^='tel:']").all():
            assert link.evaluate(LINES) == 1, f"{link.inner_text()} breaks on {path}"


def test_opening_paragraphs_are_not_in_a_light_weight(page):
    for path in ["/", "/book/", "/guide/what-is-immunotherapy/"]:
        page.goto(path)
        for lead in page.locator(".lead").all():
            assert lead.evaluate("el => getComputedStyle(el).fontWeight") == "400", path


def test_what_is_immunotherapy_does_not_say_its_first_sentence_twice(page):
    page.goto("/guide/what-is-immunotherapy/")
    text = page.locator("main").inner_text()
    assert text.count("helps your") == 1, text[:400]


@pytest.mark.parametrize("step", ["move/", "cancel/"])
def test_after_a_mistake_the_focus_is_on_the_list_of_what_to_fix(page, step):
    """As on the booking form: a screen reader hears the mistakes first."""
    visit_request = VisitRequestFactory()
    page.goto(status_path(visit_request) + step)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    # Waits for the page's script, which runs once the page has loaded.
    expect(page.locator("#error-summary")).to_be_focused()
