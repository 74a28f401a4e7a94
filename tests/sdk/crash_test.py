"""Crash test: 20 rounds in a row, 4 clients send batches while the server is killed with SIGKILL
at a random moment. A batch that got no 200 is sent again, unchanged, in the next round (as the
SDKs retry). At the end every messageId acknowledged with 200 must be in the store exactly once:
a 200 means committed, and a retry never stores a message twice.

With events in ClickHouse (SEGMENTA_EVENTS set), a retry of a message whose events were written
just before the kill may be stored twice as a row — ClickHouse deduplicates only eventually — so
there "exactly once" is checked where it matters: every acknowledged message has a row, and the
counts Segmenta reports (the profiles' event counts, through the API) count each message once.

Usage: python crash_test.py SEGMENTA_BINARY WORK_DIR [ROUNDS]
"""
import base64
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

binary, work = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
# The store: SEGMENTA_STORE (a PostgreSQL database) when set, else a SQLite file in WORK_DIR.
postgres = os.environ.get("SEGMENTA_STORE") or None
clickhouse = os.environ.get("SEGMENTA_EVENTS") or None
db = os.path.join(work, "crash.sqlite")
key = "crashtestwritekey0001"
env = dict(os.environ, SEGMENTA_WRITE_KEY=key, SEGMENTA_ADMIN_TOKEN="crashtestadmintoken01")
if not postgres:
    env["SEGMENTA_DB"] = db
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()
rng = random.Random(20261127)


def start():
    p = subprocess.Popen([binary, "serve", "--port", "0", "--refresh-interval", "0", "--log-level", "error"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if "serving" in line:
            return p, int(line.split("http://127.0.0.1:")[1].split(" ")[0])
    raise SystemExit("server did not start")


acked, lock = set(), threading.Lock()
pending = {n: [] for n in range(4)}   # per client: batches not acknowledged yet, resent first
sent_batches = [0]


def client(n, port, stop):
    i = 0
    while not stop.is_set():
        if pending[n]:
            ids = pending[n][0]
        else:
            ids = [f"c{n}-{sent_batches[0]}-{i}-{j}" for j in range(100)]
            i += 1
            pending[n].append(ids)
        body = json.dumps({"batch": [{"type": "track", "userId": f"user-{n}-{j % 10}", "event": "Crash Probe", "messageId": m,
                                       "properties": {"j": j}} for j, m in enumerate(ids)]}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/batch", data=body, headers={"Authorization": auth, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 200:
                    with lock:
                        acked.update(ids)
                    pending[n].pop(0)
        except Exception:
            time.sleep(0.01)   # refused or cut by the kill: not acknowledged; sent again


started = time.time()
for round_ in range(rounds):
    server, port = start()
    stop = threading.Event()
    sent_batches[0] = round_
    threads = [threading.Thread(target=client, args=(n, port, stop)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(rng.uniform(0.4, 1.4))
    os.kill(server.pid, signal.SIGKILL)   # mid-ingestion
    server.wait()
    stop.set()
    for t in threads:
        t.join()

# Restart on the same store (SQLite recovers the WAL), then count.
server, port = start()
stored = {}
reported = None
if clickhouse:
    rest = clickhouse[len("clickhouse://"):]
    hosts, database = rest.split("/")[0].split(","), rest.split("/")[1].split("?")[0]
    q = f"SELECT message_id FROM {database}.events WHERE event = 'Crash Probe' FORMAT TabSeparated"
    with urllib.request.urlopen(urllib.request.Request(f"http://{hosts[0]}/", data=q.encode())) as r:
        rows = [line for line in r.read().decode().splitlines() if line]
    # What Segmenta counts: each user's "Crash Probe" events, through the admin API.
    reported = 0
    for n in range(4):
        for u in range(10):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/profiles/user-{n}-{u}", headers={"Authorization": "Bearer crashtestadmintoken01"})
            try:
                with urllib.request.urlopen(req) as r:
                    reported += json.load(r)["event_counts"]["by_event"].get("Crash Probe", 0)
            except urllib.error.HTTPError:
                pass
elif postgres:
    out = subprocess.run(["psql", postgres, "-At", "-c", "SELECT message_id FROM events WHERE name = 'Crash Probe'"],
                         check=True, capture_output=True, text=True).stdout
    rows = [line for line in out.splitlines() if line]
else:
    con = sqlite3.connect(db)
    rows = [m for (m,) in con.execute("SELECT message_id FROM events WHERE name = 'Crash Probe'")]
    con.close()
for m in rows:
    stored[m] = stored.get(m, 0) + 1
server.send_signal(signal.SIGTERM)
server.wait(timeout=10)

missing = [m for m in acked if m not in stored]
doubled = [m for m, c in stored.items() if c > 1]
if reported is not None:
    print(f"ClickHouse: {sum(stored.values())} rows for {len(stored)} messages ({len(doubled)} retries stored twice); "
          f"Segmenta counts {reported}")
    doubled = [] if reported == len(stored) else [f"counted {reported} for {len(stored)} messages"]
print(f"{rounds} SIGKILLs in {time.time() - started:.0f} s: acknowledged {len(acked)} messages; stored {len(stored)}; "
      f"missing {len(missing)}; counted twice {len(doubled)}")
if len(acked) < 500 * rounds:
    raise SystemExit("too few messages were acknowledged for the test to mean anything")
sys.exit(1 if missing or doubled else 0)
