"""The broker transport (uhapo.broker): kombu's Redis transport, one client per channel."""

from __future__ import annotations

import shutil

import pytest
import redis
from kombu import Connection

from tests.booking.test_worker import Redis
from tests.subprocesses import run_manage

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


@pytest.fixture
def redis_server(tmp_path):
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clients_built(monkeypatch):
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    return built


def test_messages_go_through_one_client_and_all_arrive(redis_server, clients_built):
    with Connection(redis_server.url, transport="uhapo.broker:Transport") as connection:
        queue = connection.SimpleQueue("uhapo-broker-test")
        for number in range(5):
            queue.put({"ids": [number]})
        published = len(clients_built)
        received = [queue.get(timeout=5) for _ in range(5)]
        for message in received:
            message.ack()
        queue.close()
    assert sorted(m.payload["ids"][0] for m in received) == [0, 1, 2, 3, 4]
    # kombu's own channel built one client per message it published.
    assert published <= 2


def test_a_new_pool_gets_a_new_client(redis_server):
    with Connection(redis_server.url, transport="uhapo.broker:Transport") as connection:
        channel = connection.default_channel
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as again:
            assert first is again
            assert first.connection_pool is channel.pool
        channel._disconnect_pools()
        with channel.conn_or_acquire() as after:
            assert after is not first
            assert after.connection_pool is channel.pool
            assert after.ping()


def test_settings_use_it_for_a_redis_broker():
    code = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT)"
    out = run_manage(
        "shell",
        "-c",
        code,
        env={"DJANGO_DEBUG": "true", "CELERY_BROKER_URL": "redis://127.0.0.1:6399/0"},
    )
    assert out.stdout.strip().splitlines()[-1] == "uhapo.broker:Transport"
