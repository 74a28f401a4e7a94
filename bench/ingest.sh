#!/usr/bin/env bash
# Ingestion benchmark: 100-message batches over 4 connections (wrk, 2 threads) into `segmenta serve`
# on loopback (SQLite), then the bare SQLite insert loop in the same run as the reference.
# Usage: bash bench/ingest.sh [SECONDS] [REFERENCE_ROWS]   (needs wrk: apt-get install wrk)
# With SEGMENTA_BENCH_EVENTS=clickhouse://… the events go to ClickHouse (`serve --events`, a fresh
# database named in the URL); the reference is then one bulk insert of as many rows into ClickHouse.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
ref_rows=${2:-500000}
swift build -c release --product segmenta >/dev/null 2>&1
bin=.build/release/segmenta
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
key=benchwritekey000000001
events=${SEGMENTA_BENCH_EVENTS:-}
SEGMENTA_DB="$work/ingest.sqlite" SEGMENTA_EVENTS="$events" SEGMENTA_WRITE_KEY=$key SEGMENTA_ADMIN_TOKEN=benchadmintoken0000001 \
  "$bin" serve --port 0 --refresh-interval 0 --log-level error > "$work/serve.out" &
for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
auth="Basic $(printf '%s:' "$key" | base64)"
conns=${SEGMENTA_BENCH_CONNECTIONS:-4}
echo "== segmenta serve: wrk -t2 -c$conns -d${secs}s, 100 messages per request"
wrk -t2 -c"$conns" -d"${secs}s" -s bench/ingest.lua "http://127.0.0.1:$port/v1/batch" -- "$auth" | grep -E "Requests/sec|wrk:|Latency"
if [ -n "$events" ]; then
  rest=${events#clickhouse://}; host=${rest%%,*}; host=${host%%/*}; db=${rest#*/}; db=${db%%\?*}
  stored=$(curl -s "http://$host/" --data-binary "SELECT uniqExact(source, message_id) FROM $db.events")
else
  stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$work/ingest.sqlite")
fi
echo "stored events: $stored  →  $((stored / secs)) events/s sustained over ${secs}s (every acknowledged message committed before its 200)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^segmenta_ingest_(group_commit_messages_(sum|count)|backpressure_total|messages_rejected_total)" || true
kill %1; wait %1 2>/dev/null || true
if [ -n "$events" ]; then
  echo "== reference: $stored rows like these in one JSONEachRow insert into the same ClickHouse table, same run"
  python3 - "$host" "$db" "$stored" <<'PY'
import json, sys, time, urllib.parse, urllib.request
host, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = "".join(json.dumps({"source": "ref", "message_id": f"r{i}", "distinct_id": f"user-{i % 20000}", "user_id": f"user-{i % 20000}", "anonymous_id": "",
                           "type": "track", "event": "Logged In", "timestamp": 1795000000000 + i, "received_at": 1795000000000,
                           "prop_keys": ["plan", "n"], "prop_kinds": [3, 2], "prop_numbers": [0, i % 100], "prop_strings": ["pro", ""], "prop_times": [0, 0],
                           "elem_keys": [], "elem_kinds": [], "elem_numbers": [], "elem_strings": [], "properties": '{"plan":"pro"}'}) + "\n" for i in range(n))
t = time.time()
urllib.request.urlopen(urllib.request.Request(f"http://{host}/?query=" + urllib.parse.quote(f"INSERT INTO {db}.events FORMAT JSONEachRow") + "&insert_distributed_sync=1", data=rows.encode())).read()
s = time.time() - t
print(f"bulk insert of {n} rows: {s:.2f} s → {n / s:,.0f} rows/s")
PY
else
  echo "== reference: bare SQLite insert loop (same table and indexes), same machine, same run"
  out=$(python3 bench/ingest_bare_sqlite.py "$ref_rows"); echo "$out"
  for tx in 400 10000; do
    bare=$(sed -n "s/.*, $tx-row transactions.* = \([0-9,]*\) rows\/s/\1/p" <<< "$out" | tr -d ,)
    python3 -c "print(f'segmenta serve / bare loop ($tx-row transactions): {$stored / $secs / $bare:.2f}x')"
  done
fi
