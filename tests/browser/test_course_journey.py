"""A course of treatment through three cycles, in a real browser, as each person does it.

The family books; a coordinator finds the patient (someone new), starts the
course and schedules the visit; the nurse records the dose on the visit's
day; the next cycle is proposed and the family confirms the day from its
link; and again. The clock moves with time-machine (the live server runs in
this process), so each step happens on the day it would.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from booking.links import status_path
from booking.models import MessageKind, Status, VisitRequest
from care.models import NurseProfile
from outbox.models import Message
from tests.auth import current_code, totp_device
from tests.browser.booking_form import fill_request, reference_on, send
from tests.factories import CoordinatorFactory, NurseFactory, clear_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
PASSWORD = "fictional-staff-passphrase-42"
# Monday 4 January 2027, 09:00 in Mumbai.
START = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=IST)


def staff(factory: Any, **fields: Any) -> Any:
    user = factory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def signed_in(new_page: Any, user: Any, **options: Any) -> Any:
    page = new_page(**options)
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(
        current_code(totp_device(user))
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#site-name")).to_be_visible()
    return page


def open_request(page: Any, reference: str) -> None:
    page.goto("/admin/booking/visitrequest/")
    page.locator("#searchbar").fill(reference)
    page.locator("#searchbar").press("Enter")
    page.locator("#result_list").get_by_role("link", name=reference).click()


def schedule(page: Any, reference: str, nurse_name: str) -> None:
    # The readiness checklist is cleared as a coordinator would have, the blood
    # taken the day before the visit (tests/browser/test_clearance.py clears one
    # through the pages).
    visit = VisitRequest.objects.get(reference=reference)
    clear_checklist(visit, taken_on=visit.preferred_date - datetime.timedelta(days=1))
    open_request(page, reference)
    page.get_by_role("link", name="Schedule", exact=True).click()
    nurse = page.get_by_label("Nurse", exact=True)
    nurse.select_option(nurse.locator("option", has_text=nurse_name).get_attribute("value"))
    page.locator("#content-main").get_by_role("button", name="Schedule").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{reference} scheduled")


def record_the_dose(page: Any, visit: VisitRequest) -> None:
    start = visit.scheduled_start.astimezone(IST)
    page.goto(f"/admin/booking/visitrequest/visits/?date={start.date().isoformat()}")
    page.get_by_role("link", name="Record the visit").first.click()
    values = {
        "Arrived at": start,
        "Infusion started at": start + datetime.timedelta(minutes=25),
        "Infusion ended at": start + datetime.timedelta(minutes=55),
        "Left at": start + datetime.timedelta(minutes=90),
    }
    for label, moment in values.items():
        page.get_by_label(label, exact=True).fill(f"{moment:%H:%M}")
    page.get_by_label("Weight").fill("61.5")
    vitals = {"bp_systolic": "124", "bp_diastolic": "78", "pulse": "76", "temperature": "36.8"}
    for when in ("before", "after"):
        for name, value in {**vitals, "spo2": "98"}.items():
            page.locator(f"#id_{name}_{when}").fill(value)
    for label, value in {
        "Batch number": "FICT-123",
        "Cool box reading on arrival": "5.0",
        "Observation afterwards": "30",
    }.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Expiry date").fill("2027-12-31")
    page.get_by_role("group", name=re.compile("Kept at 2–8")).get_by_label("Yes").check()
    page.get_by_label("Dose given").check()
    page.get_by_role("button", name="Save the visit record").click()
    expect(page.locator(".messagelist")).to_contain_text(visit.reference)


def family_confirms(new_page: Any, visit: VisitRequest) -> None:
    page = new_page()
    page.goto(status_path(visit))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home visit request")
    page.get_by_role("link", name="Confirm the day").click()
    page.get_by_label("Morning (8 am to 12 noon)").check()
    page.get_by_role("button", name="Confirm this day").click()
    expect(page.get_by_role("status")).to_contain_text("the day is confirmed")


def test_a_course_goes_through_three_cycles(new_page, live_server, settings):
    settings.SITE_URL = live_server.url
    with time_machine.travel(START, tick=True) as clock:
        coordinator = staff(CoordinatorFactory, first_name="Coral")
        nurse = staff(NurseFactory, first_name="Asha", last_name="Fictional")
        NurseProfile.objects.create(user=nurse, phone="+919800000001", registration_number="MNC-0")

        # The family books the first visit on the website.
        family = new_page()
        family.goto("/book/")
        fill_request(family)
        send(family)
        reference = reference_on(family)
        first = VisitRequest.objects.get(reference=reference)

        # The coordinator: someone new, a course of pembrolizumab every 3 weeks, the visit.
        desk = signed_in(new_page, coordinator)
        open_request(desk, reference)
        desk.get_by_role("link", name="Find or add the patient").click()
        desk.get_by_label("Someone new: make a new patient record").check()
        desk.get_by_role("button", name="Confirm").click()
        desk.get_by_role("link", name="Start a course of treatment").click()
        regimen = desk.get_by_label("Regimen")
        regimen.select_option(
            regimen.locator("option", has_text="Pembrolizumab every 3 weeks").get_attribute("value")
        )
        desk.get_by_role("button", name="Start the course").click()
        expect(desk.locator(".messagelist")).to_contain_text("Course of treatment started")
        schedule(desk, reference, "Asha")

        visit = first
        for cycle in (1, 2):
            visit.refresh_from_db()
            assert (visit.cycle_number, visit.status) == (cycle, Status.SCHEDULED)
            # The nurse, on the visit's day, after the infusion.
            clock.move_to(visit.scheduled_start + datetime.timedelta(hours=2))
            phone = signed_in(new_page, nurse, viewport={"width": 360, "height": 740})
            record_the_dose(phone, visit)
            visit.refresh_from_db()
            assert visit.status == Status.COMPLETED

            # The next dose is proposed at the course's interval; the family confirms.
            proposed = VisitRequest.objects.get(previous_visit=visit)
            assert proposed.cycle_number == cycle + 1
            assert proposed.status == Status.PROPOSED
            assert proposed.preferred_date == (
                visit.scheduled_start.astimezone(IST).date() + datetime.timedelta(days=21)
            )
            assert Message.objects.filter(
                subject_id=proposed.pk, kind=MessageKind.NEXT_CYCLE
            ).exists()
            family_confirms(new_page, proposed)
            proposed.refresh_from_db()
            assert proposed.status == Status.NEW
            if cycle == 1:
                desk = signed_in(new_page, coordinator)
                schedule(desk, proposed.reference, "Asha")
            visit = proposed

        first.refresh_from_db()
        course = first.course
        assert list(
            VisitRequest.objects.filter(course=course)
            .order_by("cycle_number")
            .values_list("cycle_number", "status")
        ) == [(1, Status.COMPLETED), (2, Status.COMPLETED), (3, Status.NEW)]


def test_the_confirm_and_move_pages_pass_axe_and_fit_320_pixels(new_page, check_axe):
    from tests.factories import CourseFactory, VisitRequestFactory

    with time_machine.travel(START, tick=False):
        course = CourseFactory()
        proposed = VisitRequestFactory(
            status=Status.PROPOSED, course=course, patient=course.patient, cycle_number=2
        )
        booked = VisitRequestFactory(status=Status.CONTACTED)
        page = new_page(viewport={"width": 320, "height": 640})
        for language in ("", "/hi", "/mr"):
            page.goto(f"{language}{status_path(proposed)}confirm/".replace("//", "/"))
            check_axe(page, f"confirm {language or 'en'}")
            page.locator("main form button[type=submit]").click()
            check_axe(page, f"confirm with errors {language or 'en'}")
            page.goto(f"{language}{status_path(booked)}move/".replace("//", "/"))
            check_axe(page, f"move {language or 'en'}")
            page.locator("main form button[type=submit]").click()
            check_axe(page, f"move with errors {language or 'en'}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{page.url} is {width} px wide"
