#!/usr/bin/env bash
# JSONTextParser against Foundation's JSONSerialization and JSONDecoder (to JSONValue), on ingestion
# batches like the SDKs send: 100 messages per document (identify, track with properties, page).
# Usage: bash bench/json.sh [documents]   (default 2,000 documents = 200,000 messages)
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-2000}
mkdir -p bench/data
file=bench/data/batches_${docs}.jsonl
[ -f "$file" ] || python3 - "$file" "$docs" <<'PY'
import json, random, sys
random.seed(7)
out, docs = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for d in range(docs):
        batch = []
        for m in range(100):
            uid = f"user-{random.randrange(1_000_000)}"
            kind = random.choice(["track", "track", "track", "identify", "page"])
            msg = {"type": kind, "messageId": f"m-{d}-{m}", "userId": uid, "anonymousId": f"anon-{random.randrange(10**9):09d}",
                   "timestamp": f"2026-11-{random.randrange(1, 29):02d}T{random.randrange(24):02d}:{random.randrange(60):02d}:00.000Z",
                   "context": {"library": {"name": "analytics-python", "version": "2.3.2"}, "ip": "203.0.113.7", "locale": "fr-FR"}}
            if kind == "track":
                msg["event"] = random.choice(["Logged In", "Export Used", "Order Completed", "Feature Viewed"])
                msg["properties"] = {"platform": random.choice(["web", "ios", "android"]), "revenue": round(random.random() * 200, 2),
                                     "items": random.randrange(1, 6), "coupon": None, "tags": ["a", "é", "😀"][: random.randrange(4)]}
            elif kind == "identify":
                msg["traits"] = {"email": f"{uid}@example.com", "name": "Élodie Martin", "plan": random.choice(["free", "pro"]), "seats": random.randrange(1, 50)}
            else:
                msg["name"] = "Pricing"; msg["properties"] = {"url": "https://example.com/pricing?ref=ad", "title": "Pricing — Example"}
            batch.append(msg)
        f.write(json.dumps({"batch": batch, "sentAt": "2026-11-30T12:00:00.000Z"}, ensure_ascii=False) + "\n")
PY
swift build -c release --product segmenta >/dev/null 2>&1
"$(swift build -c release --show-bin-path)/segmenta" bench json --input "$file"
