"""Booking's two limits, counted in the shared cache in one round trip each.

`BOOKING_RATE_LIMIT_IP` counts every POST from one address (the address
`uhapo.client_ip` gives, as for the login lockout). `BOOKING_RATE_LIMIT_PHONE`
counts only *saved* requests for one patient number (E.164): a valid form
takes a slot before it is saved and gives it back if nothing was saved (an
error, or a double click that returned the first request), so junk posts
naming a family's number cannot lock that family out, and two posts at the
same moment cannot both slip under the limit.

Each count is one atomic increment that also starts the window's expiry:
with Redis a small Lua script, one round trip (django-ratelimit, used
before, needed two per limit and a third for the phone's check). Windows are
fixed, `rate` seconds long. If the cache cannot be reached, booking stays
open: nothing is counted and nothing is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from uhapo.client_ip import client_ip

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}

# INCR, and the expiry when the key is new, in one atomic step.
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


@lru_cache(maxsize=16)
def parse_rate(rate: str) -> tuple[int, int]:
    """`20/h` -> (20, 3600); `30/15m` -> (30, 900): a limit and its window in seconds."""
    count, _, period = rate.partition("/")
    unit = period[-1:]
    if not count.isdigit() or unit not in _UNITS or not (period[:-1] or "1").isdigit():
        raise ValueError(f"rate must look like 20/h or 30/15m, not {rate!r}")
    return int(count), int(period[:-1] or 1) * _UNITS[unit]


@dataclass(frozen=True)
class Slot:
    """One saved request counted against a number, until it is given back."""

    key: str


def _key(group: str, value: str, seconds: int) -> str:
    # Hashed: a phone number is personal data, and keys show in Redis tools.
    digest = hashlib.sha256(f"{group}:{value}".encode()).hexdigest()[:32]
    return f"booking-limit:{group}:{seconds}:{int(time.time()) // seconds}:{digest}"


def _redis() -> Any:
    """The cache's Redis client when the cache is django-redis, else None."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client is not None else None


@lru_cache(maxsize=1)
def _script() -> Any:
    from redis.commands.core import Script

    # Bytes, so the script needs no client to be encoded; each call names its client.
    return Script(None, _COUNT.encode())  # type: ignore[arg-type]


def _count(key: str, seconds: int) -> int | None:
    """Add one to the key's count and return it; None if the cache cannot count."""
    redis = _redis()
    if redis is not None:
        from redis.exceptions import RedisError

        try:
            return int(_script()(keys=[cache.make_key(key)], args=[seconds], client=redis))
        except RedisError:
            logger.warning("cache unreachable: booking limits not counted")
            return None
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls, or the cache is down
        return None


def address_over_limit(request: HttpRequest) -> bool:
    """Count this POST against its address; True when the address is over its limit."""
    limit, seconds = parse_rate(settings.BOOKING_RATE_LIMIT_IP)
    count = _count(_key("ip", client_ip(request), seconds), seconds)
    return count is not None and count > limit


def take_phone_slot(phone: str) -> Slot | bool:
    """Count a request about to be saved for this number: its Slot, False when the
    number has reached its limit (nothing counted), True when the cache could
    not count (booking stays open)."""
    limit, seconds = parse_rate(settings.BOOKING_RATE_LIMIT_PHONE)
    key = _key("phone", phone, seconds)
    count = _count(key, seconds)
    if count is None:
        return True
    if count > limit:
        give_back(Slot(key))
        return False
    return Slot(key)


def give_back(slot: Slot) -> None:
    """Nothing was saved after all: the number's count goes back down."""
    with contextlib.suppress(ValueError):  # the window has ended meanwhile
        cache.decr(slot.key)
