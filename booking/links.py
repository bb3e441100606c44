"""The family's private link: a signed token naming the request and its nonce.

The token cannot be derived from the reference, expires, and stops working
when the request's nonce changes (after erasure, for example).
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from booking.models import VisitRequest

_SALT = "booking.status-link"
MAX_AGE = timedelta(days=180)


class LinkInvalid(Exception):
    """The link was altered, has expired, or no longer opens a request."""


def status_token(visit_request: VisitRequest) -> str:
    return signing.dumps([visit_request.pk, visit_request.link_nonce], salt=_SALT)


def status_path(visit_request: VisitRequest) -> str:
    return reverse("booking:status", kwargs={"token": status_token(visit_request)})


def request_from_token(token: str) -> VisitRequest:
    try:
        pk, nonce = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
        visit_request = VisitRequest.objects.select_related("nurse__nurse_profile").get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, VisitRequest.DoesNotExist) as exc:
        raise LinkInvalid from exc
    if not nonce or visit_request.link_nonce != nonce:
        raise LinkInvalid
    return visit_request
