"""The portal's own 400, 403 and 500 pages: in the visitor's language, with the support phone, no traceback."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from booking.models import VisitRequest
from tests.factories import ServiceAreaFactory, form_data
from tests.i18n.conftest import Document, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

# Words of a debug page or of the failure itself; none may reach a visitor.
INTERNALS = ["Traceback", "ValueError", "PermissionDenied", "DisallowedHost", "CSRF", "staff only"]


def _assert_error_page(response, status: int, language: str, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert Document(html).html_lang == language
    text = visible_text(html)
    assert heading in text
    assert f'href="tel:{settings.SUPPORT_PHONE}"' in html
    for word in INTERNALS:
        assert word not in text


def test_a_form_posted_without_its_csrf_token_gets_a_hindi_403_page():
    ServiceAreaFactory()
    response = Client(enforce_csrf_checks=True).post("/hi/book/", form_data())
    _assert_error_page(response, 403, "hi", "कृपया फ़ॉर्म फिर से भेजें")
    assert VisitRequest.objects.count() == 0


def test_the_csrf_page_is_in_marathi_under_mr():
    response = Client(enforce_csrf_checks=True).post("/mr/book/", form_data())
    _assert_error_page(response, 403, "mr", "कृपया फॉर्म पुन्हा पाठवा")


def test_permission_denied_gets_the_403_page_in_the_visitors_language():
    response = Client().get("/hi/test-errors/forbidden/")
    _assert_error_page(response, 403, "hi", "माफ़ कीजिए, आप यह पृष्ठ नहीं खोल सकते")


def test_a_host_we_do_not_serve_gets_the_400_page():
    response = Client().get("/guide/", HTTP_HOST="not-ours.example")
    _assert_error_page(response, 400, "en", "Sorry, we could not read that request")
    html = response.content.decode()
    # Search engines are pointed at our own address, never at the Host sent.
    assert "not-ours.example" not in html
    assert Document(html).alternates["en"] == f"{settings.SITE_URL}/guide/"


def test_the_400_page_for_a_bad_host_speaks_hindi_under_hi():
    response = Client().get("/hi/book/", HTTP_HOST="not-ours.example")
    _assert_error_page(response, 400, "hi", "माफ़ कीजिए, हम वह अनुरोध पढ़ नहीं सके")


def test_a_server_error_under_mr_shows_the_marathi_500_page():
    response = Client(raise_request_exception=False).get("/mr/test-errors/explode/")
    _assert_error_page(response, 500, "mr", "माफ करा, आमच्या बाजूने काहीतरी चुकले")
    assert "Savitribai" not in response.content.decode()


def test_a_server_error_in_english_shows_the_english_500_page():
    response = Client(raise_request_exception=False).get("/test-errors/explode/")
    _assert_error_page(response, 500, "en", "Sorry, something went wrong on our side")
