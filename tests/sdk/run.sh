#!/usr/bin/env bash
# SDK end-to-end and crash tests against a live `segmenta serve`.
# Usage: bash tests/sdk/run.sh [path/to/segmenta] [--postgres | --clickhouse]   (default: .build/debug/segmenta)
# With --postgres the server's store is a new database on the PostgreSQL server named by
# SEGMENTA_TEST_POSTGRES (tests/postgres/server.sh starts one), one for each test, dropped at the end.
# With --clickhouse the store is a SQLite file and the events go to a new database on the
# ClickHouse cluster named by SEGMENTA_TEST_CLICKHOUSE (tests/clickhouse/server.sh starts one).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/segmenta}")
backend=sqlite
if [ "${2:-}" = "--postgres" ]; then
  backend=postgres
  : "${SEGMENTA_TEST_POSTGRES:?--postgres needs SEGMENTA_TEST_POSTGRES (see tests/postgres/server.sh)}"
elif [ "${2:-}" = "--clickhouse" ]; then
  backend=clickhouse
  : "${SEGMENTA_TEST_CLICKHOUSE:?--clickhouse needs SEGMENTA_TEST_CLICKHOUSE (see tests/clickhouse/server.sh)}"
fi
databases=()
ch_databases=()
# The HTTP addresses of the cluster's servers (clickhouse://H1:P1,H2:P2/DB?cluster=NAME).
ch_hosts() { local rest=${SEGMENTA_TEST_CLICKHOUSE#clickhouse://}; echo "${rest%%/*}" | tr ',' ' '; }
# A fresh store for one test: a SQLite file in the work folder, or a new PostgreSQL database.
fresh_store() {
  if [ "$backend" = postgres ]; then
    local name="segmenta_sdk_$1_$$"
    psql "$SEGMENTA_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
    databases+=("$name")
    export SEGMENTA_STORE="${SEGMENTA_TEST_POSTGRES%/*}/$name"
    unset SEGMENTA_DB
  else
    export SEGMENTA_DB="$work/$1.sqlite"
    unset SEGMENTA_STORE
  fi
  if [ "$backend" = clickhouse ]; then
    local name="segmenta_sdk_$1_$$" rest=${SEGMENTA_TEST_CLICKHOUSE#clickhouse://}
    ch_databases+=("$name")
    export SEGMENTA_EVENTS="clickhouse://${rest%%/*}/$name?${rest#*\?}"
  fi
}
venv=${SEGMENTA_SDK_VENV:-.build/sdk-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q segment-analytics-python rudder-sdk-python posthog
fi
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for name in "${databases[@]}"; do psql "$SEGMENTA_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true; done
  for name in "${ch_databases[@]}"; do
    for h in $(ch_hosts); do curl -s "http://$h/" --data-binary "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; done
  done
  rm -rf "$work"
}
trap cleanup EXIT
export SEGMENTA_WRITE_KEY=sdktestwritekey00001 SEGMENTA_ADMIN_TOKEN=sdktestadmintoken0001
fresh_store e2e
"$bin" serve --port 0 --refresh-interval 0 --log-level warning > "$work/serve.out" &
for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
[ -n "$port" ] || { echo "server did not start"; cat "$work/serve.out"; exit 1; }
echo "== SDK end-to-end (segment-analytics-python, rudder-sdk-python, posthog) on port $port, store on $backend"
"$venv/bin/python" tests/sdk/sdk_e2e.py "http://127.0.0.1:$port" "$SEGMENTA_WRITE_KEY" "$SEGMENTA_ADMIN_TOKEN"
echo "== browser SDKs' recorded requests (analytics.js, posthog-js, RudderStack JS; posthog-node's identity), store on $backend"
"$venv/bin/python" tests/sdk/browser_wire.py "http://127.0.0.1:$port" "$SEGMENTA_WRITE_KEY" "$SEGMENTA_ADMIN_TOKEN"
kill %1
wait %1 2>/dev/null || true
fresh_store crash
echo "== crash test (20 × SIGKILL during ingestion, unacknowledged batches resent), store on $backend"
"$venv/bin/python" tests/sdk/crash_test.py "$bin" "$work"
