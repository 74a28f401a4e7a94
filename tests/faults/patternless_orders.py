"""Orders with no pattern of repeat purchase and dropout: each customer buys 1 to 6 times on days
drawn at random over two years. `lifetimes` (0.11.3) raises ConvergenceError on them at once:

    python3 tests/faults/patternless_orders.py 20000 > orders.csv
    python3 -c "import pandas as pd; from lifetimes import BetaGeoFitter; from lifetimes.utils import summary_data_from_transaction_data as s; \
d = s(pd.read_csv('orders.csv'), 'customer_id', 'date'); BetaGeoFitter().fit(d.frequency, d.recency, d['T'])"

Usage: python3 patternless_orders.py CUSTOMERS > orders.csv
"""
import datetime
import random
import sys

customers = int(sys.argv[1])
rng = random.Random(1)
start = datetime.date(2024, 1, 1)
print("customer_id,date,amount")
for c in range(customers):
    for d in sorted(rng.randint(0, 700) for _ in range(rng.randint(1, 6))):
        print(f"{c},{start + datetime.timedelta(days=d)},{rng.uniform(5, 200):.2f}")
