"""Reference for the ingestion benchmark: a bare SQLite insert loop into the same events table
(same columns, unique index and secondary indexes, WAL, synchronous=NORMAL), with rows prepared in
memory beforehand — no HTTP, no JSON, no identity resolution. Commits every 100 rows (one batch per
transaction, what a server without group commit does), every 400 rows (the most one group commit
can hold when 4 connections each wait for their 100-message batch: wrk's closed loop in
bench/ingest.sh) and in 10,000-row transactions.

Usage: python ingest_bare_sqlite.py ROWS
"""
import os
import sqlite3
import sys
import tempfile
import time

rows = int(sys.argv[1])
events = ["Logged In", "Feature Used", "Report Exported", "Workflow Created", "Invited Teammate"]
data = [("http:bench", f"m{i}", f"user-{(i * 7919) % 100000}", "track", events[i % 5], 1763632800000 + i, 1763632800000 + i, 1763636399000,
         1763636400000, '{"plan":"pro","n":%d}' % (i % 100), '{"library":{"name":"bench"}}') for i in range(rows)]
for per_tx in (100, 400, 10_000):
    d = tempfile.mkdtemp()
    con = sqlite3.connect(os.path.join(d, "bare.sqlite"), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript("""
    CREATE TABLE events (id INTEGER PRIMARY KEY, source TEXT NOT NULL, message_id TEXT NOT NULL, profile_id TEXT NOT NULL, type TEXT NOT NULL,
      name TEXT, timestamp INTEGER NOT NULL, original_timestamp INTEGER, sent_at INTEGER, received_at INTEGER NOT NULL,
      properties TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(properties)), context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context)),
      UNIQUE (source, message_id));
    CREATE INDEX events_profile_time ON events(profile_id, timestamp);
    CREATE INDEX events_name_profile_time ON events(name, profile_id, timestamp);
    """)
    sql = "INSERT INTO events (source, message_id, profile_id, type, name, timestamp, original_timestamp, sent_at, received_at, properties, context) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source, message_id) DO NOTHING"
    t = time.perf_counter()
    for lo in range(0, rows, per_tx):
        con.execute("BEGIN")
        con.executemany(sql, data[lo:lo + per_tx])
        con.execute("COMMIT")
    s = time.perf_counter() - t
    print(f"bare sqlite3 executemany, {per_tx}-row transactions: {rows} rows in {s:.2f} s = {rows / s:,.0f} rows/s")
    con.close()
