"""The family's private link: a signed token naming the request and its nonce.

The token cannot be derived from the reference, expires, and stops working
when the request's nonce changes (after erasure, for example).
"""

from __future__ import annotations

from datetime import timedelta

from booking.models import VisitRequest
from uhapo.nonced_links import NoncedLink

MAX_AGE = timedelta(days=180)


class LinkInvalid(Exception):
    """The link was altered, has expired, or no longer opens a request."""


_LINK = NoncedLink(
    salt="booking.status-link",
    max_age=MAX_AGE,
    url_name="booking:status",
    rows=lambda: VisitRequest.objects.select_related("nurse__nurse_profile"),
    invalid=LinkInvalid,
)


def status_token(visit_request: VisitRequest) -> str:
    return _LINK.token(visit_request)


def status_path(visit_request: VisitRequest) -> str:
    return _LINK.path(visit_request)


def request_from_token(token: str) -> VisitRequest:
    return _LINK.row(token)
