"""The pandas reference for the RFM benchmark: read_csv + groupby + qcut, as an analyst writes it.

    python3 bench/rfm_pandas.py bench/data/orders_10m.csv > /tmp/pandas_rfm.csv
"""
import sys
import pandas as pd

df = pd.read_csv(sys.argv[1], parse_dates=["timestamp"])
snapshot = df["timestamp"].max().normalize() + pd.Timedelta(days=1)
rfm = df.groupby("customer_id").agg(last=("timestamp", "max"), frequency=("timestamp", "size"), monetary=("amount", "sum"))
# Whole UTC days from the day of the last order to the snapshot's day (docs/DEFINITIONS.md).
rfm["recency"] = (snapshot - rfm["last"].dt.normalize()).dt.days
rfm["r"] = pd.qcut(rfm["recency"].rank(method="first", ascending=False), 5, labels=False) + 1
rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=False) + 1
rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=False) + 1
rfm["fm"] = (rfm["f"] + rfm["m"] + 1) // 2
rfm[["recency", "frequency", "monetary", "r", "f", "m", "fm"]].to_csv(sys.stdout)
