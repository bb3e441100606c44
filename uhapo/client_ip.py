"""The address of the person at the other end, whatever stands in between.

Behind nginx every connection comes from the proxy, so REMOTE_ADDR alone
would put every family in one rate-limit bucket and let one visitor lock
out every coordinator. `X-Forwarded-For` is believed only through as many
hops as `TRUSTED_PROXY_COUNT` says we run ourselves; anything a client
writes into that header beyond them changes nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: the rate limits and the login lockout both use this one answer."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if not hops:
        return remote
    # Each trusted proxy appended the address it saw; the one `trusted` from
    # the right was written by our outermost proxy. Entries further left
    # came from the client and are ignored.
    address = _valid(hops[-trusted] if len(hops) >= trusted else hops[0])
    return address or remote
