"""The course pages of the request admin: match, start a course, correct, phone requests,
answer a family's request to move; each through its service, access-logged."""

from __future__ import annotations

import uuid

import pytest

from booking import change_requests
from booking.models import (
    AccessLog,
    ChangeRequest,
    ChangeRequestStatus,
    ConsentMethod,
    MessageKind,
    Status,
    VisitRequest,
)
from care.models import Patient, Regimen
from outbox.models import Message
from tests.booking.admin.helpers import TODAY, admin_url, changelist_url, flashes
from tests.factories import CourseFactory, PatientFactory, VisitRequestFactory, form_data

pytestmark = pytest.mark.django_db


def test_the_match_page_lists_possible_patients_and_links_only_the_one_chosen(
    coordinator_client, coordinator
):
    same = PatientFactory(full_name="Testina Fictional", phone="+919820012345")
    visit = VisitRequestFactory()

    page = coordinator_client.get(admin_url("patient", visit.pk))

    body = page.content.decode()
    assert page.status_code == 200
    assert "same mobile as the patient" in body
    assert "Someone new" in body
    visit.refresh_from_db()
    assert visit.patient is None  # looking links nothing

    response = coordinator_client.post(admin_url("patient", visit.pk), {"patient": str(same.pk)})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.patient == same
    assert AccessLog.objects.filter(request_ids=[visit.pk], page__contains="/patient/").exists()


