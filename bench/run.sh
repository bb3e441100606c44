#!/usr/bin/env bash
# `make bench`: measure the production shape on this machine (see bench/run.py).
# Needs PostgreSQL on 127.0.0.1:5432 (or BENCH_PG_URL), redis-server and wrk
# installed; starts and stops everything else itself. About 6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench needs: ${missing[*]} (Debian: apt-get install -y ${missing[*]})" >&2
  exit 1
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
make -s .venv/.installed-dev
exec .venv/bin/python -m bench.run "$@"
