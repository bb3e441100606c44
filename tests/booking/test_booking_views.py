"""The public booking journey through Django's test client."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from booking.links import status_path, status_token
from booking.models import Consent, MessageKind, RequestEvent, Status, VisitRequest
from booking.views import RECEIVED_COOKIE
from outbox.models import Message, MessageStatus
from tests.factories import ServiceAreaFactory, VisitRequestFactory, caregiver_form_data, form_data

pytestmark = pytest.mark.django_db

BOOK = "/book/"


@pytest.fixture(autouse=True)
def _served_area():
    ServiceAreaFactory(pin_code="400053", name="Andheri West")


def test_empty_form_shows_every_question_with_a_label(client):
    response = client.get(BOOK)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("submitted_by", "patient_name", "patient_phone", "pin_code", "consent"):
        assert f'name="{name}"' in html
    assert 'for="id_patient_phone"' in html
    assert 'aria-describedby="id_patient_phone_helptext"' in html
    # Consent is never pre-ticked, whatever order the tag's attributes come in.
    consent_box = re.search(r'<input[^>]*\bid="id_consent"[^>]*>', html).group(0)
    assert "checked" not in consent_box


def test_patient_books_and_sees_the_reference(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BOOK, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:received")
    visit_request = VisitRequest.objects.get()
    assert visit_request.patient_phone == "+919820012345"
    assert visit_request.status == Status.NEW
    assert visit_request.needs_clinical_review is False
    assert Consent.objects.filter(request=visit_request, notice_version="2026-12-02").exists()
    assert RequestEvent.objects.filter(request=visit_request, to_status=Status.NEW).count() == 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert visit_request.reference in page.content.decode()
    assert "A care coordinator will call you by" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    # Nothing about the patient travels in the URL.
    assert "9820012345" not in response["Location"]


def test_caregiver_books_for_a_parent_and_both_get_messages(client):
    response = client.post(BOOK, caregiver_form_data())
    assert response.status_code == 302
    visit_request = VisitRequest.objects.get()
    assert visit_request.caregiver_name == "Fictional Son"
    assert visit_request.caregiver_phone == "+919820054321"
    audiences = set(
        Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED).values_list("audience", "channel")
    )
    assert audiences == {
        ("patient", "sms"),
        ("patient", "email"),
        ("caregiver", "sms"),
        ("caregiver", "email"),
    }


def test_the_confirmation_says_exactly_what_is_sent_and_where(client):
    response = client.post(BOOK, caregiver_form_data())
    html = client.get(response["Location"]).content.decode()
    for line in (
        "an SMS to the patient&#x27;s mobile ending in 2345",
        "an SMS to the helper&#x27;s mobile ending in 4321",
        "an email to the patient at t•••@example.com",
        "an email to the helper at s•••@example.com",
    ):
        assert line in html
    # The full addresses are not shown to whoever reads the screen.
    assert "98200 54321" not in html
    assert "son@example.com" not in html


def test_a_patient_without_email_is_told_only_of_the_sms(client):
    response = client.post(BOOK, form_data(patient_email=""))
    html = client.get(response["Location"]).content.decode()
    assert "an SMS to the patient&#x27;s mobile ending in 2345" in html
    assert "an email to" not in html


@pytest.mark.parametrize("phone", ["98200 12345", "+91 98200 12345", "098200 12345", "9820012345"])
def test_every_common_way_of_typing_a_mobile_is_accepted(client, phone):
    response = client.post(BOOK, form_data(patient_phone=phone))
    assert response.status_code == 302
    assert VisitRequest.objects.get().patient_phone == "+919820012345"


INVALID_CASES = {
    "bad phone": ({"patient_phone": "12345"}, "patient_phone", "10-digit Indian mobile"),
    "landline": ({"patient_phone": "022 2345 6789"}, "patient_phone", "10-digit Indian mobile"),
    # phonenumbers alone would read each O as the keypad's 6: +919820016662, a stranger.
    "letter O for zero": (
        {"patient_phone": "98200 1OOO2"},
        "patient_phone",
        "10-digit Indian mobile",
    ),
    "letters": ({"patient_phone": "98200 CALLME"}, "patient_phone", "10-digit Indian mobile"),
    "unserved pin": ({"pin_code": "110001"}, "pin_code", "do not visit PIN code 110001"),
    "short pin": ({"pin_code": "4000"}, "pin_code", "6 digits"),
    "no consent": ({"consent": ""}, "consent", "Tick the box"),
    "date today": (
        {"preferred_date": timezone.localdate().isoformat()},
        "preferred_date",
        "from tomorrow",
    ),
    "date too far": (
        {"preferred_date": (timezone.localdate() + datetime.timedelta(days=61)).isoformat()},
        "preferred_date",
        "within the next 60 days",
    ),
    "no name": ({"patient_name": ""}, "patient_name", "Enter the patient"),
    "too long": ({"street": "x" * 121}, "street", "120 characters or fewer"),
    "markup": ({"notes": "<script>alert(1)</script>"}, "notes", "plain words"),
    "control chars": (
        {"patient_name": "Testina\x00Fictional"},
        "patient_name",
        "unusual characters",
    ),
    "birth year": ({"patient_birth_year": "1850"}, "patient_birth_year", "between 1900"),
    "other medicine unnamed": ({"medicine": "other"}, "medicine_other", "name of the medicine"),
    "no time of day": ({"preferred_time": ""}, "preferred_time", "morning, afternoon or evening"),
}


@pytest.mark.parametrize("case", INVALID_CASES.values(), ids=INVALID_CASES.keys())
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(client, case):
    overrides, field, message = case
    data = form_data(**overrides)
    response = client.post(BOOK, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # Linked from the summary at the top, and shown next to the field.
    assert 'id="error-summary"' in html
    assert f'href="#id_{field}' in html
    assert f'id="id_{field}_error"' in html or f'id="id_{field}_0' in html
    # Everything else they typed is still there.
    if field != "area":
        assert 'value="Andheri West"' in html
    assert VisitRequest.objects.count() == 0
    assert Message.objects.count() == 0


def test_caregiver_must_give_their_own_details(client):
    data = caregiver_form_data(caregiver_name="", caregiver_phone="")
    response = client.post(BOOK, data)
    assert response.status_code == 200
    assert "Enter your name." in response.content.decode()
    assert "Enter your mobile number." in response.content.decode()
    assert VisitRequest.objects.count() == 0


def test_helper_fields_are_ignored_when_the_patient_fills_the_form(client):
    client.post(BOOK, form_data(caregiver_name="Someone Else", caregiver_phone="98200 99999"))
    visit_request = VisitRequest.objects.get()
    assert visit_request.caregiver_name == ""
    assert visit_request.caregiver_phone == ""


def test_markup_in_free_text_is_refused_and_echoed_escaped(client):
    response = client.post(BOOK, form_data(patient_name='<img src=x onerror="alert(1)">'))
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_first_dose_not_in_hospital_is_accepted_but_flagged_for_clinical_review(client):
    response = client.post(BOOK, form_data(first_dose_in_hospital="no"))
    visit_request = VisitRequest.objects.get()
    assert visit_request.needs_clinical_review is True
    page = client.get(response["Location"]).content.decode()
    assert "whether a home infusion is safe" in page


def test_earlier_reaction_is_flagged_for_clinical_review(client):
    client.post(BOOK, form_data(had_infusion_reaction="yes"))
    assert VisitRequest.objects.get().needs_clinical_review is True


def _day(days_ahead: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days_ahead)).isoformat()


def test_posting_the_same_form_twice_saves_once_and_shows_the_same_confirmation(client):
    data = form_data()
    first = client.post(BOOK, data)
    second = client.post(BOOK, data)
    assert first.status_code == second.status_code == 302
    assert VisitRequest.objects.count() == 1
    assert Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED, channel="sms").count() == 1
    page = client.get(second["Location"]).content.decode()
    assert VisitRequest.objects.get().reference in page


def test_back_and_send_again_shows_the_request_already_made_not_a_second(client):
    """Back puts the answers into a page with a fresh one-use token; sending them
    again (to see whether it went) must not book twice or message twice."""
    first = client.post(BOOK, form_data())
    again = client.post(BOOK, form_data())  # the same answers, a new token
    assert first.status_code == again.status_code == 302
    visit_request = VisitRequest.objects.get()
    assert Message.objects.filter(kind=MessageKind.REQUEST_RECEIVED, channel="sms").count() == 1
    assert visit_request.reference in client.get(again["Location"]).content.decode()


def test_the_same_answers_from_another_browser_are_never_shown_the_first_request(client):
    """Only the browser that sent a request is shown it again: someone elsewhere who
    types the same answers gets a request of their own, never the first's reference."""
    from django.test import Client

    first = client.post(BOOK, form_data())
    elsewhere = Client()
    again = elsewhere.post(BOOK, form_data())
    assert first.status_code == again.status_code == 302
    first_request, second_request = VisitRequest.objects.order_by("pk")
    page = elsewhere.get(again["Location"]).content.decode()
    assert second_request.reference in page
    assert first_request.reference not in page


