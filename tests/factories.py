"""Factories with obviously fictional people (no real patient data anywhere)."""

from __future__ import annotations

import datetime
import uuid

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from booking.models import (
    Consent,
    Medicine,
    Recipient,
    ServiceArea,
    Submitter,
    TimeOfDay,
    VisitRequest,
)
from care.models import Course, Patient, Regimen


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("pin_code",)

    pin_code = "400053"
    name = "Andheri West"
    city = "Mumbai"


def _join_groups(user, create: bool, names) -> None:
    if create:
        for name in names:
            user.groups.add(Group.objects.get_or_create(name=name)[0])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Test"
    last_name = "Staffer"
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.uhapo.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        _join_groups(self, create, extracted or ())


class NurseFactory(UserFactory):
    username = factory.Sequence(lambda n: f"nurse{n}")
    first_name = factory.Iterator(["Asha", "Meera", "Sunita"])

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        _join_groups(self, create, ["Nurses"] if extracted is None else extracted)


class CoordinatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"coordinator{n}")
    first_name = "Coral"

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        _join_groups(self, create, ["Coordinators"] if extracted is None else extracted)


def _reference(n: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    a, b = divmod(n, len(alphabet))
    return f"UH-TEST-{alphabet[a % len(alphabet)]}{alphabet[b]}ZZ"


class VisitRequestFactory(factory.django.DjangoModelFactory):
    """A request as workflow.visit_request_create would leave it (no messages)."""

    class Meta:
        model = VisitRequest
        skip_postgeneration_save = True

    reference = factory.Sequence(_reference)
    submission_token = factory.LazyFunction(uuid.uuid4)
    link_nonce = factory.Sequence(lambda n: f"nonce{n:011d}")
    submitted_by = Submitter.PATIENT
    patient_name = "Testina Fictional"
    patient_birth_year = 1960
    patient_phone = "+919820012345"
    patient_email = "testina@example.com"
    message_recipient = Recipient.PATIENT
    address_line = "Flat 12, Imaginary Heights"
    street = "Example Road"
    area = "Andheri West"
    pin_code = "400053"
    service_area = factory.SubFactory(ServiceAreaFactory)
    cancer_type = "Lung cancer"
    medicine = Medicine.PEMBROLIZUMAB
    oncologist_name = "Dr Placeholder"
    hospital_name = "Nowhere General Hospital"
    first_dose_in_hospital = True
    had_infusion_reaction = False
    has_prescription = True
    preferred_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    preferred_time = TimeOfDay.MORNING

    consent = factory.RelatedFactory(
        "tests.factories.ConsentFactory", factory_related_name="request"
    )

    @factory.post_generation
    def cleared(self, create, extracted, **kwargs):
        """Every readiness item cleared, as a coordinator would (cleared=False: left open)."""
        if create and extracted is not False:
            clear_checklist(self)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    notice_version = "2026-11-01"
    notice_sha256 = "0" * 64
    given_at = factory.LazyFunction(timezone.now)


def form_data(**overrides: object) -> dict[str, object]:
    """A complete, valid booking form as a patient fills it in."""
    data: dict[str, object] = {
        "submission_token": str(uuid.uuid4()),
        "website": "",
        "submitted_by": "patient",
        "patient_name": "Testina Fictional",
        "patient_birth_year": "1960",
        "patient_phone": "98200 12345",
        "patient_email": "testina@example.com",
        "address_line": "Flat 12, Imaginary Heights",
        "street": "Example Road",
        "area": "Andheri West",
        "landmark": "",
        "pin_code": "400053",
        "cancer_type": "Lung cancer",
        "medicine": "pembrolizumab",
        "medicine_other": "",
        "oncologist_name": "Dr Placeholder",
        "hospital_name": "Nowhere General Hospital",
        "first_dose_in_hospital": "yes",
        "had_infusion_reaction": "no",
        "has_prescription": "yes",
        "preferred_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "preferred_time": "morning",
        "notes": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def caregiver_form_data(**overrides: object) -> dict[str, object]:
    data = form_data(
        submitted_by="caregiver",
        caregiver_name="Fictional Son",
        caregiver_relationship="son",
        caregiver_phone="+91 98200 54321",
        caregiver_email="son@example.com",
        message_recipient="both",
    )
    data.update(overrides)
    return data


# --- content: guide pages ----------------------------------------------------


class PageFactory(factory.django.DjangoModelFactory):
    """A published guide page with made-up text; the real pages come from content/seed."""

    class Meta:
        model = "content.Page"

    title = factory.Sequence(lambda n: f"Test page {n}")
    slug = factory.Sequence(lambda n: f"test-page-{n}")
    summary = "A short test summary."
    body = "Some **test** text.\n\n## A heading\n\nMore text."
    order = factory.Sequence(lambda n: 10_000 + n)
    is_published = True
    last_reviewed = datetime.date(2026, 11, 1)
    next_review_due = datetime.date(2027, 5, 1)
    reviewer = "Test reviewer"


# --- staff triage (admin) ---------------------------------------------------------


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    first_name = "Ada"
    last_name = "Administrator"
    is_superuser = True


class MessageFactory(factory.django.DjangoModelFactory):
    """An outbox row; pass status="failed" for one staff can resend."""

    class Meta:
        model = "outbox.Message"
        exclude = ("request",)

    # The visit request it is about; stored as the generic subject.
    request = factory.SubFactory(VisitRequestFactory)
    subject_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(VisitRequest))
    subject_id = factory.SelfAttribute("request.pk")
    kind = "received"
    channel = "sms"
    audience = "patient"
    recipient = "+919820012345"
    due_at = factory.LazyFunction(timezone.now)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    full_name = "Testina Fictional"
    birth_year = 1960
    phone = "+919820012345"
    email = "testina@example.com"


class CourseFactory(factory.django.DjangoModelFactory):
    """Pembrolizumab every 3 weeks (from the seeded catalogue), 35 doses."""

    class Meta:
        model = Course

    patient = factory.SubFactory(PatientFactory)
    regimen = factory.LazyFunction(lambda: Regimen.objects.get(name="Pembrolizumab every 3 weeks"))
    interval_days = 21
    infusion_minutes = 30
    planned_cycles = 35
    hospital = "Nowhere General Hospital"
    oncologist = "Dr Placeholder"
    started_on = factory.LazyFunction(timezone.localdate)


# --- clearance: the readiness checklist ------------------------------------------


def clear_checklist(
    visit: VisitRequest,
    *,
    start: datetime.datetime | None = None,
    by=None,
    taken_on: datetime.date | None = None,
) -> None:
    """Clear every item of the visit's checklist still open for `start`, as staff would have.

    Rows written directly, as factories do (no events, which tests count):
    blood tests taken on `taken_on` (today, or the day of `start`), the
    prescription valid for a year from that day, the go-ahead by phone today.
    """
    from clearance import readiness
    from clearance.models import GoAheadMethod, Item, ReadinessCheck

    if not visit.is_open or visit.anonymised_at is not None:
        return
    today = timezone.localdate()
    day = readiness.visit_day(visit, start)
    # Today, unless the test books a day of its own (which may be far ahead).
    test_day = day if start is not None else min(today, day)
    by = by or UserFactory(username="checklist-clerk", first_name="Clara", last_name="Checker")
    rows = []
    for state in readiness.checklist(visit, start=start):
        if state.cleared:
            continue
        fields: dict[str, object] = {"given_by": "Dr Placeholder", "note": "Reviewed on a call."}
        if state.item == Item.PRESCRIPTION:
            fields.update(evidence_date=today, valid_until=day + datetime.timedelta(days=365))
        elif state.item == Item.BLOOD_TEST:
            fields.update(blood_test=state.blood_test, evidence_date=taken_on or test_day)
        elif state.item == Item.GO_AHEAD:
            fields.update(evidence_date=today, method=GoAheadMethod.CALL)
        rows.append(ReadinessCheck(visit=visit, item=state.item, checked_by=by, **fields))
    ReadinessCheck.objects.bulk_create(rows)
