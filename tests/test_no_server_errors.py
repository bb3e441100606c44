"""No input, header, charset or query string gives a server error, public or admin.

Hypothesis throws arbitrary text (NUL, lone percent signs, invalid UTF-8,
right-to-left marks, very long values) at the public form, the private link's
pages and every admin list's filters and search. The test client re-raises
any exception a view lets through, so a failure shows its traceback; answers
of 400, 403, 404, 405 or 429 are all fine. Derandomised and bounded, so it
is the same few hundred requests on every run, well under a minute.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from booking.forms import VisitRequestForm
from booking.links import status_token
from booking.models import Status
from tests.auth import sign_in
from tests.factories import CoordinatorFactory, SuperuserFactory, VisitRequestFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("UHAPO_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=os.environ.get("UHAPO_FUZZ_EXAMPLES") is None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SERVER_ERROR = 500

# Text as a browser, a script or a bot may send it.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "%",
            "%ff%fe",
            "\ud7ff",
            "\u202e\u200b",
            "' OR 1=1 --",
            "=HYPERLINK(1)",
            "9" * 400,
            "x" * 6000,
            "2026-02-31",
            "-1",
            "1e309",
            "NaN",
            "[]",
            "{}",
        ]
    ),
)
# Raw query-string pieces, percent-encoded or not (the WSGI server hands them on as sent).
raw_piece = st.one_of(
    nasty_text.map(lambda text: quote(text, safe="")),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=20),
)

# Every field the form has, so a new one is fuzzed too.
BOOKING_FIELDS = list(VisitRequestForm.base_fields)
FAMILY_FIELDS = [
    "date",
    "time_of_day",
    "first_choice",
    "second_choice",
    "third_choice",
    "reason",
    "confirm",
]
CHARSETS = ["utf-8", "latin-1", "utf-16", "no-such-charset", "", "utf-8; boundary=x"]


def _query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in pairs)


def _fuzz_headers(language: str, forwarded: str) -> dict[str, str]:
    """Accept-Language, X-Forwarded-For and a cookie header, from the same text."""

    # WSGI headers are latin-1 strings; anything else could not reach Django at all.
    def latin(text: str) -> str:
        return text.encode("latin-1", "replace").decode("latin-1").replace("\x00", "")

    return {
        "HTTP_ACCEPT_LANGUAGE": latin(language),
        "HTTP_X_FORWARDED_FOR": latin(forwarded),
        "HTTP_COOKIE": f"sessionid={latin(forwarded)}; csrftoken={latin(language)}; {latin(language)}",
    }


@pytest.fixture
def family_paths() -> list[str]:
    """The private link's pages, for a new, a proposed and a scheduled visit, in each language."""
    paths = ["/book/", "/hi/book/", "/mr/book/", "/book/received/", "/privacy/"]
    for status in (Status.NEW, Status.PROPOSED, Status.SCHEDULED):
        token = status_token(VisitRequestFactory(status=status))
        for page in ("", "cancel/", "confirm/", "move/", "withdraw/"):
            paths.append(f"/request/{token}/{page}")
    paths.append("/request/not-a-token/")
    return paths


@FUZZ
@given(
    data=st.data(),
    values=st.dictionaries(st.sampled_from(BOOKING_FIELDS + FAMILY_FIELDS), nasty_text),
    charset=st.sampled_from(CHARSETS),
    language=nasty_text,
    forwarded=nasty_text,
)
@example(
    data=None,
    values={"patient_name": "\x00", "pin_code": "\x00", "notes": "a\x00b"},
    charset="utf-8",
    language="",
    forwarded="",
)
def test_public_forms_never_answer_500(family_paths, data, values, charset, language, forwarded):
    client = Client()
    paths = family_paths if data is None else [data.draw(st.sampled_from(family_paths))]
    for path in paths:
        content_type = "application/x-www-form-urlencoded"
        if charset:
            content_type += f"; charset={charset}"
        body = _query([(quote(k), quote(v, safe="")) for k, v in values.items()])
        response = client.generic(
            "POST", path, body, content_type=content_type, **_fuzz_headers(language, forwarded)
        )
        assert response.status_code < SERVER_ERROR, (path, values)
        query = _query([(quote(k), quote(v, safe="")) for k, v in values.items()])
        response = client.get(path, QUERY_STRING=query, **_fuzz_headers(language, forwarded))
        assert response.status_code < SERVER_ERROR, (path, query)


