"""Erasing a family's check-ins with their request (withdrawal, retention).

Answers are personal health data: they go; the check-in rows keep their days,
result and times (like a request's statuses) so counts stay meaningful, and
their links stop working.
"""

from __future__ import annotations

import secrets

from aftercare.models import Answer, CheckIn, CheckInStatus, OutcomeEvent
from outbox.queueing import cancel_pending, messages_of

ERASED = "[erased]"


def checkins_erase(*, visit_request_id: int) -> None:
    """Inside the caller's transaction: stop, unlink and empty every check-in of a visit."""
    checkins = list(CheckIn.objects.select_for_update().filter(visit_id=visit_request_id))
    for checkin in checkins:
        cancel_pending(subject=checkin)
        messages_of(checkin).update(recipient=ERASED, last_error="")
        CheckIn.objects.filter(pk=checkin.pk).update(link_nonce=secrets.token_hex(8))
    CheckIn.objects.filter(visit_id=visit_request_id, status=CheckInStatus.WAITING).update(
        status=CheckInStatus.STOPPED
    )
    Answer.objects.filter(checkin__visit_id=visit_request_id).delete()
    OutcomeEvent.objects.filter(checkin__visit_id=visit_request_id).exclude(note="").update(
        note=ERASED
    )
