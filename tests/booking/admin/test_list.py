"""The request list: columns, filters and search."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Status
from tests.booking.admin.helpers import (
    NOW,
    TODAY,
    H,
    changelist_url,
    ist,
    listed,
    make_rows,
    received_at,
    scheduled,
)
from tests.factories import (
    ServiceAreaFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db


# --- the list -------------------------------------------------------------------------


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url())
    assert response.status_code == 200
    return len(queries), response


def test_list_query_count_does_not_grow_with_rows(coordinator_client):
    """The list costs a fixed number of SQL queries however many rows it shows."""
    make_rows(3)
    # Once first: Django keeps content types per process after the first lookup,
    # so the first page of a fresh process costs one query more, rows or not.
    _list_queries(coordinator_client)
    few, response = _list_queries(coordinator_client)
    assert len(response.context["cl"].result_list) == 3
    make_rows(27)
    many, response = _list_queries(coordinator_client)
    assert len(response.context["cl"].result_list) == 30
    assert many == few
    print(f"\nchangelist queries: {few} for 3 rows, {many} for 30 rows")


def test_list_shows_the_triage_columns(coordinator_client, nurse):
    new = VisitRequestFactory(
        patient_name="Ramesh Imaginary", area="Bandra West", pin_code="400050"
    )
    received_at(new, NOW - 3 * H - 10 * datetime.timedelta(minutes=1))
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    response = coordinator_client.get(changelist_url())
    html = response.content.decode()
    assert "Ramesh Imaginary" in html
    assert "Bandra West 400050" in html
    assert "3 h 10 min" in html
    assert 'class="uhapo-overdue"' in html
    assert "Asha Fictional" in html
    assert booked.reference in html
    assert "css/admin-triage." in html
    # The waiting request before the booked one, though it is older.
    refs = [obj.reference for obj in response.context["cl"].result_list]
    assert refs == [new.reference, booked.reference]


def test_list_puts_new_requests_oldest_first_then_contacted_then_the_rest_newest_first(
    coordinator_client, nurse
):
    """Overdue and waiting first: what needs a call now is at the top, not the bottom."""
    rows = {}
    for name, status, hours_ago in (
        ("new_recent", Status.NEW, 1),
        ("new_overdue", Status.NEW, 30),
        ("contacted_old", Status.CONTACTED, 50),
        ("contacted_recent", Status.CONTACTED, 2),
        ("completed_old", Status.COMPLETED, 70),
        ("cancelled_recent", Status.CANCELLED, 3),
    ):
        rows[name] = VisitRequestFactory(status=status)
        received_at(rows[name], NOW - hours_ago * H)
    response = coordinator_client.get(changelist_url())
    order = [obj.reference for obj in response.context["cl"].result_list]
    expected = [
        "new_overdue",
        "new_recent",
        "contacted_old",
        "contacted_recent",
        "cancelled_recent",
        "completed_old",
    ]
    assert order == [rows[name].reference for name in expected]


def test_a_column_header_still_sorts_the_list(coordinator_client):
    """The waiting-first order is only the default: sorting by a column replaces it."""
    names = ["Charu Fictional", "Anil Fictional", "Bela Fictional"]
    for name, status in zip(names, (Status.NEW, Status.COMPLETED, Status.CONTACTED), strict=True):
        VisitRequestFactory(patient_name=name, status=status)
    # Column 2 is the patient's name (1 is the reference).
    response = coordinator_client.get(changelist_url(o="2"))
    assert [obj.patient_name for obj in response.context["cl"].result_list] == sorted(names)


def test_list_says_review_in_words_not_a_tick(coordinator_client):
    """A green tick for "needs review" read as "all fine": the column says it in words."""
    VisitRequestFactory(patient_name="Review Fictional", needs_clinical_review=True)
    VisitRequestFactory(patient_name="Plain Fictional", needs_clinical_review=False)
    html = coordinator_client.get(changelist_url()).content.decode()
    assert "Needs review" in html
    assert "icon-yes.svg" not in html
    assert "icon-no.svg" not in html


def test_list_says_why_a_request_needs_review(coordinator_client):
    """The flag alone sends the coordinator into each request; the reasons are beside it."""
    VisitRequestFactory(
        patient_name="Reaction Fictional",
        first_dose_in_hospital=True,
        had_infusion_reaction=True,
        needs_clinical_review=True,
    )
    VisitRequestFactory(
        patient_name="Home Dose Fictional",
        first_dose_in_hospital=False,
        had_infusion_reaction=False,
        needs_clinical_review=True,
    )
    response = coordinator_client.get(changelist_url())
    columns = {
        obj.patient_name: response.context["cl"].model_admin.review_flag(obj)
        for obj in response.context["cl"].result_list
    }
    assert "A reaction to an infusion before" in columns["Reaction Fictional"]
    assert "first dose" not in columns["Reaction Fictional"]
    assert "The first dose was not given in hospital" in columns["Home Dose Fictional"]
    html = response.content.decode()
    assert "A reaction to an infusion before" in html
    assert "The first dose was not given in hospital" in html


# --- filters ------------------------------------------------------------------------------


def test_overdue_filter(coordinator_client):
    overdue_today = VisitRequestFactory()
    received_at(overdue_today, ist(2026, 12, 2, 7, 30))  # 8:00-10:00 counts: 2 h
    fresh = VisitRequestFactory()
    received_at(fresh, ist(2026, 12, 2, 8, 30))
    overdue_evening = VisitRequestFactory()
    received_at(overdue_evening, ist(2026, 12, 1, 19, 30))
    answered = VisitRequestFactory(status=Status.CONTACTED)
    received_at(answered, ist(2026, 12, 1, 9, 0))

    assert listed(coordinator_client.get(changelist_url(overdue="yes"))) == {
        overdue_today.reference,
        overdue_evening.reference,
    }
    assert listed(coordinator_client.get(changelist_url(overdue="no"))) == {
        fresh.reference,
        answered.reference,
    }


def test_status_and_clinical_review_filters(coordinator_client):
    new = VisitRequestFactory()
    contacted = VisitRequestFactory(status=Status.CONTACTED, needs_clinical_review=True)
    assert listed(coordinator_client.get(changelist_url(status__exact="contacted"))) == {
        contacted.reference
    }
    assert listed(coordinator_client.get(changelist_url(status__exact="new"))) == {new.reference}
    assert listed(coordinator_client.get(changelist_url(needs_clinical_review__exact="1"))) == {
        contacted.reference
    }


def test_preferred_date_filter_and_date_hierarchy(coordinator_client):
    rows = {
        day: VisitRequestFactory(preferred_date=day)
        for day in (
            TODAY,
            TODAY + datetime.timedelta(days=1),
            datetime.date(2026, 12, 5),
            datetime.date(2026, 12, 8),
            datetime.date(2026, 11, 28),
        )
    }
    ref = {day: obj.reference for day, obj in rows.items()}

    def found(value):
        return listed(coordinator_client.get(changelist_url(preferred=value)))

    assert found("today") == {ref[TODAY]}
    assert found("tomorrow") == {ref[datetime.date(2026, 12, 3)]}
    assert found("week") == {
        ref[TODAY],
        ref[datetime.date(2026, 12, 3)],
        ref[datetime.date(2026, 12, 5)],
    }
    assert found("next_week") == {ref[datetime.date(2026, 12, 8)]}
    assert found("past") == {ref[datetime.date(2026, 11, 28)]}
    by_day = coordinator_client.get(
        changelist_url(preferred_date__year=2026, preferred_date__month=12, preferred_date__day=8)
    )
    assert listed(by_day) == {ref[datetime.date(2026, 12, 8)]}


def test_scheduled_date_filter(coordinator_client, nurse):
    today = scheduled(nurse, ist(2026, 12, 2, 15, 0))
    tomorrow = scheduled(nurse, ist(2026, 12, 3, 9, 0))
    sunday = scheduled(nurse, ist(2026, 12, 6, 18, 0))
    next_week = scheduled(nurse, ist(2026, 12, 7, 9, 0))
    unscheduled = VisitRequestFactory()

    def found(value):
        return listed(coordinator_client.get(changelist_url(scheduled=value)))

    assert found("today") == {today.reference}
    assert found("tomorrow") == {tomorrow.reference}
    assert found("week") == {today.reference, tomorrow.reference, sunday.reference}
    assert found("next_week") == {next_week.reference}
    assert found("none") == {unscheduled.reference}


def test_area_nurse_and_medicine_filters(coordinator_client, nurse, other_nurse):
    bandra = ServiceAreaFactory(pin_code="400050")
    in_bandra = VisitRequestFactory(service_area=bandra, pin_code="400050", medicine="nivolumab")
    asha = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    meera = scheduled(other_nurse, ist(2026, 12, 4, 10, 0))

    assert listed(coordinator_client.get(changelist_url(service_area__id__exact=bandra.pk))) == {
        in_bandra.reference
    }
    assert listed(coordinator_client.get(changelist_url(nurse=nurse.pk))) == {asha.reference}
    assert listed(coordinator_client.get(changelist_url(nurse=other_nurse.pk))) == {meera.reference}
    assert listed(coordinator_client.get(changelist_url(nurse="none"))) == {in_bandra.reference}
    assert listed(coordinator_client.get(changelist_url(medicine="nivolumab"))) == {
        in_bandra.reference
    }


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "+919820012345",
        "98200 12345",
        "+91 98200-12345",
        "098200 12345",
        "919820012345",
        "9820012345",
    ],
)
def test_search_by_patient_phone_in_any_format(coordinator_client, typed):
    patient = VisitRequestFactory(patient_phone="+919820012345")
    VisitRequestFactory(patient_phone="+919833300000")
    assert listed(coordinator_client.get(changelist_url(q=typed))) == {patient.reference}


def test_search_by_caregiver_phone(coordinator_client):
    helped = VisitRequestFactory(
        patient_phone="+919833300000",
        caregiver_name="Fictional Son",
        caregiver_phone="+919876543210",
    )
    VisitRequestFactory()
    assert listed(coordinator_client.get(changelist_url(q="098765-43210"))) == {helped.reference}


def test_search_by_reference_and_name(coordinator_client):
    target = VisitRequestFactory(patient_name="Kamala Madeup", caregiver_name="Vikram Madeup")
    VisitRequestFactory(patient_name="Someone Else")
    reference = target.reference
    for typed in (
        reference,
        reference.lower(),
        reference.replace("-", "").lower(),
        "kamala",
        "Vikram",
    ):
        assert listed(coordinator_client.get(changelist_url(q=typed))) == {reference}, typed


def test_search_finds_a_name_whichever_apostrophe_was_typed(coordinator_client):
    """Phones type D’Souza (curly), desks D'Souza (straight): each finds the other."""
    curly = VisitRequestFactory(patient_name="Maria D’Souza")
    straight = VisitRequestFactory(patient_name="Anne D'Souza")
    for typed in ("D'Souza", "D’Souza"):
        found = coordinator_client.get(changelist_url(q=typed)).context["cl"].result_list
        assert {obj.pk for obj in found} == {curly.pk, straight.pk}, typed


def test_search_finds_a_reference_read_out_without_its_prefix(coordinator_client):
    visit = VisitRequestFactory(reference="UH-FTS6-7K5S")
    VisitRequestFactory(reference="UH-ABCD-EFGH")
    found = coordinator_client.get(changelist_url(q="FTS67K5S")).context["cl"].result_list
    assert [obj.pk for obj in found] == [visit.pk]


def test_search_finds_a_pin_code_or_an_area(coordinator_client):
    """A coordinator planning a round searches by PIN code or by the area's name."""
    bandra = VisitRequestFactory(
        area="Bandra West",
        pin_code="400050",
        service_area=ServiceAreaFactory(pin_code="400050", name="Bandra West"),
    )
    thane = VisitRequestFactory(
        area="Naupada",
        pin_code="400602",
        service_area=ServiceAreaFactory(pin_code="400602", name="Thane West"),
    )
    for typed, expected in (
        ("400050", {bandra.reference}),
        ("bandra", {bandra.reference}),
        ("400602", {thane.reference}),
        ("Naupada", {thane.reference}),
        # The served area's name, though the family typed another.
        ("thane west", {thane.reference}),
    ):
        assert listed(coordinator_client.get(changelist_url(q=typed))) == expected, typed
