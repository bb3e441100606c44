"""Who a request is for, matched only when staff confirm; corrections and phone requests
leave events with old and new values."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from booking import corrections, patients
from booking.models import Audience, ConsentMethod, MessageKind, Status, VisitRequest
from booking.privacy import current_notice
from care.models import Patient, PatientHelper, Regimen
from outbox.models import Channel, Message, MessageStatus
from tests.booking.test_services import details
from tests.factories import (
    CoordinatorFactory,
    CourseFactory,
    PatientFactory,
    VisitRequestFactory,
)

pytestmark = pytest.mark.django_db
IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NOW = datetime.datetime(2026, 12, 7, 11, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


def test_a_returning_patient_is_found_by_mobile_and_by_name_and_year_but_not_linked():
    by_phone = PatientFactory(full_name="Someone Else Fictional", phone="+919820012345")
    by_name = PatientFactory(full_name="Testina Fictional", birth_year=1960, phone="+919811111111")
    PatientFactory(full_name="Testina Fictional", birth_year=1971, phone="+919822222222")
    visit = VisitRequestFactory(patient_phone="+919820012345", patient_name="testina fictional")

    found = {c.patient: c.reasons for c in patients.patient_candidates(visit)}

    assert set(found) == {by_phone, by_name}
    assert "same mobile as the patient" in found[by_phone]
    assert "same name and year of birth" in found[by_name]
    visit.refresh_from_db()
    assert visit.patient is None


def test_a_helpers_mobile_finds_the_patient_too():
    patient = PatientFactory(phone="+919811111111")
    PatientHelper.objects.create(patient=patient, name="Helper Fictional", phone="+919833333333")
    visit = VisitRequestFactory(
        patient_phone="+919844444444", patient_name="Other", caregiver_phone="+919833333333"
    )
    assert [c.patient for c in patients.patient_candidates(visit)] == [patient]


def test_confirming_a_match_joins_the_active_course_as_its_next_cycle(coordinator):
    course = CourseFactory()
    VisitRequestFactory(course=course, patient=course.patient, cycle_number=1, status="completed")
    VisitRequestFactory(course=course, patient=course.patient, cycle_number=2, status="completed")
    visit = VisitRequestFactory()

    patients.visit_request_attach_patient(
        visit_request=visit, patient=course.patient, actor=coordinator
    )

    visit.refresh_from_db()
    assert (visit.patient, visit.course, visit.cycle_number) == (course.patient, course, 3)
    event = visit.events.last()
    assert event.changes["cycle_number"] == [None, 3]
    assert event.actor == coordinator


def test_someone_new_gets_a_patient_record_with_the_helper(coordinator):
    visit = VisitRequestFactory(
        submitted_by="caregiver",
        caregiver_name="Daughter Fictional",
        caregiver_relationship="daughter",
        caregiver_phone="+919833333333",
    )

    patients.visit_request_attach_patient(visit_request=visit, patient=None, actor=coordinator)

    patient = Patient.objects.get()
    assert patient.full_name == visit.patient_name
    assert patient.phone == visit.patient_phone
    assert patient.helpers.get().phone == "+919833333333"
    with pytest.raises(ValidationError):
        patients.visit_request_attach_patient(visit_request=visit, patient=None, actor=coordinator)


def test_a_course_starts_from_a_linked_request(coordinator):
    visit = VisitRequestFactory()
    with pytest.raises(ValidationError):
        patients.course_start(
            visit_request=visit,
            regimen=Regimen.objects.get(name="Ipilimumab every 3 weeks, 4 doses"),
            started_on=datetime.date(2026, 12, 1),
            cycle_number=1,
            hospital="Nowhere General",
            oncologist="Dr Placeholder",
            actor=coordinator,
        )
    patients.visit_request_attach_patient(visit_request=visit, patient=None, actor=coordinator)

    course = patients.course_start(
        visit_request=visit,
        regimen=Regimen.objects.get(name="Ipilimumab every 3 weeks, 4 doses"),
        started_on=datetime.date(2026, 12, 1),
        cycle_number=1,
        hospital="Nowhere General",
        oncologist="Dr Placeholder",
        actor=coordinator,
    )

    assert (course.interval_days, course.infusion_minutes, course.planned_cycles) == (21, 90, 4)
    visit.refresh_from_db()
    assert visit.course == course
    assert visit.cycle_number == 1


def test_a_correction_records_old_and_new_values_and_messages_follow_the_new_number(
    coordinator,
):
    visit = VisitRequestFactory(status=Status.NEW)
    pending = Message.objects.create(
        subject=visit,
        kind=MessageKind.REQUEST_RECEIVED,
        channel=Channel.SMS,
        audience=Audience.PATIENT,
        recipient=visit.patient_phone,
        language="en",
        due_at=NOW,
    )

    corrections.visit_request_correct(
        visit_request=visit,
        details={"patient_phone": "+919876543210", "address_line": "Flat 21, Imaginary Heights"},
        reason="The daughter gave the right number on the call",
        actor=coordinator,
    )

    visit.refresh_from_db()
    assert visit.patient_phone == "+919876543210"
    event = visit.events.last()
    assert event.changes == {
        "patient_phone": ["+919820012345", "+919876543210"],
        "address_line": ["Flat 12, Imaginary Heights", "Flat 21, Imaginary Heights"],
    }
    assert "right number" in event.note
    pending.refresh_from_db()
    assert pending.recipient == "+919876543210"
    assert pending.status == MessageStatus.PENDING


def test_a_correction_to_a_pin_we_do_not_serve_changes_nothing(coordinator):
    visit = VisitRequestFactory()
    with pytest.raises(ValidationError) as raised:
        corrections.visit_request_correct(
            visit_request=visit, details={"pin_code": "110001"}, reason="moved", actor=coordinator
        )
    assert "pin_code" in raised.value.message_dict
    visit.refresh_from_db()
    assert visit.pin_code == "400053"
    assert visit.events.count() == 0


def test_a_correction_needs_a_reason_and_a_change(coordinator):
    visit = VisitRequestFactory()
    with pytest.raises(ValidationError):
        corrections.visit_request_correct(
            visit_request=visit, details={"area": "Bandra"}, reason=" ", actor=coordinator
        )
    with pytest.raises(ValidationError):
        corrections.visit_request_correct(
            visit_request=visit, details={"area": visit.area}, reason="x", actor=coordinator
        )


def test_a_request_taken_on_the_phone_records_consent_by_phone_and_who_took_it(coordinator):
    token = uuid.uuid4()

    visit, created = corrections.phone_request_create(
        details=details(),
        submission_token=token,
        language="mr",
        notice=current_notice("mr"),
        actor=coordinator,
    )

    assert created
    assert visit.language == "mr"
    assert visit.consent.method == ConsentMethod.PHONE
    assert visit.consent.recorded_by == coordinator
    notes = [e.note for e in visit.events.all()]
    assert any("phone" in note for note in notes)
    messages = Message.objects.filter(subject_id=visit.pk)
    assert set(messages.filter(status=MessageStatus.PENDING).values_list("kind", flat=True)) == {
        MessageKind.REQUEST_RECEIVED
    }
    again, created_again = corrections.phone_request_create(
        details=details(),
        submission_token=token,
        language="mr",
        notice=current_notice("mr"),
        actor=coordinator,
    )
    assert again == visit
    assert not created_again
    assert VisitRequest.objects.count() == 1


def test_withdrawing_consent_erases_every_visit_of_the_patient_and_the_patient(coordinator):
    from booking import cycles, privacy

    course = CourseFactory()
    PatientHelper.objects.create(
        patient=course.patient, name="Daughter Fictional", phone="+919833333333"
    )
    course.handover_notes = "Reaction in cycle 1 (Testina)"
    course.save()
    done = VisitRequestFactory(
        course=course, patient=course.patient, cycle_number=1, status=Status.COMPLETED
    )
    proposed = cycles.propose_next(visit_request=done, actor=None)
    assert proposed is not None

    privacy.visit_request_withdraw_consent(visit_request=proposed, actor=None)

    done.refresh_from_db()
    proposed.refresh_from_db()
    assert done.anonymised_at
    assert proposed.anonymised_at
    assert proposed.status == Status.CANCELLED
    assert done.patient_phone == ""
    assert proposed.patient_phone == ""
    patient = Patient.objects.get(pk=course.patient.pk)
    assert (patient.full_name, patient.phone, patient.anonymised_at is not None) == (
        "[erased]",
        "",
        True,
    )
    assert not PatientHelper.objects.exists()
    assert not course.history.exclude(handover_notes="").exists()
    assert patients.patient_candidates(VisitRequestFactory()) == []


def test_a_course_cannot_start_after_the_visit_that_is_one_of_its_doses(coordinator):
    visit = VisitRequestFactory(preferred_date=datetime.date(2026, 12, 5))
    patients.visit_request_attach_patient(visit_request=visit, patient=None, actor=coordinator)
    with pytest.raises(ValidationError) as refused:
        patients.course_start(
            visit_request=visit,
            regimen=Regimen.objects.get(name="Ipilimumab every 3 weeks, 4 doses"),
            started_on=datetime.date(2027, 6, 1),
            cycle_number=1,
            hospital="Nowhere General",
            oncologist="Dr Placeholder",
            actor=coordinator,
        )
    assert (
        "cannot start after this visit (5 Dec 2026)" in refused.value.message_dict["started_on"][0]
    )
    visit.refresh_from_db()
    assert visit.course is None


def test_retention_erases_a_patient_once_every_visit_is_erased_and_no_course_runs():
    from booking import privacy
    from care.models import CourseStatus

    course = CourseFactory(status=CourseStatus.FINISHED)
    VisitRequestFactory(
        course=course,
        patient=course.patient,
        cycle_number=1,
        status=Status.COMPLETED,
        closed_at=NOW - datetime.timedelta(days=800),
    )
    privacy.visit_requests_anonymise_expired()
    patient = Patient.objects.get(pk=course.patient.pk)
    assert patient.anonymised_at is not None
    assert patient.phone == ""
