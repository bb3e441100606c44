"""The Celery worker's consumer: Celery's own, made to outlive a lost Redis.

Named by the `worker_consumer` setting, so only worker processes import it.
"""

from __future__ import annotations

import contextlib

from celery.utils.threads import (  # type: ignore[attr-defined]  # celery-types lags Celery 5.7
    bound_open_broker_sockets,
)
from celery.worker.consumer import Consumer as CeleryConsumer
from kombu import Connection

# Seconds a read during teardown may wait on a broker that went silent
# (Celery bounds its own teardown reads the same way).
TEARDOWN_SOCKET_TIMEOUT = 5.0


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc: Exception) -> None:
        if self.connection is not None:
            close_redis_channels(self.connection)
        super().on_connection_error_after_connected(exc)


def close_redis_channels(connection: Connection) -> None:
    """Close the channels of a lost Redis connection while its transport still knows the broker.

    With a task running (unacknowledged, acks_late) and a BRPOP waiting for
    the next one, kombu's Redis Channel.close() fails at its first step,
    reading that BRPOP's reply, before it marks the channel closed. Celery's
    connection.collect() then detaches the transport (its `client` becomes
    None) and connection.close() closes the channel a second time: putting
    the unacknowledged message back needs a new connection pool, built from
    the detached `client` -> AttributeError("'NoneType' object has no
    attribute 'hostname'"), which Celery does not expect there, and the
    worker exits with "Unrecoverable error". Had it not, the running task's
    late ack would hit the same None later.

    The failed read has dropped the dead socket, so a second close goes on
    to mark the channel closed and to put the message back (or fail with a
    plain connection error while Redis is down); its pool is then built from
    the broker's real address, so the running task's ack later fails as a
    connection error (logged) or succeeds once Redis is back. The outbox in
    PostgreSQL still decides what is sent: a redelivered task finds its row
    claimed or sent and does nothing.
    """
    transport = connection.transport
    if getattr(transport, "driver_type", None) != "redis":
        return
    bound_open_broker_sockets(connection, TEARDOWN_SOCKET_TIMEOUT)
    ignored: tuple[type[BaseException], ...] = (
        *connection.connection_errors,
        *connection.channel_errors,
    )
    # Virtual transports (Redis among them) keep their open channels here.
    for channel in list(getattr(transport, "channels", ())):
        for _attempt in range(2):
            if channel.closed:
                break
            with contextlib.suppress(*ignored):
                channel.close()
