#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: Debian's postgresql, a cluster in a temporary folder
# owned by an unprivileged user, listening on 127.0.0.1 on a free port, trust authentication.
#
#   eval "$(bash tests/postgres/server.sh start)"   # exports SEGMENTA_TEST_POSTGRES and SEGMENTA_PG_DIR
#   bash tests/postgres/server.sh stop "$SEGMENTA_PG_DIR"
#
# Only what the tests need is started; nothing outside the temporary folder is changed (but for
# installing the package when it is missing).
set -euo pipefail

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
}

case "${1:-}" in
  start)
    bin=$(find_bin || true)
    if [ -z "$bin" ]; then
      export DEBIAN_FRONTEND=noninteractive
      { apt-get update -q && apt-get install -y -q postgresql; } >&2
      bin=$(find_bin)
    fi
    # initdb refuses to run as root: the cluster belongs to the `postgres` user the package creates.
    user=postgres
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
    dir=$(mktemp -d /tmp/segmenta-pg.XXXXXX)
    chown "$user" "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    runuser -u "$user" -- "$bin/initdb" -D "$dir/data" --auth=trust --username=segmenta --encoding=UTF8 --locale=C.UTF-8 >&2
    runuser -u "$user" -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
    echo "export SEGMENTA_TEST_POSTGRES=postgres://segmenta@127.0.0.1:$port/postgres"
    echo "export SEGMENTA_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: server.sh stop DIR}
    bin=$(find_bin)
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: server.sh start | stop DIR" >&2; exit 2 ;;
esac
