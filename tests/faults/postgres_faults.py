"""PostgreSQL failing under ingestion: 4 senders post 100-message batches to `segmenta serve` (store
on PostgreSQL) and send again, unchanged, whatever was not acknowledged (as the SDKs do), while
the database is restarted RESTARTS times in immediate mode (a crash: connections cut, no
checkpoint) and then stopped for 10 s.

Checked, in the database itself at the end: every messageId answered 200 is stored exactly once
(nothing acknowledged is lost or doubled); no answer was a 500 (an outage is a 503 with
Retry-After); after each restart and after the stop, ingestion answers 200 again within 5 s of the
database being back; /health answers within 5 s while the database is down, and says 503 with the
primary named; SIGTERM afterwards exits within 10 s.

Usage: python postgres_faults.py SEGMENTA_BINARY [RESTARTS]
Needs SEGMENTA_TEST_POSTGRES and SEGMENTA_PG_DIR (tests/postgres/server.sh start).
"""
import atexit
import base64
import glob
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from load import Senders, start_server

binary = sys.argv[1]
restarts = int(sys.argv[2]) if len(sys.argv) > 2 else 10
base_url, pg_dir = os.environ["SEGMENTA_TEST_POSTGRES"], os.environ["SEGMENTA_PG_DIR"]
pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
name = f"segmenta_faults_{os.getpid()}"
store = base_url.rsplit("/", 1)[0] + "/" + name
key, admin = "faulttestwritekey0001", "faulttestadmintoken01"
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()
rng = random.Random(20261207)


# As tests/postgres/server.sh starts it (restart reuses the options; start must be told them again).
pg_port = base_url.rsplit(":", 1)[1].split("/")[0]
pg_options = f"-p {pg_port} -k {pg_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"


def pg_ctl(*args):
    cmd = ["runuser", "-u", "postgres", "--", f"{pg_bin}/pg_ctl", "-D", f"{pg_dir}/data", "-l", f"{pg_dir}/log", "-w", *args]
    if args[-1] == "start":
        cmd[-1:-1] = ["-o", pg_options]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ensure_up():
    """Leaves the database running whatever happened (the caller's other tests use it)."""
    running = subprocess.run(["runuser", "-u", "postgres", "--", f"{pg_bin}/pg_ctl", "-D", f"{pg_dir}/data", "status"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if not running:
        pg_ctl("start")


atexit.register(ensure_up)


def psql(sql, database=store):
    return subprocess.run(["psql", database, "-Atq", "-c", sql], check=True, capture_output=True, text=True).stdout


psql(f"DROP DATABASE IF EXISTS {name}", base_url)
psql(f"CREATE DATABASE {name}", base_url)
env = dict(os.environ, SEGMENTA_WRITE_KEY=key, SEGMENTA_ADMIN_TOKEN=admin, SEGMENTA_STORE=store)
env.pop("SEGMENTA_DB", None)
log_path = os.environ.get("FAULTS_SERVER_LOG") or f"/tmp/{name}.log"
server, port = start_server(binary, env, log_path)
load = Senders(port, auth, "f", lambda n, ids: [{"type": "track", "userId": f"user-{n}-{j % 10}", "event": "Fault Probe", "messageId": m,
                                                  "properties": {"j": j}} for j, m in enumerate(ids)])


def health():
    req = urllib.request.Request(f"http://127.0.0.1:{port}/health")
    started = time.time()
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r), time.time() - started
    except urllib.error.HTTPError as e:
        return e.code, json.load(e), time.time() - started


failures = []
time.sleep(2)
recoveries = []
for k in range(restarts):
    pg_ctl("-m", "immediate", "restart")
    up = time.time()
    took = load.back_within(up)
    if took is None:
        failures.append(f"restart {k + 1}: no 200 within 5 s of PostgreSQL being back")
        took = load.back_within(up, 60)
        print(f"restart {k + 1}: ingestion back after {took} s")
    else:
        recoveries.append(took)
    time.sleep(rng.uniform(0.5, 2.0))
pg_ctl("-m", "immediate", "stop")
time.sleep(2)
status, body, took = health()
print(f"/health with PostgreSQL stopped: {status} {json.dumps(body)} in {took:.1f} s")
if status != 503 or took > 5 or body.get("database") != "postgresql" or body.get("database_status") != "unavailable":
    failures.append(f"/health with PostgreSQL stopped answered {status} {body} in {took:.1f} s (want 503 naming postgresql unavailable, within 5 s)")
time.sleep(8)
pg_ctl("start")
up = time.time()
took = load.back_within(up)
if took is None:
    failures.append("no 200 within 5 s of PostgreSQL starting again after 10 s stopped")
else:
    recoveries.append(took)
time.sleep(3)
status, body, took = health()
if status != 200:
    failures.append(f"/health after the outage answered {status}: {body}")
if not load.finish():
    failures.append("some batches were still not acknowledged 60 s after the faults ended")

server.send_signal(signal.SIGTERM)
term = time.time()
try:
    server.wait(timeout=10)
    print(f"SIGTERM: exited in {time.time() - term:.1f} s")
except subprocess.TimeoutExpired:
    failures.append("SIGTERM did not end the server within 10 s")
    server.kill()
    server.wait()

stored = {}
for m in psql("SELECT message_id FROM events WHERE name = 'Fault Probe'").split():
    stored[m] = stored.get(m, 0) + 1
psql(f"DROP DATABASE {name} WITH (FORCE)", base_url)
acked, statuses = load.acked, load.statuses
missing = [m for m in acked if m not in stored]
doubled = [m for m, c in stored.items() if c > 1]
errors = load.errors()
print(f"{restarts} immediate restarts and a 10 s stop: answers {statuses}; acknowledged {len(acked)}, stored {len(stored)}, "
      f"missing {len(missing)}, stored twice {len(doubled)}; back after {max(recoveries, default=0):.2f} s at most")
if missing:
    failures.append(f"{len(missing)} acknowledged messages are not stored, e.g. {missing[:3]}")
if doubled:
    failures.append(f"{len(doubled)} messages are stored twice, e.g. {doubled[:3]}")
if errors:
    failures.append(f"answers other than 200 and 503: {errors}")
if len(acked) < 5000:
    failures.append(f"only {len(acked)} messages were acknowledged: too few for the test to mean anything")
for f in failures:
    print("FAIL:", f)
if failures:
    print("the server's log:", "".join(open(log_path).readlines()[-20:]))
else:
    os.remove(log_path)
sys.exit(1 if failures else 0)
