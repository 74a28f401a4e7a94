"""A ClickHouse shard failing under ingestion: 4 senders post 100-message batches to `segmenta
serve --events` (events in the 2-shard cluster, the rest in SQLite) and send again, unchanged,
whatever was not acknowledged, while shard 2 is killed (SIGKILL) for 10 s and started again.
Then rows are duplicated on a shard (as a retried insert leaves them) and every person's events
are read back through `GET /api/v1/profiles/{id}/events`, page after page.

Checked: no answer is a 500 (an outage is a 503 with Retry-After); /health says 503 and names
the shard while it is down, and 200 once it is back; ingestion answers 200 again within 5 s of
the shard answering; every acknowledged messageId is stored (in ClickHouse itself) and
reachable through the pages, each once; the profiles' event counts count each message once;
SIGTERM afterwards exits within 10 s.

Usage: python clickhouse_faults.py SEGMENTA_BINARY
Needs SEGMENTA_TEST_CLICKHOUSE and SEGMENTA_CH_DIR (tests/clickhouse/server.sh start).
"""
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from load import Senders, start_server

binary = sys.argv[1]
ch_url, ch_dir = os.environ["SEGMENTA_TEST_CLICKHOUSE"], os.environ["SEGMENTA_CH_DIR"]
rest = ch_url[len("clickhouse://"):]
hosts = rest.split("/")[0].split(",")
database = f"segmenta_faults_{os.getpid()}"
events_url = f"clickhouse://{rest.split('/')[0]}/{database}?{rest.split('?')[1]}"
work = tempfile.mkdtemp()
key, admin = "chfaultwritekey000001", "chfaultadmintoken0001"
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()
users = [f"user-{n}-{j}" for n in range(4) for j in range(10)]


def ch(host, sql):
    with urllib.request.urlopen(urllib.request.Request(f"http://{host}/", data=sql.encode()), timeout=30) as r:
        return r.read().decode()


def shard_pid():
    return int(open(f"{ch_dir}/s2/pid").read())


def start_shard():
    """As tests/clickhouse/server.sh starts it."""
    d = f"{ch_dir}/s2"
    p = subprocess.Popen(["clickhouse-server", f"--config-file={d}/config.xml"], stdout=open(f"{d}/stdout.log", "a"),
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    open(f"{d}/pid", "w").write(str(p.pid))
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://{hosts[1]}/ping", timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit("shard 2 did not start again")


env = dict(os.environ, SEGMENTA_WRITE_KEY=key, SEGMENTA_ADMIN_TOKEN=admin, SEGMENTA_DB=os.path.join(work, "store.sqlite"),
           SEGMENTA_EVENTS=events_url)
env.pop("SEGMENTA_STORE", None)
log_path = os.path.join(work, "serve.log")
server, port = start_server(binary, env, log_path)
load = Senders(port, auth, "k", lambda n, ids: [
    {"type": "track", "userId": f"user-{n}-{j % 10}", "event": "Shard Probe", "messageId": m,
     "timestamp": f"2026-11-{1 + j % 28:02d}T10:{j % 60:02d}:00Z", "properties": {"j": j}} for j, m in enumerate(ids)])


def get(path, timeout=10):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {admin}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


failures = []
time.sleep(2)
os.kill(shard_pid(), signal.SIGKILL)
time.sleep(3)
status, body = get("/health")
print(f"/health with shard 2 killed: {status} {json.dumps(body)}")
if status != 503 or hosts[1] not in json.dumps(body):
    failures.append(f"/health with shard 2 down answered {status} without naming it: {body}")
time.sleep(7)
start_shard()
back = load.back_within(time.time())
if back is None:
    failures.append("no 200 within 5 s of shard 2 answering again")
time.sleep(3)
status, body = get("/health")
if status != 200:
    failures.append(f"/health after the shard came back answered {status}: {body}")
if not load.finish():
    failures.append("some batches were still not acknowledged 60 s after the shard came back")

# Plant duplicates on the first shard, as an insert retried after a cut leaves them.
ch(hosts[0], f"INSERT INTO {database}.events_local SELECT * FROM {database}.events_local WHERE event = 'Shard Probe' LIMIT 300")
stored = ch(hosts[0], f"SELECT message_id FROM {database}.events WHERE event = 'Shard Probe' FORMAT TabSeparated").split()
by_user = {u: set() for u in users}
for batch in load.acked_batches:
    for m in batch:
        by_user[m["userId"]].add(m["messageId"])
unreachable, seen_twice, miscounted, pages = 0, 0, [], 0
for u in users:
    seen, cursor = [], None
    while True:
        q = "limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        status, body = get(f"/api/v1/profiles/{u}/events?{q}", timeout=30)
        pages += 1
        if status != 200:
            failures.append(f"events page of {u} answered {status}: {body}")
            break
        seen += [e.get("messageId") or e.get("message_id") for e in body["events"]]
        cursor = body.get("next_cursor")
        if not cursor:
            break
    unreachable += len(by_user[u] - set(seen))
    seen_twice += len(seen) - len(set(seen))
    status, profile = get(f"/api/v1/profiles/{u}")
    counted = profile.get("event_counts", {}).get("by_event", {}).get("Shard Probe", 0) if status == 200 else None
    if counted != len(set(m for m in stored if m in by_user[u]) | by_user[u]):
        miscounted.append(f"{u}: counted {counted}")

server.send_signal(signal.SIGTERM)
term = time.time()
try:
    server.wait(timeout=10)
    print(f"SIGTERM: exited in {time.time() - term:.1f} s")
except subprocess.TimeoutExpired:
    failures.append("SIGTERM did not end the server within 10 s")
    server.kill()
    server.wait()
for h in hosts:
    ch(h, f"DROP DATABASE IF EXISTS {database}")

acked, statuses = load.acked, load.statuses
missing = acked - set(stored)
errors = load.errors()
print(f"shard 2 killed for 10 s: answers {statuses}; acknowledged {len(acked)}, stored {len(set(stored))} messages in {len(stored)} rows "
      f"(duplicates planted); back {back} s after the shard; {pages} pages read: {unreachable} acknowledged "
      f"events unreachable, {seen_twice} listed twice")
if missing:
    failures.append(f"{len(missing)} acknowledged messages are not in ClickHouse")
if unreachable:
    failures.append(f"{unreachable} acknowledged events are not reachable through the pages")
if seen_twice:
    failures.append(f"{seen_twice} events are listed twice in the pages")
if miscounted:
    failures.append(f"event counts that do not count each message once: {miscounted[:3]}")
if errors:
    failures.append(f"answers other than 200 and 503: {errors}")
if len(acked) < 5000:
    failures.append(f"only {len(acked)} messages were acknowledged: too few for the test to mean anything")
for f in failures:
    print("FAIL:", f)
if failures:
    print("the server's log:", "".join(open(log_path).readlines()[-20:]))
sys.exit(1 if failures else 0)
