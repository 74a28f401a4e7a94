"""Independent expectations for Segmenta's k-means: scikit-learn on fixed data with fixed initial centres.

Run:  pip install scikit-learn && python3 reference.py
Writes points.csv, init_raw.csv, init_scaled.csv, expected.csv beside this file.
"""
import os
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
centres = np.array([[0, 0, 0], [6, 1, 2], [1, 7, 3], [8, 8, 9]], dtype=float)
X = np.vstack([rng.normal(c, [1.0, 1.5, 0.8], size=(75, 3)) for c in centres]).round(4)
pd.DataFrame(X, columns=["f1", "f2", "f3"]).rename_axis("id").to_csv(os.path.join(here, "points.csv"))
rows = []
for name, data in [("raw", X), ("scaled", StandardScaler().fit_transform(X))]:
    init = data[[3, 80, 160, 290]] + 0.5   # deliberately off the true centres
    pd.DataFrame(init).to_csv(os.path.join(here, f"init_{name}.csv"), index=False, header=False, float_format="%.17g")
    for tol in [1e-4, 0.0]:
        km = KMeans(n_clusters=4, init=init, n_init=1, algorithm="lloyd", tol=tol, max_iter=300).fit(data)
        rows.append({"space": name, "tol": tol, "inertia": km.inertia_, "silhouette": silhouette_score(data, km.labels_),
                     "centers": " ".join("%.12g" % v for v in km.cluster_centers_.ravel()),
                     "labels": " ".join(str(v) for v in km.labels_)})
pd.DataFrame(rows).to_csv(os.path.join(here, "expected.csv"), index=False, float_format="%.12g")
print("wrote points.csv, init_*.csv, expected.csv")
