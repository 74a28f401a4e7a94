"""Runs Segmenta's generated ClickHouse SQL on a current ClickHouse (chdb, in process).

    python3 tests/clickhouse/current_engine.py DIR

DIR holds schema.sql (statements separated by a line ";;"), events.jsonl and identities.jsonl
(JSONEachRow data) and queries.sql (queries separated by a line ";;"). Prints, as JSON, the rows
of each query (every value as text). Any error is printed and exits non-zero.
"""
import json
import os
import sys

from chdb import session as chs


def blocks(path):
    with open(path, encoding="utf-8") as f:
        return [b.strip() for b in f.read().split("\n;;\n") if b.strip()]


def main(folder):
    s = chs.Session()
    for statement in blocks(os.path.join(folder, "schema.sql")):
        s.query(statement)
    for table, name in (("events_local", "events.jsonl"), ("identities_local", "identities.jsonl")):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            data = f.read()
        if data:
            s.query(f"INSERT INTO segmenta.{table} FORMAT JSONEachRow\n" + data)
    out = []
    for q in blocks(os.path.join(folder, "queries.sql")):
        text = s.query(q, "JSONCompact").bytes().decode("utf-8")
        rows = json.loads(text)["data"] if text.strip() else []
        out.append([[str(v) for v in r] for r in rows])
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
