"""End-to-end: the real Segment, RudderStack and PostHog Python SDKs, unmodified, against a live
`segmenta serve`; everything is then read back through the admin API.

Usage: python sdk_e2e.py BASE_URL WRITE_KEY ADMIN_TOKEN   (run by tests/sdk/run.sh)
"""
import json
import sys
import time
import urllib.request
import uuid

base, write_key, admin = sys.argv[1], sys.argv[2], sys.argv[3]
run = uuid.uuid4().hex[:8]            # ids unique to this run
errors = []


def api(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + admin})
    try:
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return {"_status": e.code, "_body": e.read().decode()}


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else f"  ({detail})"))
    if not cond:
        errors.append(what)


def on_error(e, batch):
    errors.append(f"SDK reported an error: {e}")
    print("SDK error:", e)


# --- Segment (segment-analytics-python): sync mode posts each call to /v1/batch.
import segment.analytics as segment
segment.write_key = write_key
segment.host = base
segment.sync_mode = True
segment.on_error = on_error
s_user, s_anon = f"seg-{run}", f"seg-anon-{run}"
segment.track(anonymous_id=s_anon, event="Viewed Pricing", properties={"plan": "pro"})
segment.identify(s_user, {"email": f"{s_user}@example.com", "plan": "pro", "seats": 5}, anonymous_id=s_anon)
segment.track(s_user, "Signed Up", {"source": "sdk"}, message_id=f"seg-retry-{run}")
segment.track(s_user, "Signed Up", {"source": "sdk"}, message_id=f"seg-retry-{run}")   # a retry: same messageId
segment.page(s_user, "Docs", "Getting started", {"url": "https://example.com/docs"})
segment.group(s_user, f"acme-{run}", {"name": "Acme", "industry": "dental"})
segment.alias(f"seg-old-{run}", s_user)
segment.flush()

# --- RudderStack (rudder-sdk-python): gzip on by default, batches to /v1/batch, identify traits in context.traits.
import rudderstack.analytics as rudder
rudder.write_key = write_key
rudder.dataPlaneUrl = base
rudder.sync_mode = True
rudder.on_error = on_error
r_user = f"rud-{run}"
rudder.identify(r_user, {"email": f"{r_user}@example.com", "role": "dentist"})
rudder.track(r_user, "Workflow Created", {"steps": 3})
rudder.page(r_user, "Home", properties={"url": "https://example.com/"})
rudder.group(r_user, f"rgroup-{run}", {"name": "Rudder Co"})
rudder.flush()

# --- PostHog (posthog-python): /batch/ with api_key in the body.
from posthog import Posthog
ph = Posthog(write_key, host=base, sync_mode=True, on_error=on_error)
p_user = f"ph-{run}"
ph.set(distinct_id=p_user, properties={"email": f"{p_user}@example.com", "plan": "free"})
ph.capture("Report Exported", distinct_id=p_user, properties={"format": "csv"})
ph.capture("$pageview", distinct_id=p_user, properties={"$current_url": "https://example.com/pricing"})
ph.group_identify("company", f"phco-{run}", {"name": "PH Co"}, distinct_id=p_user)
ph.alias(f"ph-old-{run}", p_user)
ph.flush()
ph.shutdown()

time.sleep(0.3)

# --- Read back through the admin API.
p = api(f"/api/v1/profiles/{s_user}")
check("segment: profile exists", "id" in p, p)
if "id" in p:
    check("segment: identify traits stored", p["traits"].get("email") == f"{s_user}@example.com" and p["traits"].get("seats") == 5, p["traits"])
    ids = {i["id"] for i in p["identities"]}
    check("segment: anonymous id merged into the known profile", s_anon in ids, ids)
    check("segment: alias previous id linked", f"seg-old-{run}" in ids, ids)
    ev = p["event_counts"]["by_event"]
    check("segment: the anonymous event moved onto the profile", ev.get("Viewed Pricing") == 1, ev)
    check("segment: retried messageId stored once", ev.get("Signed Up") == 1, ev)
    check("segment: page stored", p["event_counts"]["by_type"].get("page") == 1, p["event_counts"])
    check("segment: group membership", [a["id"] for a in p["accounts"]] == [f"acme-{run}"] and p["accounts"][0]["traits"].get("industry") == "dental", p["accounts"])
by_old = api(f"/api/v1/profiles/seg-old-{run}")
check("segment: profile found by its alias", by_old.get("id") == s_user, by_old)

r = api(f"/api/v1/profiles/{r_user}")
check("rudder: profile exists", "id" in r, r)
if "id" in r:
    check("rudder: identify traits (context.traits) stored", r["traits"].get("role") == "dentist", r["traits"])
    check("rudder: track stored", r["event_counts"]["by_event"].get("Workflow Created") == 1, r["event_counts"])
    check("rudder: page stored", r["event_counts"]["by_type"].get("page") == 1, r["event_counts"])
    check("rudder: group membership", [a["id"] for a in r["accounts"]] == [f"rgroup-{run}"], r["accounts"])
    events = api(f"/api/v1/profiles/{r_user}/events?limit=10")["events"]
    wf = [e for e in events if e["name"] == "Workflow Created"]
    check("rudder: event properties kept", wf and wf[0]["properties"].get("steps") == 3, wf)

h = api(f"/api/v1/profiles/{p_user}")
check("posthog: profile exists", "id" in h, h)
if "id" in h:
    check("posthog: $set traits stored", h["traits"].get("plan") == "free" and h["traits"].get("email") == f"{p_user}@example.com", h["traits"])
    check("posthog: capture stored", h["event_counts"]["by_event"].get("Report Exported") == 1, h["event_counts"])
    check("posthog: $pageview stored as a page", h["event_counts"]["by_type"].get("page") == 1, h["event_counts"])
    check("posthog: group_identify made the account", [a["id"] for a in h["accounts"]] == [f"phco-{run}"], h["accounts"])
    check("posthog: alias linked", f"ph-old-{run}" in {i["id"] for i in h["identities"]}, h["identities"])

print(f"{len(errors)} failure(s)")
sys.exit(1 if errors else 0)
