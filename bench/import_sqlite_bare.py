"""Reference for the import benchmark: a bare SQLite insert loop (Python sqlite3.executemany)
into the same orders schema, with the same page cache, in one transaction.

    python3 bench/import_sqlite_bare.py bench/data/orders_10000000.csv
"""
import sqlite3, time, csv, sys, os
path = "bench/data/bare.sqlite"
for s in ["", "-wal", "-shm"]:
    if os.path.exists(path + s): os.remove(path + s)
rows = []
with open(sys.argv[1]) as f:
    r = csv.reader(f); next(r)
    for i, (c, t, a) in enumerate(r):
        rows.append((f"auto:{i:016x}", c, i, float(a), None, "file"))
db = sqlite3.connect(path); db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL"); db.execute("PRAGMA cache_size=-262144")
db.executescript("""
CREATE TABLE profiles (id TEXT PRIMARY KEY NOT NULL);
CREATE TABLE orders (order_id TEXT PRIMARY KEY NOT NULL, profile_id TEXT NOT NULL REFERENCES profiles(id), timestamp INTEGER NOT NULL, amount REAL NOT NULL, currency TEXT, source TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX orders_profile_time ON orders(profile_id, timestamp);
""")
t0 = time.time()
with db:
    db.executemany("INSERT OR IGNORE INTO profiles VALUES (?)", ((r[1],) for r in rows))
    db.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?) ON CONFLICT(order_id) DO NOTHING", rows)
dt = time.time() - t0
print(f"bare sqlite3 executemany: {len(rows):,} rows in {dt:.2f} s = {len(rows)/dt:,.0f} rows/s")
