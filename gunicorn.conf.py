"""gunicorn settings for the web process; gunicorn reads this file from the working directory.

Measured on 2 cores with `make bench` (README, "Performance and reliability"):
Django is CPU-bound under the GIL, so one process per core does the work, and
a few threads in each keep that core busy while a request waits on PostgreSQL
or Redis. Two processes of four threads served cheap pages and booking posts
as fast as 3x2 or 4x1 did, in the least memory.

Anything here can be overridden for one machine with GUNICORN_CMD_ARGS or on
the command line.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
# One process per core: set WEB_CONCURRENCY to the number of cores elsewhere.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
# Browsers and the proxy in front reuse connections; 5 s covers a page and its assets.
keepalive = 5
# A listening socket per worker (SO_REUSEPORT), so the kernel spreads new
# connections evenly. On one shared socket a worker can take every long-lived
# connection while the other idles: in the benchmark 4 of 9 page runs fell
# from ~2,800 to ~1,100 requests/s that way. The cost: connections still
# waiting in a stopping worker's queue are reset, so restarts must be rare.
reuse_port = True
timeout = 30
graceful_timeout = 30
# Start each process afresh now and then, so a slow leak can never grow
# unbounded; rarely (see reuse_port): a million requests is a day or more of
# real traffic, and no restart falls inside a benchmark run.
max_requests = 1_000_000
max_requests_jitter = 100_000
# The access log costs about 0.06 ms of CPU a request (a fifth of a cheap page);
# log at the proxy in front, or set GUNICORN_ACCESS_LOG=- to log here to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker):
    """Keep the garbage collector off the objects Django made at start-up.

    A full collection over a worker's ~80 MB of modules, templates and URL
    patterns pauses every thread for tens of milliseconds; frozen, they are
    never scanned again, and rarer young collections keep pauses short. In
    the benchmark this took the guide page's p99 from 38-61 ms to 27-36 ms.
    """
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
