#!/usr/bin/env bash
# A throwaway 2-shard ClickHouse cluster for tests: Debian's clickhouse-server (18.16), two
# servers on loopback, each on ports of its own with its data in a temporary folder, and a
# cluster `segmenta` in both configurations (shard 1 = first server, shard 2 = second).
# Distributed inserts are synchronous (`insert_distributed_sync=1`): an insert returns once
# every shard has its rows.
#
#   eval "$(bash tests/clickhouse/server.sh start)"   # exports SEGMENTA_TEST_CLICKHOUSE and SEGMENTA_CH_DIR
#   bash tests/clickhouse/server.sh stop "$SEGMENTA_CH_DIR"
#
# SEGMENTA_TEST_CLICKHOUSE names both shards' HTTP addresses and the cluster:
#   clickhouse://127.0.0.1:P1,127.0.0.1:P2/segmenta_test?cluster=segmenta
# There is no ZooKeeper, so no `ON CLUSTER` DDL: Segmenta creates its tables on every host named.
set -euo pipefail

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

case "${1:-}" in
  start)
    if ! command -v clickhouse-server >/dev/null 2>&1; then
      export DEBIAN_FRONTEND=noninteractive
      { apt-get update -q && apt-get install -y -q clickhouse-server clickhouse-client; } >&2
    fi
    dir=$(mktemp -d /tmp/segmenta-ch.XXXXXX)
    declare -a http tcp
    for i in 1 2; do http[$i]=$(free_port); tcp[$i]=$(free_port); done
    for i in 1 2; do
      d="$dir/s$i"
      mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas"
      cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/error.log</errorlog><console>0</console></logger>
  <http_port>${http[$i]}</http_port>
  <tcp_port>${tcp[$i]}</tcp_port>
  <interserver_http_port>$(free_port)</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <segmenta>
      <shard><replica><host>127.0.0.1</host><port>${tcp[1]}</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>${tcp[2]}</port></replica></shard>
    </segmenta>
  </remote_servers>
</yandex>
XML
      cat > "$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default>
    <max_memory_usage>4000000000</max_memory_usage>
    <insert_distributed_sync>1</insert_distributed_sync>
  </default></profiles>
  <users><default>
    <password></password>
    <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile>
    <quota>default</quota>
  </default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
      # No shell stays between: the server alone holds its output files (a caller's $(…) must end).
      nohup clickhouse-server --config-file="$d/config.xml" > "$d/stdout.log" 2>&1 < /dev/null &
      echo $! > "$d/pid"
    done
    for i in 1 2; do
      for _ in $(seq 1 150); do
        curl -sf "http://127.0.0.1:${http[$i]}/ping" >/dev/null 2>&1 && break
        sleep 0.2
      done
      curl -sf "http://127.0.0.1:${http[$i]}/ping" >/dev/null || { echo "clickhouse shard $i did not start:" >&2; tail -20 "$dir/s$i/error.log" "$dir/s$i/stdout.log" >&2; exit 1; }
    done
    echo "export SEGMENTA_TEST_CLICKHOUSE='clickhouse://127.0.0.1:${http[1]},127.0.0.1:${http[2]}/segmenta_test?cluster=segmenta'"
    echo "export SEGMENTA_CH_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: server.sh stop DIR}
    for p in "$dir"/s*/pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    sleep 1
    for p in "$dir"/s*/pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true; done
    rm -rf "$dir"
    ;;
  *)
    echo "usage: server.sh start | stop DIR" >&2; exit 2 ;;
esac
