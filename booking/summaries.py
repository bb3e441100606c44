"""What the family asked for, in a few words for the confirmation and status pages.

Only what helps them check the request, and nothing a glance over a shoulder
should catch: the patient's first name (or "you"), the day and time of day,
the area (never the address), and when we will call.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from booking.models import Status, Submitter, VisitRequest
from booking.triage import response_due


@dataclass(frozen=True)
class RequestSummary:
    # True when the patient filled in the form: the page says "you".
    for_self: bool
    first_name: str
    preferred_date: datetime.date
    time_of_day: str
    area: str
    # When a coordinator will have called, while the request waits for that call.
    call_by: datetime.datetime | None


def first_name(full_name: str) -> str:
    words = full_name.split()
    return words[0] if words else ""


def request_summary(visit_request: VisitRequest) -> RequestSummary:
    call_by = None
    if visit_request.status == Status.NEW:
        call_by = response_due(visit_request.created_at)
        # A time already past (a next dose confirmed long after it was
        # proposed, or a late call) is no promise: the page says "soon".
        if call_by <= timezone.now():
            call_by = None
    return RequestSummary(
        for_self=visit_request.submitted_by == Submitter.PATIENT,
        first_name=first_name(visit_request.patient_name),
        preferred_date=visit_request.preferred_date,
        time_of_day=visit_request.get_preferred_time_display(),
        area=visit_request.area,
        call_by=call_by,
    )
