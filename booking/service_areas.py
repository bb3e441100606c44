"""Where our nurses go: the PIN codes we serve.

The booking form checks a PIN code here for a clear error, and the service
that saves the request asks again for the area it is filed under. Both read
one small mapping (PIN code -> area id, active areas only) from the shared
cache instead of querying on every booking:

- Any save or delete of a service area (admin, shell, a fixture) drops the
  mapping at once, and after the commit writes it afresh from the database;
  a reader who missed the cache only *adds* what it read, so a reader that
  read the rows before that commit can never overwrite the fresh mapping.
- The mapping lives ten minutes at most, so what sends no signal
  (`QuerySet.update()`, raw SQL, a migration) shows within ten minutes, or at
  once after `forget_served_areas()`.
- With the cache unreachable every lookup reads the database.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

from booking.models import ServiceArea

CACHE_KEY = "booking:served-areas"
CACHE_SECONDS = 10 * 60


def _read_served_areas() -> dict[str, int]:
    return dict(ServiceArea.objects.filter(is_active=True).values_list("pin_code", "pk"))


def served_areas() -> dict[str, int]:
    """PIN code -> id of its active service area."""
    areas = cache.get(CACHE_KEY)
    if areas is None:
        areas = _read_served_areas()
        cache.add(CACHE_KEY, areas, CACHE_SECONDS)
    return areas


def area_serving(pin_code: str) -> int | None:
    """The id of the active service area with this PIN code, or None if we do not go there."""
    return served_areas().get(pin_code)


def _write_served_areas() -> None:
    cache.set(CACHE_KEY, _read_served_areas(), CACHE_SECONDS)


def forget_served_areas(using: str | None = None, **kwargs: Any) -> None:
    """Make the next lookup see the service areas as they are now.

    Connected to every save and delete of a service area (booking.apps); call
    it after changing areas in a way that sends no signal.
    """
    cache.delete(CACHE_KEY)
    transaction.on_commit(_write_served_areas, using=using)


def forget_served_areas_after_migrate(**kwargs: Any) -> None:
    # Only dropped: after `migrate booking zero` there is no table to read.
    cache.delete(CACHE_KEY)
