"""Is this the same booking form sent again? A keyed hash of its answers.

The one-use token and the answers' hash tell a double click (same token, same
answers: the first request) from a replayed token (same token, other answers:
refused). The family's own browser sending the same answers again under a new
token (Back, then Send) is the request it already made, while that is still new.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.crypto import salted_hmac

from booking.models import Status, VisitRequest

# Within this long after a request, the same answers sent again are that request.
SAME_ANSWERS_AGAIN_WINDOW = datetime.timedelta(hours=1)


def submission_fingerprint(*, details: Mapping[str, Any], language: str) -> str:
    """A keyed hash of a form's answers: equal only for the same answers."""
    canonical = json.dumps(
        {"language": language, **{k: str(v) for k, v in details.items()}},
        sort_keys=True,
        ensure_ascii=False,
    )
    return salted_hmac("booking.submission", canonical, algorithm="sha256").hexdigest()


def sent_again(*, sent_before: int, fingerprint: str) -> VisitRequest | None:
    """The request this browser sent before (`sent_before`, from its confirmation
    cookie) if these are its answers again, it is recent and still new."""
    return VisitRequest.objects.filter(
        pk=sent_before,
        submission_fingerprint=fingerprint,
        status=Status.NEW,
        created_at__gte=timezone.now() - SAME_ANSWERS_AGAIN_WINDOW,
    ).first()
