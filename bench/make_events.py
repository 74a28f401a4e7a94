"""Writes a Segment-spec JSONL file for the events import benchmark (issue: speed of the default).

N messages of U users over 2025: each user first browses anonymously (2 page views), then an
identify with anonymousId + userId (an anonymous→known merge) and traits, then track events
(Logged In, Feature Used with a feature property, Order Completed with revenue) and pages, in time
order per user; users interleaved as they would arrive. Every message has a messageId (a UUID).

    python3 bench/make_events.py /tmp/events_1m.jsonl [messages] [users]
"""
import json, sys, uuid
import numpy as np

out = sys.argv[1]
messages = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
users = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
rng = np.random.default_rng(20261204)
start = np.datetime64("2025-01-01T00:00:00")
span = 365 * 86400
per_user = max(4, messages // users)
features = ["export", "dashboard", "segments", "alerts", "api"]
u = uuid.UUID(int=int(rng.integers(0, 2**62)))

def mid(i):
    return str(uuid.UUID(int=(u.int + i * 0x9E3779B97F4A7C15) % 2**128))

written = 0
with open(out, "w") as f:
    # Each user's messages are spread over the year; the file is in time order across users.
    times = rng.integers(0, span, size=(users, per_user))
    times.sort(axis=1)
    order = np.argsort(times, axis=None, kind="stable")
    lines = []
    for flat in order:
        if written >= messages:
            break
        user, k = divmod(int(flat), per_user)
        ts = str(start + np.timedelta64(int(times[user, k]), "s")) + "Z"
        anon = f"anon-{user}"
        base = {"messageId": mid(written), "timestamp": ts}
        if k < 2:
            m = {"type": "page", "anonymousId": anon, "name": "Pricing" if k else "Home", "properties": {"path": "/pricing" if k else "/"}}
        elif k == 2:
            m = {"type": "identify", "anonymousId": anon, "userId": f"u{user}",
                 "traits": {"email": f"user{user}@example.com", "plan": ["free", "pro", "team"][user % 3], "country": ["FR", "DE", "US", "GB"][user % 4]}}
        else:
            r = int(rng.integers(0, 10))
            if r < 4:
                m = {"type": "track", "userId": f"u{user}", "event": "Logged In", "properties": {"platform": "web" if r % 2 else "ios"}}
            elif r < 8:
                m = {"type": "track", "userId": f"u{user}", "event": "Feature Used", "properties": {"feature": features[r % 5]}}
            elif r < 9:
                m = {"type": "track", "userId": f"u{user}", "event": "Order Completed",
                     "properties": {"order_id": f"o{written}", "revenue": round(float(rng.gamma(2.0, 30.0)), 2), "currency": "EUR"}}
            else:
                m = {"type": "page", "userId": f"u{user}", "name": "Docs", "properties": {"path": "/docs"}}
        m.update(base)
        lines.append(json.dumps(m, separators=(",", ":")))
        written += 1
        if len(lines) >= 100_000:
            f.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        f.write("\n".join(lines) + "\n")
print(f"wrote {written:,} messages of {users:,} users to {out}")
