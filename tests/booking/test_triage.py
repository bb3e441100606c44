"""When a new request is overdue: 2 working hours, counting only 8 am to 8 pm IST."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from booking.models import VisitRequest
from booking.triage import (
    format_wait,
    is_overdue,
    overdue_cutoff,
    overdue_requests,
    response_due,
    working_time_between,
)
from tests.factories import VisitRequestFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)
MIN = datetime.timedelta(minutes=1)


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (ist(2026, 12, 2, 9, 0), ist(2026, 12, 2, 11, 30), 2.5 * H),
        (ist(2026, 12, 2, 6, 0), ist(2026, 12, 2, 9, 0), 1 * H),
        (ist(2026, 12, 2, 19, 30), ist(2026, 12, 3, 9, 30), 2 * H),
        (ist(2026, 12, 2, 21, 0), ist(2026, 12, 3, 7, 59), 0 * H),
        (ist(2026, 12, 2, 8, 0), ist(2026, 12, 4, 8, 0), 24 * H),
        (ist(2026, 12, 2, 12, 0), ist(2026, 12, 2, 11, 0), 0 * H),
    ],
)
def test_working_time_counts_only_8am_to_8pm(start, end, expected):
    assert working_time_between(start, end) == expected


def test_request_at_1930_is_overdue_at_0930_next_day():
    """Half an hour the evening it came, an hour and a half the next morning."""
    created = ist(2026, 12, 2, 19, 30)
    assert not is_overdue(status="new", created_at=created, now=ist(2026, 12, 3, 9, 29))
    assert is_overdue(status="new", created_at=created, now=ist(2026, 12, 3, 9, 30))


def test_request_in_the_day_is_overdue_two_hours_later():
    created = ist(2026, 12, 2, 10, 15)
    assert not is_overdue(status="new", created_at=created, now=ist(2026, 12, 2, 12, 14))
    assert is_overdue(status="new", created_at=created, now=ist(2026, 12, 2, 12, 15))


def test_request_in_the_night_is_overdue_at_ten():
    created = ist(2026, 12, 2, 23, 40)
    assert not is_overdue(status="new", created_at=created, now=ist(2026, 12, 3, 9, 59))
    assert is_overdue(status="new", created_at=created, now=ist(2026, 12, 3, 10, 0))


def test_only_new_requests_are_overdue():
    created = ist(2026, 12, 1, 9, 0)
    now = ist(2026, 12, 3, 12, 0)
    assert is_overdue(status="new", created_at=created, now=now)
    for status in ("contacted", "scheduled", "completed", "cancelled", "declined"):
        assert not is_overdue(status=status, created_at=created, now=now)


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (ist(2026, 12, 3, 12, 0), ist(2026, 12, 3, 10, 0)),
        (ist(2026, 12, 3, 9, 30), ist(2026, 12, 2, 19, 30)),
        (ist(2026, 12, 3, 10, 0), ist(2026, 12, 3, 8, 0)),
        (ist(2026, 12, 3, 6, 0), ist(2026, 12, 2, 18, 0)),
        (ist(2026, 12, 3, 23, 0), ist(2026, 12, 3, 18, 0)),
    ],
)
def test_cutoff_is_two_working_hours_back(now, cutoff):
    assert overdue_cutoff(now) == cutoff
    # The cutoff and the working-time count agree.
    assert working_time_between(cutoff, now) == 2 * H


def test_cutoff_handles_targets_longer_than_a_day():
    now = ist(2026, 12, 3, 9, 0)
    cutoff = overdue_cutoff(now, target=13 * H)
    assert cutoff == ist(2026, 12, 2, 8, 0)
    assert working_time_between(cutoff, now) == 13 * H


def test_cutoff_works_with_utc_input():
    now = ist(2026, 12, 3, 9, 30).astimezone(datetime.UTC)
    assert overdue_cutoff(now) == ist(2026, 12, 2, 19, 30)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (0 * MIN, "0 min"),
        (45 * MIN, "45 min"),
        (3 * H + 10 * MIN, "3 h 10 min"),
        (2 * H, "2 h 0 min"),
        (52 * H + 59 * MIN, "2 d 4 h"),
        (-5 * MIN, "0 min"),
    ],
)
def test_format_wait(delta, text):
    assert format_wait(delta) == text


@pytest.mark.django_db
def test_the_overdue_filter_picks_exactly_the_requests_is_overdue_names():
    now = ist(2026, 12, 3, 9, 30)
    arrivals = [ist(2026, 12, 2, 19, 29), ist(2026, 12, 2, 19, 30), ist(2026, 12, 2, 19, 31)]
    for status in ("new", "contacted"):
        for created in arrivals:
            row = VisitRequestFactory(status=status)
            VisitRequest.objects.filter(pk=row.pk).update(created_at=created)
    rows = VisitRequest.objects.all()
    by_filter = set(rows.filter(overdue_requests(now)).values_list("pk", flat=True))
    by_check = {r.pk for r in rows if is_overdue(status=r.status, created_at=r.created_at, now=now)}
    assert by_filter == by_check
    assert len(by_filter) == 2


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (
            datetime.datetime(2026, 12, 2, 10, 0, tzinfo=IST),
            datetime.datetime(2026, 12, 2, 12, 0, tzinfo=IST),
        ),
        (
            datetime.datetime(2026, 12, 2, 19, 30, tzinfo=IST),
            datetime.datetime(2026, 12, 3, 9, 30, tzinfo=IST),
        ),
        (
            datetime.datetime(2026, 12, 2, 22, 15, tzinfo=IST),
            datetime.datetime(2026, 12, 3, 10, 0, tzinfo=IST),
        ),
        (
            datetime.datetime(2026, 12, 2, 6, 0, tzinfo=IST),
            datetime.datetime(2026, 12, 2, 10, 0, tzinfo=IST),
        ),
        (
            datetime.datetime(2026, 12, 2, 18, 0, tzinfo=IST),
            datetime.datetime(2026, 12, 2, 20, 0, tzinfo=IST),
        ),
    ],
)
def test_the_family_is_told_the_moment_the_request_would_become_overdue(received, due):
    """The time on the confirmation page is the overdue rule read forwards."""
    assert response_due(received) == due
    assert is_overdue(status="new", created_at=received, now=due)
    assert not is_overdue(
        status="new", created_at=received, now=due - datetime.timedelta(minutes=1)
    )
