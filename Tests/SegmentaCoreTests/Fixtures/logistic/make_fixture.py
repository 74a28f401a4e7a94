"""Records scikit-learn's L2 logistic regression on a small random table, for LogisticRegressionTests.

    python3 make_fixture.py   # writes churn.csv and expected.json beside it

The table: an id, a 0/1 label `churned`, five numeric features of different scales (one nearly
separating, one pure noise, one constant-ish). Expected: LogisticRegression(C, solver="lbfgs",
tol=1e-10, max_iter=10000) on the StandardScaler (ddof=0) matrix, for C in (1.0, 0.05), and on the
raw matrix for C=1.0, with the training-set AUC (roc_auc_score).
"""
import json

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(7)
n = 600
days_since = rng.exponential(40, n)
orders = rng.poisson(3, n).astype(float)
tickets = rng.poisson(0.7, n).astype(float)
noise = rng.normal(0, 1, n)
seats = 10 + rng.normal(0, 0.01, n)
z = -1.2 + 0.035 * days_since - 0.45 * orders + 0.6 * tickets
churned = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
df = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "churned": churned, "days_since_last_order": days_since.round(3),
                   "orders": orders, "support_tickets": tickets, "noise": noise.round(6), "seats": seats.round(6)})
df.to_csv("churn.csv", index=False)

x = pd.read_csv("churn.csv").drop(columns=["customer_id", "churned"])
y = df["churned"].to_numpy()
out = {"features": list(x.columns), "fits": []}
for c, standardize in ((1.0, True), (0.05, True), (1.0, False)):
    m = x.to_numpy()
    if standardize:
        m = StandardScaler().fit_transform(m)
    model = LogisticRegression(C=c, solver="lbfgs", tol=1e-10, max_iter=10000).fit(m, y)
    out["fits"].append({"c": c, "standardize": standardize, "intercept": float(model.intercept_[0]),
                        "coefficients": dict(zip(x.columns, map(float, model.coef_[0]))),
                        "auc": float(roc_auc_score(y, model.predict_proba(m)[:, 1]))})
with open("expected.json", "w") as f:
    json.dump(out, f, indent=1)
