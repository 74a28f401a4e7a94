#!/usr/bin/env bash
# The floor of `import orders` on SQLite: how long SQLite itself takes to hold N orders in the
# store's two B-trees (the table keyed by order id, the covering index by customer and time), with
# no parsing, validation or hashing at all. The rows are first loaded, untimed, into a plain table
# with the sqlite3 shell; then, timed, in one transaction as the importer does it: the rows copied
# into `orders` in key order (B-tree appends, the cheapest way in) and SQLite's sorter building the
# covering index (the cheapest way to get the second order), with the importer's page cache.
# If the sum is above the issue's goal, no importer on this schema can reach it.
# Usage: bash bench/import_floor.sh [FILE]   (default bench/data/orders_10000000.csv; needs sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-bench/data/orders_10000000.csv}
[ -f "$file" ] || python3 bench/make_orders.py "$file" 10000000 1000000
db=$(mktemp -d)/floor.sqlite
trap 'rm -rf "$(dirname "$db")"' EXIT
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE raw (customer_id TEXT, timestamp TEXT, amount REAL);
.mode csv
.import --skip 1 $file raw
SQL
# Untimed: the rows as the importer writes them (a generated id of 'auto:' and 32 hex digits, the
# time in milliseconds), already in key order, so that the timed copy below is pure appends.
sqlite3 "$db" <<'SQL'
PRAGMA cache_size=-262144;
CREATE TABLE staging AS SELECT * FROM (SELECT printf('auto:%016x%016x', abs(random()), abs(random())) AS order_id, customer_id,
  unixepoch(timestamp) * 1000 AS timestamp, amount FROM raw) ORDER BY order_id;
DROP TABLE raw;
SQL
echo "rows staged: $(sqlite3 "$db" 'SELECT count(*) FROM staging')"
sqlite3 "$db" <<'SQL'
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=-262144;
PRAGMA temp_store=MEMORY;
.timer on
CREATE TABLE orders (order_id TEXT PRIMARY KEY NOT NULL, profile_id TEXT NOT NULL, timestamp INTEGER NOT NULL,
  amount REAL NOT NULL, currency TEXT, source TEXT NOT NULL) WITHOUT ROWID;
BEGIN;
.print "1. copy into orders in key order (B-tree appends):"
INSERT INTO orders SELECT order_id, customer_id, timestamp, amount, NULL, 'file' FROM staging ORDER BY rowid;
.print "2. CREATE INDEX orders_profile_time_amount (SQLite's sorter), in the same transaction as the import:"
CREATE INDEX orders_profile_time_amount ON orders(profile_id, timestamp, amount);
.print "3. COMMIT:"
COMMIT;
SQL
