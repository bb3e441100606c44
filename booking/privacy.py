"""Privacy: the notice the family consents to, withdrawal, erasure, retention and the access log.

Everything here writes in one transaction per request and never copies
personal details anywhere else (logs, events, the access log).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftercare.erasure import checkins_erase
from booking.messages import STOPPED_WHEN_CLOSED, tell_nurse_visit_is_off
from booking.models import (
    AccessAction,
    AccessLog,
    CallAttempt,
    Consent,
    RequestEvent,
    Status,
    VisitRequest,
)
from booking.workflow import (
    CLOSED_STATUSES,
    actor_label_for,
    locked,
    move_status,
    record_event,
    staff_note,
)
from care.models import Course, CourseStatus, Patient, PatientHelper
from clearance.documents import clearance_erase
from outbox.queueing import cancel_pending, messages_of

logger = logging.getLogger(__name__)
ERASED = "[erased]"


@dataclass(frozen=True)
class Notice:
    version: str
    text: str
    sha256: str


# Every version's text, as the family read it, one file per language:
# `<version>.<language>.txt`. A published version's files never change, so a
# consent's hash can be checked against its version for as long as it is kept.
NOTICES_DIR = Path(__file__).resolve().parent / "notices"


def rendered_notice_text(language: str) -> str:
    """The notice as the form and the privacy page show it now, as plain text."""
    with translation.override(language):
        html = render_to_string("booking/includes/consent_text.html")
    return " ".join(strip_tags(html).split())


@lru_cache(maxsize=16)
def notice_for(language: str, version: str) -> Notice:
    """The notice of that version in that language, from its frozen text."""
    text = (NOTICES_DIR / f"{version}.{language}.txt").read_text(encoding="utf-8").strip()
    return Notice(version=version, text=text, sha256=hashlib.sha256(text.encode()).hexdigest())


def current_notice(language: str | None = None) -> Notice:
    return notice_for(
        language or translation.get_language() or "en", settings.PRIVACY_NOTICE_VERSION
    )


def consent_matches_notice(consent: Consent) -> bool:
    """Whether a consent's hash is that of its notice version's text in the request's language."""
    try:
        notice = notice_for(consent.request.language, consent.notice_version)
    except FileNotFoundError:
        return False
    return secrets.compare_digest(notice.sha256, consent.notice_sha256)


# --- personal data ------------------------------------------------------------

# Everything that names, locates or describes the patient's health. What
# stays (reference, statuses, dates, PIN code, nurse) keeps counts and
# timelines meaningful without pointing at a person.
_ERASE_TO_BLANK = (
    "patient_phone",
    "patient_email",
    "caregiver_name",
    "caregiver_relationship",
    "caregiver_phone",
    "caregiver_email",
    "address_line",
    "street",
    "area",
    "landmark",
    "cancer_type",
    "medicine",
    "medicine_other",
    "oncologist_name",
    "hospital_name",
    "notes",
    "closing_reason",
    "handover_notes",
)


def _anonymise(visit_request: VisitRequest, *, now: datetime.datetime) -> None:
    fields: dict[str, Any] = dict.fromkeys(_ERASE_TO_BLANK, "")
    fields.update(
        patient_name=ERASED,
        patient_birth_year=None,
        first_dose_in_hospital=False,
        had_infusion_reaction=False,
        has_prescription=False,
        needs_clinical_review=False,
        # Every private link sent so far stops working.
        link_nonce=secrets.token_hex(8),
        anonymised_at=now,
        updated_at=now,
    )
    VisitRequest.objects.filter(pk=visit_request.pk).update(**fields)
    messages_of(visit_request).update(recipient=ERASED, last_error="")
    # Staff notes, and the old and new values of a change, may quote the
    # family; the moves themselves stay.
    RequestEvent.objects.filter(request=visit_request).exclude(note="").update(note=ERASED)
    RequestEvent.objects.filter(request=visit_request).exclude(changes={}).update(changes={})
    # A call's note may name who answered; when and how it went stay.
    CallAttempt.objects.filter(request=visit_request).exclude(note="").update(note=ERASED)
    # Symptom check-ins: answers are health data; invitations stop, links die.
    checkins_erase(visit_request_id=visit_request.pk)
    # The prescription and reports the family sent, and the checklist's notes.
    clearance_erase(visit_request, erased=ERASED)


