#!/usr/bin/env bash
# Run every drill, one after another (they share the uhapo_drill database),
# and print one PASS/FAIL line for each at the end. About 10 minutes.
set -uo pipefail
cd "$(dirname "$0")/../.."
make -s .venv/.installed-dev
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
status=0
for drill in burst double_submit redis_outage postgres_kill worker_kill; do
  echo "=== $drill"
  .venv/bin/python "bench/drills/$drill.py" 2>&1 | tee "$log"
  out=$(grep -E '^(PASS|FAIL) ' "$log" | tail -n1)
  [ -n "$out" ] || out="FAIL $drill (no verdict; see its output above)"
  [[ $out == PASS* ]] || status=1
  summary+=("$out")
done
echo
printf '%s\n' "${summary[@]}"
exit $status
