"""The floor of ingestion on SQLite: a bare insert loop (Python sqlite3, rows prepared beforehand,
no HTTP, JSON or identities) into the `events` table with random (UUID) message ids as real SDKs
send them, for the store's indexes and for lighter variants, committing every 400 rows (the most
one group commit holds while 4 connections each wait for their 100-message batch) and every
10,000 rows (a background mover). Tells which schema could carry 50,000 durable events/s here.

Usage: python3 bench/ingest_floor.py [ROWS]   (default 300,000)
"""
import os, sqlite3, sys, tempfile, time, uuid

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
names = ["Logged In", "Feature Used", "Report Exported", "Workflow Created", "Invited Teammate"]
data = [("http:bench", str(uuid.uuid4()), f"user-{(i * 7919) % 100000}", "track", names[i % 5], 1763632800000 + i, 1763632800000 + i,
         1763636399000, 1763636400000, '{"plan":"pro","n":%d}' % (i % 100), '{"library":{"name":"bench"}}') for i in range(rows)]
table = """CREATE TABLE events (id INTEGER PRIMARY KEY, source TEXT NOT NULL, message_id TEXT NOT NULL, profile_id TEXT NOT NULL,
  type TEXT NOT NULL, name TEXT, timestamp INTEGER NOT NULL, original_timestamp INTEGER, sent_at INTEGER, received_at INTEGER NOT NULL,
  properties TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(properties)), context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context))UNIQUE_KEY);"""
unique = ", UNIQUE (source, message_id)"
variants = [
    ("the store's (unique, profile+time, name+profile+time)", table.replace("UNIQUE_KEY", unique)
     + "CREATE INDEX a ON events(profile_id, timestamp); CREATE INDEX b ON events(name, profile_id, timestamp);"),
    ("name index keyed by time first", table.replace("UNIQUE_KEY", unique)
     + "CREATE INDEX a ON events(profile_id, timestamp); CREATE INDEX b ON events(name, timestamp, profile_id);"),
    ("unique + name/time index only", table.replace("UNIQUE_KEY", unique) + "CREATE INDEX b ON events(name, timestamp, profile_id);"),
    ("unique (message id) only", table.replace("UNIQUE_KEY", unique)),
    ("no index (an append-only log)", table.replace("UNIQUE_KEY", "")),
]
sql = ("INSERT INTO events (source, message_id, profile_id, type, name, timestamp, original_timestamp, sent_at, received_at, "
       "properties, context) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
print(f"{rows:,} rows, bare sqlite3 executemany, WAL, synchronous=NORMAL")
for per_tx in (400, 10_000):
    for label, ddl in variants:
        d = tempfile.mkdtemp()
        con = sqlite3.connect(os.path.join(d, "floor.sqlite"), isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.executescript(ddl)
        t = time.perf_counter()
        for lo in range(0, rows, per_tx):
            con.execute("BEGIN")
            con.executemany(sql, data[lo:lo + per_tx])
            con.execute("COMMIT")
        s = time.perf_counter() - t
        print(f"{per_tx:>6}-row transactions, {label:55s} {rows / s:>9,.0f} rows/s", flush=True)
        con.close()
        for f in os.listdir(d): os.remove(os.path.join(d, f))
        os.rmdir(d)