def test_other_answers_or_a_request_already_handled_make_a_new_request(client):
    client.post(BOOK, form_data())
    client.post(BOOK, form_data(preferred_time="evening"))
    assert VisitRequest.objects.count() == 2
    VisitRequest.objects.update(status=Status.CONTACTED)
    client.post(BOOK, form_data())
    assert VisitRequest.objects.count() == 3


def test_the_same_answers_an_hour_later_are_a_new_request(client):
    with time_machine.travel(
        datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=False
    ) as t:
        client.post(BOOK, form_data())
        t.shift(datetime.timedelta(hours=1, minutes=1))
        client.post(BOOK, form_data())
    assert VisitRequest.objects.count() == 2


def test_honeypot_filled_in_saves_nothing(client):
    response = client.post(BOOK, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert VisitRequest.objects.count() == 0


def test_confirmation_page_without_a_request_goes_back_to_the_form(client):
    response = client.get(reverse("booking:received"))
    assert response.status_code == 302
    assert response["Location"] == BOOK


def test_rate_limit_per_ip_answers_429_with_a_friendly_page(client, settings):
    settings.BOOKING_RATE_LIMIT_IP = "3/h"
    for n in range(3):
        assert client.post(BOOK, form_data(patient_phone=f"98200 1234{n}")).status_code == 302
    response = client.post(BOOK, form_data(patient_phone="98200 12349", notes="Stairs, no lift."))
    assert response.status_code == 429
    html = response.content.decode()
    assert "We have had many requests from this connection" in html
    assert 'href="tel:' in html or "call us on" in html
    # Nothing typed is lost: the form comes back with every answer in it.
    assert 'value="Testina Fictional"' in html
    assert "Stairs, no lift." in html
    assert response["Cache-Control"] == "private, no-store"
    assert VisitRequest.objects.count() == 3


def test_rate_limit_per_phone_counts_every_way_of_typing_it(client, settings):
    settings.BOOKING_RATE_LIMIT_PHONE = "2/h"
    # Each a different request (other days), so none is the same answers sent again.
    for number, day in (("98200 12345", 1), ("+91 98200 12345", 2)):
        data = form_data(patient_phone=number, preferred_date=_day(day))
        assert client.post(BOOK, data).status_code == 302
    response = client.post(BOOK, form_data(patient_phone="098200 12345", preferred_date=_day(3)))
    assert response.status_code == 429
    assert VisitRequest.objects.count() == 2


def test_form_needs_a_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(BOOK, form_data())
    assert response.status_code == 403
    assert VisitRequest.objects.count() == 0


# --- the private link -----------------------------------------------------


def test_status_link_shows_the_request_privately(client):
    visit_request = VisitRequestFactory()
    response = client.get(status_path(visit_request))
    assert response.status_code == 200
    html = response.content.decode()
    assert visit_request.reference in html
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # The link holder may have forwarded it: no diagnosis or medicine shown.
    assert "Lung cancer" not in html
    assert "embrolizumab" not in html


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t.split(":")[0],
        lambda t: "not-a-token",
        lambda t: t.replace(t[1], "9", 1),
    ],
    ids=["altered signature", "truncated", "garbage", "altered payload"],
)
def test_a_tampered_link_shows_nothing_of_anyone(client, mangle):
    visit_request = VisitRequestFactory()
    other = VisitRequestFactory()
    response = client.get(
        reverse("booking:status", kwargs={"token": mangle(status_token(visit_request))})
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert "This link does not work" in html
    for r in (visit_request, other):
        assert r.reference not in html


def test_an_expired_link_gets_a_friendly_page(client, time_machine):
    visit_request = VisitRequestFactory()
    token = status_token(visit_request)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=181))
    response = client.get(reverse("booking:status", kwargs={"token": token}))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_link_stops_working_once_its_nonce_changes(client):
    visit_request = VisitRequestFactory()
    token = status_token(visit_request)
    VisitRequest.objects.filter(pk=visit_request.pk).update(link_nonce="changed")
    response = client.get(reverse("booking:status", kwargs={"token": token}))
    assert response.status_code == 404


