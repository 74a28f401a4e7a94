"""Writes the synthetic orders file of the RFM benchmark (issue: foundation).

10,000,000 orders of 1,000,000 customers: customer uniform in [0, 1,000,000); timestamp uniform
over 2022-01-01..2023-12-31 (UTC, to the second); amount gamma(shape 2, scale 30) rounded to cents.

    python3 bench/make_orders.py bench/data/orders_10m.csv [rows] [customers]
"""
import sys
import numpy as np

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
customers = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
rng = np.random.default_rng(20261122)
start = np.datetime64("2022-01-01T00:00:00")
span = int((np.datetime64("2024-01-01T00:00:00") - start) / np.timedelta64(1, "s"))
with open(out, "w") as f:
    f.write("customer_id,timestamp,amount\n")
    chunk = 1_000_000
    for lo in range(0, rows, chunk):
        n = min(chunk, rows - lo)
        cust = rng.integers(0, customers, n)
        ts = (start + rng.integers(0, span, n).astype("timedelta64[s]")).astype(str)
        amt = np.round(rng.gamma(2.0, 30.0, n), 2)
        f.write("".join(f"{c},{t}Z,{a:.2f}\n" for c, t, a in zip(cust, ts, amt)))
print(f"wrote {rows:,} orders of up to {customers:,} customers to {out}")
