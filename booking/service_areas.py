"""Where our nurses go: the PIN codes we serve.

The booking form checks a PIN code here for a clear error, and the service
that saves the request asks again for the area it is filed under.
"""

from __future__ import annotations

from booking.models import ServiceArea


def area_serving(pin_code: str) -> ServiceArea | None:
    """The active service area with this PIN code, or None if we do not go there."""
    return ServiceArea.objects.filter(pin_code=pin_code, is_active=True).first()
