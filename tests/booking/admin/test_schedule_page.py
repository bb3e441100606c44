"""The schedule page: clashes named beside their fields, an override with a reason, the
visit's own length, and the timeline telling a move in words."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest

from booking import workflow
from booking.models import RequestEvent, Status
from tests.booking.admin.helpers import admin_url, flashes, ist, scheduled
from tests.booking.courses import course_of
from tests.factories import VisitRequestFactory

pytestmark = pytest.mark.django_db


def schedule(client, visit, **fields):
    data = {"date": "2026-12-04", "start_time": "11:00", "duration": "60", "note": ""}
    data.update(fields)
    return client.post(admin_url("schedule", visit.pk), data)


def field_row(html: str, name: str) -> str:
    """The form row of one field: its errors, label, input and help."""
    match = re.search(
        rf'<div class="form-row field-{name}[^"]*">(.*?)</div>\s*(?=<div class="form-row|</fieldset>)',
        html,
        re.S,
    )
    assert match, name
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_the_clash_is_named_beside_the_nurse_and_an_override_is_offered(coordinator_client, nurse):
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0), area="Andheri East")
    visit = VisitRequestFactory()
    page = coordinator_client.get(admin_url("schedule", visit.pk)).content.decode()
    # No clash yet, so no override to give.
    assert "Override reason" not in page
    assert '<input type="hidden" name="override_reason"' in page

    response = schedule(coordinator_client, visit, nurse=nurse.pk)
    assert response.status_code == 200
    html = response.content.decode()
    clash = f"Overlaps {booked.reference}, 10:00–12:00 in Andheri East"
    row = field_row(html, "nurse")
    assert 'class="errorlist' in row
    assert clash in row
    assert f'<a href="#id_nurse">Nurse: {clash}</a>' in html  # and in the summary
    assert "Override reason" in field_row(html, "override_reason")
    assert '<textarea name="override_reason"' in html
    assert hidden_value(html, "overridden") == f"overlap:{booked.reference}"
    visit.refresh_from_db()
    assert visit.status == Status.NEW

    # Given a reason for exactly those clashes, the visit is booked.
    response = schedule(
        coordinator_client,
        visit,
        nurse=nurse.pk,
        override_reason="Same building; the first visit ends early.",
        overridden=hidden_value(html, "overridden"),
    )
    assert response.status_code == 302, response.context["form"].errors
    visit.refresh_from_db()
    assert visit.status == Status.SCHEDULED
    note = visit.events.get().note
    assert "overlap with another visit" in note
    assert clash in note
    assert note.endswith("Reason: Same building; the first visit ends early.")


def test_a_reason_given_for_other_clashes_is_asked_for_again(coordinator_client, nurse):
    booked = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    visit = VisitRequestFactory()
    response = schedule(
        coordinator_client,
        visit,
        nurse=nurse.pk,
        override_reason="Typed before seeing the clash",
        overridden="",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["override_reason"] == [
        "The clashes changed since this reason was given: check them, then save again."
    ]
    assert booked.reference in errors["nurse"][0]
    visit.refresh_from_db()
    assert visit.status == Status.NEW


def test_an_out_of_hours_visit_is_refused_beside_its_start_time(coordinator_client, nurse):
    visit = VisitRequestFactory()
    response = schedule(
        coordinator_client, visit, start_time="23:30", duration="240", nurse=nurse.pk
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "Outside service hours (08:00–20:00 IST): 23:30–Sat 5 Dec 03:30"
    ]
    assert "Outside service hours" in field_row(response.content.decode(), "start_time")


def test_the_page_says_the_rules_it_checks(coordinator_client):
    page = coordinator_client.get(admin_url("schedule", VisitRequestFactory().pk))
    assert (
        "Visits are booked between 08:00 and 20:00 IST, with 45 minutes between one "
        "nurse's visits for travel"
    ) in unescape(page.content.decode())


def test_the_length_of_the_visit_comes_from_its_course(coordinator_client, nurse):
    course = course_of("Ipilimumab every 3 weeks, 4 doses")
    visit = VisitRequestFactory(course=course, cycle_number=2)
    page = coordinator_client.get(admin_url("schedule", visit.pk))
    form = page.context["form"]
    assert form.initial["duration"] == 150
    assert (150, "2 hours 30 minutes (this course's visit)") in form.fields["duration"].choices
    assert '<option value="150" selected>' in page.content.decode()

    response = schedule(coordinator_client, visit, duration="150", nurse=nurse.pk)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.scheduled_end - visit.scheduled_start == datetime.timedelta(minutes=150)
    # Without a course, the default length.
    assert (
        coordinator_client.get(admin_url("schedule", VisitRequestFactory().pk))
        .context["form"]
        .initial["duration"]
        == 120
    )


def test_a_reschedule_says_the_family_and_the_nurse_are_told(
    coordinator_client, nurse, other_nurse
):
    visit = scheduled(nurse, ist(2026, 12, 4, 10, 0))
    page = coordinator_client.get(admin_url("schedule", visit.pk))
    assert page.context["form"].initial["duration"] == 120
    response = schedule(
        coordinator_client, visit, start_time="14:00", duration="120", nurse=other_nurse.pk
    )
    assert response.status_code == 302
    assert (
        f"{visit.reference} moved to 04 Dec 2026 14:00 with Meera Fictional; "
        "the family and the nurse are told."
    ) in flashes(response)


def test_the_timeline_tells_a_move_in_words(coordinator_client, nurse, other_nurse):
    visit = VisitRequestFactory()
    RequestEvent.objects.create(
        request=visit, from_status="", to_status="new", actor_label="family"
    )
    start = ist(2026, 12, 4, 10, 0)
    workflow.visit_request_schedule(
        visit_request=visit,
        start=start,
        end=start + datetime.timedelta(hours=2),
        nurse=nurse,
        actor=None,
    )
    later = ist(2026, 12, 5, 11, 0)
    workflow.visit_request_schedule(
        visit_request=visit,
        start=later,
        end=later + datetime.timedelta(hours=2),
        nurse=other_nurse,
        actor=None,
    )
    workflow.visit_request_cancel(visit_request=visit, reason="Admitted", actor=None)
    html = coordinator_client.get(admin_url("change", visit.pk)).content.decode()
    timeline = html[html.index('id="events-group"') :]
    for words in (
        "Received",
        "Booked: Fri 4 Dec 10:00–12:00 IST; nurse Asha Fictional",
        "Moved: Fri 4 Dec 10:00 → Sat 5 Dec 11:00 IST; nurse Asha Fictional → Meera Fictional",
        "Scheduled → Cancelled",
    ):
        assert words in timeline, words
    for old_words in ("scheduled -&gt; scheduled", "- -&gt; new", "-&gt;"):
        assert old_words not in timeline
