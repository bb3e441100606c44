"""The request page: the call's essentials first, in words; the consent record for coordinators."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from booking.models import Submitter
from care.models import Regimen
from tests.auth import sign_in
from tests.booking.admin.helpers import admin_url, ist, scheduled
from tests.factories import ServiceAreaFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db

ICONS = ("icon-yes.svg", "icon-no.svg", "icon-unknown.svg")


def _field_order(html: str) -> list[str]:
    return re.findall(r'class="form-row field-([a-z0-9_]+)', html)


def test_the_person_to_call_language_medicine_and_flags_come_first(coordinator_client):
    request = VisitRequestFactory(
        submitted_by=Submitter.CAREGIVER,
        caregiver_name="Fictional Daughter",
        caregiver_relationship="daughter",
        caregiver_phone="+919876543210",
        language="hi",
        first_dose_in_hospital=False,
        had_infusion_reaction=True,
        needs_clinical_review=True,
    )
    html = coordinator_client.get(admin_url("change", request.pk)).content.decode()
    order = _field_order(html)
    top = order[: order.index("created_at") + 1]
    for name in ("person_to_call", "language_name", "medicine_name", "clinical_review"):
        assert name in top, (name, order)
    assert order.index("clinical_review") < order.index("patient_name")
    assert order[-5:] == [
        "consent_version",
        "consent_given_at",
        "consent_sha256",
        "consent_withdrawn_at",
        "anonymised_at",
    ]
    assert '<a href="tel:+919876543210">+91 98765 43210</a>' in html
    assert "<strong>Fictional Daughter</strong> (daughter)" in html
    assert "Hindi (हिन्दी)" in html
    assert "Pembrolizumab (Keytruda)" in html
    assert "the first dose was not given in hospital" in html
    assert "a reaction to an infusion before" in html
    assert "No: the first dose was not given in hospital" in html
    assert "Yes: had a reaction to an infusion before" in html
    for icon in ICONS:
        assert icon not in html


def test_a_patient_filling_in_alone_is_the_person_to_call(coordinator_client):
    request = VisitRequestFactory(submitted_by=Submitter.PATIENT, patient_phone="+919820012345")
    html = coordinator_client.get(admin_url("change", request.pk)).content.decode()
    assert "<strong>Testina Fictional</strong> (the patient)" in html
    assert "English" in html
    assert "Not needed" in html  # no clinical review


def test_nurses_do_not_see_the_consent_record(nurse_client, nurse, coordinator):
    visit = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    sha = visit.consent.notice_sha256
    nurse_html = nurse_client.get(admin_url("change", visit.pk)).content.decode()
    assert "field-person_to_call" in nurse_html
    assert "SHA-256" not in nurse_html
    assert sha not in nurse_html
    coordinator_client = sign_in(Client(), coordinator)
    coordinator_html = coordinator_client.get(admin_url("change", visit.pk)).content.decode()
    assert sha in coordinator_html


def test_no_history_button_and_its_address_leads_to_the_request(coordinator_client):
    """Django's history of admin edits is always empty here: the timeline is the history."""
    request = VisitRequestFactory()
    html = coordinator_client.get(admin_url("change", request.pk)).content.decode()
    assert admin_url("history", request.pk) not in html
    assert "historylink" not in html
    response = coordinator_client.get(admin_url("history", request.pk))
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", request.pk)


def test_other_yes_no_columns_say_it_in_words(coordinator_client):
    ServiceAreaFactory(pin_code="999001", name="Nowhere Nagar", is_active=False)
    areas = coordinator_client.get(reverse("admin:booking_servicearea_changelist") + "?q=999001")
    assert "Not served" in areas.content.decode()
    assert Regimen.objects.filter(is_active=True).exists()  # seeded by care's migration 0002
    regimens = coordinator_client.get(reverse("admin:care_regimen_changelist"))
    assert ">Offered<" in regimens.content.decode()
    for response in (areas, regimens):
        for icon in ICONS:
            assert icon not in response.content.decode()
