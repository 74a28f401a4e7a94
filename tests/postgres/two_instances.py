"""Two `segmenta serve` on one PostgreSQL database, as behind a load balancer:

1. both ingest, and a batch retried on the other instance (same messageIds) is stored once;
2. a dashboard session signed in on one instance is valid on the other (sessions live in the store);
3. the scheduled recompute runs on one instance at a time: while another process holds its lock
   (a PostgreSQL advisory lock) neither instance recomputes; when that process ends, one takes over.

Usage: python two_instances.py SEGMENTA_BINARY POSTGRES_URL   (an empty database)
"""
import base64
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

binary, url = sys.argv[1], sys.argv[2]
write, admin = "twoinstanceswritekey01", "twoinstancesadmintoken1"
env = {"SEGMENTA_STORE": url, "SEGMENTA_WRITE_KEY": write, "SEGMENTA_ADMIN_TOKEN": admin, "PATH": "/usr/bin:/bin"}
failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(what)


def psql(sql):
    return subprocess.run(["psql", url, "-At", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def start(interval):
    p = subprocess.Popen([binary, "serve", "--port", "0", "--refresh-interval", interval, "--log-level", "info"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:
        if "serving" in line:
            return p, int(line.split("http://127.0.0.1:")[1].split(" ")[0])
    raise SystemExit("server did not start")


def post(port, path, body, auth):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


basic = "Basic " + base64.b64encode((write + ":").encode()).decode()
# The first instance creates the schema and adopts the keys; the second finds them.
a, port_a = start("4s")
b, port_b = start("4s")
try:
    # 1. Both ingest; a batch sent to A is retried on B (as an SDK behind a load balancer would).
    batch = {"batch": [{"type": "track", "userId": f"u{j % 7}", "event": "Two Probe", "messageId": f"two-{j}"} for j in range(200)]}
    check("instance A acknowledges a batch", post(port_a, "/v1/batch", batch, basic) == 200)
    check("instance B acknowledges the same batch (a retry)", post(port_b, "/v1/batch", batch, basic) == 200)
    more = {"batch": [{"type": "identify", "userId": f"u{j}", "traits": {"plan": "pro" if j % 2 else "free"}, "messageId": f"id-{j}"} for j in range(7)]}
    check("instance B acknowledges its own batch", post(port_b, "/v1/batch", more, basic) == 200)
    stored = psql("SELECT count(*), count(DISTINCT message_id) FROM events WHERE name = 'Two Probe'")
    check("the retried batch is stored once", stored == "200|200", stored)

    # 2. A session signed in on A is valid on B.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    cookie = None
    try:
        opener.open(urllib.request.Request(f"http://127.0.0.1:{port_a}/login", data=urllib.parse.urlencode({"key": admin}).encode(), method="POST"))
    except urllib.error.HTTPError as e:
        cookie = e.headers.get("Set-Cookie", "").split(";")[0]
    check("sign-in on A gives a session cookie", bool(cookie) and cookie.startswith("segmenta_session="), cookie)
    try:
        with opener.open(urllib.request.Request(f"http://127.0.0.1:{port_b}/", headers={"Cookie": cookie})) as r:
            check("the session is valid on B", r.status == 200 and b"Sign in" not in r.read()[:4000])
    except urllib.error.HTTPError as e:
        check("the session is valid on B", False, f"B answered {e.code} {e.headers.get('Location')}")

    # 3. One recompute at a time: a third process holds the lock, so no run is recorded...
    bearer = "Bearer " + admin
    check("a segment is created on A", post(port_a, "/api/v1/segments", {"name": "pro", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}, bearer) in (200, 201))
    holder = subprocess.Popen(["psql", url, "-At"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdin.write("SELECT pg_advisory_lock(7215002, hashtext('recompute'));\n")
    holder.stdin.flush()
    holder.stdout.readline()
    time.sleep(1)   # a recompute that started before the lock was taken ends
    psql("DELETE FROM segment_snapshots")
    before = int(psql("SELECT count(*) FROM analysis_runs"))
    time.sleep(9)   # two intervals of both instances
    during = int(psql("SELECT count(*) FROM analysis_runs"))
    check("no instance recomputes while another process holds the lock", during == before, f"{before} → {during} runs")
    # ...and when the holder goes away (as a crashed instance's connection does), one takes over.
    holder.stdin.close()
    holder.wait(timeout=10)
    deadline = time.time() + 20
    while time.time() < deadline and int(psql("SELECT count(*) FROM segment_snapshots")) == 0:
        time.sleep(0.5)
    after = int(psql("SELECT count(*) FROM analysis_runs"))
    check("an instance recomputes once the lock is free", after > during, f"{during} → {after} runs")
    sizes = psql("SELECT DISTINCT size FROM segment_snapshots WHERE segment = 'pro'")
    check("the recompute refreshed the segment (u1, u3, u5 are on plan pro)", sizes == "3", sizes)
finally:
    for p in (a, b):
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