def test_the_match_page_without_a_choice_says_so_next_to_the_field(coordinator_client):
    visit = VisitRequestFactory()
    response = coordinator_client.post(admin_url("patient", visit.pk), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Patient.objects.count() == 0


def test_a_course_is_started_from_the_request_page(coordinator_client, coordinator):
    visit = VisitRequestFactory(patient=PatientFactory())
    change = coordinator_client.get(admin_url("change", visit.pk))
    assert change.status_code == 200, change
    change_page = change.content.decode()
    assert admin_url("course", visit.pk) in change_page

    regimen = Regimen.objects.get(name="Nivolumab every 4 weeks")
    response = coordinator_client.post(
        admin_url("course", visit.pk),
        {
            "regimen": regimen.pk,
            "planned_cycles": "",
            "started_on": TODAY.isoformat(),
            "cycle_number": "1",
            "hospital": "Nowhere General",
            "oncologist": "Dr Placeholder",
        },
    )
    # Nivolumab has no fixed number of doses: the coordinator must say.
    assert response.status_code == 200
    assert "planned doses or an end date" in response.content.decode()

    response = coordinator_client.post(
        admin_url("course", visit.pk),
        {
            "regimen": regimen.pk,
            "planned_cycles": "12",
            "started_on": TODAY.isoformat(),
            "cycle_number": "1",
            "hospital": "Nowhere General",
            "oncologist": "Dr Placeholder",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.course.interval_days == 28
    # Started: the page no longer offers a form that would only be refused.
    again = coordinator_client.get(admin_url("course", visit.pk))
    assert again.status_code == 302
    assert flashes(again)[-1] == f"{visit.reference} is already part of a course of treatment."
    assert visit.course.planned_cycles == 12


def test_correcting_a_mistyped_phone_keeps_the_old_and_new_value(coordinator_client):
    visit = VisitRequestFactory()
    page = coordinator_client.get(admin_url("correct", visit.pk))
    assert page.status_code == 200
    initial = page.context["form"].initial
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data.update(patient_phone="98765 43210", reason="Told on the call")

    response = coordinator_client.post(admin_url("correct", visit.pk), data)

    assert response.status_code == 302, response.context["form"].errors
    visit.refresh_from_db()
    assert visit.patient_phone == "+919876543210"
    assert visit.events.last().changes == {"patient_phone": ["+919820012345", "+919876543210"]}


@pytest.mark.parametrize("page", ["correct", "by_phone"])
def test_the_staff_forms_ask_about_the_patient_and_the_helper_not_i_and_you(
    coordinator_client, page
):
    """A coordinator is neither the patient nor the helper: "I am the patient" and
    "Your name" are the public form's words, not hers."""
    url = (
        "/admin/booking/visitrequest/by-phone/"
        if page == "by_phone"
        else admin_url("correct", VisitRequestFactory().pk)
    )
    html = coordinator_client.get(url).content.decode()
    for public in ("I am the patient", "I am helping the patient", "Your name", "Your mobile"):
        assert public not in html, public
    assert "Helper&#x27;s name" in html or "Helper's name" in html
    assert "Someone helping" in html


def test_a_bad_phone_in_a_correction_is_refused_next_to_the_field(coordinator_client):
    visit = VisitRequestFactory()
    initial = coordinator_client.get(admin_url("correct", visit.pk)).context["form"].initial
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data.update(patient_phone="12345", reason="Told on the call")

    response = coordinator_client.post(admin_url("correct", visit.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors["patient_phone"]
    visit.refresh_from_db()
    assert visit.patient_phone == "+919820012345"
    assert visit.events.count() == 0


def test_a_coordinator_enters_a_request_taken_on_the_phone(coordinator_client, coordinator):
    listing = coordinator_client.get(changelist_url()).content.decode()
    assert admin_url("by_phone") in listing
    data = form_data(submission_token=str(uuid.uuid4()), language="hi")
    data.pop("website")

    response = coordinator_client.post(admin_url("by_phone"), data)

    assert response.status_code == 302
    visit = VisitRequest.objects.get()
    assert visit.language == "hi"
    assert visit.consent.method == ConsentMethod.PHONE
    assert visit.consent.recorded_by == coordinator
    assert "the family is sent the reference" in flashes(response)[0]


def test_a_phone_request_without_the_consent_tick_is_not_saved(coordinator_client):
    data = form_data(submission_token=str(uuid.uuid4()), language="en")
    data.pop("consent")
    response = coordinator_client.post(admin_url("by_phone"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    assert VisitRequest.objects.count() == 0


def test_a_nurse_cannot_open_the_course_pages(nurse_client, nurse):
    visit = VisitRequestFactory(nurse=nurse, status=Status.SCHEDULED)
    for name in ("patient", "course", "correct", "move_answer"):
        assert nurse_client.get(admin_url(name, visit.pk)).status_code == 403
    assert nurse_client.get(admin_url("by_phone")).status_code == 403


def test_the_family_asks_to_move_and_a_coordinator_answers(client, coordinator_client):
    visit = VisitRequestFactory(status=Status.CONTACTED)
    from booking.links import status_token

    token = status_token(visit)
    move_url = f"/request/{token}/move/"
    first = (TODAY.replace(day=10)).isoformat()
    response = client.post(
        move_url,
        {"first_choice": first, "time_of_day": "evening", "reason": "Hospital appointment"},
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.preferred_dates == [first]
    assert change.status == ChangeRequestStatus.OPEN
    # Asking twice is refused: the first is waiting.
    assert client.get(move_url).status_code == 302
    listing = coordinator_client.get(changelist_url(move="open"))
    assert [v.pk for v in listing.context["cl"].result_list] == [visit.pk]

    response = coordinator_client.post(
        admin_url("move_answer", visit.pk), {"answer": "No nurse is free that day; we will call."}
    )

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.DECLINED
    assert Message.objects.filter(subject_id=visit.pk, kind=MessageKind.CHANGE_ANSWERED).exists()
    status_page = client.get(f"/request/{token}/").content.decode()
    assert "No nurse is free that day" in status_page
    assert change_requests.open_change_request(visit) is None


def test_a_move_request_with_the_same_day_twice_or_no_reason_is_refused(client):
    visit = VisitRequestFactory(status=Status.NEW)
    from booking.links import status_token

    day = TODAY.replace(day=10).isoformat()
    response = client.post(
        f"/request/{status_token(visit)}/move/",
        {"first_choice": day, "second_choice": day, "reason": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_second_choice"' in body
    assert 'href="#id_reason"' in body
    assert ChangeRequest.objects.count() == 0


def test_the_course_page_lists_its_visits_cycle_by_cycle(coordinator_client):
    course = CourseFactory()
    for cycle in (1, 2):
        VisitRequestFactory(
            course=course, patient=course.patient, cycle_number=cycle, status="completed"
        )
    page = coordinator_client.get(f"/admin/care/course/{course.pk}/change/")
    assert page.status_code == 200
    assert page.content.decode().count("UH-TEST-") >= 2


def test_the_admin_home_counts_what_needs_someone_now(coordinator_client):
    VisitRequestFactory(status=Status.NEW)
    course = CourseFactory()
    VisitRequestFactory(status=Status.PROPOSED, course=course, patient=course.patient)

    page = coordinator_client.get("/admin/")

    counts = {item["label"]: item["count"] for item in page.context["counts"]}
    assert counts["New requests"] == 1
    assert counts["Course visits due to book"] == 1
    assert counts["Failed messages"] == 0
    assert "Needs someone now" in page.content.decode()


def test_a_nurse_does_not_get_the_coordinators_counts(nurse_client):
    page = nurse_client.get("/admin/")
    assert page.status_code == 200
    assert "Needs someone now" not in page.content.decode()
