"""Consent, withdrawal, retention and the access log (India's DPDP Act 2023 and Rules 2025)."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from booking import privacy, workflow
from booking.links import status_token
from booking.models import AccessLog, Consent, MessageKind, RequestEvent, Status, VisitRequest
from booking.privacy import current_notice
from outbox.models import Message, MessageStatus
from tests.factories import (
    CoordinatorFactory,
    ServiceAreaFactory,
    VisitRequestFactory,
    caregiver_form_data,
)

pytestmark = pytest.mark.django_db

PERSONAL = (
    "Testina",
    "Fictional",
    "9820012345",
    "9820054321",
    "testina@example.com",
    "son@example.com",
    "Imaginary Heights",
    "Example Road",
    "Lung cancer",
    "Dr Placeholder",
    "Nowhere General",
)


def test_privacy_notice_page_is_linked_from_the_footer_and_the_consent_box(client):
    form = client.get("/book/").content.decode()
    privacy_url = reverse("booking:privacy")
    assert form.count(f'href="{privacy_url}"') >= 2
    page = client.get(privacy_url)
    assert page.status_code == 200
    assert "Version 2026-12-02" in page.content.decode()


def test_consent_stores_the_notice_version_and_the_hash_of_its_exact_text(client):
    ServiceAreaFactory()
    client.post("/book/", caregiver_form_data())
    consent = Consent.objects.get()
    notice = current_notice("en")
    assert consent.notice_version == "2026-12-02"
    assert consent.notice_sha256 == hashlib.sha256(notice.text.encode()).hexdigest()
    assert "What we collect" in notice.text
    # The text hashed is the text the form showed.
    assert "only to check that a home infusion is safe" in client.get("/book/").content.decode()
    assert abs(consent.given_at - timezone.now()) < datetime.timedelta(minutes=1)


# The hashes of the first notice, 2026-11-01, as families agreed to it in each
# language (the form's box, its "Read the full privacy notice" link included).
FIRST_NOTICE_SHA256 = {
    "en": "15c71b5a2ea596d1490038f8523c2d835bac426f0590d879fcc43b76bb3ddd92",
    "hi": "9e386865d2c4bd97ebf7debfa841176c353c62ed6163baa431db6cc3eca48f10",
    "mr": "5105c42610c7519a4779a3f97eff9fddc7b0a864328f428ff084f029adbc89f9",
}


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_an_earlier_notice_version_stays_verifiable_after_the_wording_changed(language):
    """A consent to an earlier version still matches that version's text, word for word."""
    old = privacy.notice_for(language, "2026-11-01")
    assert old.sha256 == FIRST_NOTICE_SHA256[language]
    assert current_notice(language).version != "2026-11-01"
    visit_request = VisitRequestFactory(language=language, consent=None)
    consent = Consent.objects.create(
        request=visit_request,
        notice_version="2026-11-01",
        notice_sha256=FIRST_NOTICE_SHA256[language],
        given_at=timezone.now(),
    )
    assert privacy.consent_matches_notice(consent)
    consent.notice_sha256 = current_notice(language).sha256
    assert not privacy.consent_matches_notice(consent)
    consent.notice_version = "1999-01-01"
    assert not privacy.consent_matches_notice(consent)


@pytest.mark.parametrize("language", ["en", "hi", "mr"])
def test_the_notice_the_pages_show_is_the_frozen_text_of_the_current_version(language):
    """Changing the notice's wording or a translation without a new version fails here."""
    assert privacy.rendered_notice_text(language) == current_notice(language).text


def test_a_consent_given_on_the_form_matches_its_notice(client):
    ServiceAreaFactory()
    client.post("/hi/book/", caregiver_form_data())
    consent = Consent.objects.get()
    assert consent.request.language == "hi"
    assert privacy.consent_matches_notice(consent)


def test_the_privacy_page_speaks_as_a_page_and_the_form_as_a_form(client):
    """No "emails above" or "before you send this" where there is no form, and no link to itself."""
    page = client.get("/privacy/").content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert "Before you send this" not in main
    assert "emails above" not in main
    assert 'href="/privacy/"' not in main
    assert "given in the request form" in main
    form = client.get("/book/").content.decode()
    assert "Before you send this, please read how we use these details." in form
    assert "Read the full privacy notice" in form
    assert "given in the request form" in form


