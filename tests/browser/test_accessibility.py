"""axe-core's WCAG 2.2 A and AA rules find nothing on any public page or form state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.links import status_path
from tests.browser.booking_form import fill_request, send
from tests.factories import VisitRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_every_public_page(page, check_axe, guide_pages, public_paths):
    assert len(public_paths) >= 4 + len(guide_pages), public_paths
    for path in public_paths:
        page.goto(path)
        check_axe(page, path)


def test_every_state_of_the_booking_form(page, check_axe):
    page.goto("/book/")
    check_axe(page, "the empty booking form")

    send(page)
    assert page.locator("#error-summary").is_visible()
    check_axe(page, "the booking form with every error")

    fill_request(page, caregiver=True, answers={"Your mobile number": "12345"})
    send(page)
    check_axe(page, "the booking form with one error")

    page.get_by_label("Your mobile number").fill("98200 54321")
    send(page)
    assert page.get_by_role("heading", name="We have your request").is_visible(), page.locator(
        "main"
    ).inner_text()[:600]
    check_axe(page, "the confirmation")


def test_status_and_cancel_pages(page, check_axe):
    visit_request = VisitRequestFactory()
    page.goto(status_path(visit_request))
    check_axe(page, "the status page")

    page.get_by_role("link", name="Cancel this request").click()
    check_axe(page, "the cancel page")

    page.get_by_role("button", name="Cancel the request").click()
    assert page.locator("#error-summary").is_visible()
    check_axe(page, "the cancel page with an error")

    page.get_by_label("Why are you cancelling?").fill("The treatment was changed.")
    page.get_by_role("button", name="Cancel the request").click()
    assert page.get_by_role("status").is_visible()
    check_axe(page, "the status page after cancelling")

    page.goto("/request/not-a-real-token/")
    check_axe(page, "an invalid private link")


def test_the_withdraw_consent_page(page, check_axe):
    page.goto(status_path(VisitRequestFactory()))
    page.get_by_role("link", name="Withdraw consent and erase my details").click()
    check_axe(page, "the withdraw page")


def test_the_details_erased_page(page, check_axe):
    page.goto(status_path(VisitRequestFactory()))
    page.get_by_role("link", name="Withdraw consent and erase my details").click()
    page.get_by_role("button", name="Withdraw consent and erase my details").click()
    assert page.get_by_role("heading", name="Your details are erased").is_visible()
    check_axe(page, "the erased page")


def test_the_too_many_requests_page(page, check_axe, settings):
    settings.BOOKING_RATE_LIMIT_IP = "1/h"
    page.goto("/book/")
    send(page)
    send(page)
    summary = page.locator("#error-summary")
    assert "We have had many requests from this connection" in summary.inner_text()
    expect(summary).to_be_focused()
    check_axe(page, "the booking form over its limit, answers kept")


def test_the_check_itself_catches_a_violation(page, check_axe):
    """A page with an unlabelled field and low contrast fails, so a pass above means something."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint</p><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        check_axe(page, "a deliberately broken page")
    assert "label" in str(failure.value)
    assert "color-contrast" in str(failure.value)


def test_no_public_page_scrolls_sideways_at_320_pixels(new_page, guide_pages, public_paths):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels wide, nothing needs scrolling sideways."""
    page = new_page(viewport={"width": 320, "height": 640})
    too_wide = []
    states = [(path, None) for path in public_paths] + [("/book/", "errors")]
    for path, state in states:
        page.goto(path)
        if state == "errors":
            send(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append((path, state, width))
    assert not too_wide, f"pages wider than 320 px: {too_wide}"
