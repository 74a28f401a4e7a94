"""Browser check: loads every dashboard page of a live `segmenta serve` in headless Chromium
(driven over the DevTools protocol), fails on any HTTP error or JavaScript error, builds and saves
a segment with the builder, and saves a screenshot of each page.

Usage: python check.py BASE_URL ADMIN_KEY SCREENSHOT_DIR
"""
import base64
import datetime
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

import websocket

import chromium

base, key, shots = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(shots, exist_ok=True)
failures = []
as_of = {}   # date -> the pages that say their numbers are as of it


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Sign in the way the form does, to get the session cookie.
opener = urllib.request.build_opener(NoRedirect)
try:
    opener.open(urllib.request.Request(base + "/login", data=urllib.parse.urlencode({"key": key}).encode(), method="POST"))
    raise SystemExit("sign-in should answer 303")
except urllib.error.HTTPError as e:
    if e.code != 303:
        raise SystemExit(f"sign-in failed: {e.code}")
    cookie = e.headers["Set-Cookie"].split(";")[0].split("=", 1)

chrome, ws = chromium.start(9333, "--window-size=1280,900")
try:
    next_id = [0]
    events = []

    def call(method, **params):
        next_id[0] += 1
        ws.send(json.dumps({"id": next_id[0], "method": method, "params": params}))
        while True:
            msg = json.loads(ws.recv())
            if msg.get("id") == next_id[0]:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            events.append(msg)

    def wait_for(method, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(events):
                if e.get("method") == method:
                    return events.pop(i)
            ws.settimeout(max(0.1, end - time.time()))
            try:
                events.append(json.loads(ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        raise RuntimeError(f"timed out waiting for {method}")

    for domain in ("Page", "Runtime", "Log", "Network"):
        call(f"{domain}.enable")
    call("Network.setCookie", name=cookie[0], value=cookie[1], url=base, httpOnly=True)

    def problems():
        found = []
        for e in events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                found.append("JavaScript exception: " + p["exceptionDetails"].get("text", "") + " " + str(p["exceptionDetails"].get("exception", {}).get("description", "")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
                found.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                found.append("browser error: " + p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
            elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
                found.append(f"HTTP {p['response']['status']} for {p['response']['url']}")
        events.clear()
        return found

    def layout_problems():
        """Measured from the DOM: ids are unique on the page, no two labels of one chart overlap, count axes read whole numbers."""
        found = call("Runtime.evaluate", returnByValue=True, expression=r"""(() => {
          const out = [];
          const seen = new Map();
          for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
          for (const [id, n] of seen) if (n > 1) out.push(`id "${id}" is used ${n} times`);
          for (const svg of document.querySelectorAll('svg[role=img]')) {
            const name = (svg.querySelector('title') || {}).textContent || 'a chart';
            const boxes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '')
              .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}));
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].r, b = boxes[j].r;
              const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > 1 && h > 1) out.push(`in "${name}", "${boxes[i].text}" overlaps "${boxes[j].text}"`);
            }
          }
          // Count axes (people, orders, members) read whole numbers: never 2.5 people.
          for (const t of document.querySelectorAll('svg text.count')) {
            if (!/^-?[0-9][0-9,]*$/.test(t.textContent.trim())) out.push(`count-axis tick "${t.textContent}" is not a whole number`);
          }
          return out.slice(0, 20);
        })()""")["result"]["value"]
        return found

    def visit(path, name):
        events.clear()
        call("Page.navigate", url=base + path)
        wait_for("Page.loadEventFired")
        time.sleep(0.3)
        title = call("Runtime.evaluate", expression="document.title", returnByValue=True)["result"]["value"]
        height = call("Runtime.evaluate", expression="document.documentElement.scrollHeight", returnByValue=True)["result"]["value"]
        call("Emulation.setDeviceMetricsOverride", width=1280, height=min(int(height), 4000), deviceScaleFactor=1, mobile=False)
        shot = call("Page.captureScreenshot", format="png")
        with open(os.path.join(shots, f"dashboard-{name}.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        errs = problems()
        errs += layout_problems()
        # One "now": every date a page says its numbers are as of (issue 32).
        text = call("Runtime.evaluate", expression="document.body.innerText", returnByValue=True)["result"]["value"]
        for d in re.findall(r"\b[Aa]s of\s+(\d{1,2} [A-Z][a-z]{2} \d{4})", text):
            as_of.setdefault(d, set()).add(path)
        status = "ok  " if not errs else "FAIL"
        print(f"{status} {path} — {title}")
        for e in errs:
            failures.append(f"{path}: {e}")
            print("     " + e)
        return title

    someone = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/segments/champions/members?limit=1",
                                                                      headers={"Authorization": "Bearer " + key})))["members"][0]
    # A support policy over the demo's segments, so that /support and the profile page show tiers.
    policy = {"rules": [{"segment": "fintech-large-accounts", "tier": "enterprise", "priority": "urgent", "first_response_hours": 1, "resolution_hours": 8,
                         "team": "key-accounts", "channels": ["phone", "chat", "email"]},
                        {"segment": "at-risk-value", "tier": "save", "priority": "high", "first_response_hours": 4, "resolution_hours": 24, "team": "retention"},
                        {"segment": "champions", "tier": "priority", "priority": "high", "first_response_hours": 4, "resolution_hours": 48, "channels": ["chat", "email"]}],
              "default": {"tier": "standard", "first_response_hours": 24, "channels": ["email", "self_service"]}, "note": "browser check"}
    saved = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/support/policy", data=json.dumps(policy).encode(), method="PUT",
                                                                    headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})))
    print(f"support policy version {saved['version']}: people per rule {[r['people'] for r in saved['resolution']['rules']]}")
    for path, name in [("/", "overview"), ("/segments/champions", "segment"), ("/segments/champions?compare=1", "segment-compare"),
                       ("/rfm", "rfm"), ("/cohorts", "cohorts"), ("/cohorts?period=month&by=acquisition_channel", "cohorts-by-channel"),
                       ("/value", "value"), ("/churn", "churn"), (f"/profiles/{someone}", "profile"), ("/profiles", "profile-search"), ("/builder", "builder"),
                       (f"/explain?segment=champions&profile={urllib.parse.quote(someone, safe='')}", "explain"), ("/support", "support")]:
        visit(path, name)

    # The demo's history ends today (UTC), and every page says its numbers are as of that one day.
    now = datetime.datetime.now(datetime.timezone.utc)
    today = f"{now.day} {now.strftime('%b')} {now.year}"
    print("as-of dates on the pages:", {d: sorted(p) for d, p in as_of.items()})
    pages_with_date = set().union(*as_of.values()) if as_of else set()
    if set(as_of) != {today}:
        failures.append(f"every page should say its numbers are as of {today}, the end of the demo's history; found {sorted(as_of)}")
    for path in ["/", "/segments/champions", "/rfm", "/cohorts", "/value", "/churn"]:
        if path not in pages_with_date:
            failures.append(f"{path} should say the date its numbers are as of")

    # The count-axis rule is not vacuous: a segment's size chart has count ticks to check.
    visit("/segments/champions", "segment")
    count_ticks = call("Runtime.evaluate", expression="document.querySelectorAll('svg text.count').length", returnByValue=True)["result"]["value"]
    print(f"count-axis ticks on the segment page: {count_ticks}")
    if not count_ticks:
        failures.append("the segment page's size charts should mark their count-axis ticks (class 'tick count')")

    # Search by email, as a support agent does: the one match opens that customer's profile.
    detail = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/profiles/" + urllib.parse.quote(someone, safe=""),
                                                                     headers={"Authorization": "Bearer " + key})))
    email = (detail.get("traits") or {}).get("email")
    if email:
        title = visit("/profiles?q=" + urllib.parse.quote(email.upper()), "profile-search-by-email")
        landed = call("Runtime.evaluate", expression="location.pathname", returnByValue=True)["result"]["value"]
        if landed != "/profiles/" + urllib.parse.quote(someone, safe=""):
            failures.append(f"searching {email.upper()} did not open profile {someone} (page: {title}, {landed})")
            print(f"FAIL search by email: {title} at {landed}")
    # An unknown address answers 404 with the dashboard's own page (not the browser's empty one).
    events.clear()
    call("Page.navigate", url=base + "/no-such-page")
    wait_for("Page.loadEventFired")
    time.sleep(0.3)
    statuses = [e["params"]["response"]["status"] for e in events
                if e.get("method") == "Network.responseReceived" and e["params"]["response"]["url"].endswith("/no-such-page")]
    heading = call("Runtime.evaluate", expression="(document.querySelector('h1') || {}).textContent || ''", returnByValue=True)["result"]["value"]
    styled = call("Runtime.evaluate", expression="!!document.querySelector('link[rel=stylesheet]')", returnByValue=True)["result"]["value"]
    events.clear()
    print(f"unknown page: status {statuses}, heading {heading!r}, styled {styled}")
    if statuses != [404] or not heading or not styled:
        failures.append(f"/no-such-page should answer 404 with a styled page; got {statuses}, heading {heading!r}, stylesheet {styled}")
    visit("/builder", "builder")   # the builder script below works on the builder page

    # The builder: build a condition node by node, preview, save; the new segment's page must open.
    def js(expr):
        r = call("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError("script failed: " + json.dumps(r["exceptionDetails"])[:300])
        return r["result"].get("value")

    def preview():
        """Clicks the builder's preview and returns what it says once it has answered."""
        js("document.getElementById('preview').click()")
        for _ in range(50):
            said = js("document.getElementById('status').textContent")
            if said and said != "checking…":
                return said
            time.sleep(0.1)
        return said

    js("""(async () => {
      const set = (el, v) => { el.value = v; el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true})); };
      set(document.getElementById('name'), 'browser-check-pro-active');
      set(document.getElementById('card-objective'), 'made by the browser check');
      const first = document.querySelector('#builder .node .node');
      set(first.querySelector('input[aria-label^="trait path"]'), 'plan');
      set(first.querySelector('input[aria-label^="value"]'), 'pro');
      [...document.querySelectorAll('#builder button')].find(b => b.textContent === '+ condition').click();
      const nodes = document.querySelectorAll('#builder .node .node');
      const second = nodes[nodes.length - 1];
      set(second.querySelector('select[aria-label="node kind"]'), 'event');
      const again = document.querySelectorAll('#builder .node .node');
      const ev = again[again.length - 1];
      set(ev.querySelector('input[aria-label^="event name"]'), 'Logged In');
      set(ev.querySelector('input[aria-label="times"]'), '1');
      set(ev.querySelector('input[aria-label="days"]'), '90');
    })()""")
    text = preview()
    print("builder preview:", text)
    if not text.startswith("Valid."):
        failures.append("builder preview: " + text)
    definition = json.loads(js("document.getElementById('definition').value"))
    print("builder definition:", json.dumps(definition))
    events.clear()
    js("document.getElementById('save').click()")
    wait_for("Page.loadEventFired")
    time.sleep(0.3)
    url = js("location.pathname")
    if url != "/segments/browser-check-pro-active":
        shown = js("document.getElementById('status') && document.getElementById('status').textContent")
        failures.append(f"saving from the builder should open the segment's page, got {url}: {shown}")
    for e in problems():
        failures.append("after saving: " + e)
    visit("/segments/browser-check-pro-active", "segment-created")

    # What the builder says before saving: a taken name and a misspelt trait are named as they are typed.
    visit("/builder", "builder")
    hints = js("""(() => {
      const set = (el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); };
      set(document.getElementById('name'), 'champions');
      const first = document.querySelector('#builder .node .node');
      set(first.querySelector('input[aria-label^="trait path"]'), 'plna');
      return [document.getElementById('name-hint').textContent, first.querySelector('.hint').textContent,
              document.querySelectorAll('#dl-events option').length, first.querySelector('select[aria-label="operator"]').selectedOptions[0].textContent];
    })()""")
    print("builder hints:", hints)
    if "exists already" not in hints[0] or "not seen in a sample" not in hints[1] or hints[2] < 3 or hints[3] != "is":
        failures.append(f"the builder should name a taken name and a misspelt trait as they are typed, offer the events, and say operators in words; got {hints}")
    text = preview()
    print("builder preview with problems:", text)
    if "saving will refuse it" not in text or "plna" not in text:
        failures.append("the preview should say the name would be refused and the trait looks misspelt: " + text)

    # The Zendesk app's sidebar (integrations/zendesk): its own page and scripts, with Zendesk's
    # framework stood in for by a stub that answers the ticket's requester and hands the app the
    # support lookup this server answers for that person.
    import shutil, tempfile
    lookup = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/support/lookup?user_id=" + urllib.parse.quote(someone, safe=""),
                                                                     headers={"Authorization": "Bearer " + key})))
    app = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integrations", "zendesk", "assets")
    harness = tempfile.mkdtemp()
    for name in ["card.js", "main.js", "main.css"]:
        shutil.copy(os.path.join(app, name), harness)
    page = open(os.path.join(app, "iframe.html")).read()
    stub = ("<script>window.requests = []; window.ZAFClient = {init: () => ({invoke() {}, "
            "metadata: () => Promise.resolve({settings: {segmenta_url: 'https://segmenta.your-company.test/'}}), "
            "get: () => Promise.resolve({'ticket.requester': {email: " + json.dumps(lookup["traits"].get("email", "")) + "}}), "
            "request: (o) => { window.requests.push(o); return Promise.resolve(" + json.dumps(lookup) + "); }})};</script>")
    page = page.replace('<script src="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"></script>', stub)
    page = page.replace("script-src 'self' https://static.zdassets.com", "script-src 'self' 'unsafe-inline'")
    open(os.path.join(harness, "iframe.html"), "w").write(page)
    events.clear()
    call("Page.navigate", url="file://" + os.path.join(harness, "iframe.html"))
    wait_for("Page.loadEventFired")
    time.sleep(0.5)
    call("Emulation.setDeviceMetricsOverride", width=360, height=520, deviceScaleFactor=1, mobile=False)
    with open(os.path.join(shots, "zendesk-sidebar.png"), "wb") as f:
        f.write(base64.b64decode(call("Page.captureScreenshot", format="png")["data"]))
    call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    shown = js("document.getElementById('card').innerText")
    sent = js("JSON.stringify(window.requests)")
    tier = lookup.get("policy", {}).get("tier") or ""
    print("zendesk sidebar:", shown.replace("\n", " | ")[:240])
    print("zendesk request:", sent)
    request = (json.loads(sent) or [{}])[0]
    if not tier or "tier " + tier not in shown or lookup["policy"]["why"] not in shown or lookup["profile"] not in shown:
        failures.append(f"the Zendesk sidebar should show the requester's tier ({tier}) and profile; shown: {shown[:300]}")
    if request.get("secure") is not True or request.get("headers", {}).get("Authorization") != "Bearer {{setting.support_key}}" \
            or "/api/v1/support/lookup?email=" not in request.get("url", "") or "//api" in request.get("url", ""):
        failures.append(f"the Zendesk app should call the lookup through Zendesk's proxy with the secure support key; sent {sent}")
    for e in problems():
        failures.append("zendesk sidebar: " + e)
    shutil.rmtree(harness, ignore_errors=True)
finally:
    chrome.kill()

print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
