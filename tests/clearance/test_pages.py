"""The checklist and documents on the pages: staff see, record and override it; documents
are opened only by permitted staff, each opening logged; the family sends files from its link."""

from __future__ import annotations

import datetime

import pytest

from booking import privacy
from booking.links import status_token
from booking.models import Status
from clearance import documents, readiness
from clearance.models import Document, DocumentAccess, DocumentKind, Item
from tests.auth import sign_in
from tests.booking.admin.helpers import TODAY, admin_url, ist, scheduled
from tests.clearance import files
from tests.factories import NurseFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db


def family_url(visit, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    return f"{prefix}/request/{status_token(visit)}/documents/"


def a_document(visit, data=None) -> Document:
    return documents.document_upload(
        visit_request=visit,
        kind=DocumentKind.PRESCRIPTION,
        upload=files.upload(data or files.pdf(), name="p.pdf"),
        actor=None,
    )


# --- staff ------------------------------------------------------------------------


def test_the_request_page_opens_with_the_checklist_and_who_checked_what(coordinator_client):
    visit = VisitRequestFactory(
        cleared=False, needs_clinical_review=True, had_infusion_reaction=True
    )
    response = coordinator_client.get(admin_url("change", visit.pk))
    html = response.content.decode()
    assert "Ready for the infusion?" in html
    assert "7 items are open" in html
    assert "Clinical review (flagged: a reaction to an infusion before)" in html
    assert admin_url("check", visit.pk, "liver") in html

    VisitRequestFactory  # noqa: B018 (the factory's clerk is who cleared the next one)
    cleared = VisitRequestFactory()
    html = coordinator_client.get(admin_url("change", cleared.pk)).content.decode()
    assert "Every item is cleared." in html
    assert "Clara Checker, 2 Dec 2026 10:00" in html


def test_a_coordinator_records_a_check_from_its_page(coordinator_client, coordinator):
    visit = VisitRequestFactory(cleared=False)
    url = admin_url("check", visit.pk, "liver")
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"evidence_date": "2026-12-01", "note": "ALT normal."})
    assert response.status_code == 302
    (check,) = visit.readiness_checks.all()
    assert (check.item, check.blood_test, check.checked_by) == ("blood_test", "liver", coordinator)
    assert check.evidence_date == datetime.date(2026, 12, 1)


