"""The symptom check-in in a browser: every screen passes axe (WCAG 2.2 A and AA) in
English, Hindi and Marathi, fits 320 px, and is answered by keyboard alone."""

from __future__ import annotations

import pytest

from aftercare import services, triage
from aftercare.links import checkin_path
from booking.links import status_path
from booking.models import Status
from tests.factories import VisitRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GROUPS = [group.id for group in triage.rules().groups]


def new_checkin():
    visit = VisitRequestFactory(status=Status.COMPLETED)
    return services.checkin_start_by_family(visit_request=visit)


def fits_320(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide"


@pytest.mark.parametrize("language", ["", "/hi", "/mr"])
def test_every_check_in_screen_and_result_passes_axe_at_320_pixels(new_page, check_axe, language):
    page = new_page(viewport={"width": 320, "height": 640})
    checkin = new_checkin()
    base = language + checkin_path(checkin)
    page.goto(base + GROUPS[0] + "/")
    page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    check_axe(page, f"the first screen with errors {language or 'en'}")
    for group in GROUPS:
        page.goto(base + group + "/")
        check_axe(page, f"screen {group} {language or 'en'}")
        fits_320(page)
        for question in triage.rules().groups[GROUPS.index(group)].questions:
            page.locator(f"#id_{question.id}_0").check()
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/result/")
    check_axe(page, f"the green result {language or 'en'}")
    fits_320(page)
    page.goto(base + "card/")
    check_axe(page, f"the alert card {language or 'en'}")
    fits_320(page)

    red = new_checkin()
    page.goto(language + checkin_path(red) + "bowels/")
    page.locator("#id_loose_stools_0").check()
    page.locator("#id_blood_in_stool_1").check()
    page.locator("main form button[type=submit]").click()
    assert page.locator("a.call-now-button").is_visible()
    check_axe(page, f"the call-now page {language or 'en'}")
    fits_320(page)


def test_a_check_in_is_answered_with_the_keyboard_alone(page):
    checkin = new_checkin()
    page.goto(checkin_path(checkin))
    for group in triage.rules().groups:
        for question in group.questions:
            # Tab lands on a radio group; Space ticks the focused answer.
            page.locator(f"#id_{question.id}_0").focus()
            page.keyboard.press("Space")
        page.locator("main form button[type=submit]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Thank you: your answers are recorded").is_visible()


def test_an_amber_answer_says_when_we_will_call(page):
    checkin = new_checkin()
    page.goto(checkin_path(checkin))
    for group in triage.rules().groups:
        for question in group.questions:
            index = 1 if question.id == "rash" else 0
            page.locator(f"#id_{question.id}_{index}").check()
        page.locator("main form button[type=submit]").click()
    assert page.get_by_role("heading", name="We will call you back").is_visible()


@pytest.mark.parametrize("language", ["", "/hi", "/mr"])
def test_the_private_page_offers_a_check_in_and_the_alert_card(new_page, check_axe, language):
    page = new_page(viewport={"width": 320, "height": 640})
    visit = VisitRequestFactory(status=Status.COMPLETED)
    page.goto(language + status_path(visit))
    check_axe(page, f"the private page after a visit {language or 'en'}")
    fits_320(page)
    page.goto(language + status_path(visit) + "card/")
    check_axe(page, f"the alert card from the private page {language or 'en'}")
    page.goto(language + status_path(visit))
    page.locator("#after-infusion-title ~ form button[type=submit]").click()
    assert page.url.endswith("/bowels/")
    assert page.locator("input[type=radio]").count() == 6
