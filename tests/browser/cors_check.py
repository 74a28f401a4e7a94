"""Cross-origin check in a real browser: a page served from another origin (as a company's site)
sends to a live `segmenta serve` the requests the browser SDKs send — analytics.js's text/plain
fetch, posthog-js's gzip (CompressionStream) XHR with credentials and its sendBeacon, RudderStack's
XHR with Authorization and AnonymousId headers (a preflight) — and reads the answers: Chromium must
let every one through. A fetch of the admin API from the same page must be blocked by the browser.
Then the events are read back through the admin API.

Usage: python cors_check.py BASE_URL WRITE_KEY ADMIN_TOKEN   (run by tests/browser/run.sh)
"""
import http.server
import json
import socketserver
import sys
import threading
import time
import urllib.request

import chromium

base, write_key, admin = sys.argv[1], sys.argv[2], sys.argv[3]
page_html = """<!doctype html><title>shop</title><script>
const BASE = %(base)s, KEY = %(key)s, results = {};
async function run() {
  // analytics.js 2.0: fetch, text/plain, writeKey in the body (a "simple" request: no preflight).
  let r = await fetch(BASE + "/v1/t", {method: "POST", headers: {"Content-Type": "text/plain"}, keepalive: true,
    body: JSON.stringify({type: "track", event: "Product Viewed", anonymousId: "cors-anon", messageId: "cors-1", writeKey: KEY})});
  results.analytics = [r.status, await r.text()];
  // The same SDK seeing a refusal: the 400 must be readable, not a CORS failure.
  r = await fetch(BASE + "/v1/t", {method: "POST", headers: {"Content-Type": "text/plain"}, body: JSON.stringify({type: "track", anonymousId: "cors-anon", writeKey: KEY})});
  results.refused = [r.status, (await r.json()).code];
  // posthog-js: gzip-js as text/plain through XHR with credentials.
  const gz = await new Response(new Blob([JSON.stringify([{event: "$pageview", uuid: "01a24e34-c0c0-7000-8000-000000000001",
    properties: {distinct_id: "cors-anon", $is_identified: false, token: KEY, $current_url: location.href}}])])
    .stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
  results.posthog = await new Promise(done => { const x = new XMLHttpRequest(); x.open("POST", BASE + "/e/?ip=0&ver=1.369.3&compression=gzip-js");
    x.withCredentials = true; x.setRequestHeader("Content-Type", "text/plain"); x.onload = () => done([x.status, x.responseText]); x.onerror = () => done([0, "blocked"]); x.send(gz); });
  // RudderStack JS v3: XHR with Authorization and AnonymousId: a preflight first.
  results.rudder = await new Promise(done => { const x = new XMLHttpRequest(); x.open("POST", BASE + "/v1/identify");
    x.setRequestHeader("Content-Type", "application/json;charset=UTF-8"); x.setRequestHeader("Authorization", "Basic " + btoa(KEY + ":"));
    x.setRequestHeader("AnonymousId", btoa("cors-anon")); x.onload = () => done([x.status, x.responseText]); x.onerror = () => done([0, "blocked"]);
    x.send(JSON.stringify({type: "identify", userId: "cors-user", anonymousId: "cors-anon", context: {traits: {plan: "pro"}}, messageId: "cors-2", channel: "web"})); });
  results.beacon = navigator.sendBeacon(BASE + "/e/?compression=gzip-js&beacon=1", new Blob([JSON.stringify({event: "Order Completed",
    uuid: "01a24e34-c0c0-7000-8000-000000000002", properties: {distinct_id: "cors-user", token: KEY, revenue: 12.5}})], {type: "text/plain"}));
  // The admin API must stay closed to this origin (the browser refuses to show the answer).
  try { r = await fetch(BASE + "/api/v1/segments", {headers: {"Authorization": "Bearer admin-token-guess"}}); results.admin = "readable " + r.status; }
  catch (e) { results.admin = "blocked"; }
  results.done = true;
}
run().catch(e => { results.error = String(e); results.done = true; });
</script>""" % {"base": json.dumps(base), "key": json.dumps(write_key)}


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = page_html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


site = socketserver.TCPServer(("127.0.0.1", 0), Page)
threading.Thread(target=site.serve_forever, daemon=True).start()
# "localhost" is another origin than the server's "127.0.0.1", as a company's site is.
site_url = f"http://localhost:{site.server_address[1]}/"

chrome, ws = chromium.start(9334)
errors = []


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else f"  ({detail})"))
    if not cond:
        errors.append(what)


try:
    ids = [0]

    def call(method, **params):
        ids[0] += 1
        ws.send(json.dumps({"id": ids[0], "method": method, "params": params}))
        while True:
            msg = json.loads(ws.recv())
            if msg.get("id") == ids[0]:
                return msg.get("result", {})

    call("Page.navigate", url=site_url)
    results = {}
    for _ in range(200):
        results = call("Runtime.evaluate", expression="JSON.stringify(typeof results === 'undefined' ? {} : results)", returnByValue=True)
        results = json.loads(results.get("result", {}).get("value") or "{}")
        if results.get("done"):
            break
        time.sleep(0.1)
    check("the page ran to its end", results.get("done") and "error" not in results, results)
    check("analytics.js-style fetch (text/plain) answered 200 and readable", results.get("analytics") == [200, '{"success":true}'], results.get("analytics"))
    check("a refused message is a readable 400 messages_refused", results.get("refused") == [400, "messages_refused"], results.get("refused"))
    check("posthog-js-style gzip XHR with credentials answered 200", results.get("posthog") == [200, '{"status":1}'], results.get("posthog"))
    check("RudderStack-style XHR with Authorization/AnonymousId passed its preflight, 200", results.get("rudder") == [200, '{"success":true}'], results.get("rudder"))
    check("sendBeacon was queued", results.get("beacon") is True, results.get("beacon"))
    check("the admin API is not readable from another origin", results.get("admin") == "blocked", results.get("admin"))
    time.sleep(1)   # the beacon is sent in the background
    req = urllib.request.Request(base + "/api/v1/profiles/cors-user", headers={"Authorization": "Bearer " + admin})
    p = json.load(urllib.request.urlopen(req))
    counts = p["event_counts"]
    check("every event is on one profile (anonymous and identified)",
          counts["by_event"].get("Product Viewed") == 1 and counts["by_type"].get("page") == 1 and counts["by_event"].get("Order Completed") == 1
          and p["traits"].get("plan") == "pro", counts)
finally:
    chrome.terminate()
    site.shutdown()

print(f"{len(errors)} failure(s)")
sys.exit(1 if errors else 0)
