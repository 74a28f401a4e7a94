#!/usr/bin/env bash
# RFM benchmark: segmenta vs pandas on the same 10M-order file, in the same run.
# Usage: bash bench/rfm.sh [rows] [customers]      (needs: pip install pandas numpy; GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}; customers=${2:-1000000}
mkdir -p bench/data
file=bench/data/orders_${rows}.csv
[ -f "$file" ] || python3 bench/make_orders.py "$file" "$rows" "$customers"
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
ls -l "$file"
measure() { # label, output file (- for none), command... — prints one line and sets $wall (seconds)
  local label=$1 out=$2; shift 2
  # (Redirecting to /dev/stdout would truncate a log file that this script's output goes to.)
  if [ "$out" = - ]; then /usr/bin/time -o bench/data/time.txt -f "%e %M" "$@"
  else /usr/bin/time -o bench/data/time.txt -f "%e %M" "$@" > "$out"; fi
  read -r wall rss < bench/data/time.txt
  echo "$label: $wall s wall, $rss KiB peak RSS"
}
for i in 1 2 3; do
  measure "segmenta rfm --orders (csv out)" bench/data/segmenta_rfm.csv "$bin" rfm --orders "$file" --format csv; ours=$wall
  measure "pandas read_csv+groupby+qcut (csv out)" bench/data/pandas_rfm.csv python3 bench/rfm_pandas.py "$file"; theirs=$wall
  python3 -c "print(f'round $i: pandas / segmenta = {$theirs / $ours:.2f}x')"
done
python3 - <<'PY'
import pandas as pd
a = pd.read_csv("bench/data/segmenta_rfm.csv"); b = pd.read_csv("bench/data/pandas_rfm.csv")
same = all((a[c].values == b[c].values).all() for c in ["customer_id", "recency", "frequency", "r", "f", "m", "fm"])
print(f"same scores as pandas for all {len(a):,} customers: {same}")
PY
rm -f bench/data/import.sqlite*
measure "segmenta import orders" - "$bin" import orders "$file" --db bench/data/import.sqlite
python3 bench/import_sqlite_bare.py "$file"