def _changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


@pytest.fixture
def admin_clients() -> list[Client]:
    """A coordinator (the triage list as she sees it) and a superuser (every list)."""
    VisitRequestFactory()
    VisitRequestFactory(status=Status.SCHEDULED)
    return [sign_in(Client(), CoordinatorFactory()), sign_in(Client(), SuperuserFactory())]


@pytest.fixture
def filter_parameters(admin_clients) -> dict[str, list[str]]:
    """For each admin list, every parameter its filters, search and date drill-down read."""
    found = {}
    for url in _changelists():
        response = admin_clients[1].get(url)
        changelist = response.context["cl"]
        names = {"q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters"}
        for spec in changelist.filter_specs:
            names.update(spec.expected_parameters())
        hierarchy = changelist.date_hierarchy
        if hierarchy:
            names.update(f"{hierarchy}__{part}" for part in ("year", "month", "day"))
        found[url] = sorted(names)
    return found


@FUZZ
@given(data=st.data())
def test_every_admin_list_filter_and_search_never_answers_500(
    admin_clients, filter_parameters, data
):
    url = data.draw(st.sampled_from(sorted(filter_parameters)))
    names = filter_parameters[url]
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(names).map(quote), raw_piece), min_size=1, max_size=4)
    )
    query = _query(pairs)
    for client in admin_clients:
        response = client.get(url, QUERY_STRING=query)
        assert response.status_code < SERVER_ERROR, (url, query)


@pytest.mark.parametrize("term", ["\x00", "a\x00", "\x00x"])
def test_a_search_holding_a_nul_is_an_answer_not_an_error(admin_clients, term):
    """PostgreSQL refuses a NUL in any string: the admin search drops it first."""
    for url in _changelists():
        response = admin_clients[1].get(url, {"q": term})
        assert response.status_code == 200, url


@pytest.mark.parametrize("year", ["9" * 40, "-1", "2026x", "", "9999"])
def test_a_date_drill_down_that_is_no_date_is_a_bad_request(admin_clients, year):
    """Django's date hierarchy overflowed on a 40-digit year: every such list answered 500."""
    for url in ("/admin/booking/visitrequest/", "/admin/axes/accessattempt/"):
        for client in admin_clients:
            hierarchy = "preferred_date" if "visitrequest" in url else "attempt_time"
            response = client.get(url, {f"{hierarchy}__year": year})
            assert response.status_code == 400, (url, year)
    good = admin_clients[0].get("/admin/booking/visitrequest/", {"preferred_date__year": "2026"})
    assert good.status_code == 200


def test_the_last_day_of_the_last_year_drills_down_without_an_error(admin_clients):
    last = {
        "preferred_date__year": "9998",
        "preferred_date__month": "12",
        "preferred_date__day": "31",
    }
    assert admin_clients[0].get("/admin/booking/visitrequest/", last).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_days_visits_page_takes_any_date_without_an_error(admin_clients, day):
    response = admin_clients[0].get("/admin/booking/visitrequest/visits/", {"date": day})
    assert response.status_code == 200


@FUZZ
@given(token=nasty_text, page=st.sampled_from(["", "cancel/", "confirm/", "move/", "withdraw/"]))
def test_a_private_link_with_any_token_never_answers_500(token, page):
    client = Client()
    path = f"/request/{quote(token, safe='') or 'x'}/{page}"
    for method in ("GET", "POST"):
        response = client.generic(method, path)
        assert response.status_code < SERVER_ERROR, (method, path)
