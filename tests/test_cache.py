"""The Redis cache backend keeps one client per connection pool."""

import pytest
from django.core.cache.backends.redis import RedisCacheClient

from uhapo.cache import RedisCache


def test_one_client_is_reused_for_every_call():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    assert isinstance(cache._cache, RedisCacheClient)
    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b", write=True) is first
    assert cache._cache.get_client("c") is first  # one server: reads use the same pool


@pytest.mark.skipif(
    not __import__("os").environ.get("CACHE_URL", "").startswith("redis"),
    reason="needs a Redis server (set CACHE_URL)",
)
def test_it_stores_and_reads_values():
    import os

    cache = RedisCache(os.environ["CACHE_URL"], {"KEY_PREFIX": "uhapo-test-cache"})
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
            "BACKEND": "uhapo.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def test_an_unreachable_cache_is_a_miss_not_an_error(cache_down):
    from django.core.cache import cache

    assert cache.get("anything", "fallback") == "fallback"
    cache.set("anything", 1)
    assert cache.add("anything", 1) is False
    assert cache.incr("anything") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("anything") is False


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
