"""What the storage-fault tests share: a `segmenta serve` started on a free port, and four senders
that post 100-message batches and send again, unchanged, whatever was not acknowledged (as the
SDKs do), tallying every answer."""
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request


def start_server(binary, env, log_path):
    """`segmenta serve` on a free port with `env`, its log in `log_path`: (process, port)."""
    server = subprocess.Popen([binary, "serve", "--port", "0", "--refresh-interval", "0", "--log-level", "error"], env=env,
                              stdout=subprocess.PIPE, stderr=open(log_path, "w"), text=True)
    for line in server.stdout:
        if "serving" in line:
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            return server, int(line.split("http://127.0.0.1:")[1].split(" ")[0])
    raise SystemExit("server did not start: " + open(log_path).read())


class Senders:
    """Four threads posting batches made by `batch(sender, number, ids)` to /v1/batch until stopped."""

    def __init__(self, port, auth, prefix, batch):
        self.port, self.auth, self.prefix, self.batch = port, auth, prefix, batch
        self.lock = threading.Lock()
        self.acked = set()              # every messageId answered 200
        self.acked_batches = []         # every batch answered 200, as sent
        self.statuses = {}              # status (or exception name) -> count
        self.ok_times = []              # when each 200 came
        self.pending = {n: [] for n in range(4)}
        self.stop_new, self.stop_all = threading.Event(), threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(4)]
        for t in self.threads:
            t.start()

    def note(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.ok_times.append(time.time())

    def run(self, n):
        i = 0
        while not self.stop_all.is_set():
            if not self.pending[n]:
                if self.stop_new.is_set():
                    return
                self.pending[n].append(self.batch(n, [f"{self.prefix}{n}-{i}-{j}" for j in range(100)]))
                i += 1
            batch = self.pending[n][0]
            req = urllib.request.Request(f"http://127.0.0.1:{self.port}/v1/batch", data=json.dumps({"batch": batch}).encode(),
                                         headers={"Authorization": self.auth, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=15) as r:
                    self.note(r.status)
                    with self.lock:
                        self.acked.update(m["messageId"] for m in batch)
                        self.acked_batches.append(batch)
                    self.pending[n].pop(0)
            except urllib.error.HTTPError as e:
                self.note(e.code)
                if e.code == 503 and e.headers.get("Retry-After") is None:
                    self.note("503 without Retry-After")
                time.sleep(0.05)
            except Exception as e:   # a timeout: the server did not answer within 15 s
                self.note(type(e).__name__)
                time.sleep(0.05)

    def back_within(self, since, limit=5.0):
        """Seconds from `since` to the first 200 after it (None if none came within `limit`)."""
        deadline = since + limit
        while time.time() < deadline:
            with self.lock:
                after = [t for t in self.ok_times if t >= since]
            if after:
                return after[0] - since
            time.sleep(0.05)
        return None

    def finish(self, within=60):
        """Stops making batches, waits until every one is acknowledged (or `within` s); True when all were."""
        self.stop_new.set()
        deadline = time.time() + within
        while any(self.pending.values()) and time.time() < deadline:
            time.sleep(0.1)
        self.stop_all.set()
        for t in self.threads:
            t.join()
        return not any(self.pending.values())

    def errors(self):
        """Answers other than 200 and 503."""
        return {s: c for s, c in self.statuses.items() if s not in (200, 503)}
