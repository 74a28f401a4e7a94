"""Model benchmarks, side by side on the same data in the same script:
- k-means, 1,000,000 × 8 standardised features, k = 8, n_init = 1: scikit-learn vs `segmenta bench kmeans`;
- BG/NBD fit on 1,000,000 customers simulated from the CDNOW parameters: lifetimes vs `segmenta bench bgnbd`.
File reading is excluded on both sides.

    pip install scikit-learn lifetimes==0.11.3 && env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/models.py [rows]

(The machine sets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for old OpenBLAS builds; they slow a current numpy,
so the reference runs without them.)
"""
import json, os, subprocess, sys, time
import numpy as np
import pandas as pd

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = os.path.join(root, "bench", "data")
os.makedirs(data, exist_ok=True)
subprocess.run(["swift", "build", "-c", "release", "--product", "segmenta"], cwd=root, check=True, capture_output=True)
binary = os.path.join(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, capture_output=True, text=True).stdout.strip(), "segmenta")
rng = np.random.default_rng(20261122)

# k-means data: 8 features from 8 overlapping blobs (so Lloyd needs many iterations).
features = os.path.join(data, f"features_{rows}_overlapping.csv")
if not os.path.exists(features):
    centres = rng.normal(0, 5, size=(8, 8))
    X = centres[rng.integers(0, 8, rows)] + rng.normal(0, 6.0, size=(rows, 8))
    pd.DataFrame(X.round(5), columns=[f"f{i}" for i in range(8)]).rename_axis("id").to_csv(features)
X = pd.read_csv(features, index_col=0).to_numpy()
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info
# segmenta runs first in each pair: right after numpy work, BLAS/OpenMP threads of this process keep
# spinning for a while and would steal the cores from the subprocess.
for run in range(3):
    ours = json.loads(subprocess.run([binary, "bench", "kmeans", "--input", features, "--k", "8", "--seed", str(run)],
                                     capture_output=True, text=True, check=True).stdout)
    t = time.perf_counter()
    km = KMeans(n_clusters=8, n_init=1, algorithm="lloyd", random_state=run).fit(StandardScaler().fit_transform(X))
    sk = time.perf_counter() - t
    print(f"k-means {rows:,}x8 k=8 run {run}: scikit-learn {sk:.2f} s ({km.n_iter_} iterations, {sk / km.n_iter_ * 1000:.0f} ms/iter, inertia {km.inertia_:.1f}); "
          f"segmenta {ours['seconds']:.2f} s ({ours['iterations']} iterations, {ours['seconds'] / ours['iterations'] * 1000:.0f} ms/iter, inertia {ours['inertia']:.1f}); "
          f"ratio {sk / ours['seconds']:.2f}x")
 # Same explicit initial centres on both sides: identical Lloyd iterations, so the times compare directly.
scaled = StandardScaler().fit_transform(X)
centres_file = os.path.join(data, "kmeans_init.csv")
np.savetxt(centres_file, scaled[:8], delimiter=",", fmt="%.17g")
for run in range(2):
    ours = json.loads(subprocess.run([binary, "bench", "kmeans", "--input", features, "--k", "8", "--init-centers", centres_file],
                                     capture_output=True, text=True, check=True).stdout)
    t = time.perf_counter()
    km = KMeans(n_clusters=8, n_init=1, algorithm="lloyd", init=scaled[:8]).fit(StandardScaler().fit_transform(X))
    sk = time.perf_counter() - t
    print(f"k-means same initial centres run {run}: scikit-learn {sk:.2f} s ({km.n_iter_} iterations, inertia {km.inertia_:.1f}); "
          f"segmenta {ours['seconds']:.2f} s ({ours['iterations']} iterations, inertia {ours['inertia']:.1f}); ratio {sk / ours['seconds']:.2f}x")
print("threadpools:", [(p["internal_api"], p["num_threads"]) for p in threadpool_info()])

# BG/NBD data: simulated from r=0.243, alpha=4.414, a=0.793, b=2.426 (weeks), T uniform in 27..39 weeks, days resolution.
summary = os.path.join(data, f"bgnbd_{rows}.csv")
if not os.path.exists(summary):
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    lam = rng.gamma(r, 1 / alpha, rows)
    p = rng.beta(a, b, rows)
    T = rng.integers(27 * 7, 39 * 7 + 1, rows) / 7
    freq = np.zeros(rows); rec = np.zeros(rows)
    for i in range(rows):
        t, x, last = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1 / lam[i]) if lam[i] > 0 else np.inf
            if t > T[i]: break
            x += 1; last = t
            if rng.random() < p[i]: break
        freq[i], rec[i] = x, np.floor(last * 7) / 7
    pd.DataFrame({"customer_id": np.arange(rows), "frequency": freq, "recency": rec, "T": T}).to_csv(summary, index=False)
s = pd.read_csv(summary)
time.sleep(2)
ours = json.loads(subprocess.run([binary, "bench", "bgnbd", "--summary", summary], capture_output=True, text=True, check=True).stdout)
from lifetimes import BetaGeoFitter
t = time.perf_counter()
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
lt = time.perf_counter() - t
print(f"BG/NBD fit on {rows:,} customers: lifetimes {lt:.2f} s (r={bg.params_['r']:.4f} alpha={bg.params_['alpha']:.4f} a={bg.params_['a']:.4f} b={bg.params_['b']:.4f}); "
      f"segmenta {ours['seconds']:.2f} s (r={ours['r']:.4f} alpha={ours['alpha']:.4f} a={ours['a']:.4f} b={ours['b']:.4f}); ratio {lt / ours['seconds']:.1f}x")
