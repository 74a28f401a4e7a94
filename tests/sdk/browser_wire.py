"""Wire-level replay of the browser SDKs' requests (tests/sdk/wire/*.json, from shared/wire) against
a live `segmenta serve`: preflights, text/plain bodies with an Origin, gzip without Content-Encoding,
event arrays, base64 forms; then every event of each SDK's anonymous → identified session must be on
one profile (read back through the admin API), and CORS must never open the API or the dashboard.

Usage: python browser_wire.py BASE_URL WRITE_KEY ADMIN_TOKEN   (run by tests/sdk/run.sh on each backend)
"""
import base64
import gzip
import json
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

base, write_key, admin = sys.argv[1], sys.argv[2], sys.argv[3]
RECORDED_KEY = "wk_js_acceptance_0123456789abcdef"
errors = []


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else f"  ({detail})"))
    if not cond:
        errors.append(what)


def send(method, path, headers, body=None):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def api(path):
    status, _, body = send("GET", path, {"Authorization": "Bearer " + admin})
    return json.loads(body) if status == 200 else {"_status": status, "_body": body}


for file in ["analytics-next.json", "posthog-js.json", "rudder-analytics-js.json", "posthog-node.json"]:
    rec = json.loads((pathlib.Path(__file__).parent / "wire" / file).read_text())
    sdk = rec["sdk"]
    for p in rec.get("preflights", []):
        status, headers, _ = send("OPTIONS", p["path"], p["headers"])
        h = {k.lower(): v for k, v in headers.items()}
        allowed = {x.strip() for x in h.get("access-control-allow-headers", "").lower().split(",")}
        asked = set(p["headers"]["access-control-request-headers"].split(","))
        check(f"{sdk}: preflight {p['path']} allows the origin, POST and {len(asked)} headers",
              status == 204 and h.get("access-control-allow-origin") == p["headers"]["origin"] and asked <= allowed
              and "POST" in h.get("access-control-allow-methods", ""), (status, h))
    for r in rec["requests"]:
        headers = {k: v.replace("BASIC_WRITE_KEY", base64.b64encode((write_key + ":").encode()).decode())
                        .replace("BASE64_ANONYMOUS_ID", base64.b64encode(rec["anonymous"].encode()).decode())
                   for k, v in rec["headers"].items()}
        if "content-type" in r:
            headers["content-type"] = r["content-type"]
        text = r["body"].replace(RECORDED_KEY, write_key).encode()
        if r.get("encoding") == "gzip":
            body = gzip.compress(text)
        elif r.get("encoding") == "base64-form":
            body = ("data=" + urllib.parse.quote(base64.b64encode(text).decode(), safe="")).encode()
        else:
            body = text
        status, answer, out = send("POST", r["path"], headers, body)
        origin = rec["headers"].get("origin")
        acao = {k.lower(): v for k, v in answer.items()}.get("access-control-allow-origin")
        check(f"{sdk}: POST {r['path'][:40]} answered 200" + (" with the origin allowed" if origin else ""),
              status == 200 and (origin is None or acao == origin), (status, acao, out))
    p = api("/api/v1/profiles/" + urllib.parse.quote(rec["user"], safe=""))
    a = api("/api/v1/profiles/" + urllib.parse.quote(rec["anonymous"], safe=""))
    check(f"{sdk}: the user's profile exists", "id" in p, p)
    if "id" in p:
        check(f"{sdk}: the anonymous id is on the user's profile", a.get("id") == p["id"], (a.get("id"), p["id"]))
        counts = p["event_counts"]
        check(f"{sdk}: the page, Product Viewed and Order Completed are on it once each",
              counts["by_type"].get("page") == 1 and counts["by_event"].get("Product Viewed") == 1 and counts["by_event"].get("Order Completed") == 1, counts)
        check(f"{sdk}: identify traits stored", p["traits"].get("plan") == "pro", p["traits"])
        users = [i["id"] for i in p["identities"] if i["kind"] == "user_id"]
        check(f"{sdk}: one user id on the profile", users == [rec["user"]], p["identities"])

# CORS never opens the API or the dashboard.
for path in ["/api/v1/segments", "/", "/health"]:
    status, headers, _ = send("OPTIONS", path, {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
                                                "Access-Control-Request-Headers": "authorization"})
    check(f"OPTIONS {path} is not opened to another origin", "access-control-allow-origin" not in {k.lower() for k in headers}, (status, headers))
status, headers, _ = send("GET", "/api/v1/segments", {"Origin": "https://evil.example", "Authorization": "Bearer " + admin})
check("the admin API answers without CORS headers", status == 200 and "access-control-allow-origin" not in {k.lower() for k in headers}, headers)

print(f"{len(errors)} failure(s)")
sys.exit(1 if errors else 0)
