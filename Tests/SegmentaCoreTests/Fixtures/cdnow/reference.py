"""Independent expectations for Segmenta's RFM and cohort retention on the CDNOW data.

Run:  python3 reference.py   (needs pandas)
Writes expected_rfm.csv and expected_cohorts.csv beside this file.
"""
import os
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
df = pd.read_csv(os.path.join(here, "CDNOW_master.txt"), sep=r"\s+")
df.columns = ["customer_id", "date", "cds", "amount"]
df["date"] = pd.to_datetime(df["date"].astype(str), format="%Y%m%d")

# RFM as PRODUCT.md defines it: snapshot = day after the last order.
snapshot = df["date"].max() + pd.Timedelta(days=1)
rfm = df.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "size"), monetary=("amount", "sum"))
rfm = rfm.sort_index()  # numeric ids, numerically
rfm["recency"] = (snapshot - rfm["last"]).dt.days
rfm["r"] = pd.qcut(rfm["recency"].rank(method="first", ascending=False), 5, labels=False) + 1
rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=False) + 1
rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=False) + 1
rfm["fm"] = ((rfm["f"] + rfm["m"]) / 2).apply(lambda x: int(-(-x // 1)))
grid = {
    (5, 5): "Champions", (5, 4): "Champions", (4, 5): "Champions",
    (5, 3): "Loyal Customers", (4, 4): "Loyal Customers", (3, 5): "Loyal Customers", (3, 4): "Loyal Customers",
    (5, 2): "Potential Loyalist", (4, 2): "Potential Loyalist", (4, 3): "Potential Loyalist", (3, 3): "Potential Loyalist",
    (5, 1): "New Customers", (4, 1): "Promising", (3, 1): "Promising",
    (3, 2): "Need Attention", (2, 3): "Need Attention", (2, 2): "Need Attention",
    (2, 1): "About To Sleep", (2, 5): "At Risk", (2, 4): "At Risk", (1, 3): "At Risk",
    (1, 5): "Cannot Lose Them", (1, 4): "Cannot Lose Them", (1, 2): "Hibernating", (1, 1): "Lost",
}
rfm["segment"] = [grid[(r, fm)] for r, fm in zip(rfm["r"], rfm["fm"])]
rfm["monetary"] = rfm["monetary"].round(2)
rfm[["recency", "frequency", "monetary", "r", "f", "m", "fm", "segment"]].to_csv(os.path.join(here, "expected_rfm.csv"))

# Cohort retention by calendar month of first order; censored cells left out.
df["month"] = df["date"].dt.to_period("M")
first = df.groupby("customer_id")["month"].min().rename("cohort")
df = df.join(first, on="customer_id")
df["period"] = (df["month"] - df["cohort"]).apply(lambda d: d.n)
sizes = first.value_counts().sort_index()
active = df.groupby(["cohort", "period"])["customer_id"].nunique()
last = df["month"].max()
rows = []
for cohort, size in sizes.items():
    for k in range((last - cohort).n + 1):
        a = int(active.get((cohort, k), 0))
        rows.append((str(cohort), k, int(size), a, a / size))
pd.DataFrame(rows, columns=["cohort", "period", "size", "active", "retention"]).to_csv(
    os.path.join(here, "expected_cohorts.csv"), index=False)
print("wrote expected_rfm.csv and expected_cohorts.csv")
