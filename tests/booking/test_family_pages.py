"""What the family sees around the form: its hints, the areas we visit, and a summary of the request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from booking import workflow
from booking.links import status_path
from booking.models import ServiceArea, Status, VisitRequest
from booking.service_areas import areas_by_city
from tests.factories import ServiceAreaFactory, VisitRequestFactory, caregiver_form_data, form_data

pytestmark = pytest.mark.django_db

BOOK = "/book/"
AREAS = "/areas/"
# 7:30 pm IST on a Wednesday: a coordinator calls by 9:30 the next morning.
EVENING = "2026-12-02 19:30 +05:30"


@pytest.fixture
def only_test_areas():
    """Just the areas a test makes (the migration's seeded PIN codes removed)."""
    ServiceArea.objects.all().delete()


def _field_html(html: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea|select)[^>]*\bname="{name}"[^>]*>', html).group(0)


# --- the form's hints ---------------------------------------------------------


def test_the_patients_mobile_hint_says_what_to_do_without_a_mobile(client):
    html = client.get(BOOK).content.decode()
    hint = re.search(r'id="id_patient_phone_helptext"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "If the patient has no mobile, give the helper's mobile number here" in hint


def test_a_helper_may_give_their_own_number_for_a_patient_without_a_mobile(client):
    ServiceAreaFactory()
    data = caregiver_form_data(patient_phone="98200 54321", caregiver_phone="98200 54321")
    assert client.post(BOOK, data).status_code == 302
    visit_request = VisitRequest.objects.get()
    assert visit_request.patient_phone == visit_request.caregiver_phone == "+919820054321"


def test_the_note_box_says_its_limit_and_the_browser_never_cuts_it(client):
    html = client.get(BOOK).content.decode()
    box = _field_html(html, "notes")
    assert 'data-max-chars="1000"' in box
    assert 'data-chars-left="Characters left: {count}"' in box
    # A maxlength would drop whatever is pasted past 1,000 without a word.
    assert "maxlength" not in box
    assert "Up to 1,000 characters." in html
    assert re.search(r'<script src="/static/js/char-count\.[0-9a-f]+\.js" defer>', html) or (
        '<script src="/static/js/char-count.js" defer>' in html
    )


def test_a_note_too_long_is_refused_beside_the_box_with_its_length(client):
    ServiceAreaFactory()
    response = client.post(BOOK, form_data(notes="x" * 5000))
    assert response.status_code == 200
    assert "keep this to 1000 characters or fewer (it has 5000)" in response.content.decode()
    assert not VisitRequest.objects.exists()


def test_a_line_break_counts_as_one_character_as_the_page_counts_it(client):
    """Browsers send a line break as \r\n; the page counted 1,000 where the server
    counted 1,498 and refused the note."""
    ServiceAreaFactory()
    response = client.post(BOOK, form_data(notes="a\r\n" * 500))
    assert response.status_code == 302
    assert VisitRequest.objects.get().notes == ("a\n" * 500).strip()


def test_an_emoji_counts_as_one_character(client):
    ServiceAreaFactory()
    assert client.post(BOOK, form_data(notes="🙏" * 1000)).status_code == 302
    response = client.post(BOOK, form_data(notes="🙏" * 1001))
    assert "keep this to 1000 characters or fewer (it has 1001)" in response.content.decode()


def test_the_year_of_birth_is_one_a_browser_keeps_on_back(client):
    """autocomplete="off" makes a browser drop the answer when the family comes Back."""
    box = _field_html(client.get(BOOK).content.decode(), "patient_birth_year")
    assert 'autocomplete="bday-year"' in box


@time_machine.travel(EVENING, tick=False)
def test_the_preferred_day_is_a_list_of_named_days(client):
    html = client.get(BOOK).content.decode()
    select = html[html.index('<select name="preferred_date"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>Choose a day</option>' in select
    assert '<option value="2026-12-03">Thursday 3 December</option>' in select
    assert '<option value="2026-12-10">Thursday 10 December</option>' in select
    assert '<option value="2027-01-31">Sunday 31 January</option>' in select
    assert select.count("<option") == 61


@time_machine.travel(EVENING, tick=False)
@pytest.mark.parametrize("typed", ["10/12/2026", "12/10/2026", "10-12-2026"])
def test_a_typed_date_is_never_read_either_way_round(client, typed):
    ServiceAreaFactory()
    response = client.post(BOOK, form_data(preferred_date=typed))
    assert response.status_code == 200
    assert "Choose a day from the list." in response.content.decode()
    assert not VisitRequest.objects.exists()


# --- the areas we visit ---------------------------------------------------------


def test_the_areas_page_lists_the_served_pin_codes_city_by_city(client, only_test_areas):
    ServiceAreaFactory(pin_code="400053", name="Andheri West", city="Mumbai")
    ServiceAreaFactory(pin_code="400001", name="Mumbai", city="Mumbai")
    ServiceAreaFactory(pin_code="400703", name="Vashi", city="Navi Mumbai")
    ServiceAreaFactory(pin_code="400601", name="Thane West", city="Thane")
    ServiceAreaFactory(pin_code="421301", name="Kalyan", city="Thane", is_active=False)

    html = client.get(AREAS).content.decode()

    headings = re.findall(r'<h2 class="h4" id="city-\d+">([^<]+)</h2>', html)
    assert headings == ["Mumbai", "Navi Mumbai", "Thane"]
    assert '<span class="pin">400053</span> Andheri West' in html
    # An area named only for its city shows just its PIN code.
    assert '<li><span class="pin">400001</span></li>' in html
    assert "421301" not in html
    assert "Kalyan" not in html


def test_the_areas_page_is_read_from_the_cache_and_changes_with_an_edit(
    client, only_test_areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        area = ServiceAreaFactory(pin_code="400053", name="Andheri West")
    client.get(AREAS)
    with CaptureQueriesContext(connection) as queries:
        assert "Andheri West" in client.get(AREAS).content.decode()
    assert not [q for q in queries if "booking_servicearea" in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        area.name = "Andheri West (Lokhandwala)"
        area.save()
    assert "Andheri West (Lokhandwala)" in client.get(AREAS).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        area.is_active = False
        area.save()
    assert "400053" not in client.get(AREAS).content.decode()
    assert areas_by_city() == []


def test_the_areas_we_promise_are_the_cities_the_seeded_list_serves():
    """Pages say "Mumbai and parts of Thane and Navi Mumbai": the cities of the list."""
    assert {city.city for city in areas_by_city()} == {"Mumbai", "Thane", "Navi Mumbai"}
    served = {place.pin_code for city in areas_by_city() for place in city.places}
    assert "401107" not in served  # Mira Road
    assert "421301" not in served  # Kalyan


def test_no_page_promises_all_of_thane_and_navi_mumbai():
    base = Path(settings.BASE_DIR)
    files = [*base.glob("templates/**/*.html"), *base.glob("content/seed/*.md")]
    promises = ("Mumbai, Thane", "Thane or Navi Mumbai", "मुंबई, ठाणे")
    found = [
        (path.name, promise)
        for path in files
        for promise in promises
        if promise in path.read_text(encoding="utf-8")
    ]
    assert found == []


@pytest.mark.parametrize("prefix", ["", "/hi", "/mr"])
def test_the_areas_page_is_linked_from_the_pin_question_and_the_footer(client, prefix):
    html = client.get(f"{prefix}{BOOK}").content.decode()
    hint = re.search(r'id="id_pin_code_helptext"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert f'href="{prefix}{AREAS}"' in hint
    footer = html[html.index("<footer") :]
    assert f'href="{prefix}{AREAS}"' in footer
    assert client.get(f"{prefix}{AREAS}").status_code == 200


def test_the_home_care_guide_page_links_the_areas(client):
    with translation.override("en"):
        path = reverse("content:page", kwargs={"slug": "immunotherapy-at-home"})
    html = client.get(path)
    main = html.content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    assert f'href="{AREAS}"' in main
    assert "parts of Thane and Navi Mumbai" in main


def test_the_out_of_area_answer_gives_a_number_to_tap(client):
    ServiceAreaFactory()
    response = client.post(BOOK, form_data(pin_code="401107"))
    html = response.content.decode()
    tel = f'<a class="phone" href="tel:{settings.SUPPORT_PHONE}">'
    error = re.search(r'<div id="id_pin_code_error".*?</div>', html, re.S).group(0)
    assert "do not visit PIN code 401107" in error
    assert tel in error
    # The summary at the top links to the field: the number there is plain
    # text, as a link inside its link would be no link at all.
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert "do not visit PIN code 401107" in summary
    assert tel not in summary


# --- the summary of what was asked ------------------------------------------------


@time_machine.travel(EVENING, tick=False)
def test_the_confirmation_sums_up_the_request_without_the_address(client):
    ServiceAreaFactory()
    client.post(BOOK, form_data(preferred_date="2026-12-05"))
    html = client.get("/book/received/").content.decode()
    summary = html[html.index('id="summary-title"') :]
    summary = summary[: summary.index("</dl>")]
    assert "<dd>You</dd>" in summary
    assert "Saturday 5 December 2026, Morning (8 am to 12 noon)" in summary
    assert "<dd>Andheri West</dd>" in summary
    assert "A care coordinator will call you by" in html
    assert "9:30 AM</span> on Thursday 3 December" in html
    for private in ("Imaginary Heights", "Example Road", "Fictional", "Lung cancer"):
        assert private not in html


@time_machine.travel(EVENING, tick=False)
def test_a_helper_sees_the_patients_first_name_only(client):
    ServiceAreaFactory()
    client.post(BOOK, caregiver_form_data())
    html = client.get("/book/received/").content.decode()
    assert "<dd>Testina</dd>" in html
    assert "Testina Fictional" not in html


def test_the_status_page_sums_up_the_request(client):
    visit_request = VisitRequestFactory(submitted_by="caregiver", patient_name="Testina Fictional")
    html = client.get(status_path(visit_request)).content.decode()
    assert "What you asked for" in html
    assert "<dd>Testina</dd>" in html
    assert "<dd>Andheri West</dd>" in html
    assert "Imaginary Heights" not in html
    assert "A care coordinator will call you" in html
    assert "Request a visit again" not in html


def test_after_a_cancellation_the_status_page_offers_to_request_again(client):
    visit_request = VisitRequestFactory()
    workflow.visit_request_cancel(
        visit_request=visit_request, reason="Fictional reason", actor=None
    )
    visit_request.refresh_from_db()
    assert visit_request.status == Status.CANCELLED
    html = client.get(status_path(visit_request)).content.decode()
    assert f'href="{BOOK}">Request a visit again</a>' in html
    assert "A care coordinator will call you" not in html


def test_a_cancellation_reason_too_long_is_said_not_cut(client):
    visit_request = VisitRequestFactory()
    cancel = f"{status_path(visit_request)}cancel/"
    box = _field_html(client.get(cancel).content.decode(), "reason")
    assert 'data-max-chars="500"' in box
    assert "maxlength" not in box
    response = client.post(cancel, {"reason": "x" * 600})
    assert response.status_code == 400
    assert "keep this to 500 characters or fewer (it has 600)" in response.content.decode()
    visit_request.refresh_from_db()
    assert visit_request.status == Status.NEW


def test_the_reason_to_move_a_visit_is_counted_not_cut(client):
    visit_request = VisitRequestFactory(status=Status.SCHEDULED)
    html = client.get(f"{status_path(visit_request)}move/").content.decode()
    box = _field_html(html, "reason")
    assert 'data-max-chars="500"' in box
    assert "maxlength" not in box
    assert "js/char-count" in html


@pytest.mark.parametrize(
    ("prefix", "day", "reason"),
    [
        ("", "Choose a day that suits you.", "Please tell us briefly why you need to move it."),
        ("/hi", "अपने लिए सही दिन चुनें।", "कृपया थोड़े में बताएँ कि विज़िट क्यों बदलनी है।"),
        ("/mr", "तुम्हाला सोयीचा दिवस निवडा.", "कृपया थोडक्यात सांगा की भेट का बदलायची आहे."),
    ],
)
def test_an_empty_ask_to_move_says_what_is_missing_in_the_familys_words(
    client, prefix, day, reason
):
    """Not Django's "This field is required." (in Hindi, an ungrammatical one)."""
    from django.utils import translation

    visit_request = VisitRequestFactory(status=Status.SCHEDULED)
    with translation.override(prefix.strip("/") or "en"):
        path = f"{status_path(visit_request)}move/"
    assert path.startswith(f"{prefix}/")
    response = client.post(path, {})
    errors = response.context["form"].errors
    assert errors["first_choice"] == [day]
    assert errors["reason"] == [reason]
