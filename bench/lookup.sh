#!/usr/bin/env bash
# The support lookup at ticket time (issue 38) on the 1M-profile store: GET /api/v1/support/lookup
# by email, phone and user id for random customers, one agent at a time (latency) and four at once
# (throughput), against the server's floor (GET /health, same connections) and against reading the
# same person's rows straight from SQLite in Python (bench/lookup_sqlite.py), in the same run.
# Gives every customer a phone (+1 555 and their user number) and a support policy first.
#   Usage: bash bench/lookup.sh [SECONDS per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
db=bench/data/seg1m.sqlite
bash bench/seg1m.sh "$bin"
command -v sqlite3 >/dev/null && command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3 wrk; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" keys list --db "$db" > /dev/null   # opens the store: migrations (the contact index) run here
/usr/bin/time -f "phones for every customer (raw UPDATE of 1M traits, once): %e s" sqlite3 "$db" "
  UPDATE profiles SET traits = json_set(traits, '\$.phone', printf('+1 555 %07d', CAST(substr(json_extract(traits, '\$.email'), 5, instr(json_extract(traits, '\$.email'), '@') - 5) AS INTEGER)))
  WHERE json_extract(traits, '\$.phone') IS NULL AND json_extract(traits, '\$.email') LIKE 'user%@example.com'"
/usr/bin/time -f "support policy saved and resolved for every profile: %e s" "$bin" support policy set bench/support-policy.json --db "$db" > /dev/null
token=$("$bin" keys create --kind support --name bench-lookup --db "$db" 2>/dev/null)
export SEGMENTA_ADMIN_TOKEN=lookupbenchadmin0001 SEGMENTA_WRITE_KEY=lookupbenchwrite0001
"$bin" serve --db "$db" --port 0 --refresh-interval 0 --log-level info > "$work/serve.out" 2>&1 &
for _ in $(seq 1 300); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)"
for _ in $(seq 1 3000); do grep -q "dashboard pages warmed" "$work/serve.out" && break; sleep 0.1; done
echo "one lookup: $(curl -s -H "Authorization: Bearer $token" "$base/api/v1/support/lookup?email=user10001@example.com" | head -c 300)…"
wrk -t1 -c1 -d10s -s bench/lookup.lua "$base" -- "$token" email > /dev/null   # warm-up
echo "one agent at a time (wrk -t1 -c1 -d${secs}s):"
for kind in health user_id email phone; do
  printf "%-8s " "$kind"; wrk -t1 -c1 -d"${secs}s" -s bench/lookup.lua "$base" -- "$token" "$kind" | grep -E "^requests"
done
echo "four at once (wrk -t2 -c4 -d${secs}s):"
for kind in health email; do
  printf "%-8s " "$kind"; wrk -t2 -c4 -d"${secs}s" -s bench/lookup.lua "$base" -- "$token" "$kind" | grep -E "^requests"
done
python3 bench/lookup_sqlite.py "$db" 5000
sqlite3 "$db" "SELECT 'profiles', count(*) FROM profiles; SELECT 'events', count(*) FROM events; SELECT 'orders', count(*) FROM orders;"
