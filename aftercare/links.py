"""A check-in's link: a signed token of the check-in's id and nonce, nothing personal.

It expires, and stops working when the nonce changes (erasure).
"""

from __future__ import annotations

from datetime import timedelta

from aftercare.models import CheckIn
from uhapo.nonced_links import NoncedLink

MAX_AGE = timedelta(days=21)


class CheckInLinkInvalid(Exception):
    """The link was altered, has expired, or no longer opens a check-in."""


_LINK = NoncedLink(
    salt="aftercare.checkin-link",
    max_age=MAX_AGE,
    url_name="aftercare:checkin",
    rows=lambda: CheckIn.objects.select_related("visit__course__regimen"),
    invalid=CheckInLinkInvalid,
)


def checkin_token(checkin: CheckIn) -> str:
    return _LINK.token(checkin)


def checkin_path(checkin: CheckIn) -> str:
    return _LINK.path(checkin)


def checkin_from_token(token: str) -> CheckIn:
    return _LINK.row(token)
