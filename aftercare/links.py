"""A check-in's link: a signed token of the check-in's id and nonce, nothing personal.

It expires, and stops working when the nonce changes (erasure).
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from aftercare.models import CheckIn

_SALT = "aftercare.checkin-link"
MAX_AGE = timedelta(days=21)


class CheckInLinkInvalid(Exception):
    """The link was altered, has expired, or no longer opens a check-in."""


def checkin_token(checkin: CheckIn) -> str:
    return signing.dumps([checkin.pk, checkin.link_nonce], salt=_SALT)


def checkin_path(checkin: CheckIn) -> str:
    return reverse("aftercare:checkin", kwargs={"token": checkin_token(checkin)})


def checkin_from_token(token: str) -> CheckIn:
    try:
        pk, nonce = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
        checkin = CheckIn.objects.select_related("visit__course__regimen").get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, CheckIn.DoesNotExist) as exc:
        raise CheckInLinkInvalid from exc
    if not nonce or checkin.link_nonce != nonce:
        raise CheckInLinkInvalid
    return checkin
