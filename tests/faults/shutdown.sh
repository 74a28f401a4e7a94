#!/usr/bin/env bash
# SIGTERM while a long analysis runs: the server must exit within its grace period (plus 1 s),
# and the store must be intact and answer afterwards. The store holds 20,000 customers whose
# orders have no pattern (tests/faults/patternless_orders.py): CLV searches there until its
# budget runs out, so it is still running when the grace period ends and is cancelled.
# Also: `segmenta clv` on those orders answers within 30 s with an explanation.
# Usage: bash tests/faults/shutdown.sh [path/to/segmenta]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/segmenta}")
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 tests/faults/patternless_orders.py 20000 > "$work/orders.csv"

start=$(date +%s.%N)
if "$bin" clv --orders "$work/orders.csv" > /dev/null 2> "$work/clv.err"; then echo "expected clv to refuse patternless orders"; exit 1; fi
took=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
grep -q "did not converge" "$work/clv.err" || { echo "clv's refusal does not explain itself: $(cat "$work/clv.err")"; exit 1; }
python3 -c "import sys; sys.exit(0 if $took <= 30 else 'clv took $took s to refuse (limit 30 s)')"
echo "clv on 20,000 customers with patternless orders: refused in $took s with: $(cut -c1-90 "$work/clv.err")…"

"$bin" import orders "$work/orders.csv" --db "$work/store.sqlite" > /dev/null
grace=2
export SEGMENTA_WRITE_KEY=shutdowntestwritekey01 SEGMENTA_ADMIN_TOKEN=shutdowntestadmintok01
for analysis in rfm lifecycle cohorts clv; do
  "$bin" serve --port 0 --refresh-interval 0 --shutdown-grace ${grace}s --db "$work/store.sqlite" --log-level warning > "$work/serve.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
  curl -s -m 60 -o /dev/null -X POST -H "Authorization: Bearer $SEGMENTA_ADMIN_TOKEN" "http://127.0.0.1:$port/api/v1/analyses/$analysis" &
  sleep 1
  start=$(date +%s.%N)
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
  python3 -c "import sys; sys.exit(0 if $took <= $grace + 1 else 'SIGTERM during $analysis: exited after $took s (grace ${grace} s)')"
  [ "$status" = 0 ] || { echo "SIGTERM during $analysis: exit status $status"; cat "$work/serve.out"; exit 1; }
  python3 - "$work/store.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ok = c.execute("PRAGMA integrity_check").fetchone()[0]
n = c.execute("SELECT count(*) FROM orders").fetchone()[0]
sys.exit(0 if ok == "ok" and n == 69941 else f"store after the shutdown: integrity {ok}, {n} orders")
PY
  echo "SIGTERM 1 s into $analysis: exited in $took s (grace ${grace} s), store intact"
done
"$bin" rfm --db "$work/store.sqlite" --format csv > "$work/rfm.csv"
[ "$(wc -l < "$work/rfm.csv")" = 20001 ] || { echo "the store does not answer after the shutdowns"; exit 1; }
echo "shutdown: bounded during every long analysis; the store answers afterwards"
