"""The scheduling rules (booking.scheduling), as the schedule service applies them.

Service hours, the travel buffer between one nurse's visits and overlaps:
each refused with the clash named, each accepted with a recorded reason.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import scheduling, workflow
from booking.models import Status
from tests.booking.courses import course_of
from tests.factories import CoordinatorFactory, NurseFactory, VisitRequestFactory
from tests.subprocesses import run_manage

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
H = datetime.timedelta(hours=1)


def ist(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=IST)


@pytest.fixture(autouse=True)
def _tuesday_morning(time_machine):
    time_machine.move_to(ist(2026, 12, 1, 10, 0), tick=False)


@pytest.fixture
def nurse():
    return NurseFactory(first_name="Asha", last_name="Fictional")


def book(visit, start, *, nurse, hours: float = 2, **extra):
    return workflow.visit_request_schedule(
        visit_request=visit,
        start=start,
        end=start + hours * H,
        nurse=nurse,
        actor=CoordinatorFactory(),
        **extra,
    )


def refusal(visit, start, *, nurse, hours: float = 2) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        book(visit, start, nurse=nurse, hours=hours)
    visit.refresh_from_db()
    # Nothing is saved: no status, no event, no message.
    assert visit.status == Status.NEW
    assert not visit.events.exists()
    assert not visit.messages.exists()
    return caught.value


# --- service hours -----------------------------------------------------------------


def test_a_visit_at_half_past_eleven_at_night_for_four_hours_is_refused(nurse):
    error = refusal(VisitRequestFactory(), ist(2026, 12, 3, 23, 30), nurse=nurse, hours=4)
    assert error.message_dict == {
        "start": ["Outside service hours (08:00–20:00 IST): 23:30–Fri 4 Dec 03:30"]
    }
    assert [e.code for e in error.error_dict["start"]] == ["hours"]


def test_an_open_checklist_and_a_broken_rule_are_said_at_once(nurse):
    """Both on the first try, not the hours first and the checklist after the override."""
    from django.core.exceptions import NON_FIELD_ERRORS

    visit = VisitRequestFactory(cleared=False)
    error = refusal(visit, ist(2026, 12, 3, 23, 30), nurse=nurse, hours=2)
    assert [e.code for e in error.error_dict["start"]] == ["hours"]
    assert [e.code for e in error.error_dict[NON_FIELD_ERRORS]] == ["not_ready"]
    # With a reason for the hours, the checklist alone still refuses.
    with pytest.raises(ValidationError) as caught:
        book(visit, ist(2026, 12, 3, 23, 30), nurse=nurse, override_reason="Family asked")
    assert list(caught.value.error_dict) == [NON_FIELD_ERRORS]


@pytest.mark.parametrize(
    ("start", "hours", "allowed"),
    [
        (ist(2026, 12, 3, 8, 0), 2, True),
        (ist(2026, 12, 3, 18, 0), 2, True),
        (ist(2026, 12, 3, 7, 30), 2, False),
        (ist(2026, 12, 3, 19, 0), 2, False),
    ],
)
def test_a_visit_starts_and_ends_within_service_hours(nurse, start, hours, allowed):
    visit = VisitRequestFactory()
    if allowed:
        book(visit, start, nurse=nurse, hours=hours)
    else:
        assert "Outside service hours" in refusal(visit, start, nurse=nurse).messages[0]


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"SERVICE_HOURS_START": "8am"},
            "SERVICE_HOURS_START and SERVICE_HOURS_END are times like 08:00",
        ),
        ({"SERVICE_HOURS_END": "07:00"}, "SERVICE_HOURS_END must be after SERVICE_HOURS_START"),
    ],
)
def test_malformed_service_hours_stop_the_app_at_start_up(env, said):
    result = run_manage("check", env={"DJANGO_DEBUG": "true", **env})
    assert result.returncode != 0
    assert said in result.stderr


def test_service_hours_come_from_the_settings(settings, nurse):
    settings.SERVICE_HOURS_START = "07:00"
    visit = book(VisitRequestFactory(), ist(2026, 12, 3, 7, 0), nurse=nurse)
    assert visit.status == Status.SCHEDULED


# --- one nurse's day ---------------------------------------------------------------------


def test_an_overlap_names_the_clashing_visit_its_time_and_area(nurse):
    booked = book(VisitRequestFactory(area="Andheri East"), ist(2026, 12, 3, 10, 0), nurse=nurse)
    error = refusal(VisitRequestFactory(), ist(2026, 12, 3, 11, 0), nurse=nurse)
    assert error.message_dict == {
        "nurse": [f"Overlaps {booked.reference}, 10:00–12:00 in Andheri East"]
    }
    assert [e.code for e in error.error_dict["nurse"]] == ["overlap"]


def test_back_to_back_visits_for_one_nurse_within_the_travel_buffer_are_refused(nurse):
    booked = book(VisitRequestFactory(area="Andheri East"), ist(2026, 12, 3, 10, 0), nurse=nurse)
    right_after = refusal(VisitRequestFactory(), ist(2026, 12, 3, 12, 0), nurse=nurse)
    assert right_after.message_dict == {
        "nurse": [
            f"Only 0 min after {booked.reference}, 10:00–12:00 in Andheri East "
            "(45 min are kept for travel)"
        ]
    }
    assert [e.code for e in right_after.error_dict["nurse"]] == ["travel"]
    just_before = refusal(VisitRequestFactory(), ist(2026, 12, 3, 8, 0), nurse=nurse, hours=1.5)
    assert just_before.messages == [
        f"Only 30 min before {booked.reference}, 10:00–12:00 in Andheri East "
        "(45 min are kept for travel)"
    ]
    # With the buffer kept, the same nurse is free.
    book(VisitRequestFactory(), ist(2026, 12, 3, 12, 45), nurse=nurse)


def test_the_travel_buffer_comes_from_the_settings(settings, nurse):
    settings.NURSE_TRAVEL_BUFFER_MINUTES = 0
    book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse)
    book(VisitRequestFactory(), ist(2026, 12, 3, 12, 0), nurse=nurse)


def test_every_broken_rule_is_listed_at_once(nurse):
    booked = book(VisitRequestFactory(area="Bandra West"), ist(2026, 12, 3, 18, 0), nurse=nurse)
    error = refusal(VisitRequestFactory(), ist(2026, 12, 3, 19, 0), nurse=nurse)
    assert error.message_dict == {
        "start": ["Outside service hours (08:00–20:00 IST): 19:00–21:00"],
        "nurse": [f"Overlaps {booked.reference}, 18:00–20:00 in Bandra West"],
    }


def test_other_nurses_visits_closed_visits_and_the_visits_own_time_never_clash(nurse):
    book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=NurseFactory())
    cancelled = book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse)
    workflow.visit_request_cancel(visit_request=cancelled, reason="Admitted", actor=None)
    visit = book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse)
    # Moving a visit by an hour is no clash with where it was.
    book(visit, ist(2026, 12, 3, 11, 0), nurse=nurse)


# --- overriding, with a reason ------------------------------------------------------------


def test_a_broken_rule_is_accepted_with_a_reason_which_the_event_keeps(nurse):
    booked = book(VisitRequestFactory(area="Andheri East"), ist(2026, 12, 3, 10, 0), nurse=nurse)
    visit = book(
        VisitRequestFactory(),
        ist(2026, 12, 3, 12, 0),
        nurse=nurse,
        override_reason="  Same building: Asha walks across.  ",
        note="Agreed with both families.",
    )
    assert visit.status == Status.SCHEDULED
    event = visit.events.get()
    assert event.note == (
        "Agreed with both families.\n"
        "Booked despite the rules on travel time between visits:\n"
        f"Only 0 min after {booked.reference}, 10:00–12:00 in Andheri East "
        "(45 min are kept for travel)\n"
        "Reason: Same building: Asha walks across."
    )


def test_an_out_of_hours_visit_overlapping_another_is_accepted_with_a_reason(nurse):
    booked = book(VisitRequestFactory(), ist(2026, 12, 3, 18, 0), nurse=nurse)
    visit = book(
        VisitRequestFactory(),
        ist(2026, 12, 3, 19, 0),
        nurse=nurse,
        override_reason="Only time the son is home; Meera covers the first visit.",
    )
    note = visit.events.get().note
    assert note.startswith(
        "Booked despite the rules on service hours, overlap with another visit:\n"
    )
    assert f"Overlaps {booked.reference}" in note
    assert "Outside service hours (08:00–20:00 IST): 19:00–21:00" in note
    assert note.endswith("Reason: Only time the son is home; Meera covers the first visit.")


def test_a_blank_reason_overrides_nothing(nurse):
    visit = VisitRequestFactory()
    with pytest.raises(ValidationError, match="Outside service hours"):
        book(visit, ist(2026, 12, 3, 23, 30), nurse=nurse, override_reason="   ")
    visit.refresh_from_db()
    assert visit.status == Status.NEW


def test_a_reason_is_not_recorded_when_no_rule_is_broken(nurse):
    visit = book(
        VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse, override_reason="Just in case"
    )
    assert visit.events.get().note == ""


def test_a_reschedule_that_changes_nothing_is_refused(nurse):
    visit = book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse)
    with pytest.raises(ValidationError, match="already booked at this time with this nurse"):
        book(visit, ist(2026, 12, 3, 10, 0), nurse=nurse)
    assert visit.events.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_rules_are_checked_under_the_nurses_row_lock(nurse):
    with CaptureQueriesContext(connection) as queries:
        book(VisitRequestFactory(), ist(2026, 12, 3, 10, 0), nurse=nurse)
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, s in enumerate(sql) if "auth_user" in s and "FOR UPDATE" in s)
    check = next(i for i, s in enumerate(sql) if '"scheduled_end" >' in s and '"nurse_id" =' in s)
    assert lock < check


# --- a visit's length ---------------------------------------------------------------------------


def test_a_visit_lasts_as_long_as_its_course_says(settings):
    course = course_of("Ipilimumab every 3 weeks, 4 doses")
    # 30 minutes to prepare, a 90-minute infusion, 30 minutes' observation.
    assert scheduling.visit_minutes(VisitRequestFactory(course=course)) == 150
    course.infusion_minutes = 60
    course.save()
    assert scheduling.visit_minutes(VisitRequestFactory(course=course)) == 120
    assert scheduling.visit_minutes(VisitRequestFactory()) == 120
    settings.DEFAULT_VISIT_MINUTES = 90
    assert scheduling.visit_minutes(VisitRequestFactory()) == 90