def test_a_test_taken_too_long_before_the_visit_is_recorded_and_said_to_be_still_open(
    coordinator_client,
):
    visit = VisitRequestFactory(cleared=False)
    url = admin_url("check", visit.pk, "kidney")
    response = coordinator_client.post(url, {"evidence_date": "2026-11-20"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith(f"Recorded for {visit.reference}, but still open:")
    assert "Checklist updated" not in shown[0]


def test_a_check_dated_in_the_future_is_refused_beside_its_field(coordinator_client):
    visit = VisitRequestFactory(cleared=False)
    response = coordinator_client.post(
        admin_url("check", visit.pk, "prescription"),
        {"evidence_date": "2026-12-09", "valid_until": "2027-01-31"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence_date"] == ["This date is in the future."]
    assert not visit.readiness_checks.exists()


def test_an_unknown_item_is_not_found(coordinator_client):
    visit = VisitRequestFactory(cleared=False)
    assert coordinator_client.get(admin_url("check", visit.pk, "astrology")).status_code == 404


def test_the_schedule_page_says_what_is_open(coordinator_client, nurse):
    visit = VisitRequestFactory(cleared=False)
    readiness.readiness_check_record(
        visit_request=visit,
        item=Item.GO_AHEAD,
        actor=NurseFactory(),
        given_by="Dr P",
        method="call",
        evidence_date=TODAY,
    )
    response = coordinator_client.post(
        admin_url("schedule", visit.pk),
        {"date": "2026-12-04", "start_time": "10:00", "duration": "120", "nurse": nurse.pk},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "The readiness checklist is not complete" in errors
    assert "Prescription on file" in errors
    assert "go-ahead" not in errors
    visit.refresh_from_db()
    assert visit.status == Status.NEW


def test_a_coordinator_cannot_override(coordinator_client):
    visit = VisitRequestFactory(cleared=False)
    assert coordinator_client.get(admin_url("override", visit.pk)).status_code == 403
    html = coordinator_client.get(admin_url("change", visit.pk)).content.decode()
    assert admin_url("override", visit.pk) not in html


def test_an_override_is_shown_on_every_page_that_shows_the_visit(client, senior, nurse):
    visit = scheduled(nurse, ist(2026, 12, 2, 15, 0), cleared=False)
    sign_in(client, senior)
    response = client.post(admin_url("override", visit.pk), {"reason": "Labs read out by the lab."})
    assert response.status_code == 302
    said = "Checklist overridden by Leela Staffer on 2 Dec 2026 10:00:"
    pages = [
        admin_url("change", visit.pk),
        admin_url("handover", visit.pk),
        admin_url("schedule", visit.pk),
        admin_url("visits") + "?date=2026-12-02",
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert said in html, page
        assert "Labs read out by the lab." in html, page
    sign_in(client, nurse)
    html = client.get(admin_url("visits") + "?date=2026-12-02").content.decode()
    assert said in html
    html = client.get(admin_url("record", visit.pk)).content.decode()
    assert said in html


def test_the_nurses_day_says_the_review_outcome_not_just_a_flag(client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 2, 15, 0), cleared=False, needs_clinical_review=True)
    readiness.readiness_check_record(
        visit_request=visit,
        item=Item.CLINICAL_REVIEW,
        actor=NurseFactory(),
        given_by="Dr Lead",
        note="Reaction in cycle 1 was grade 1; premedicate.",
    )
    sign_in(client, nurse)
    html = client.get(admin_url("visits") + "?date=2026-12-02").content.decode()
    assert (
        "Clinical review cleared by Dr Lead: Reaction in cycle 1 was grade 1; premedicate." in html
    )
    assert "Checklist not complete:" in html


def test_staff_add_a_document_in_admin(coordinator_client, coordinator, private_storage):
    visit = VisitRequestFactory(cleared=False)
    response = coordinator_client.post(
        admin_url("document_add", visit.pk),
        {"kind": "blood_report", "file": files.upload(files.jpeg_with_gps())},
    )
    assert response.status_code == 302
    (document,) = visit.documents.all()
    assert document.uploaded_by == coordinator


def test_a_document_is_opened_by_a_coordinator_and_the_opening_is_logged(
    coordinator_client, coordinator
):
    visit = VisitRequestFactory()
    document = a_document(visit)
    url = admin_url("document", visit.pk, document.pk)
    assert url in coordinator_client.get(admin_url("change", visit.pk)).content.decode()

    response = coordinator_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    (row,) = DocumentAccess.objects.all()
    assert (row.document, row.actor, row.visit_reference) == (
        document,
        coordinator,
        visit.reference,
    )


def test_a_document_is_opened_by_the_visits_nurse_only(client, nurse):
    visit = scheduled(nurse, ist(2026, 12, 3, 10, 0))
    document = a_document(visit)
    url = admin_url("document", visit.pk, document.pk)
    assert sign_in(client, NurseFactory()).get(url).status_code == 404
    assert sign_in(client, nurse).get(url).status_code == 200
    assert DocumentAccess.objects.count() == 1


def test_a_document_is_not_opened_without_the_permission(client, plain_staff):
    visit = VisitRequestFactory()
    url = admin_url("document", visit.pk, a_document(visit).pk)
    assert client.get(url).status_code == 302
    assert sign_in(client, plain_staff).get(url).status_code == 403
    assert not DocumentAccess.objects.exists()


def test_no_public_address_serves_a_document(client, private_storage):
    document = a_document(VisitRequestFactory())
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/static/{document.file.name}").status_code == 404


# --- the family ------------------------------------------------------------------


def test_the_family_sees_what_is_still_needed_and_the_preparation_list(client):
    visit = VisitRequestFactory(cleared=False)
    html = client.get(family_url(visit)).content.decode()
    assert "The prescription for this dose" in html
    assert (
        "Liver function tests (ALT, AST, bilirubin), taken at most 7 days before the visit" in html
    )
    assert "near a plug point" in html
    assert family_url(visit) in client.get(f"/request/{status_token(visit)}/").content.decode()


def test_the_family_sends_a_phone_photo_and_sees_it_received(client, private_storage):
    visit = VisitRequestFactory(cleared=False)
    response = client.post(
        family_url(visit), {"kind": "prescription", "file": files.upload(files.jpeg_with_gps())}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "we have received the file" in html
    (document,) = visit.documents.all()
    assert document.uploaded_by is None
    assert document.kind == DocumentKind.PRESCRIPTION
    # Sent, so not asked for again while a coordinator checks it; the tests still are.
    still = html[html.index("Still needed") : html.index("What we have received")]
    assert "The prescription for this dose" not in still
    assert "Liver function tests" in still
    assert "A coordinator is checking what you sent already." in still


def test_a_paper_checked_and_still_open_is_asked_for_again(client, clock, coordinator):
    """Sent, checked, found out of date: the family is asked for a new one."""
    from clearance import readiness
    from clearance.models import Item

    visit = VisitRequestFactory(cleared=False)
    client.post(family_url(visit), {"kind": "prescription", "file": files.upload(files.pdf())})
    clock.shift(datetime.timedelta(minutes=5))
    readiness.readiness_check_record(
        visit_request=visit,
        item=Item.PRESCRIPTION,
        actor=coordinator,
        evidence_date=datetime.date(2026, 11, 1),
        valid_until=datetime.date(2026, 11, 30),
    )
    html = client.get(family_url(visit)).content.decode()
    still = html[html.index("Still needed") : html.index("What we have received")]
    assert "The prescription for this dose" in still


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (files.EXE, "This file is none of these, whatever its name says."),
        (files.BROKEN_PDF, "This PDF does not open."),
        (files.png_bomb(), "This image is too large to open safely."),
    ],
)
def test_a_bad_file_from_the_family_is_refused_beside_the_field(
    client, private_storage, data, said
):
    visit = VisitRequestFactory(cleared=False)
    response = client.post(
        family_url(visit), {"kind": "prescription", "file": files.upload(data, name="rx.pdf")}
    )
    assert response.status_code == 400
    assert said in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_a_40_mb_file_is_refused(client, private_storage):
    visit = VisitRequestFactory(cleared=False)
    big = b"%PDF-1.7\n" + b"0" * (40 * 1024 * 1024)
    response = client.post(
        family_url(visit), {"kind": "prescription", "file": files.upload(big, name="big.pdf")}
    )
    assert response.status_code == 400
    assert "the most we can take is 10 MB" in response.content.decode()
    assert not Document.objects.exists()
    assert not [p for p in private_storage.rglob("*") if p.is_file()]


def test_an_expired_link_takes_no_file(client, clock):
    visit = VisitRequestFactory(cleared=False)
    url = family_url(visit)
    clock.shift(datetime.timedelta(days=181))
    response = client.post(url, {"kind": "prescription", "file": files.upload(files.pdf())})
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_a_withdrawn_link_takes_no_file(client):
    visit = VisitRequestFactory(cleared=False)
    url = family_url(visit)
    privacy.visit_request_withdraw_consent(visit_request=visit, actor=None)
    response = client.post(url, {"kind": "prescription", "file": files.upload(files.pdf())})
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_fifty_uploads_in_a_minute_are_refused_past_the_limit(client, private_storage):
    visit = VisitRequestFactory(cleared=False)
    url = family_url(visit)
    codes = [
        client.post(url, {"kind": "blood_report", "file": files.upload(files.pdf())}).status_code
        for _ in range(50)
    ]
    assert codes.count(302) == 10
    assert codes.count(429) == 40
    assert visit.documents.count() == 10


def test_the_family_page_is_in_hindi(client):
    visit = VisitRequestFactory(cleared=False, language="hi")
    html = client.get(family_url(visit, "hi")).content.decode()
    assert "Send the prescription and blood test reports" not in html
    assert "पर्चा" in html


def test_the_upload_limit_per_address_is_the_setting(client, private_storage, settings):
    settings.DOCUMENT_UPLOAD_RATE_LIMIT = "3/m"
    visit = VisitRequestFactory(cleared=False)
    url = family_url(visit)
    codes = [
        client.post(url, {"kind": "blood_report", "file": files.upload(files.pdf())}).status_code
        for _ in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert visit.documents.count() == 3
