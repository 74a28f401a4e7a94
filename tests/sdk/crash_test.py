"""Crash test: while 4 clients send batches, the server is killed with SIGKILL. Every messageId
that was acknowledged with 200 must then be in the store exactly once (a 200 means committed).

Usage: python crash_test.py SEGMENTA_BINARY WORK_DIR
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import base64

binary, work = sys.argv[1], sys.argv[2]
db = os.path.join(work, "crash.sqlite")
key = "crashtestwritekey0001"
env = dict(os.environ, SEGMENTA_DB=db, SEGMENTA_WRITE_KEY=key, SEGMENTA_ADMIN_TOKEN="crashtestadmintoken01")


def start():
    p = subprocess.Popen([binary, "serve", "--port", "0", "--refresh-interval", "0", "--log-level", "error"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if "serving" in line:
            return p, int(line.split("http://127.0.0.1:")[1].split(" ")[0])
    raise SystemExit("server did not start")


server, port = start()
acked, lock, stop = [], threading.Lock(), threading.Event()
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()


def client(n):
    i = 0
    while not stop.is_set():
        ids = [f"c{n}-{i}-{j}" for j in range(100)]
        i += 1
        body = json.dumps({"batch": [{"type": "track", "userId": f"user-{n}-{j % 10}", "event": "Crash Probe", "messageId": m,
                                       "properties": {"j": j}} for j, m in enumerate(ids)]}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/batch", data=body, headers={"Authorization": auth, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 200:
                    with lock:
                        acked.extend(ids)
        except Exception:
            pass   # refused or cut by the kill: not acknowledged, may or may not be stored


threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
time.sleep(2.0)
os.kill(server.pid, signal.SIGKILL)   # mid-ingestion
server.wait()
stop.set()
for t in threads:
    t.join()

# Restart on the same file (SQLite recovers the WAL), then count.
server, port = start()
con = sqlite3.connect(db)
stored = {}
for (m,) in con.execute("SELECT message_id FROM events WHERE name = 'Crash Probe'"):
    stored[m] = stored.get(m, 0) + 1
con.close()
server.send_signal(signal.SIGTERM)
server.wait(timeout=10)

missing = [m for m in acked if m not in stored]
doubled = [m for m, c in stored.items() if c > 1]
print(f"acknowledged {len(acked)} messages before SIGKILL; stored {len(stored)}; missing {len(missing)}; stored twice {len(doubled)}")
if len(acked) < 1000:
    raise SystemExit("too few messages were acknowledged for the test to mean anything")
sys.exit(1 if missing or doubled else 0)
