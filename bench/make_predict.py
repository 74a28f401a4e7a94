"""A churn-like table for bench/predict.sh: id, a 0/1 label, 20 numeric features."""
import sys

import numpy as np
import pandas as pd

rows, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(11)
x = rng.normal(0, 1, (rows, 20)) * rng.uniform(0.5, 50, 20) + rng.uniform(-10, 100, 20)
w = rng.normal(0, 0.8, 20) / x.std(axis=0)
z = -0.5 + (x - x.mean(axis=0)) @ w
y = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int)
df = pd.DataFrame(x.round(4), columns=[f"f{j}" for j in range(20)])
df.insert(0, "churned", y)
df.insert(0, "customer_id", np.arange(rows))
df.to_csv(path, index=False)
