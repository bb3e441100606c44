#!/usr/bin/env bash
# Run one drill N times in a row (never two at once: they share a database)
# and print each run's verdict with its main figures, then how many passed.
#   bench/drills/repeat.sh 10 redis_outage.py
# Every run's whole output is kept under var/drills/. REPEAT_SHOW is the
# extended regex of the figure lines to print for each run.
set -uo pipefail
usage="usage: bench/drills/repeat.sh N DRILL.py"
n=${1:?$usage}
drill=$(basename "${2:?$usage}" .py)
cd "$(dirname "$0")/../.."
[ -f "bench/drills/$drill.py" ] || { echo "no drill bench/drills/$drill.py" >&2; exit 2; }
make -s .venv/.installed-dev
out=var/drills/$drill-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
show=${REPEAT_SHOW:-'worker:|queued during the outage|stand-ins|\[FAILED\]'}
passed=0
for i in $(seq "$n"); do
  log=$out/run-$i.log
  .venv/bin/python "bench/drills/$drill.py" >"$log" 2>&1
  verdict=$(grep -E '^(PASS|FAIL) ' "$log" | tail -n1)
  [ -n "$verdict" ] || verdict="FAIL $drill (no verdict; see $log)"
  [[ $verdict == PASS* ]] && passed=$((passed + 1))
  echo "run $i/$n: $verdict"
  grep -E "$show" "$log" | sed 's/^ */    /'
done
echo "$passed of $n passed; each run's output in $out/"
[ "$passed" -eq "$n" ]
