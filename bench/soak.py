"""Soak test: `segmenta serve` under a steady mixed load for a fixed time, with the server's memory
(RSS) sampled every 10 s. The load: ingestion at a steady rate (Segment batches), API reads (members
CSV, profiles, compare), a segment refresh every 30 s, and hostile requests (wrong keys, bad JSON,
oversize batches, bad UTF-8). Memory must stay flat once SQLite's bounded page caches are warm:
the script compares the median RSS of the minute at half-time with that of the last minute and
fails when it grew by more than 5 % (or on any 5xx or connection error).

Usage: python3 bench/soak.py SEGMENTA_BINARY [SECONDS=600] [EVENTS_PER_SECOND=2000] [OUT_DIR=docs/soak]
Writes OUT_DIR/soak-memory.csv (t_seconds, rss_mib, events_stored, requests_ok, requests_4xx, requests_5xx)
and OUT_DIR/soak-memory.svg (the curve).
"""
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

binary = sys.argv[1]
duration = int(sys.argv[2]) if len(sys.argv) > 2 else 600
rate = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
out_dir = sys.argv[4] if len(sys.argv) > 4 else "docs/soak"
work = tempfile.mkdtemp()
db = os.path.join(work, "soak.sqlite")
write_key, admin = "soakwritekey00000001", "soakadmintoken000001"
subprocess.run([binary, "demo", "--customers", "2000", "--db", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
env = dict(os.environ, SEGMENTA_DB=db, SEGMENTA_WRITE_KEY=write_key, SEGMENTA_ADMIN_TOKEN=admin)
server = subprocess.Popen([binary, "serve", "--port", "0", "--refresh-interval", "0", "--log-level", "error"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = None
for line in server.stdout:
    if "serving" in line:
        port = int(line.split("http://127.0.0.1:")[1].split(" ")[0])
        break
if port is None:
    raise SystemExit("server did not start")
base = f"http://127.0.0.1:{port}"
basic = "Basic " + base64.b64encode((write_key + ":").encode()).decode()
bearer = "Bearer " + admin
counts = {"ok": 0, "4xx": 0, "5xx": 0, "error": 0}
lock = threading.Lock()
stop = threading.Event()


def call(path, body=None, headers=None, method=None):
    req = urllib.request.Request(base + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            kind = "ok"
    except urllib.error.HTTPError as e:
        e.read()
        kind = "5xx" if e.code >= 500 else "4xx"
    except Exception:
        kind = "error"
    with lock:
        counts[kind] += 1
    return kind


def ingest(worker, workers):
    per_batch = 20
    interval = per_batch * workers / rate
    i = 0
    next_at = time.monotonic()
    while not stop.is_set():
        batch = [{"type": "track", "userId": f"soak-{worker}-{(i * per_batch + j) % 5000}", "event": "Soak Event",
                  "messageId": f"s{worker}-{i}-{j}", "properties": {"j": j, "note": "x" * 40}} for j in range(per_batch)]
        call("/v1/batch", json.dumps({"batch": batch}).encode(), {"Authorization": basic, "Content-Type": "application/json"})
        i += 1
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def reads():
    n = 0
    while not stop.is_set():
        for path in ["/api/v1/segments", "/api/v1/segments/activated-early/members?limit=200&traits=plan,email",
                     f"/api/v1/profiles/{10000 + n % 2000}", "/api/v1/analyses/rfm", "/api/v1/compare?a=activated-early&kpis=churn,revenue"]:
            call(path, headers={"Authorization": bearer})
        call("/api/v1/segments/activated-early/members?format=csv", headers={"Authorization": bearer})
        n += 1
        time.sleep(0.5)


def hostile():
    bad = [
        ("/v1/batch", b'{"batch":[' + b",".join([b"{}"] * 20000) + b"]}", {"Authorization": basic}),
        ("/v1/batch", b'{"batch":[{"type":"track","userId":"caf\xe9","event":"E"}]}', {"Authorization": basic}),
        ("/v1/batch", b"not json", {"Authorization": basic}),
        ("/v1/batch", b'{"batch":[]}', {"Authorization": "Basic " + base64.b64encode(b"wrong:").decode()}),
        ("/batch/", b'{"api_key":"wrong","batch":[{"event":"e","distinct_id":"u"}]}', {}),
    ]
    while not stop.is_set():
        for path, body, headers in bad:
            call(path, body, headers)
        call("/api/v1/compare?a=activated-early&kpis=active:999999999999", headers={"Authorization": bearer})
        call("/api/v1/segments/activated-early/members?traits=email,email", headers={"Authorization": bearer})
        time.sleep(1)


def refresher():
    while not stop.wait(30):
        call("/api/v1/segments/activated-early/refresh", b"", {"Authorization": bearer}, method="POST")


def rss_mib():
    with open(f"/proc/{server.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def stored():
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM events WHERE name = 'Soak Event'").fetchone()[0]
    finally:
        con.close()


workers = 4
threads = [threading.Thread(target=ingest, args=(w, workers)) for w in range(workers)]
threads += [threading.Thread(target=reads), threading.Thread(target=hostile), threading.Thread(target=refresher)]
for t in threads:
    t.start()
samples = []
start = time.monotonic()
try:
    while True:
        elapsed = time.monotonic() - start
        with lock:
            snapshot = dict(counts)
        samples.append((round(elapsed), rss_mib(), stored(), snapshot["ok"], snapshot["4xx"], snapshot["5xx"] + snapshot["error"]))
        print(f"t={samples[-1][0]:4d}s rss={samples[-1][1]:7.1f} MiB events={samples[-1][2]:8d} ok={snapshot['ok']} 4xx={snapshot['4xx']} 5xx/errors={snapshot['5xx'] + snapshot['error']}", flush=True)
        if elapsed >= duration:
            break
        time.sleep(10)
finally:
    stop.set()
    for t in threads:
        t.join()
    server.terminate()
    server.wait(timeout=30)

os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "soak-memory.csv"), "w") as f:
    f.write("t_seconds,rss_mib,events_stored,requests_ok,requests_4xx,requests_5xx_or_errors\n")
    for s in samples:
        f.write(f"{s[0]},{s[1]:.1f},{s[2]},{s[3]},{s[4]},{s[5]}\n")

# The curve, as a small self-contained SVG.
w, h, pad = 640, 260, 48
tmax = max(s[0] for s in samples) or 1
rmax = max(s[1] for s in samples) * 1.25
pts = " ".join(f"{pad + (w - 2 * pad) * s[0] / tmax:.1f},{h - pad - (h - 2 * pad) * s[1] / rmax:.1f}" for s in samples)
ticks = "".join(f'<text x="{pad - 6}" y="{h - pad - (h - 2 * pad) * v / rmax + 4:.1f}" text-anchor="end">{v:.0f}</text>'
                f'<line x1="{pad}" x2="{w - pad}" y1="{h - pad - (h - 2 * pad) * v / rmax:.1f}" y2="{h - pad - (h - 2 * pad) * v / rmax:.1f}" stroke="#ddd"/>'
                for v in [rmax * k / 4 for k in range(5)])
xt = "".join(f'<text x="{pad + (w - 2 * pad) * m * 60 / tmax:.1f}" y="{h - pad + 16}" text-anchor="middle">{m}</text>' for m in range(0, int(tmax // 60) + 1, max(1, int(tmax // 600) or 1)))
svg = f'''<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11" role="img" aria-label="Server memory (RSS) during the soak test">
<rect width="{w}" height="{h}" fill="white"/>{ticks}{xt}
<polyline points="{pts}" fill="none" stroke="#2563eb" stroke-width="2"/>
<text x="{w / 2}" y="{h - 8}" text-anchor="middle">minutes</text>
<text x="14" y="{h / 2}" text-anchor="middle" transform="rotate(-90 14 {h / 2})">RSS (MiB)</text>
<text x="{w / 2}" y="18" text-anchor="middle" font-size="13">segmenta serve: RSS under {rate:,} events/s + API reads + refreshes + hostile requests</text>
</svg>
'''
with open(os.path.join(out_dir, "soak-memory.svg"), "w") as f:
    f.write(svg)

# Steady state: SQLite's page caches (bounded: 64 + 4 × 32 MiB in the server) fill during the first
# minutes while the store grows; after that, any growth is a leak. The minute at half-time is compared
# with the last minute, and must not have grown by more than 5 %.
half = [s[1] for s in samples if tmax / 2 <= s[0] < tmax / 2 + 60] or [samples[len(samples) // 2][1]]
last_minute = [s[1] for s in samples if s[0] >= tmax - 60]
growth = statistics.median(last_minute) / statistics.median(half) - 1
errors = samples[-1][5]
print(f"RSS median: start {samples[0][1]:.1f} MiB, minute at half-time {statistics.median(half):.1f} MiB, last minute {statistics.median(last_minute):.1f} MiB "
      f"({growth * 100:+.1f} % over the second half); events stored {samples[-1][2]:,}; 5xx or connection errors: {errors}")
sys.exit(1 if growth > 0.05 or errors > 0 else 0)
