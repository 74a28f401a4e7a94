"""The floor of a support lookup: one person's rows read straight from the same SQLite store with
Python's sqlite3, in process (no HTTP, no JSON answer, no segment evaluation): the profile by its
email through the contact index, its ids, events, orders, computed values and memberships.
Usage: python3 bench/lookup_sqlite.py STORE N   (N random customers of the demo generator)"""
import random, sqlite3, statistics, sys, time

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
n = int(sys.argv[2])
groups = [g for (g,) in db.execute("SELECT DISTINCT grp FROM computed_trait_names")]
rng = random.Random(7919)
times, found = [], 0
for _ in range(n):
    email = f"user{rng.randint(10001, 1010000)}@example.com"
    start = time.perf_counter()
    rows = db.execute("SELECT id, traits FROM profiles WHERE json_extract(traits, '$.email') IS NOT NULL"
                      " AND lower(trim(json_extract(traits, '$.email'))) = ? ORDER BY id LIMIT 6", (email,)).fetchall()
    if rows:
        pid = rows[0][0]
        db.execute("SELECT external_id, kind FROM identities WHERE profile_id = ?", (pid,)).fetchall()
        db.execute("SELECT type, name, timestamp, properties FROM events WHERE profile_id = ? ORDER BY timestamp", (pid,)).fetchall()
        db.execute("SELECT order_id, timestamp, amount FROM orders WHERE profile_id = ?", (pid,)).fetchall()
        for g in groups:
            db.execute("SELECT traits FROM computed_values WHERE grp = ? AND profile_id = ?", (g, pid)).fetchall()
        db.execute("SELECT segment, entered_snapshot FROM segment_membership WHERE profile_id = ? AND exited_snapshot IS NULL", (pid,)).fetchall()
        found += 1
    times.append((time.perf_counter() - start) * 1000)
times.sort()
q = statistics.quantiles(times, n=100)
print(f"raw SQLite  lookups {n}  found {found}  p50 {q[49]:6.2f} ms  p95 {q[94]:6.2f} ms  p99 {q[98]:6.2f} ms  max {times[-1]:7.2f} ms")
