"""pandas + scikit-learn on the same file, timed in this process; compares with Segmenta's answer."""
import json
import sys
import time

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

path, ours_path, ours_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
t = time.perf_counter()
df = pd.read_csv(path)
y = df["churned"].to_numpy()
x = StandardScaler().fit_transform(df.drop(columns=["customer_id", "churned"]).to_numpy())
model = LogisticRegression(C=1.0, solver="lbfgs").fit(x, y)
theirs = time.perf_counter() - t
ours = json.load(open(ours_path))
gap = max(abs(ours["coefficients"][f"f{j}"] - c) for j, c in enumerate(model.coef_[0]))
print(f"segmenta predict fit: {ours_seconds:.2f} s · pandas + scikit-learn (read, scale, fit): {theirs:.2f} s · "
      f"ratio {theirs / ours_seconds:.2f}× · largest coefficient gap {gap:.1e} ({ours['iterations']} Newton steps vs {model.n_iter_[0]} lbfgs)")
