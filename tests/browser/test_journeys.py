"""What patients, families and coordinators do, end to end, in a real browser."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Recipient, Status, Submitter
from content.models import Page
from tests.auth import current_code, totp_device
from tests.browser.booking_form import (
    field,
    fill_request,
    reference_on,
    request_with_reference,
    send,
)
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

HOME_CARE_SLUG = "immunotherapy-at-home"
MAX_TABS = 80
STAFF_PASSWORD = "fictional-coordinator-passphrase-42"

# The focused element, described the way a screen reader would name it.
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const style = getComputedStyle(el);
  return {
    name: (label || el.getAttribute("aria-label") || el.value || el.innerText || "").trim(),
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    // False on the date field's calendar button, a part of the browser's own
    // control that it draws its own focus ring around.
    ownFocus: el.matches(":focus"),
  };
}"""


def tab_to(page: Any, name: str) -> dict[str, Any]:
    """Press Tab until the field or button called `name` has focus, checking each stop shows it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["ownFocus"]:
            assert focused["outline"] >= 2, f"no visible focus on {focused}"
        if focused["name"].startswith(name):
            return focused
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def type_into(page: Any, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def _visit_day() -> datetime.date:
    """A day from tomorrow within 60 days whose day and month are equal.

    The browser decides whether a date field reads day/month or month/day;
    typed digits for 12/12 mean the same day either way.
    """
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def _reading_order(guide_pages: list[Page]) -> list[str]:
    from content.guide import Guide

    return [page.title for page in Guide.published().reading_order]


def test_a_patient_reads_the_guide_from_the_home_page_and_books_a_visit(page, guide_pages):
    titles = _reading_order(guide_pages)
    home_care = Page.objects.get(slug=HOME_CARE_SLUG)
    assert home_care.title in titles

    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=titles[0], exact=True).click()
    read = [page.get_by_role("heading", level=1).inner_text()]
    while read[-1] != home_care.title:
        assert len(read) <= len(titles), f"the Next links never reached {home_care.title}: {read}"
        page.locator('main a[rel="next"]').click()
        read.append(page.get_by_role("heading", level=1).inner_text())
    assert read == titles[: len(read)], "the Next links follow the guide's order"

    page.get_by_role("main").get_by_role("link", name="Request a home visit").first.click()
    expect(page).to_have_url(re.compile(r"/book/$"))
    fill_request(page)
    send(page)

    expect(page.get_by_role("heading", name="We have your request")).to_be_visible()
    visit_request = request_with_reference(reference_on(page))
    assert visit_request.submitted_by == Submitter.PATIENT
    assert visit_request.patient_name == "Testina Fictional"
    assert visit_request.status == Status.NEW


def test_a_caregiver_books_for_a_parent_with_the_keyboard_alone(page):
    """Tab moves between questions, arrows choose within a radio group, Space ticks, Enter sends."""
    page.goto("/")
    tab_to(page, "Request a home visit")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/$"))

    tab_to(page, "I am the patient")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("I am helping the patient").is_checked()

    type_into(page, "Patient's full name", "Fictional Father")
    type_into(page, "Patient's year of birth", "1948")
    type_into(page, "Patient's mobile number", "98200 12345")
    type_into(page, "Your name", "Fictional Son")
    type_into(page, "How are you related to the patient?", "son")
    type_into(page, "Your mobile number", "+91 98200 54321")
    type_into(page, "Your email (optional)", "son@example.com")
    tab_to(page, "The patient")  # the first choice of "Who should get our messages?"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Both of us").is_checked()

    type_into(page, "Flat or house number, and building", "Flat 4, Pretend Towers")
    type_into(page, "Street or road", "Sample Marg")
    type_into(page, "Area", "Vashi")
    type_into(page, "PIN code", "400703")
    type_into(page, "Type of cancer", "Melanoma")
    type_into(page, "Immunotherapy medicine prescribed", "Nivolumab")
    type_into(page, "Treating oncologist", "Dr Imaginary")
    type_into(page, "Hospital", "Nowhere General Hospital")
    for answer in ("Space", "ArrowDown", "Space"):  # yes, no, yes
        tab_to(page, "Yes")
        page.keyboard.press(answer)

    visit_day = _visit_day()
    tab_to(page, "Preferred date")
    page.keyboard.type(visit_day.strftime("%d%m%Y"))
    tab_to(page, "Morning")
    page.keyboard.press("ArrowDown")  # afternoon
    tab_to(page, "I agree that UHAPO may use these details")
    page.keyboard.press("Space")
    tab_to(page, "Send request")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="We have your request")).to_be_visible()
    reference = reference_on(page)
    assert re.fullmatch(r"UH-[A-Z0-9-]+", reference)
    visit_request = request_with_reference(reference)
    assert visit_request.submitted_by == Submitter.CAREGIVER
    assert visit_request.caregiver_name == "Fictional Son"
    assert visit_request.caregiver_phone == "+919820054321"
    assert visit_request.message_recipient == Recipient.BOTH
    assert visit_request.medicine == "nivolumab"
    assert (visit_request.first_dose_in_hospital, visit_request.had_infusion_reaction) == (
        True,
        False,
    )
    assert visit_request.has_prescription is True
    assert visit_request.preferred_date == visit_day
    assert visit_request.preferred_time == "afternoon"


def test_a_caregiver_fixes_mistakes_from_the_error_summary(page):
    """Each summary link lands on its field; everything else typed is still there."""
    page.goto("/book/")
    fill_request(
        page,
        caregiver=True,
        consent=False,
        answers={"Your mobile number": "12345", "PIN code": "110001"},
    )
    send(page)

    expect(page).to_have_title(re.compile(r"^Error:"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)
    expect(summary).to_contain_text("Enter a 10-digit Indian mobile number")
    expect(summary).to_contain_text("do not visit PIN code 110001")
    expect(summary).to_contain_text("Tick the box to agree")

    fixes = {
        "id_caregiver_phone": lambda: page.keyboard.type("98200 54321"),
        "id_pin_code": lambda: page.keyboard.type("400053"),
        "id_consent": lambda: page.keyboard.press("Space"),
    }
    for index in range(3):
        link = page.locator("#error-summary a").nth(index)
        target = link.get_attribute("href").removeprefix("#")
        message = link.inner_text().strip()
        link.click()
        field_input = page.locator(f"#{target}")
        expect(field_input).to_be_focused()
        expect(field_input).to_have_attribute("aria-invalid", "true")
        described_by = (field_input.get_attribute("aria-describedby") or "").split()
        description = " ".join(page.locator(f"#{ref}").inner_text() for ref in described_by)
        assert message in description, f"{target} is not described by its error {message!r}"
        if field_input.get_attribute("type") != "checkbox":
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
        fixes[target]()

    # Nothing else had to be typed again.
    expect(field(page, "Patient's full name")).to_have_value("Testina Fictional")
    expect(field(page, "Your name")).to_have_value("Fictional Daughter")
    expect(page.get_by_label("I am helping the patient")).to_be_checked()
    expect(page.get_by_label("Morning (8 am to 12 noon)")).to_be_checked()
    send(page)

    expect(page.get_by_role("heading", name="We have your request")).to_be_visible()
    visit_request = request_with_reference(reference_on(page))
    assert visit_request.caregiver_phone == "+919820054321"
    assert visit_request.pin_code == "400053"
    assert visit_request.caregiver_name == "Fictional Daughter"


def test_the_family_opens_the_private_link_and_cancels(
    new_page, smtp_server, settings, live_server
):
    settings.SITE_URL = live_server.url
    booking_page = new_page()
    booking_page.goto("/book/")
    fill_request(booking_page)
    send(booking_page)
    reference = reference_on(booking_page)

    confirmation = smtp_server.wait_for(1)[0]
    link = re.search(r"(http://\S+/request/[^/\s]+/)", confirmation.get_content())
    assert link, confirmation.get_content()

    # Later, on another phone: only the link from the message.
    family = new_page()
    family.goto(link.group(1))
    expect(family.get_by_role("heading", level=1)).to_have_text("Your home visit request")
    expect(family.get_by_role("main")).to_contain_text(reference)
    family.get_by_role("link", name="Cancel this request").click()
    family.get_by_label("Why are you cancelling?").fill("The oncologist changed the plan.")
    family.get_by_role("button", name="Cancel the request").click()

    expect(family.get_by_role("status")).to_contain_text("Your request is cancelled")
    expect(family.get_by_role("link", name="Cancel this request")).to_have_count(0)
    visit_request = request_with_reference(reference)
    assert visit_request.status == Status.CANCELLED
    messages = smtp_server.wait_for(2)
    assert any("cancel" in m["Subject"].lower() for m in messages[1:]), [
        m["Subject"] for m in messages
    ]


def test_a_coordinator_schedules_a_new_request_and_the_family_is_emailed(
    page, smtp_server, settings, live_server
):
    settings.SITE_URL = live_server.url
    coordinator = CoordinatorFactory(first_name="Coral")
    coordinator.set_password(STAFF_PASSWORD)
    coordinator.save()
    nurse = NurseFactory(first_name="Asha", last_name="Fictional")
    waiting = VisitRequestFactory(
        patient_name="Waiting Fictional", patient_email="wait@example.com"
    )
    VisitRequestFactory(patient_name="Called Fictional", status=Status.CONTACTED)

    phone = totp_device(coordinator)

    page.goto("/admin/")
    page.get_by_label("Username").fill(coordinator.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(current_code(phone))
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name=re.compile("home-visit requests", re.I)).first.click()
    page.locator("#changelist-filter").get_by_role("link", name="New", exact=True).click()
    results = page.locator("#result_list")
    expect(results).to_contain_text(waiting.reference)
    expect(results).not_to_contain_text("Called Fictional")

    results.get_by_role("link", name=waiting.reference).click()
    page.get_by_role("link", name="Schedule", exact=True).click()
    nurse_choice = page.get_by_label("Nurse").locator("option", has_text="Asha")
    page.get_by_label("Nurse").select_option(nurse_choice.get_attribute("value"))
    page.locator("#content-main").get_by_role("button", name="Schedule").click()

    expect(page.locator(".messagelist")).to_contain_text(f"{waiting.reference} scheduled")
    waiting.refresh_from_db()
    assert waiting.status == Status.SCHEDULED
    assert waiting.nurse == nurse

    # The family's confirmation, and the nurse's own message.
    messages = smtp_server.wait_for(2)
    booked = [m for m in messages if "Your home visit is booked" in m["Subject"]]
    assert booked, [m["Subject"] for m in messages]
    assert booked[0]["To"] == "wait@example.com"
    assert any(m["To"] == nurse.email for m in messages)
    assert "Nurse Asha will come" in booked[0].get_body(preferencelist=("plain",)).get_content()
