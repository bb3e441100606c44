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
