#!/usr/bin/env bash
# `segmenta predict fit` on 1M rows × 20 features against pandas + scikit-learn reading the same
# file and fitting LogisticRegression(C=1.0, solver="lbfgs") on the StandardScaler matrix.
#   Usage: bash bench/predict.sh [rows] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}; runs=${2:-3}
swift build -c release --product segmenta >/dev/null
bin=$(swift build -c release --show-bin-path)/segmenta
mkdir -p bench/data
file=bench/data/predict_${rows}.csv
[ -f "$file" ] || python3 bench/make_predict.py "$rows" "$file"
for i in $(seq 1 "$runs"); do
  s=$(date +%s.%N); "$bin" predict fit --input "$file" --label churned --format json > /tmp/segmenta-predict.json; e=$(date +%s.%N)
  ours=$(python3 -c "print($e - $s)")
  python3 bench/predict_sklearn.py "$file" /tmp/segmenta-predict.json "$ours"
done