def _with_messages(visit_request):
    Message.objects.create(
        subject=visit_request,
        kind=MessageKind.REMINDER_24H,
        channel="sms",
        audience="patient",
        recipient=visit_request.patient_phone,
        due_at=timezone.now() + datetime.timedelta(days=1),
    )
    Message.objects.create(
        subject=visit_request,
        kind=MessageKind.REQUEST_RECEIVED,
        channel="email",
        audience="patient",
        recipient=visit_request.patient_email,
        due_at=timezone.now(),
        status=MessageStatus.SENT,
    )


def _assert_erased(visit_request):
    visit_request.refresh_from_db()
    row = str(list(VisitRequest.objects.filter(pk=visit_request.pk).values())[0])
    messages = str(list(Message.objects.filter(visit_request=visit_request).values()))
    events = str(list(RequestEvent.objects.filter(request=visit_request).values()))
    for detail in PERSONAL:
        assert detail not in row
        assert detail not in messages
        assert detail not in events
    assert visit_request.anonymised_at is not None
    # Counts and timelines survive.
    assert visit_request.reference.startswith("UH-")
    assert visit_request.events.exists()
    assert Message.objects.filter(visit_request=visit_request).count() == 2


def test_family_withdraws_consent_from_the_private_link(client):
    visit_request = VisitRequestFactory(
        caregiver_name="Fictional Son",
        caregiver_phone="+919820054321",
        caregiver_email="son@example.com",
        notes="Lung cancer, second floor, Dr Placeholder knows",
    )
    _with_messages(visit_request)
    token = status_token(visit_request)
    url = reverse("booking:withdraw", kwargs={"token": token})
    assert "erase" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:erased")

    visit_request.refresh_from_db()
    assert visit_request.status == Status.CANCELLED
    assert visit_request.consent.withdrawn_at is not None
    assert set(
        Message.objects.filter(visit_request=visit_request).values_list("status", flat=True)
    ) == {
        MessageStatus.CANCELLED,
        MessageStatus.SENT,
    }
    assert visit_request.events.filter(
        actor_label="family", note__contains="Consent withdrawn"
    ).exists()
    _assert_erased(visit_request)
    # No acknowledgement: there is no address left to send it to.
    assert not Message.objects.filter(
        visit_request=visit_request, kind=MessageKind.CANCELLED
    ).exists()
    # The old link no longer opens anything.
    assert client.get(reverse("booking:status", kwargs={"token": token})).status_code == 404


def test_withdrawal_is_all_or_nothing(monkeypatch):
    visit_request = VisitRequestFactory()
    _with_messages(visit_request)

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(privacy, "_anonymise", broken)
    with pytest.raises(DatabaseError):
        privacy.visit_request_withdraw_consent(visit_request=visit_request, actor=None)
    visit_request.refresh_from_db()
    assert visit_request.status == Status.NEW
    assert visit_request.anonymised_at is None
    assert (
        Message.objects.filter(visit_request=visit_request, status=MessageStatus.PENDING).count()
        == 1
    )


def test_staff_withdraw_on_a_familys_behalf_and_it_is_logged():
    coordinator = CoordinatorFactory()
    visit_request = VisitRequestFactory(status=Status.COMPLETED, closed_at=timezone.now())
    _with_messages(visit_request)
    privacy.visit_request_withdraw_consent(visit_request=visit_request, actor=coordinator)
    visit_request.refresh_from_db()
    assert visit_request.status == Status.COMPLETED  # closed requests keep their outcome
    _assert_erased(visit_request)
    assert AccessLog.objects.filter(actor=coordinator, action="withdraw").exists()


@pytest.mark.parametrize(("days", "erased"), [(364, False), (365, True), (366, True)])
def test_retention_erases_closed_requests_after_the_cutoff_exactly(days, erased, settings):
    settings.DATA_RETENTION_DAYS = 365
    now = timezone.now()
    visit_request = VisitRequestFactory(
        status=Status.COMPLETED, closed_at=now - datetime.timedelta(days=days)
    )
    assert privacy.visit_requests_anonymise_expired(now=now) == int(erased)
    visit_request.refresh_from_db()
    assert (visit_request.anonymised_at is not None) is erased


