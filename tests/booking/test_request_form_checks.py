"""The booking form refuses names that are not names and birth years that cannot be."""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo

import pytest

from booking.models import VisitRequest
from outbox.models import Message
from tests.factories import ServiceAreaFactory, caregiver_form_data, form_data

pytestmark = pytest.mark.django_db

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NAME_MESSAGE = {
    "en": "Please enter the patient's full name, as on the prescription.",
    "hi": "कृपया मरीज़ का पूरा नाम लिखें, जैसा डॉक्टर के पर्चे (प्रिस्क्रिप्शन) पर लिखा है।",
}
HELPER_NAME_MESSAGE = {"en": "Please enter your full name.", "hi": "कृपया अपना पूरा नाम लिखें।"}
YEAR_MESSAGE = {
    "en": "Please check the patient's year of birth: it should be before 2026.",
    "hi": "कृपया मरीज़ के जन्म का साल जाँच लें: यह 2026 से पहले का होना चाहिए।",
}
BOOK = {"en": "/book/", "hi": "/hi/book/"}


@pytest.fixture(autouse=True)
def _a_day_in_2026(time_machine):
    # The last evening of the year in Mumbai, already 2027 nowhere that matters.
    time_machine.move_to(datetime.datetime(2026, 12, 31, 20, 0, tzinfo=IST), tick=False)
    ServiceAreaFactory(pin_code="400053", name="Andheri West")


def _error_beside(page: str, field: str) -> str:
    """The error shown under `field`, as text; also checks the summary links to it."""
    assert f'href="#id_{field}"' in page
    match = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error beside {field}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def _refused(client, language: str, data: dict[str, object], field: str) -> str:
    response = client.post(BOOK[language], data)
    assert response.status_code == 200
    assert not VisitRequest.objects.exists()
    assert not Message.objects.exists()
    return _error_beside(response.content.decode(), field)


def _booked(client, language: str, data: dict[str, object]) -> VisitRequest:
    response = client.post(BOOK[language], data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return VisitRequest.objects.get()


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize(
    "name", ["😀😀", "🙏 🌸 ✨", "***", "--", "R", "R.", "र", "  A  "], ids=repr
)
def test_a_patient_name_of_symbols_or_one_letter_is_refused_beside_the_field(
    client, language, name
):
    assert (
        _refused(client, language, form_data(patient_name=name), "patient_name")
        == (NAME_MESSAGE[language])
    )


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("name", ["😀", "S", "👍👍"], ids=repr)
def test_a_helpers_name_of_symbols_or_one_letter_is_refused_beside_the_field(
    client, language, name
):
    data = caregiver_form_data(caregiver_name=name)
    assert _refused(client, language, data, "caregiver_name") == HELPER_NAME_MESSAGE[language]


def test_a_patients_stray_answer_in_the_helpers_section_is_dropped_not_refused(client):
    visit_request = _booked(client, "en", form_data(caregiver_name="x"))
    assert visit_request.caregiver_name == ""


def test_a_mistake_in_the_hidden_helpers_section_does_not_stop_a_patient(client):
    """Someone who first said they were helping, typed a bad helper mobile, then
    switched to "I am the patient": the section is hidden, so nothing in it may
    hold the form back."""
    data = form_data(
        caregiver_name="Anand Fictional",
        caregiver_phone="12345",
        caregiver_email="not an email",
        caregiver_relationship="Son",
    )
    visit_request = _booked(client, "en", data)
    assert (visit_request.caregiver_phone, visit_request.caregiver_email) == ("", "")


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize(
    ("patient", "helper"),
    [
        ("सुनीता देशपांडे", "राहुल देशपांडे"),
        ("जय शाह", "उमा शाह"),  # a two-letter given name, and a surname
        ("Om", "Li Na"),
        ("O'Brien-Rao", "Anne-Marie D'Souza"),
    ],
)
def test_real_names_in_any_script_are_accepted(client, language, patient, helper):
    visit_request = _booked(
        client, language, caregiver_form_data(patient_name=patient, caregiver_name=helper)
    )
    assert visit_request.patient_name == patient
    assert visit_request.caregiver_name == helper


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("year", ["2026", "2027", "२०२६"])
def test_a_birth_year_this_year_or_later_is_refused_kindly_beside_the_field(client, language, year):
    data = form_data(patient_birth_year=year)
    assert _refused(client, language, data, "patient_birth_year") == YEAR_MESSAGE[language]


def test_last_year_is_the_latest_birth_year_accepted(client):
    assert _booked(client, "en", form_data(patient_birth_year="2025")).patient_birth_year == 2025


def test_the_birth_year_limit_moves_with_the_calendar(client, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=IST), tick=False)
    assert _booked(client, "en", form_data(patient_birth_year="2026")).patient_birth_year == 2026


def test_a_birth_year_before_1900_names_the_years_accepted(client):
    error = _refused(client, "en", form_data(patient_birth_year="1850"), "patient_birth_year")
    assert error == "Enter a year between 1900 and 2025."