def test_family_cancels_from_the_private_link_with_a_reason(client):
    visit_request = VisitRequestFactory()
    token = status_token(visit_request)
    cancel_url = reverse("booking:cancel", kwargs={"token": token})
    assert client.get(cancel_url).status_code == 200
    response = client.post(cancel_url, {"reason": "Treatment changed by the doctor"})
    assert response.status_code == 302
    visit_request.refresh_from_db()
    assert visit_request.status == Status.CANCELLED
    assert visit_request.closing_reason == "Treatment changed by the doctor"
    event = visit_request.events.get(to_status=Status.CANCELLED)
    assert event.actor_label == "family"
    assert event.note == "Treatment changed by the doctor"
    assert Message.objects.filter(visit_request=visit_request, kind=MessageKind.CANCELLED).exists()
    page = client.get(response["Location"]).content.decode()
    assert "is cancelled" in page


def test_cancelling_without_a_reason_is_refused_and_nothing_changes(client):
    visit_request = VisitRequestFactory()
    cancel_url = reverse("booking:cancel", kwargs={"token": status_token(visit_request)})
    response = client.post(cancel_url, {"reason": "  "})
    assert response.status_code == 400
    assert "why you are cancelling" in response.content.decode()
    visit_request.refresh_from_db()
    assert visit_request.status == Status.NEW


