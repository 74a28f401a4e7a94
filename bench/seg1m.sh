#!/usr/bin/env bash
# The 1M-profile store the benchmarks share (bench/data/seg1m.sqlite): the demo generator at 1M
# customers (about 16M events), RFM, lifecycle and the segments of bench/segments/. Built once; a
# later run finds it. Usage: bash bench/seg1m.sh BIN   (BIN: a release segmenta)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
db=bench/data/seg1m.sqlite
mkdir -p bench/data
if [ ! -f "$db" ]; then
  /usr/bin/time -f "build the store: %e s" "$bin" demo --customers 1000000 --activity 0.05 --data-only --db "$db"
  "$bin" rfm --db "$db" > /dev/null
  "$bin" lifecycle --db "$db" > /dev/null
  for f in bench/segments/*.json; do "$bin" segments create --file "$f" --db "$db" > /dev/null; done
fi
