"""The client's address: X-Forwarded-For only through the proxies we run."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from uhapo.client_ip import client_ip


def request(remote: str = "10.0.0.1", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_a_clients_forwarded_header_changes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.7", "127.0.0.9")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.4", "198.51.100.4"),  # what nginx wrote
        ("127.0.0.9, 198.51.100.4", "198.51.100.4"),  # the client's own entry is ignored
        ("1.1.1.1, 2.2.2.2, 198.51.100.4", "198.51.100.4"),
        ("  198.51.100.4  ", "198.51.100.4"),
        ("2001:db8::5", "2001:db8::5"),
        ("not-an-address", "10.0.0.1"),  # nonsense from the proxy: fall back to the connection
        ("", "10.0.0.1"),
    ],
)
def test_behind_one_proxy_the_address_it_wrote_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.1", forwarded)) == expected


def test_behind_two_proxies_the_outer_proxys_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # The client wrote 127.0.0.9; the load balancer appended the client's real
    # address; nginx appended the load balancer's.
    assert client_ip(request("10.0.0.1", "127.0.0.9, 198.51.100.4, 10.0.0.2")) == "198.51.100.4"
    # Fewer hops than proxies: the first entry was still written by one of ours.
    assert client_ip(request("10.0.0.1", "198.51.100.4")) == "198.51.100.4"


def test_with_no_forwarded_header_the_connection_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("198.51.100.4")) == "198.51.100.4"
