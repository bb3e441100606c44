"""What one visitor sends can never close booking for another family, or show them
another family's request."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from booking.models import VisitRequest
from tests.factories import ServiceAreaFactory, form_data

pytestmark = pytest.mark.django_db

BOOK = "/book/"
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    ServiceAreaFactory(pin_code="400053", name="Andheri West")
    settings.TRUSTED_PROXY_COUNT = 1


def from_client(client, address: str, data: dict, **extra):
    """A POST as it arrives through nginx from `address`."""
    return client.post(BOOK, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address, **extra)


def test_each_client_behind_the_proxy_has_its_own_bucket(client, settings):
    settings.BOOKING_RATE_LIMIT_IP = "3/h"
    junk = {"patient_name": "x"}
    for _ in range(3):
        assert from_client(client, "127.0.0.2", junk).status_code == 200
    assert from_client(client, "127.0.0.2", junk).status_code == 429
    # Another family, through the same proxy, books as usual.
    assert from_client(client, "127.0.0.3", form_data()).status_code == 302


def test_a_spoofed_forwarded_header_does_not_escape_the_limit(client, settings):
    settings.BOOKING_RATE_LIMIT_IP = "2/h"
    junk = {"patient_name": "x"}
    for _ in range(2):
        from_client(client, "127.0.0.2", junk)
    # nginx appends the real address after whatever the client claimed.
    assert from_client(client, "127.0.0.9, 127.0.0.2", junk).status_code == 429


def test_invalid_posts_naming_a_familys_number_do_not_block_that_family(client, settings):
    settings.BOOKING_RATE_LIMIT_PHONE = "2/h"
    for n in range(6):
        # Someone else, from many addresses, posts junk with the family's number.
        response = from_client(
            client, f"127.0.1.{n}", form_data(patient_phone="98200 12345", pin_code="")
        )
        assert response.status_code == 200
    assert (
        from_client(client, "127.0.0.3", form_data(patient_phone="98200 12345")).status_code == 302
    )


def test_unparseable_numbers_share_no_bucket(client, settings):
    settings.BOOKING_RATE_LIMIT_PHONE = "1/h"
    for n in range(4):
        response = from_client(client, f"127.0.2.{n}", form_data(patient_phone=f"12{n}"))
        assert response.status_code == 200
        assert "patient_phone" in response.context["form"].errors


def test_saved_requests_for_one_number_are_limited(client, settings):
    from django.test import Client

    settings.BOOKING_RATE_LIMIT_PHONE = "2/h"
    # Three browsers (each its own cookies), three addresses, one number.
    for n in range(2):
        assert from_client(Client(), f"127.0.3.{n}", form_data()).status_code == 302
    assert from_client(Client(), "127.0.3.9", form_data()).status_code == 429
    assert VisitRequest.objects.count() == 2


def test_a_double_click_is_not_counted_twice_against_the_number(client, settings):
    settings.BOOKING_RATE_LIMIT_PHONE = "1/h"
    data = form_data()
    assert from_client(client, "127.0.0.2", data).status_code == 302
    assert from_client(client, "127.0.0.2", data).status_code == 302
    assert VisitRequest.objects.count() == 1


def test_a_token_sent_again_with_the_same_answers_shows_that_booking(client):
    data = form_data()
    first = from_client(client, "127.0.0.2", data)
    other_tab = from_client(client, "127.0.0.2", data)
    assert first.status_code == other_tab.status_code == 302
    page = client.get(other_tab["Location"]).content.decode()
    assert VisitRequest.objects.get().reference in page


def test_another_familys_token_is_refused_and_their_answers_kept(client, django_user_model):
    """A shared cached page handed two families one token: the second never sees the first."""
    token = form_data()["submission_token"]
    first_family = form_data(submission_token=token, patient_name="Testina Fictional")
    assert from_client(client, "127.0.0.2", first_family).status_code == 302
    first = VisitRequest.objects.get()

    from django.test import Client

    second_client = Client()
    second_family = form_data(
        submission_token=token, patient_name="Imaginara Madeup", patient_phone="98200 54321"
    )
    response = from_client(second_client, "127.0.0.3", second_family)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already been used to send a request" in html
    assert first.reference not in html
    assert "Testina" not in html
    # Their answers are still in the form, under a fresh token.
    assert 'value="Imaginara Madeup"' in html
    new_token = TOKEN.search(html).group(1)
    assert new_token != token
    assert "uhapo_received" not in response.cookies
    assert second_client.get(reverse("booking:received")).status_code == 302
    assert VisitRequest.objects.count() == 1
    # Sent again with the fresh token, it is saved as their own request.
    resend = from_client(
        second_client, "127.0.0.3", {**second_family, "submission_token": new_token}
    )
    assert resend.status_code == 302
    mine = VisitRequest.objects.exclude(pk=first.pk).get()
    assert mine.patient_name == "Imaginara Madeup"
    page = second_client.get(resend["Location"]).content.decode()
    assert mine.reference in page
    assert first.reference not in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_carrying_tokens_are_never_stored_by_a_cache(client, method):
    response = client.get(BOOK) if method == "get" else client.post(BOOK, {"patient_name": "x"})
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
