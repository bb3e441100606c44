"""Every page that answers GET answers HEAD the same way, with no body (monitors, link checkers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLResolver, get_resolver, reverse

from aftercare.links import checkin_token
from aftercare.services import checkin_start_by_family
from booking.links import status_token
from booking.models import Status
from tests.auth import sign_in
from tests.factories import CoordinatorFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "hi", "mr"]
# Providers' endpoints, not pages: their methods are tested in tests/outbox/test_receipts.py.
WEBHOOKS = {"outbox:sms_webhook", "outbox:whatsapp_webhook"}


def _route_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def public_urls() -> dict[str, str]:
    """One English address for every public route, by route name."""
    token = status_token(VisitRequestFactory())
    checkin = checkin_token(
        checkin_start_by_family(visit_request=VisitRequestFactory(status=Status.COMPLETED))
    )
    return {
        "healthz": "/healthz",
        "robots_txt": "/robots.txt",
        "sitemap": "/sitemap.xml",
        "content:home": "/",
        "content:guide": "/guide/",
        "content:page": "/guide/what-is-immunotherapy/",
        "booking:request": "/book/",
        # No booking cookie: a redirect back to the form.
        "booking:received": "/book/received/",
        "booking:status": f"/request/{token}/",
        "booking:cancel": f"/request/{token}/cancel/",
        "booking:withdraw": f"/request/{token}/withdraw/",
        # Not a proposed visit: a redirect to its status page.
        "booking:confirm": f"/request/{token}/confirm/",
        "booking:move": f"/request/{token}/move/",
        "booking:erased": "/request/erased/",
        "booking:privacy": "/privacy/",
        "booking:areas": "/areas/",
        # Redirects to the first screen not yet answered.
        "aftercare:checkin": f"/checkin/{checkin}/",
        "aftercare:group": f"/checkin/{checkin}/bowels/",
        # Not yet answered: a redirect to the check-in.
        "aftercare:result": f"/checkin/{checkin}/result/",
        "aftercare:checkin_card": f"/checkin/{checkin}/card/",
        # A GET goes back to the private page; only its button (a POST) opens a check-in.
        "aftercare:start": f"/request/{token}/checkin/",
        "aftercare:request_card": f"/request/{token}/card/",
        "clearance:send": f"/request/{token}/documents/",
    }


def test_every_public_route_is_in_the_head_check(public_urls):
    """A new public URL must be added here, so HEAD is checked for it too."""
    routes = set(_route_names(get_resolver().url_patterns)) - WEBHOOKS
    assert sorted(routes) == sorted(public_urls)


@pytest.mark.parametrize("language", LANGUAGES)
def test_head_answers_with_the_status_of_get_and_an_empty_body(client, public_urls, language):
    for name, path in public_urls.items():
        if ":" not in name and language != "en":
            continue  # healthz, robots.txt and the sitemap have no language
        if ":" in name and language != "en":
            path = f"/{language}{path}"
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code, path
        assert head.status_code in {200, 302}, path
        assert head.get("Content-Type") == get.get("Content-Type"), path
        assert head.content == b"", path


def test_head_on_healthz_is_200():
    """Load balancers and uptime monitors often probe with HEAD."""
    from django.test import Client

    assert Client().head("/healthz").status_code == 200


def test_staff_workflow_pages_answer_head(client):
    sign_in(client, CoordinatorFactory())
    visit_request = VisitRequestFactory(status=Status.CONTACTED)
    for name in ["schedule", "contacted", "cancel", "erase"]:
        url = reverse(f"admin:booking_visitrequest_{name}", args=[visit_request.pk])
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == get.status_code == 200, name
        assert head.content == b"", name
    visits = reverse("admin:booking_visitrequest_visits")
    assert client.head(visits).status_code == client.get(visits).status_code == 200
