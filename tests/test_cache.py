"""The shared cache (django-redis): values round-trip, and an outage is a miss, not an error."""

import os

import pytest
from django.core.cache import caches


@pytest.mark.skipif(
    not os.environ.get("CACHE_URL", "").startswith("redis"),
    reason="needs a Redis server (set CACHE_URL)",
)
def test_it_stores_and_reads_values():
    cache = caches["default"]
    cache.set("greeting", {"text": "namaste"}, 30)
    assert cache.get("greeting") == {"text": "namaste"}
    cache.set("counter", 1, 30)
    assert cache.incr("counter") == 2
    cache.delete_many(["greeting", "counter"])


@pytest.fixture
def cache_down(settings):
    from tests.servers import free_port

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        },
    }


def test_an_unreachable_cache_is_a_miss_not_an_error(cache_down):
    from django.core.cache import cache

    assert cache.get("anything", "fallback") == "fallback"
    cache.set("anything", 1)
    assert not cache.add("anything", 1)
    assert cache.incr("anything") is None
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.delete("anything")


@pytest.mark.django_db
def test_families_can_read_the_guide_and_book_while_the_cache_is_down(cache_down, client):
    from booking.models import VisitRequest
    from tests.factories import PageFactory, ServiceAreaFactory, form_data

    ServiceAreaFactory()
    page = PageFactory()
    assert client.get(page.get_absolute_url()).status_code == 200
    assert client.get("/book/").status_code == 200
    response = client.post("/book/", form_data())
    assert response.status_code == 302
    assert VisitRequest.objects.count() == 1