def test_retention_run_twice_changes_nothing_the_second_time():
    now = timezone.now()
    visit_request = VisitRequestFactory(
        status=Status.CANCELLED, closed_at=now - datetime.timedelta(days=400)
    )
    assert privacy.visit_requests_anonymise_expired(now=now) == 1
    visit_request.refresh_from_db()
    snapshot = list(VisitRequest.objects.filter(pk=visit_request.pk).values())
    events = visit_request.events.count()
    assert privacy.visit_requests_anonymise_expired(now=now + datetime.timedelta(hours=6)) == 0
    assert list(VisitRequest.objects.filter(pk=visit_request.pk).values()) == snapshot
    assert visit_request.events.count() == events


def test_retention_never_touches_open_requests():
    old = timezone.now() - datetime.timedelta(days=1000)
    for status in (Status.NEW, Status.CONTACTED, Status.SCHEDULED):
        VisitRequestFactory(status=status, closed_at=None)
    VisitRequest.objects.update(created_at=old)
    assert privacy.visit_requests_anonymise_expired() == 0
    assert not VisitRequest.objects.filter(anonymised_at__isnull=False).exists()


def test_closing_a_request_records_when_it_closed():
    visit_request = VisitRequestFactory()
    workflow.visit_request_cancel(visit_request=visit_request, reason="moved city", actor=None)
    visit_request.refresh_from_db()
    assert abs(visit_request.closed_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_access_log_holds_ids_and_references_only():
    coordinator = CoordinatorFactory()
    visit_requests = [VisitRequestFactory(), VisitRequestFactory()]
    entry = privacy.access_log_record(actor=coordinator, action="export", requests=visit_requests)
    stored = str(list(AccessLog.objects.filter(pk=entry.pk).values()))
    assert entry.request_ids == [r.pk for r in visit_requests]
    for detail in PERSONAL:
        assert detail not in stored


# --- logs -----------------------------------------------------------------


@pytest.fixture
def captured_logs():
    """The log output exactly as the configured handlers write it (with their filters)."""
    stream = io.StringIO()
    root = logging.getLogger()
    handlers = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "the root logger should have the configured console handler"
    originals = [h.setStream(stream) for h in handlers]
    yield stream
    for handler, original in zip(handlers, originals, strict=True):
        handler.setStream(original)


def test_an_error_in_the_booking_view_logs_no_patient_details(client, captured_logs, monkeypatch):
    ServiceAreaFactory()

    def explode(**kwargs):
        details = kwargs["details"]
        raise DatabaseError(
            f"could not save row for {details['patient_phone']} / {details['patient_email']} "
            f"(caregiver {details['caregiver_phone']})"
        )

    monkeypatch.setattr(workflow, "visit_request_create", explode)
    client.raise_request_exception = False
    response = client.post("/book/", caregiver_form_data())
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    output = captured_logs.getvalue()
    assert "Internal Server Error" in output
    assert "DatabaseError" in output
    for detail in (
        "9820012345",
        "98200 12345",
        "9820054321",
        "testina@example.com",
        "son@example.com",
        "Testina",
    ):
        assert detail not in output


def test_an_error_in_a_task_logs_no_patient_details(settings, captured_logs, time_machine):
    # A staff-sent SMS waits out quiet hours unsent: send it at 11:00 IST, whatever the hour.
    time_machine.move_to(
        datetime.datetime(2026, 12, 2, 11, 0, tzinfo=timezone.get_fixed_timezone(330))
    )

    class LeakySms:
        def send(self, *, to, body, idempotency_key, dlt):
            raise ConnectionError(f"gateway refused {to}: {body[:20]}")

    settings.SMS_BACKEND = f"{__name__}.LeakySmsBackend"
    globals()["LeakySmsBackend"] = LeakySms
    visit_request = VisitRequestFactory()
    message = Message.objects.create(
        subject=visit_request,
        kind=MessageKind.CANCELLED,
        channel="sms",
        audience="patient",
        recipient=visit_request.patient_phone,
        due_at=timezone.now(),
    )
    from outbox.tasks import deliver_messages

    deliver_messages.apply(args=[[message.pk]])
    output = captured_logs.getvalue()
    assert f"message {message.pk} attempt 1 failed" in output
    assert "9820012345" not in output
    message.refresh_from_db()
    assert "9820012345" not in message.last_error
