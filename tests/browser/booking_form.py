"""Filling in the booking form the way a person does: by the visible labels."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from booking.models import VisitRequest

CAREGIVER = {
    "Your name": "Fictional Daughter",
    "How are you related to the patient?": "daughter",
    "Your mobile number": "98200 54321",
    "Your email (optional)": "daughter@example.com",
}
PATIENT = {
    "Patient's full name": "Testina Fictional",
    "Patient's year of birth": "1952",
    "Patient's mobile number": "98200 12345",
    "Patient's email (optional)": "testina@example.com",
    "Flat or house number, and building": "Flat 12, Imaginary Heights",
    "Street or road": "Example Road",
    "Area": "Andheri West",
    "PIN code": "400053",
    "Type of cancer": "Lung cancer",
    "Treating oncologist": "Dr Placeholder",
    "Hospital": "Nowhere General Hospital",
}
YES_NO = {
    "Was the first dose already given in hospital?": "Yes",
    "Has the patient ever had a reaction to an infusion?": "No",
    "Do you have the written prescription?": "Yes",
}


def visit_date(days_ahead: int = 3) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_ahead)


def field(page: Any, label: str) -> Any:
    return page.locator("form.booking-form").get_by_label(label, exact=False).first


def fill_request(
    page: Any,
    *,
    caregiver: bool = False,
    consent: bool = True,
    answers: dict[str, str] | None = None,
) -> None:
    """Answer every question with the mouse and typing; `answers` maps labels to other values."""
    who = "I am helping the patient" if caregiver else "I am the patient"
    page.get_by_label(who).check()
    values = {**PATIENT, **(CAREGIVER if caregiver else {}), **(answers or {})}
    for label, value in values.items():
        field(page, label).fill(value)
    if caregiver:
        page.get_by_label("Both of us").check()
    page.get_by_label("Immunotherapy medicine prescribed").select_option("pembrolizumab")
    for question, answer in YES_NO.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    # A list of named days ("Saturday 5 December"), each valued as its ISO date.
    field(page, "Preferred date").select_option(visit_date().isoformat())
    page.get_by_label("Morning (8 am to 12 noon)").check()
    if consent:
        page.get_by_label("I agree that UHAPO may use these details").check()


def send(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()


def reference_on(page: Any) -> str:
    return page.locator("#reference").inner_text().strip()


def request_with_reference(reference: str) -> VisitRequest:
    return VisitRequest.objects.get(reference=reference)
