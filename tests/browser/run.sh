#!/usr/bin/env bash
# Browser check of the dashboard: demo data, `segmenta serve`, headless Chromium over DevTools.
# Usage: bash tests/browser/run.sh [path/to/segmenta] [screenshot dir]   (needs chromium)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/segmenta}")
shots=$(realpath -m "${2:-.build/screenshots}")
venv=${SEGMENTA_SDK_VENV:-.build/sdk-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import websocket" 2>/dev/null || "$venv/bin/pip" install -q websocket-client
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export SEGMENTA_DB="$work/demo.sqlite" SEGMENTA_ADMIN_TOKEN=browsercheckadmintoken01 SEGMENTA_WRITE_KEY=browsercheckwritekey0001
"$bin" demo --customers 1500 > /dev/null
"$bin" serve --port 0 --refresh-interval 0 --log-level warning > "$work/serve.out" &
for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.out" | head -1)
[ -n "$port" ] || { echo "server did not start"; cat "$work/serve.out"; exit 1; }
"$venv/bin/python" tests/browser/check.py "http://127.0.0.1:$port" "$SEGMENTA_ADMIN_TOKEN" "$shots"
# The browser SDKs' requests from a page on another origin: CORS lets ingestion through, never the API.
"$venv/bin/python" tests/browser/cors_check.py "http://127.0.0.1:$port" "$SEGMENTA_WRITE_KEY" "$SEGMENTA_ADMIN_TOKEN"
echo "screenshots in $shots"
