#!/usr/bin/env bash
# Events in ClickHouse: a 5-event-condition segment refreshed with its event conditions in
# ClickHouse (one server, then a 2-shard cluster on this machine), against the same refresh on
# SQLite alone and against one hand-written ClickHouse query for the same condition, all in one run.
# Uses the 1M-profile store of bench/segments.sh (built there if missing). With
# SEGMENTA_TEST_CLICKHOUSE set (a cluster from tests/clickhouse/server.sh), that cluster is used and
# kept, and events copied there by an earlier run are reused.
#   Usage: bash bench/clickhouse.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
db=bench/data/seg1m.sqlite
[ -f "$db" ] || bash bench/segments.sh
command -v sqlite3 >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3; }
asof=2026-11-01
"$bin" segments delete five-events --db "$db" >/dev/null 2>&1 || true
"$bin" segments create --file bench/segments-events/five-events.json --db "$db" >/dev/null

if [ -z "${SEGMENTA_TEST_CLICKHOUSE:-}" ]; then
  eval "$(bash tests/clickhouse/server.sh start)"
  trap 'bash tests/clickhouse/server.sh stop "$SEGMENTA_CH_DIR"' EXIT
fi
hosts=${SEGMENTA_TEST_CLICKHOUSE#clickhouse://}; hosts=${hosts%%/*}
first=${hosts%%,*}
two="clickhouse://$hosts/bench2?cluster=segmenta"
one="clickhouse://$first/bench1"
q() { curl -sf "http://$first/" --data-binary "$1"; }

if [ "$(q 'SELECT count() FROM bench1.events_local' 2>/dev/null || echo 0)" = "0" ]; then
  /usr/bin/time -f "copy the events to the 2-shard cluster: %e s" "$bin" store copy --from "sqlite:$db" --events-to "$two"
  # The same rows into the one-server database, inside ClickHouse.
  q "CREATE DATABASE IF NOT EXISTS bench1" >/dev/null
  for t in segmenta_migrations events_local identities_local; do
    q "CREATE TABLE IF NOT EXISTS bench1.$t AS bench2.$t" >/dev/null
  done
  q "INSERT INTO bench1.segmenta_migrations SELECT * FROM bench2.segmenta_migrations"
  q "INSERT INTO bench1.events_local SELECT * FROM bench2.events"
  q "INSERT INTO bench1.identities_local SELECT * FROM bench2.identities"
fi
echo "rows: $(q 'SELECT count() FROM bench1.events_local') events on one server; per shard: $(for h in ${hosts//,/ }; do curl -sf "http://$h/" --data-binary 'SELECT count() FROM bench2.events_local' | tr '\n' ' '; done)"
q "OPTIMIZE TABLE bench1.identities_local FINAL" >/dev/null || true

at=$(date -u -d "$asof" +%s)000
day=86400000
hand="SELECT profile FROM bench1.events_local ALL INNER JOIN (SELECT distinct_id, argMax(profile, version) AS profile FROM bench1.identities_local GROUP BY distinct_id) AS m USING distinct_id
WHERE type = 'track' AND timestamp <= $at AND timestamp >= $at - 365 * $day
  AND event IN ('Logged In', 'Feature Used', 'Invoice Paid', 'Support Ticket Created', 'Order Completed')
GROUP BY profile
HAVING countIf(event = 'Logged In' AND timestamp >= $at - 30 * $day) >= 2
   AND countIf(event = 'Feature Used' AND timestamp >= $at - 90 * $day AND prop_strings[indexOf(prop_keys, 'feature')] = 'automations') >= 1
   AND sumIf(prop_numbers[indexOf(prop_keys, 'revenue')], event = 'Invoice Paid' AND prop_kinds[indexOf(prop_keys, 'revenue')] = 2) >= 5000
   AND countIf(event = 'Support Ticket Created' AND timestamp >= $at - 90 * $day AND prop_strings[indexOf(prop_keys, 'theme')] = 'bug') <= 1
   AND uniqExactIf(intDiv(timestamp, $day), event = 'Order Completed' AND timestamp >= $at - 180 * $day) >= 2
FORMAT TabSeparated"
# The same, counting each message once as Segmenta does (an SDK retry may be stored twice).
dedup=${hand//countIf(/uniqExactIf(sipHash64(source, message_id), }
dedup=${dedup//sumIf(prop_numbers\[indexOf(prop_keys, \'revenue\')\], /arraySum(arrayMap(x -> tupleElement(x, 2), groupUniqArrayIf((sipHash64(source, message_id), prop_numbers[indexOf(prop_keys, \'revenue\')]), }
dedup=${dedup//prop_kinds\[indexOf(prop_keys, \'revenue\')\] = 2) >= 5000/prop_kinds[indexOf(prop_keys, \'revenue\')] = 2))) >= 5000}

for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "refresh five-events on SQLite: %e s" "$bin" segments refresh five-events --as-of "$asof" --db "$db"
  /usr/bin/time -f "refresh five-events, events in ClickHouse (1 server): %e s" "$bin" segments refresh five-events --as-of "$asof" --db "$db" --events "$one"
  /usr/bin/time -f "refresh five-events, events in ClickHouse (2 shards): %e s" "$bin" segments refresh five-events --as-of "$asof" --db "$db" --events "$two"
  s=$(date +%s.%N); n=$(q "$hand" | wc -l); e=$(date +%s.%N)
  echo "hand-written ClickHouse query (1 server): $(python3 -c "print(f'{$e - $s:.2f}')") s, $n members"
  s=$(date +%s.%N); n=$(q "$dedup" | wc -l); e=$(date +%s.%N)
  echo "hand-written ClickHouse query counting each message once (1 server): $(python3 -c "print(f'{$e - $s:.2f}')") s, $n members"
done