def test_cancelling_cancels_pending_reminders(client):
    visit_request = VisitRequestFactory(status=Status.SCHEDULED)
    reminder = Message.objects.create(
        subject=visit_request,
        kind=MessageKind.REMINDER_24H,
        channel="sms",
        audience="patient",
        recipient=visit_request.patient_phone,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    cancel_url = reverse("booking:cancel", kwargs={"token": status_token(visit_request)})
    client.post(cancel_url, {"reason": "No longer needed"})
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.CANCELLED


def test_each_visit_to_the_form_gets_its_own_one_use_token(client):
    import re

    first = client.get(BOOK).content.decode()
    second = client.get(BOOK).content.decode()  # the fields now come from the cache
    token = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
    assert token.search(first).group(1) != token.search(second).group(1)
    assert first.count('name="submission_token"') == second.count('name="submission_token"') == 1
    for name in ("patient_name", "pin_code", "consent", "preferred_date"):
        assert f'name="{name}"' in second


def test_the_form_is_in_each_visitors_language_whatever_was_rendered_before(client):
    """The empty form's fields are cached per language; a form with errors is built afresh."""
    for _round in range(2):
        assert "Send request" in client.get(BOOK).content.decode()
        assert "अनुरोध भेजें" in client.get("/hi/book/").content.decode()
    assert "अनुरोध भेजें" in client.post("/hi/book/", form_data(pin_code="1")).content.decode()
    assert "Send request" in client.post(BOOK, form_data(pin_code="1")).content.decode()


def test_the_kept_empty_form_carries_a_working_csrf_token_on_every_visit():
    import re

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    pages = [browser.get(BOOK).content.decode() for _ in range(2)]
    csrf = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p).group(1) for p in pages]
    token = [re.search(r'name="submission_token" value="([^"]+)"', p).group(1) for p in pages]
    assert csrf[0] != csrf[1]
    assert token[0] != token[1]
    assert "@@" not in pages[1]
    data = form_data(submission_token=token[1], csrfmiddlewaretoken=csrf[1])
    assert browser.post(BOOK, data).status_code == 302
    assert VisitRequest.objects.count() == 1


def test_the_kept_form_page_never_hands_one_visitors_scheme_or_host_to_another(client):
    """The empty form is kept rendered per address; its links must be each visitor's own."""
    plain = client.get(BOOK).content.decode()
    secure = client.get(BOOK, secure=True).content.decode()
    other_host = client.get(BOOK, HTTP_HOST="localhost").content.decode()
    assert 'href="http://testserver/hi/book/"' in plain
    assert 'href="https://testserver/hi/book/"' in secure
    assert "http://testserver/" not in secure
    assert "testserver" not in other_host.split("<body")[0]


def test_errors_shown_to_one_visitor_never_mark_the_next_visitors_form(client):
    """A post is checked with the form class's own fields; only a copy is ever shown."""
    from django.core.cache import caches

    refused = client.post(BOOK, form_data(patient_name="", pin_code="110001"))
    assert "is-invalid" in refused.content.decode()
    assert client.post(BOOK, form_data()).status_code == 302
    caches["template_fragments"].clear()
    assert "is-invalid" not in client.get(BOOK).content.decode()
    again = client.post(BOOK, form_data(street=""))
    html = again.content.decode()
    assert re.search(r'<input[^>]*name="street"[^>]*is-invalid', html)
    assert not re.search(r'<input[^>]*name="patient_name"[^>]*is-invalid', html)


def test_a_booking_post_costs_four_inserts_in_one_transaction(
    client, django_capture_on_commit_callbacks
):
    """The served PIN codes come from the cache and nothing is read back: request,
    consent, event and messages are the only statements of a saved booking
    (from a browser that sent none before; one that did is asked first whether
    these are the same answers again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post(BOOK, form_data())  # the first post reads the areas and content types
    del client.cookies[RECEIVED_COOKIE]  # as a browser that never sent the form
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        # Another request (another day), so not the first one's answers sent again.
        assert client.post(BOOK, form_data(preferred_date=_day(4))).status_code == 302
    statements = [q["sql"].split(" ", 3)[:3] for q in queries.captured_queries]
    writes = [s for s in statements if s[0] in ("INSERT", "SELECT", "UPDATE", "DELETE")]
    assert [" ".join(s[:3]) for s in writes] == [
        'INSERT INTO "booking_visitrequest"',
        'INSERT INTO "booking_consent"',
        'INSERT INTO "booking_requestevent"',
        'INSERT INTO "outbox_message"',
    ]
    # The test's own transaction turns the one atomic block into a savepoint.
    assert len(queries) - len(writes) <= 2
