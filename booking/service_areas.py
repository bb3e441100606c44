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

The public list of the areas served (`areas_by_city()`, the page /areas/) is
kept the same way under its own key, so a PIN code ticked or unticked in
admin is on the page, and in the form's answer, at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction

from booking.models import ServiceArea

CACHE_KEY = "booking:served-areas"
LISTING_CACHE_KEY = "booking:served-areas-by-city"
CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ServedPlace:
    pin_code: str
    # Blank when the staff's name is only the city's ("400001 Mumbai" in Mumbai).
    name: str


@dataclass(frozen=True)
class ServedCity:
    city: str
    places: tuple[ServedPlace, ...]


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


def _read_areas_by_city() -> list[ServedCity]:
    rows = ServiceArea.objects.filter(is_active=True).order_by("city", "pin_code")
    cities: dict[str, list[ServedPlace]] = {}
    for pin_code, name, city in rows.values_list("pin_code", "name", "city"):
        shown = "" if name.strip().casefold() == city.strip().casefold() else name
        cities.setdefault(city, []).append(ServedPlace(pin_code=pin_code, name=shown))
    return [ServedCity(city=city, places=tuple(places)) for city, places in cities.items()]


def areas_by_city() -> list[ServedCity]:
    """The active service areas, city by city (alphabetical), each city's PIN codes in order."""
    listing = cache.get(LISTING_CACHE_KEY)
    if listing is None:
        listing = _read_areas_by_city()
        cache.add(LISTING_CACHE_KEY, listing, CACHE_SECONDS)
    return listing


def _write_served_areas() -> None:
    cache.set(CACHE_KEY, _read_served_areas(), CACHE_SECONDS)
    cache.set(LISTING_CACHE_KEY, _read_areas_by_city(), CACHE_SECONDS)


def forget_served_areas(using: str | None = None, **kwargs: Any) -> None:
    """Make the next lookup see the service areas as they are now.

    Connected to every save and delete of a service area (booking.apps); call
    it after changing areas in a way that sends no signal.
    """
    cache.delete_many([CACHE_KEY, LISTING_CACHE_KEY])
    transaction.on_commit(_write_served_areas, using=using)


def forget_served_areas_after_migrate(**kwargs: Any) -> None:
    # Only dropped: after `migrate booking zero` there is no table to read.
    cache.delete_many([CACHE_KEY, LISTING_CACHE_KEY])
