#!/usr/bin/env bash
# SQLite and PostgreSQL side by side, in one run, on the same data: building the store from the demo
# generator (the message-ingestion path), HTTP ingestion with wrk, the five-condition segment refresh,
# and RFM + lifecycle + CLV on the store with their write-back. Prints each PostgreSQL time as a
# ratio of SQLite's.
# Usage: bash bench/backends.sh [CUSTOMERS] [WRK_SECONDS]   (default 100000 customers, 15 s; needs wrk)
# PostgreSQL: a throwaway server from tests/postgres/server.sh (fsync off, as in tests), or the one
# SEGMENTA_BENCH_POSTGRES names (an admin URL; databases segmenta_bench_* are created and dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-100000}
secs=${2:-15}
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
swift build -c release --product segmenta >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)/segmenta
work=$(mktemp -d)
admin=${SEGMENTA_BENCH_POSTGRES:-}
own=""
if [ -z "$admin" ]; then
  eval "$(bash tests/postgres/server.sh start)"
  admin=$SEGMENTA_TEST_POSTGRES
  own=$SEGMENTA_PG_DIR
fi
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for db in segmenta_bench_store segmenta_bench_ingest; do psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
  [ -n "$own" ] && bash tests/postgres/server.sh stop "$own"
  rm -rf "$work"
}
trap cleanup EXIT
base=${admin%/*}
fresh_pg() { psql "$admin" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null 2>&1; echo "$base/$1"; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); python3 -c "print(f'{$t1 - $t0:.2f}')"; }
declare -A result

for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then flag=(--db "$work/store.sqlite"); else flag=(--store "$(fresh_pg segmenta_bench_store)"); fi
  echo "== $backend: $customers customers" >&2
  t0=$(date +%s.%N)
  summary=$("$bin" demo --customers "$customers" --activity 0.05 --data-only "${flag[@]}" 2>/dev/null | tail -1)
  t1=$(date +%s.%N)
  events=$(sed -n 's/.* profiles, \([0-9,]*\) events.*/\1/p' <<< "$summary" | tr -d ,)
  result[$backend,build]=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
  result[$backend,build_rate]=$(python3 -c "print(round($events / ($t1 - $t0)))")
  result[$backend,events]=$events
  result[$backend,rfm]=$(seconds "$bin" rfm "${flag[@]}")
  result[$backend,lifecycle]=$(seconds "$bin" lifecycle "${flag[@]}")
  result[$backend,clv]=$(seconds "$bin" clv "${flag[@]}")
  "$bin" segments create --file bench/segments/five-conditions.json "${flag[@]}" > /dev/null
  result[$backend,refresh1]=$(seconds "$bin" segments refresh five-conditions --as-of 2026-11-01 "${flag[@]}")
  result[$backend,refresh2]=$(seconds "$bin" segments refresh five-conditions --as-of 2026-11-01 "${flag[@]}")
  result[$backend,members]=$("$bin" segments history five-conditions --format csv "${flag[@]}" | tail -1 | cut -d, -f2)

  # HTTP ingestion: 100-message batches over 4 connections, every 200 committed first.
  key=benchwritekey000000001
  if [ "$backend" = sqlite ]; then export SEGMENTA_DB="$work/ingest.sqlite"; unset SEGMENTA_STORE; else export SEGMENTA_STORE="$(fresh_pg segmenta_bench_ingest)"; fi
  SEGMENTA_WRITE_KEY=$key SEGMENTA_ADMIN_TOKEN=benchadmintoken0000001 "$bin" serve --port 0 --refresh-interval 0 --log-level error > "$work/serve.out" &
  for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
  wrk -t2 -c4 -d"${secs}s" -s bench/ingest.lua "http://127.0.0.1:$port/v1/batch" -- "Basic $(printf '%s:' "$key" | base64)" > /dev/null
  kill %1; wait %1 2>/dev/null || true
  if [ "$backend" = sqlite ]; then
    stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$work/ingest.sqlite")
  else
    stored=$(psql "$SEGMENTA_STORE" -At -c "SELECT count(*) FROM events")
  fi
  result[$backend,wrk]=$((stored / secs))
  unset SEGMENTA_DB SEGMENTA_STORE
done

ratio() { python3 -c "print(f'{$2 / $1:.2f}×')"; }
inv() { python3 -c "print(f'{$1 / $2:.2f}×')"; }
echo
echo "store: $customers customers, ${result[sqlite,events]} events; five-conditions: ${result[sqlite,members]} members on SQLite, ${result[postgres,members]} on PostgreSQL"
printf '%-46s %12s %12s %16s\n' "what" "SQLite" "PostgreSQL" "PostgreSQL time ÷ SQLite"
printf '%-46s %12s %12s %16s\n' "build the store (demo messages, events/s)" "${result[sqlite,build_rate]}" "${result[postgres,build_rate]}" "$(inv "${result[sqlite,build_rate]}" "${result[postgres,build_rate]}")"
printf '%-46s %12s %12s %16s\n' "HTTP ingestion with wrk (events/s)" "${result[sqlite,wrk]}" "${result[postgres,wrk]}" "$(inv "${result[sqlite,wrk]}" "${result[postgres,wrk]}")"
for step in rfm lifecycle clv refresh1 refresh2; do
  label=$step
  case $step in rfm) label="rfm (with write-back), s";; lifecycle) label="lifecycle (with write-back), s";; clv) label="clv (with write-back), s";;
    refresh1) label="refresh five-conditions, first, s";; refresh2) label="refresh five-conditions, again, s";; esac
  printf '%-46s %12s %12s %16s\n' "$label" "${result[sqlite,$step]}" "${result[postgres,$step]}" "$(ratio "${result[sqlite,$step]}" "${result[postgres,$step]}")"
done
