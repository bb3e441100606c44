"""Signed links to one row that carry nothing personal: the row's id and its nonce.

A link expires after `max_age`, and stops working at once when the row's
`link_nonce` changes (erasure draws a new one, or blanks it). The family's
private link (booking.links) and a check-in's link (aftercare.links) are two
of these, each under its own salt, so one can never be used as the other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Generic, TypeVar

from django.core import signing
from django.db import models
from django.urls import reverse

Row = TypeVar("Row", bound=models.Model)


class NoncedLink(Generic[Row]):
    def __init__(
        self,
        *,
        salt: str,
        max_age: timedelta,
        url_name: str,
        rows: Callable[[], models.QuerySet[Row]],
        invalid: type[Exception],
    ) -> None:
        self.salt = salt
        self.max_age = max_age
        self.url_name = url_name
        self.rows = rows
        self.invalid = invalid

    def token(self, row: Row) -> str:
        return signing.dumps([row.pk, row.link_nonce], salt=self.salt)  # type: ignore[attr-defined]

    def path(self, row: Row) -> str:
        return reverse(self.url_name, kwargs={"token": self.token(row)})

    def row(self, token: str) -> Row:
        """The row the token names, or `invalid` raised: altered, expired, or its nonce changed."""
        try:
            pk, nonce = signing.loads(token, salt=self.salt, max_age=self.max_age)
            row = self.rows().get(pk=pk)
        except (signing.BadSignature, ValueError, TypeError, models.ObjectDoesNotExist) as exc:
            raise self.invalid from exc
        if not nonce or row.link_nonce != nonce:  # type: ignore[attr-defined]
            raise self.invalid
        return row
