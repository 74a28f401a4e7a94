#!/usr/bin/env bash
# `segmenta clusters --input` end to end on 1M rows × 8 features (k = 8, one k-means++ start),
# against pandas + scikit-learn reading the same file and fitting the same k in the same run:
# read + fit, and read + fit + a 5,000-point silhouette (the work segmenta does by default).
# Usage: bash bench/clusters.sh      (needs pandas and scikit-learn: pip install pandas scikit-learn)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product segmenta >/dev/null 2>&1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/features.csv" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(7); n = 1_000_000
centers = rng.normal(0, 5, (8, 8)); labels = rng.integers(0, 8, n)
X = centers[labels] + rng.normal(0, 1.5, (n, 8))
with open(sys.argv[1], "w") as f:
    f.write("id," + ",".join(f"f{i}" for i in range(8)) + "\n")
    np.savetxt(f, np.column_stack([np.arange(1, n + 1), X]), delimiter=",", fmt=["%d"] + ["%.4f"] * 8)
PY
for run in 1 2 3; do
  echo "== segmenta clusters (run $run)"
  start=$(date +%s.%N)
  .build/release/segmenta clusters --input "$work/features.csv" --k 8 --n-init 1 | grep -E "personas among"
  seg=$(python3 -c "print($(date +%s.%N) - $start)")
  echo "   $(printf %.2f "$seg") s wall"
  echo "== pandas + scikit-learn (run $run)"
  ref=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 - "$work/features.csv" <<'PY'
import sys, time
t0 = time.time()
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
df = pd.read_csv(sys.argv[1]); X = StandardScaler().fit_transform(df.iloc[:, 1:].values)
km = KMeans(n_clusters=8, n_init=1, random_state=0).fit(X)
t1 = time.time()
s = silhouette_score(X, km.labels_, sample_size=5000, random_state=0)
t2 = time.time()
print(f"{t1 - t0:.2f} {t2 - t0:.2f} {s:.3f}")
PY
)
  read -r fit total sil <<< "$ref"
  echo "   read + fit $fit s; + silhouette on 5,000 points = $total s (silhouette $sil)"
  python3 -c "print(f'   segmenta is {$fit / $seg:.2f}x as fast as pandas + scikit-learn read + fit, {$total / $seg:.2f}x with the same silhouette')"
done
