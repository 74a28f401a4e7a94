#!/usr/bin/env bash
# Import benchmark (issue: speed of the embedded default): `segmenta import orders` and
# `segmenta import events` into a fresh SQLite store, each against a bare SQLite insert loop into
# the same schema measured in the same run (Python sqlite3.executemany of rows prepared in memory
# beforehand: no parsing, no validation, no identities).
# Usage: bash bench/import.sh [orders] [messages]     (defaults: 10,000,000 orders, 1,000,000 messages)
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-10000000}; messages=${2:-1000000}
mkdir -p bench/data
ofile=bench/data/orders_${orders}.csv
efile=bench/data/events_${messages}.jsonl
[ -f "$ofile" ] || python3 bench/make_orders.py "$ofile" "$orders"
[ -f "$efile" ] || python3 bench/make_events.py "$efile" "$messages" $((messages / 20))
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
store=bench/data/import.sqlite

# Seconds (wall, the whole process: opening, the transaction, the final checkpoint) of a command.
seconds() { python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.perf_counter() - t:.2f}")
PY
}
rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }

rm -f "$store"*
s=$(seconds "$bin" import orders "$ofile" --db "$store")
echo "segmenta import orders: $orders rows in $s s = $(rate "$orders" "$s") rows/s"
out=$(python3 bench/import_sqlite_bare.py "$ofile"); echo "$out"
bare=$(sed -n 's/.* = \([0-9,]*\) rows\/s/\1/p' <<< "$out" | tr -d ,)
python3 -c "print(f'import orders / bare loop: {$orders / $s / $bare:.2f}x')"

rm -f "$store"*
s=$(seconds "$bin" import events "$efile" --db "$store")
echo "segmenta import events: $messages messages in $s s = $(rate "$messages" "$s") messages/s"
out=$(python3 bench/ingest_bare_sqlite.py "$messages"); echo "$out"
bare=$(sed -n 's/.*10000-row transactions.* = \([0-9,]*\) rows\/s/\1/p' <<< "$out" | tr -d ,)
python3 -c "print(f'import events / bare loop (10,000-row transactions): {$messages / $s / $bare:.2f}x')"
rm -f "$store"* bench/data/bare.sqlite*
