#!/usr/bin/env bash
# Two `segmenta serve` on one new PostgreSQL database (on the server SEGMENTA_TEST_POSTGRES names):
# both ingest, a session works on both, one recompute at a time. The database is dropped at the end.
# Usage: bash tests/postgres/two_instances.sh [path/to/segmenta]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-.build/debug/segmenta}")
: "${SEGMENTA_TEST_POSTGRES:?needs SEGMENTA_TEST_POSTGRES (see tests/postgres/server.sh)}"
name="segmenta_two_$$"
psql "$SEGMENTA_TEST_POSTGRES" -qc "CREATE DATABASE $name"
trap 'psql "$SEGMENTA_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
echo "== two instances on one PostgreSQL database"
python3 tests/postgres/two_instances.py "$bin" "${SEGMENTA_TEST_POSTGRES%/*}/$name"
