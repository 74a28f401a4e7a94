#!/usr/bin/env bash
# RFM on the store (write-back included) vs RFM straight from the same orders as a CSV, same run.
# Usage: bash bench/rfm_store.sh [rows] [customers]   (default 3,000,000 orders of 1,000,000 customers)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-3000000}; customers=${2:-1000000}
mkdir -p bench/data
file=bench/data/orders_${rows}.csv
[ -f "$file" ] || python3 bench/make_orders.py "$file" "$rows" "$customers"
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
db=bench/data/rfm_store.sqlite
rm -f "$db" "$db-wal" "$db-shm"
/usr/bin/time -f "import orders: %e s" "$bin" import orders "$file" --db "$db" > /dev/null
# A first run a month earlier: each timed run then also computes and keeps the migrations since it, as in use.
"$bin" rfm --db "$db" --as-of 2023-12-01 --format csv > /dev/null
for i in 1 2 3; do
  /usr/bin/time -f "rfm --db (store, write-back, migrations): %e s wall, %M KiB" "$bin" rfm --db "$db" --as-of 2024-01-01 --format csv > /dev/null
  /usr/bin/time -f "rfm --orders (csv): %e s wall, %M KiB" "$bin" rfm --orders "$file" --as-of 2024-01-01 --format csv > /dev/null
done
