"""Cleared before the infusion, in a real browser: the family sends a photo of the
prescription from a phone, a coordinator clears the checklist, and the visit is confirmed."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from PIL import Image
from playwright.sync_api import expect

from booking.links import status_token
from booking.models import MessageKind, Status
from clearance.models import Document
from outbox.models import Message
from tests.browser.test_course_journey import signed_in, staff
from tests.clearance.files import jpeg_with_gps
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
# Wednesday 2 December 2026, 10:00 in Mumbai.
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=IST)
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def private_storage(monkeypatch, tmp_path):
    field = Document._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path / "private"))
    return tmp_path / "private"


def record(desk: Any, label: str, fields: dict[str, str], select: dict[str, str] | None = None):
    row = desk.locator(".uhapo-readiness-table").get_by_role("row").filter(has_text=label)
    row.get_by_role("link", name=re.compile("^Record")).click()
    for name, value in fields.items():
        desk.get_by_label(name, exact=True).fill(value)
    for name, value in (select or {}).items():
        desk.get_by_label(name, exact=True).select_option(label=value)
    desk.get_by_role("button", name="Save the check").click()
    expect(desk.locator(".messagelist")).to_contain_text("Checklist updated")


def test_the_family_sends_a_photo_the_coordinator_clears_the_checklist_and_confirms(
    new_page, check_axe, private_storage
):
    with time_machine.travel(NOW, tick=True):
        coordinator = staff(CoordinatorFactory, first_name="Coral")
        NurseFactory(first_name="Asha", last_name="Fictional")
        visit = VisitRequestFactory(cleared=False, preferred_date=datetime.date(2026, 12, 4))

        # The family, on a phone: what is still needed, then a photo of the prescription.
        family = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        family.goto(f"/request/{status_token(visit)}/")
        family.get_by_role("link", name="Send the prescription and blood test reports").click()
        expect(family.get_by_role("heading", level=1)).to_have_text(
            "Send the prescription and blood test reports"
        )
        expect(family.locator("main")).to_contain_text("The prescription for this dose")
        check_axe(family, "Send the prescription and blood test reports")
        assert family.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        family.get_by_label("The prescription", exact=True).check()
        family.get_by_label("The file or photo").set_input_files(
            {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((800, 600))}
        )
        family.get_by_role("button", name="Send this file").click()
        expect(family.get_by_role("status")).to_contain_text("we have received the file")
        expect(family.locator("main")).to_contain_text("Prescription, 2 Dec 2026")
        (document,) = visit.documents.all()
        assert Image.open(io.BytesIO(document.file.read())).getexif() == {}
        assert Message.objects.filter(kind=MessageKind.DOCUMENT_RECEIVED).exists()

        # The coordinator: the checklist at the top of the request, each item cleared.
        desk = signed_in(new_page, coordinator)
        desk.goto(f"/admin/booking/visitrequest/{visit.pk}/change/")
        panel = desk.locator(".uhapo-readiness")
        expect(panel).to_contain_text("6 items are open")
        check_axe(desk, "The request page with its checklist")
        record(
            desk,
            "Prescription on file, valid for this cycle",
            {"Date on the prescription": "2026-11-30", "Valid until": "2027-02-28"},
            {"Document seen": str(document)},
        )
        for test in (
            "Complete blood count, at most 7 days old",
            "Kidney function (creatinine, electrolytes), at most 7 days old",
            "Liver function tests (ALT, AST, bilirubin), at most 7 days old",
            "Thyroid function (TSH, free T4), at most 42 days old",
        ):
            record(desk, test, {"Day the blood was taken": "2026-12-01"})
        record(
            desk,
            "The oncologist's go-ahead for this cycle",
            {
                "Oncologist who gave the go-ahead": "Dr Placeholder",
                "Day of the go-ahead": "2026-12-02",
            },
            {"How": "Phone call"},
        )
        expect(panel).to_contain_text("Every item is cleared.")
        expect(panel).to_contain_text("Coral Staffer")

        # The visit is confirmed to the family.
        desk.get_by_role("link", name="Schedule", exact=True).click()
        nurse = desk.get_by_label("Nurse").locator("option", has_text="Asha")
        desk.get_by_label("Nurse").select_option(nurse.get_attribute("value"))
        desk.locator("#content-main").get_by_role("button", name="Schedule").click()
        expect(desk.locator(".messagelist")).to_contain_text(f"{visit.reference} scheduled")
        visit.refresh_from_db()
        assert visit.status == Status.SCHEDULED
        assert Message.objects.filter(
            subject_id=visit.pk, kind=MessageKind.VISIT_SCHEDULED
        ).exists()
