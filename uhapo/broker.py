"""kombu's Redis transport, keeping one redis-py client per channel.

kombu builds a new `redis.Redis` for every command it sends outside its
event loop (`Channel.conn_or_acquire`): every task published, every queue
size asked. A client holds nothing but its connection pool and a table of
response callbacks, and redis-py 8 fills that table afresh (about 170
entries) in each client's constructor: a fifth of the publish that wakes a
worker after each booking. The client kept here uses the same pool a new one
would, so connections, timeouts and retries are kombu's own; it is built
again whenever kombu replaces the pool (after a disconnect).

Used when CELERY_BROKER_URL is redis:// (uhapo.settings).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    _kept_client: Any = None

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client:
            yield client
            return
        kept = self._kept_client
        if kept is None or kept.connection_pool is not self.pool:
            # kombu's own constructor for a client (not in its type stubs).
            kept = self._kept_client = self._create_client()  # type: ignore[attr-defined]
        yield kept


class Transport(redis.Transport):
    Channel = Channel
