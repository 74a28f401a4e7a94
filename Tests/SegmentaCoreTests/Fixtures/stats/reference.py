"""Recorded scipy / statsmodels results for Segmenta's statistics (expected.json beside this file).

Run:  pip install scipy statsmodels && python3 reference.py
"""
import json, os
import numpy as np
from scipy import stats, special
from scipy.stats.contingency import association
from statsmodels.stats.proportion import proportions_ztest, proportion_confint
from statsmodels.stats.multitest import multipletests

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(3)
samples = [
    (rng.normal(10, 2, 30).round(3), rng.normal(11, 3, 45).round(3)),
    (rng.exponential(5, 200).round(2), rng.exponential(6, 150).round(2)),
    (np.array([1, 2, 2, 3, 3, 3, 4, 5, 5, 9.0]), np.array([2, 3, 3, 4, 6, 6, 7, 8.0])),   # ties
    (rng.integers(0, 5, 400).astype(float), rng.integers(1, 6, 380).astype(float)),       # heavy ties
]
out = {"two_sample": [], "proportions": [], "tables": [], "corrections": [], "distributions": []}
for a, b in samples:
    w = stats.ttest_ind(a, b, equal_var=False)
    mw = stats.mannwhitneyu(a, b, method="asymptotic", alternative="two-sided")
    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    out["two_sample"].append({"a": a.tolist(), "b": b.tolist(), "welch_t": w.statistic, "welch_p": w.pvalue,
                              "welch_df": w.df, "mw_u": mw.statistic, "mw_p": mw.pvalue, "cohens_d": (a.mean() - b.mean()) / pooled})
for x1, n1, x2, n2 in [(45, 200, 30, 210), (5, 40, 12, 38), (300, 1000, 250, 1000), (0, 50, 3, 50)]:
    z, p = proportions_ztest([x1, x2], [n1, n2])
    lo, hi = proportion_confint(x1, n1, alpha=0.05, method="wilson")
    out["proportions"].append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": z, "p": p, "wilson_low": lo, "wilson_high": hi})
for table in [[[10, 20, 30], [25, 15, 5]], [[50, 45], [30, 60]], [[5, 0, 3], [2, 7, 1], [4, 4, 9]]]:
    c = stats.chi2_contingency(table, correction=False)
    out["tables"].append({"table": table, "chi2": c.statistic, "p": c.pvalue, "df": c.dof, "cramers_v": association(table, method="cramer")})
pvals = [0.01, 0.04, 0.03, 0.2, 0.005, 0.5, 0.049]
out["corrections"].append({"p": pvals, "holm": multipletests(pvals, method="holm")[1].tolist(), "bh": multipletests(pvals, method="fdr_bh")[1].tolist()})
for a_, b_, x in [(0.5, 0.5, 0.3), (2.5, 7.1, 0.9), (30, 0.5, 0.99), (0.1, 12, 0.001)]:
    out["distributions"].append({"kind": "betainc", "a": a_, "b": b_, "x": x, "value": special.betainc(a_, b_, x)})
for a_, x in [(0.5, 0.2), (3, 2.5), (10, 25), (50, 40)]:
    out["distributions"].append({"kind": "gammaincc", "a": a_, "x": x, "value": special.gammaincc(a_, x)})
for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.975, 0.999999]:
    out["distributions"].append({"kind": "norm_ppf", "p": p, "value": stats.norm.ppf(p)})
for p, df in [(0.975, 3), (0.975, 30.5), (0.995, 1), (0.9, 200)]:
    out["distributions"].append({"kind": "t_ppf", "p": p, "df": df, "value": stats.t.ppf(p, df)})
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote expected.json")
