"""Headless Chromium driven over the DevTools protocol, for the browser checks."""
import json
import subprocess
import tempfile
import time
import urllib.request

import websocket


def start(port, *flags):
    """Starts Chromium with remote debugging on `port`; returns the process and a websocket to its first page."""
    profile = tempfile.mkdtemp()
    chrome = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--remote-debugging-port={port}",
                               f"--user-data-dir={profile}", *flags, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            page = next(t for t in targets if t["type"] == "page")
            break
        except Exception:
            time.sleep(0.1)
    else:
        chrome.terminate()
        raise SystemExit("Chromium did not start")
    return chrome, websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