@transaction.atomic
def visit_request_withdraw_consent(
    *, visit_request: VisitRequest, actor: User | None
) -> VisitRequest:
    """The family takes back their consent: stop everything and erase their details.

    Pending messages are cancelled, an open request is cancelled, personal
    fields are erased in place and the consent is marked withdrawn, all at
    once. No acknowledgement is sent: we no longer hold an address for it.
    The nurse of a booked visit is told it left her list (her address is
    staff's, not the family's).
    """
    visit_request = locked(visit_request)
    if visit_request.anonymised_at is not None:
        return visit_request
    now = timezone.now()
    label = actor_label_for(actor, "family")
    _withdraw_one(visit_request, actor=actor, label=label, now=now)
    patient = visit_request.patient
    if patient is not None:
        # Consent is the person's, not one visit's: every other visit of the
        # patient (a proposed next cycle among them) and the patient's record go too.
        others = VisitRequest.objects.select_for_update().filter(
            patient=patient, anonymised_at__isnull=True
        )
        for other in others.exclude(pk=visit_request.pk):
            _withdraw_one(other, actor=actor, label=label, now=now)
        _erase_patient(patient, now=now)
    if actor is not None:
        access_log_record(actor=actor, action=AccessAction.WITHDRAW, requests=[visit_request])
    visit_request.refresh_from_db()
    return visit_request


def _erase_patient(patient: Patient, *, now: datetime.datetime) -> None:
    """The patient's record keeps its courses (the clinical record), without who it was."""
    Patient.objects.filter(pk=patient.pk).update(
        full_name=ERASED, birth_year=None, phone="", email="", anonymised_at=now
    )
    PatientHelper.objects.filter(patient=patient).delete()
    courses = Course.objects.filter(patient=patient)
    courses.update(handover_notes="")
    Course.history.filter(id__in=courses.values("pk")).update(handover_notes="")


def _withdraw_one(
    visit_request: VisitRequest, *, actor: User | None, label: str, now: datetime.datetime
) -> None:
    was_scheduled = visit_request.status == Status.SCHEDULED
    # Everything stops but a nurse being told the visit left her list.
    cancel_pending(subject=visit_request, kinds=STOPPED_WHEN_CLOSED)
    if visit_request.is_open:
        move_status(
            visit_request,
            Status.CANCELLED,
            actor=actor,
            actor_label=label,
            note=staff_note(gettext_lazy("Consent withdrawn.")),
        )
        visit_request.save(update_fields=["status", "closed_at", "updated_at"])
    _anonymise(visit_request, now=now)
    # Written after the erasure, which blanks earlier notes.
    record_event(
        visit_request,
        from_status=visit_request.status,
        to_status=visit_request.status,
        actor=actor,
        actor_label=label,
        note=staff_note(gettext_lazy("Consent withdrawn; personal details erased.")),
    )
    tell_nurse_visit_is_off(visit_request, was_scheduled=was_scheduled)
    Consent.objects.filter(request=visit_request).update(withdrawn_at=now)


def visit_requests_anonymise_expired(*, now: datetime.datetime | None = None) -> int:
    """Erase the personal details of requests closed more than DATA_RETENTION_DAYS ago.

    Open requests are never touched; running it twice changes nothing.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.DATA_RETENTION_DAYS)
    expired = VisitRequest.objects.filter(
        status__in=CLOSED_STATUSES, anonymised_at__isnull=True, closed_at__lte=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for pk in expired.iterator(chunk_size=500):
        with transaction.atomic():
            visit_request = VisitRequest.objects.select_for_update().get(pk=pk)
            if visit_request.anonymised_at is None and visit_request.status in CLOSED_STATUSES:
                _anonymise(visit_request, now=now)
                record_event(
                    visit_request,
                    from_status=visit_request.status,
                    to_status=visit_request.status,
                    actor=None,
                    actor_label="system",
                    note=_("Personal details erased after the retention period."),
                )
                count += 1
    # A patient none of whose visits keeps personal details any more, and
    # with no active course, is erased as well.
    done = Patient.objects.filter(anonymised_at__isnull=True).exclude(
        visits__anonymised_at__isnull=True
    )
    for patient in done.exclude(courses__status=CourseStatus.ACTIVE).iterator(chunk_size=500):
        with transaction.atomic():
            _erase_patient(patient, now=now)
    if count:
        logger.info("retention: erased personal details of %s request(s)", count)
    return count


def access_log_record(
    *,
    actor: User,
    action: str,
    requests: Iterable[VisitRequest],
    page: str = "",
) -> AccessLog:
    """Append who saw or exported which requests, on which page. Ids and references only."""
    rows = list({r.pk: r for r in requests}.values())
    return AccessLog.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        action=action,
        request_ids=[r.pk for r in rows],
        references=" ".join(r.reference for r in rows),
        page=page[:200],
    )
