#!/usr/bin/env bash
# Segment refresh benchmark: 1M profiles, ~20M events (the demo generator scaled up), against a bare
# scan of the same events in the same run.   Usage: bash bench/segments.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
db=bench/data/seg1m.sqlite
bash bench/seg1m.sh "$bin"
command -v sqlite3 >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3; }
sqlite3 "$db" "SELECT 'profiles', count(*) FROM profiles; SELECT 'events', count(*) FROM events; SELECT 'orders', count(*) FROM orders;"
for i in 1 2 3; do
  /usr/bin/time -f "bare scan of all events: %e s" sqlite3 "$db" "SELECT count(*), sum(length(properties)), total(timestamp) FROM events" > /dev/null
  /usr/bin/time -f "refresh five-conditions: %e s" "$bin" segments refresh five-conditions --as-of 2026-11-01 --db "$db"
done
/usr/bin/time -f "refresh all $(ls bench/segments/*.json | wc -l) segments: %e s" "$bin" segments refresh --as-of 2026-11-01 --db "$db"
