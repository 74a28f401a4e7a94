#!/usr/bin/env bash
# Dashboard page times: median of 5 loads of each page (curl, loopback, release build) on a store.
# Usage: bash bench/dashboard.sh [STORE]   (default: a fresh `segmenta demo` store of 5,000 customers)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product segmenta >/dev/null 2>&1
bin=.build/release/segmenta
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
db=${1:-}
if [ -z "$db" ]; then db="$work/demo.sqlite"; "$bin" demo --db "$db" > /dev/null; fi
export SEGMENTA_ADMIN_TOKEN=dashboardbenchadmin01 SEGMENTA_WRITE_KEY=dashboardbenchwrite01
"$bin" serve --db "$db" --port 0 --refresh-interval 0 --query-time-limit 10m --log-level info > "$work/serve.out" 2>&1 &
started=$(date +%s.%N)
for _ in $(seq 1 300); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)"
cookie=$(curl -s -o /dev/null -D - -d "key=$SEGMENTA_ADMIN_TOKEN" "$base/login" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
seg=$(curl -s -H "Authorization: Bearer $SEGMENTA_ADMIN_TOKEN" "$base/api/v1/segments" | python3 -c "import json,sys; print(max(json.load(sys.stdin)['segments'], key=lambda s: s['size'] or 0)['name'])")
someone=$(curl -s -H "Authorization: Bearer $SEGMENTA_ADMIN_TOKEN" "$base/api/v1/segments/$seg/members?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['members'][0])")
echo "store: $db (largest segment: $seg)"
# The warmer computes every segment's member mixes at start: pages are loaded once it has finished
# (a page opened before gets the same answer, computed then).
for _ in $(seq 1 1200); do grep -q "dashboard pages warmed" "$work/serve.out" && break; sleep 0.1; done
echo "pages warmed $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s after the start ($(grep -o 'mixes=[0-9]*' "$work/serve.out" | head -1))"
if ! curl -sf -o /dev/null -H "Authorization: Bearer $SEGMENTA_ADMIN_TOKEN" "$base/api/v1/analyses/cohorts"; then
  /usr/bin/time -f "stored cohort triangles computed first (POST /api/v1/analyses/cohorts): %e s" \
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $SEGMENTA_ADMIN_TOKEN" "$base/api/v1/analyses/cohorts"
fi
for path in / "/segments/$seg" /rfm /cohorts "/cohorts?period=week&by=plan" /value "/profiles/$someone" /builder; do
  times=$(for i in 1 2 3 4 5; do curl -s -o /dev/null -w "%{time_total}\n" -H "Cookie: $cookie" "$base$path"; done | sort -n)
  code=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: $cookie" "$base$path")
  printf "%-32s %s  median %6.0f ms  (max %.0f ms)\n" "$path" "$code" "$(echo "$times" | sed -n 3p | awk '{print $1*1000}')" "$(echo "$times" | tail -1 | awk '{print $1*1000}')"
done
