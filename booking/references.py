"""A request's reference (UH-7KQ2-M9PX): how one is drawn and how staff type it back.

The one place that knows its shape; the service that saves a request and
the admin's search both ask here.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "UH"
# No 0/O and no 1/I: families read the reference out over the phone.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Any letters and digits, so an old or mistyped reference is still looked up.
_TYPED = re.compile(rf"^{PREFIX}-?([A-Z0-9]{{4}})-?([A-Z0-9]{{4}})$")
# Read out over the phone, "UH" is often left off: eight letters and digits,
# with a letter among them (eight digits are more likely part of a number).
_UNPREFIXED = re.compile(r"^(?=.*[A-Z])([A-Z0-9]{4})-?([A-Z0-9]{4})$")


def _spelled(first: str, second: str) -> str:
    return f"{PREFIX}-{first}-{second}"


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return _spelled(chars[:4], chars[4:])


def reference_from_typed(text: str) -> str | None:
    """The reference meant by `uh 7kq2m9px`, `UH-7KQ2-M9PX`, `7KQ2-M9PX` and the like, or None."""
    typed = re.sub(r"\s+", "", text).upper()
    match = _TYPED.match(typed) or _UNPREFIXED.match(typed)
    return _spelled(match[1], match[2]) if match else None
