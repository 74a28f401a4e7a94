#!/usr/bin/env bash
# SDK end-to-end and crash tests against a live `segmenta serve`.
# Usage: bash tests/sdk/run.sh [path/to/segmenta]   (default: .build/debug/segmenta)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/segmenta}")
venv=${SEGMENTA_SDK_VENV:-.build/sdk-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q segment-analytics-python rudder-sdk-python posthog
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export SEGMENTA_DB="$work/sdk.sqlite" SEGMENTA_WRITE_KEY=sdktestwritekey00001 SEGMENTA_ADMIN_TOKEN=sdktestadmintoken0001
"$bin" serve --port 0 --refresh-interval 0 --log-level warning > "$work/serve.out" &
for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
[ -n "$port" ] || { echo "server did not start"; cat "$work/serve.out"; exit 1; }
echo "== SDK end-to-end (segment-analytics-python, rudder-sdk-python, posthog) on port $port"
"$venv/bin/python" tests/sdk/sdk_e2e.py "http://127.0.0.1:$port" "$SEGMENTA_WRITE_KEY" "$SEGMENTA_ADMIN_TOKEN"
kill %1
echo "== crash test (20 × SIGKILL during ingestion, unacknowledged batches resent)"
"$venv/bin/python" tests/sdk/crash_test.py "$bin" "$work"
