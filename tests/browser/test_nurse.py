"""The nurse on her phone: her day list and "Record the visit" fit 360 px and pass axe."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking.models import Status
from tests.auth import current_code, totp_device
from tests.factories import NurseFactory, VisitRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NURSE_PASSWORD = "fictional-nurse-passphrase-42"
PHONE = {"width": 360, "height": 740}
SIDEWAYS = "document.documentElement.scrollWidth"


def sign_in(page: Any, nurse: Any) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(nurse.username)
    page.get_by_label("Password").fill(NURSE_PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(
        current_code(totp_device(nurse))
    )
    page.get_by_role("button", name="Sign in").click()


def test_the_nurse_records_a_visit_from_her_day_list_on_a_phone(new_page, check_axe):
    nurse = NurseFactory(first_name="Asha", last_name="Fictional")
    nurse.set_password(NURSE_PASSWORD)
    nurse.save()
    # A visit that began a little while ago, and a later one the same day.
    now = timezone.localtime().replace(second=0, microsecond=0)
    started = now - datetime.timedelta(minutes=5)
    day = started.date()
    begun = VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=started,
        scheduled_end=started + datetime.timedelta(hours=2),
        handover_notes="Reaction in cycle 2: premedication as the oncologist advised.",
        address_line="Flat 1204, A Very Long Imaginary Building Name Cooperative Housing Society",
        landmark="Opposite the imaginary municipal garden near the fictional railway station",
    )
    later = started + datetime.timedelta(hours=3)
    VisitRequestFactory(
        status=Status.SCHEDULED,
        nurse=nurse,
        scheduled_start=later,
        scheduled_end=later + datetime.timedelta(minutes=50),
    )

    page = new_page(viewport=PHONE)
    sign_in(page, nurse)
    page.goto(f"/admin/booking/visitrequest/visits/?date={day:%Y-%m-%d}")
    expect(page.locator(".uhapo-day-list")).to_contain_text("premedication")
    assert page.evaluate(SIDEWAYS) <= PHONE["width"]
    check_axe(page, "the nurse's day list")

    card = page.locator(".uhapo-day-visit").filter(has_text=begun.reference)
    card.get_by_role("link", name="Record the visit").click()
    expect(page.get_by_role("heading", name="Arrival")).to_be_visible()
    assert page.evaluate(SIDEWAYS) <= PHONE["width"]
    check_axe(page, "Record the visit")

    # Nobody at home: the quickest record, refused first without its reason.
    page.get_by_label("Arrived at").fill(f"{started:%H:%M}")
    page.get_by_label(re.compile("Nobody at home")).check()
    page.get_by_role("button", name="Save the visit record").click()
    expect(page.locator(".uhapo-error-summary")).to_contain_text("Say what happened")
    expect(page.get_by_label("Arrived at")).to_have_value(f"{started:%H:%M}")
    assert page.evaluate(SIDEWAYS) <= PHONE["width"]
    check_axe(page, "Record the visit, with an error")

    page.get_by_label("Why not given, or what happened").fill("Nobody answered the door.")
    page.get_by_role("button", name="Save the visit record").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{begun.reference} recorded")
    begun.refresh_from_db()
    assert begun.status == Status.NO_SHOW
