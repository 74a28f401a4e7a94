"""Independent expectations for Segmenta's BG/NBD, Gamma-Gamma and CLV on the CDNOW summary.

Run:  pip install lifetimes==0.11.3 && python3 reference_clv.py
Writes expected_clv.csv (per customer) and expected_clv_params.csv (fitted parameters) beside this file.
"""
import os
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

here = os.path.dirname(os.path.abspath(__file__))
s = pd.read_csv(os.path.join(here, "cdnow_customers_summary_with_transactions.csv"))
s = s.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary"})
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
repeat = s[s["frequency"] > 0]
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary"])
out = s[["ID", "frequency", "recency", "T", "monetary"]].copy()
out["p_alive"] = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
out["expected_purchases_52"] = bg.conditional_expected_number_of_purchases_up_to_time(52, s["frequency"], s["recency"], s["T"])
out["expected_avg_value"] = gg.conditional_expected_average_profit(s["frequency"], s["monetary"])
out["clv_12m"] = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary"],
                                            time=12, discount_rate=0.01, freq="W").values
out.to_csv(os.path.join(here, "expected_clv.csv"), index=False, float_format="%.12g")
params = {**{k: bg.params_[k] for k in ["r", "alpha", "a", "b"]}, **{k: gg.params_[k] for k in ["p", "q", "v"]},
          "unconditional_39": bg.expected_number_of_purchases_up_to_time(39),
          "p_x2_39": bg.probability_of_n_purchases_up_to_time(39, 2)}
pd.DataFrame([params]).to_csv(os.path.join(here, "expected_clv_params.csv"), index=False, float_format="%.12g")
print("wrote expected_clv.csv and expected_clv_params.csv")
