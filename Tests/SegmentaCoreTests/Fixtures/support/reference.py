"""Support analytics per segment, computed with pandas, scipy and statsmodels (issue 38): the
fixture's tickets, surveys and targets (written here, seeded) and expected.json beside this file.

Run:  pip install pandas scipy statsmodels && python3 reference.py
"""
import json, os
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.multitest import multipletests

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(38)
people = [f"p{i:02d}" for i in range(60)]
members = people[:20]
themes = ["billing", "login", "bug", "export", "api"]
rows = []
for i in range(320):
    member = rng.random() < 0.45
    profile = members[rng.integers(0, 20)] if member else people[20 + rng.integers(0, 40)]
    channel = rng.choice(["email", "chat", "phone", ""], p=[0.45, 0.3, 0.15, 0.1])
    weights = np.array([0.2, 0.25, 0.2, 0.15, 0.2]) if not member else np.array([0.1, 0.15, 0.2, 0.15, 0.4])
    picked = sorted(set(rng.choice(themes, size=rng.integers(1, 3), p=weights / weights.sum())))
    frt = round(float(rng.exponential(300)), 1) if rng.random() < 0.85 else None
    res = round(frt + float(rng.exponential(1500)), 1) if frt is not None and rng.random() < 0.8 else None
    rows.append({"profile": profile, "channel": channel, "themes": "|".join(picked), "first_response_minutes": frt, "resolution_minutes": res})
tickets = pd.DataFrame(rows)
tickets.to_csv(os.path.join(here, "tickets.csv"), index=False)
surveys = pd.DataFrame([{"profile": people[rng.integers(0, 60)],
                         "csat": int(rng.integers(1, 6)) if rng.random() < 0.9 else None,
                         "ces": int(rng.integers(1, 8)) if rng.random() < 0.6 else None} for _ in range(150)])
surveys = surveys[surveys.csat.notna() | surveys.ces.notna()]
surveys.to_csv(os.path.join(here, "surveys.csv"), index=False)
targets = pd.DataFrame([{"profile": p, "first_response_hours": float(rng.choice([1, 4, 8, 24])), "resolution_hours": float(rng.choice([8, 24, 72]))}
                        for p in members[:15]])   # five members have no policy
targets.to_csv(os.path.join(here, "targets.csv"), index=False)

days, revenue = 90, 12345.5
cost = {"phone": 12.0, "chat": 6.0}
default_cost = 5.0
months = days / 30.4375
tickets["member"] = tickets.profile.isin(members)
seg, rest = tickets[tickets.member], tickets[~tickets.member]

def volume(t, n):
    return {"people": n, "tickets": len(t), "people_with_tickets": int(t.profile.nunique()), "per_person_per_month": len(t) / n / months}

def mean_ci(x):
    x = x.dropna().astype(float)
    m, s, n = x.mean(), x.std(ddof=1), len(x)
    h = stats.t.ppf(0.975, n - 1) * s / np.sqrt(n)
    return {"n": n, "mean": m, "low": m - h, "high": m + h}

seg_surveys = surveys[surveys.profile.isin(members)]
csat = seg_surveys.csat.dropna()
happy = int((csat >= 4).sum())
lo, hi = proportion_confint(happy, len(csat), alpha=0.05, method="wilson")

def timing(col, target):
    t = seg[seg[col].notna()].merge(targets, on="profile", how="left")
    with_target = t[t[target].notna()]
    return {"n": len(t), "median": t[col].quantile(0.5), "p90": t[col].quantile(0.9),
            "with_target": len(with_target), "within_target": int((with_target[col] <= with_target[target] * 60).sum())}

channels = seg.channel.fillna("").replace("", "unknown").value_counts()
channels = sorted(channels.items(), key=lambda kv: (-kv[1], kv[0]))
exploded = tickets.assign(theme=tickets.themes.str.split("|")).explode("theme")
seg_counts = exploded[exploded.member].groupby("theme").profile.size()
rest_counts = exploded[~exploded.member].groupby("theme").profile.size()
theme_rows = []
for name in sorted(seg_counts.index, key=lambda n: (-seg_counts[n], n)):
    a, c = int(seg_counts[name]), int(rest_counts.get(name, 0))
    p = stats.fisher_exact([[a, len(seg) - a], [c, len(rest) - c]]).pvalue
    theme_rows.append({"name": name, "in_segment": a, "in_rest": c, "segment_share": a / len(seg), "rest_share": c / len(rest), "p": p})
adjusted = multipletests([r["p"] for r in theme_rows], method="holm")[1]
for r, adj in zip(theme_rows, adjusted):
    r["adjusted"] = adj
    r["over_represented"] = bool(r["segment_share"] > r["rest_share"] and adj < 0.05)
costs = seg.channel.map(lambda c: cost.get(c, default_cost)).sum()
expected = {
    "days": days, "revenue": revenue, "cost_per_contact": cost, "default_cost": default_cost, "members": members, "population": len(people),
    "segment": volume(seg, len(members)), "rest": volume(rest, len(people) - len(members)),
    "channels": [[k, int(v)] for k, v in channels],
    "csat": mean_ci(seg_surveys.csat), "ces": mean_ci(seg_surveys.ces),
    "satisfied": {"count": happy, "answers": len(csat), "low": lo, "high": hi},
    "first_response": timing("first_response_minutes", "first_response_hours"),
    "resolution": timing("resolution_minutes", "resolution_hours"),
    "cost": float(costs), "cost_per_member_per_month": float(costs) / len(members) / months, "cost_share_of_revenue": float(costs) / revenue,
    "themes": theme_rows,
}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, default=float)
print(json.dumps({k: expected[k] for k in ["segment", "rest", "channels", "satisfied"]}, default=float))
print([(r["name"], r["in_segment"], r["in_rest"], round(r["adjusted"], 5), r["over_represented"]) for r in theme_rows])
