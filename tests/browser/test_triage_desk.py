"""A coordinator's desk at 1366 px: the list, the request page, the call log, the session.

Each page is checked with axe (WCAG 2.2 AA, zero violations) as it is seen.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from booking.models import CallAttempt, Status, Submitter
from tests.auth import current_code, totp_device
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DESK = {"width": 1366, "height": 768}
PASSWORD = "fictional-coordinator-passphrase-42"


@pytest.fixture
def coordinator() -> Any:
    user = CoordinatorFactory(first_name="Coral", last_name="Fictional")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: Any, user: Any) -> None:
    """The sign-in form as a coordinator fills it in (a code can be used once only)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(
        current_code(totp_device(user))
    )
    page.get_by_role("button", name="Sign in").click()


def at_the_desk(new_page: Any, user: Any) -> Any:
    page = new_page(viewport=DESK)
    page.goto("/admin/")
    sign_in(page, user)
    expect(page.locator("#site-name")).to_be_visible()
    return page


def _a_busy_morning() -> Any:
    nurse = NurseFactory(first_name="Asha", last_name="Longsurname-Fictional")
    for i in range(6):
        VisitRequestFactory(
            patient_name=f"Venkataraghavan Subramaniam Fictional {i}",
            area="Navi Mumbai Sector 17 Vashi",
            pin_code="400703",
        )
    start = timezone.now() + datetime.timedelta(days=2)
    return VisitRequestFactory(
        patient_name="Booked Fictional",
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(hours=2),
    )


def test_the_list_shows_waiting_nurse_and_visit_without_scrolling_sideways(
    new_page, coordinator, check_axe
):
    _a_busy_morning()
    page = at_the_desk(new_page, coordinator)
    page.goto("/admin/booking/visitrequest/")
    for column in ("waited", "nurse_name", "visit_start"):
        header = page.locator(f"#result_list thead th.column-{column}")
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box is not None
        assert box["x"] >= 0, column
        assert box["x"] + box["width"] <= DESK["width"], (column, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    expect(page.locator("#result_list thead")).to_contain_text("Waiting")
    check_axe(page, "the request list at 1366 px")


def test_the_request_page_opens_on_who_to_call_and_why_review(new_page, coordinator, check_axe):
    request = VisitRequestFactory(
        submitted_by=Submitter.CAREGIVER,
        caregiver_name="Fictional Daughter",
        caregiver_relationship="daughter",
        caregiver_phone="+919876543210",
        language="mr",
        first_dose_in_hospital=False,
        needs_clinical_review=True,
    )
    page = at_the_desk(new_page, coordinator)
    page.goto(request.get_admin_url())
    for field in ("person_to_call", "language_name", "medicine_name", "clinical_review"):
        row = page.locator(f".field-{field}")
        expect(row).to_be_in_viewport()
    expect(page.locator(".field-person_to_call")).to_contain_text("Fictional Daughter (daughter)")
    expect(page.locator(".field-language_name")).to_contain_text("Marathi")
    expect(page.locator(".field-clinical_review")).to_contain_text(
        "the first dose was not given in hospital"
    )
    expect(page.get_by_role("link", name="History")).to_have_count(0)
    expect(page.locator(".field-consent_sha256")).not_to_be_in_viewport()
    check_axe(page, "the request page at 1366 px")


def test_a_coordinator_logs_a_call_with_no_answer(new_page, coordinator, check_axe):
    request = VisitRequestFactory(patient_name="Unanswered Fictional")
    page = at_the_desk(new_page, coordinator)
    page.goto(request.get_admin_url())
    page.get_by_role("link", name="Log a call").click()
    check_axe(page, "the call page")
    page.get_by_role("button", name="Log the call").click()
    expect(page.locator(".errorlist")).to_contain_text("Choose how the call went.")
    check_axe(page, "the call page with an error")
    page.get_by_label("No answer").check()
    page.get_by_label("Note").fill("Rang at 10, try after lunch")
    page.get_by_role("button", name="Log the call").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Call logged for {request.reference}: No answer."
    )
    expect(page.locator("#content-main")).to_contain_text("Rang at 10, try after lunch")
    request.refresh_from_db()
    assert request.status == Status.NEW
    assert CallAttempt.objects.filter(request=request).count() == 1
    page.goto("/admin/booking/visitrequest/")
    row = page.locator("#result_list tbody tr", has_text=request.reference)
    expect(row.locator("td.field-call_count")).to_have_text("1")


def test_the_session_warns_before_it_ends_and_stay_signed_in_keeps_it(
    new_page, coordinator, check_axe
):
    page = new_page(viewport=DESK)
    page.clock.install()
    page.goto("/admin/")
    sign_in(page, coordinator)
    # The admin's first page, with its script run (it notes the time of the page
    # load): moving the clock before that would only move the page's start.
    expect(page.get_by_role("heading", name="Needs someone now")).to_be_visible()
    page.wait_for_load_state("load")
    notice = page.locator("#uhapo-session")
    warning = notice.locator(".uhapo-session-idle")
    expect(warning).to_be_hidden()
    page.clock.fast_forward("26:00")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in a few minutes")
    check_axe(page, "the session warning")
    with page.expect_response("**/admin/session/keep-alive/") as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200
    expect(warning).to_be_hidden()
    page.clock.fast_forward("31:00")
    ended = notice.locator(".uhapo-session-ended")
    expect(ended).to_be_visible()
    expect(ended.get_by_role("link", name="Sign in again")).to_be_visible()
    check_axe(page, "the signed-out notice")


def test_a_note_typed_as_the_session_ended_comes_back_after_signing_in(
    new_page, coordinator, check_axe
):
    request = VisitRequestFactory()
    page = at_the_desk(new_page, coordinator)
    page.goto(reverse("admin:booking_visitrequest_call", args=[request.pk]))
    page.get_by_label("Busy").check()
    page.get_by_label("Note").fill("Daughter asks us to ring back at six")
    # The session ends while the note is typed (as after 30 idle minutes).
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Log the call").click()
    expect(page.get_by_label("Username")).to_be_visible()
    assert not CallAttempt.objects.exists()
    sign_in(page, coordinator)
    expect(page.get_by_label("Note")).to_have_value("Daughter asks us to ring back at six")
    restored = page.locator("#uhapo-draft-restored")
    expect(restored).to_be_visible()
    expect(restored).to_contain_text("has been put back")
    check_axe(page, "the call page with a note put back")
    page.get_by_label("Busy").check()
    page.get_by_role("button", name="Log the call").click()
    expect(page.locator(".messagelist")).to_contain_text("Call logged")
    assert CallAttempt.objects.get().note == "Daughter asks us to ring back at six"
    # Sent: the copy is gone, so the next call starts empty.
    page.goto(reverse("admin:booking_visitrequest_call", args=[request.pk]))
    expect(page.get_by_label("Note")).to_have_value("")
    expect(page.locator("#uhapo-draft-restored")).to_be_hidden()
