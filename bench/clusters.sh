#!/usr/bin/env bash
# `segmenta clusters --input` end to end on 1M rows × 8 features (k = 8, one k-means++ start),
# against pandas + scikit-learn reading the same file and fitting the same k in the same run:
# read + fit, and read + fit + a 20,000-point silhouette (the work segmenta does by default).
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
for run in 1 2; do
  echo "== segmenta clusters (run $run)"
  /usr/bin/time -f "   %e s wall, %M KB peak" .build/release/segmenta clusters --input "$work/features.csv" --k 8 --n-init 1 2>&1 | grep -E "personas among|wall"
  echo "== pandas + scikit-learn (run $run)"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 - "$work/features.csv" <<'PY'
import sys, time
t0 = time.time()
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
df = pd.read_csv(sys.argv[1]); X = StandardScaler().fit_transform(df.iloc[:, 1:].values)
km = KMeans(n_clusters=8, n_init=1, random_state=0).fit(X)
t1 = time.time()
s = silhouette_score(X, km.labels_, sample_size=20000, random_state=0)
t2 = time.time()
print(f"   read + fit {t1 - t0:.2f} s; + silhouette on 20,000 points {t2 - t1:.2f} s = {t2 - t0:.2f} s (silhouette {s:.3f})")
PY
done
