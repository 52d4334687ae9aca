#!/usr/bin/env python3
"""Reference values for the tear sheet, rolling statistics, calendar heatmap and the two attributions of
active return (factor and Brinson–Fachler, Carino-linked), computed independently with numpy, pandas and
scipy.

Writes tearsheet_reference.json next to this script: a seeded ten-year monthly backtest of six assets in
three sectors, rebalanced quarterly with weights drifting in between (inputs), and what these libraries find
for it (outputs). Run: pip install numpy pandas scipy && python3 make_tearsheet_reference.py

Definitions follow Docs/conventions.md ("Tear sheet" and "Attribution"); where a library has the statistic
(scipy's bias-corrected skewness and kurtosis, numpy's percentile, pandas' rolling moments) it is used.
"""
import json
import os

import numpy as np
import pandas as pd
from scipy import stats

rng = np.random.default_rng(20250301)
N = 120
START = pd.Period("2006-01", freq="M")
months = pd.period_range(START, periods=N, freq="M")
ASSETS = ["A", "B", "C", "D", "E", "F"]
SECTORS = ["Tech", "Tech", "Energy", "Energy", "Health", "Health"]
FACTORS = ["mktrf", "smb", "hml"]
COST = 0.002                      # per unit of turnover

factor_returns = rng.normal([0.006, 0.001, 0.002], [0.045, 0.03, 0.03], (N, 3))
loadings = rng.normal([1.0, 0.2, 0.0], [0.3, 0.5, 0.5], (6, 3))
asset_returns = factor_returns @ loadings.T + rng.normal(0.001, 0.03, (N, 6))
risk_free = np.abs(rng.normal(0.002, 0.001, N))

# Quarterly rebalances at the end of 2005-12, 2006-03, …: the weights earn the following three months.
rebalances = []
start_weights, start_benchmark = [], []
portfolio, benchmark, costs = [], [], []
held = np.zeros(6)
for q in range(N // 3):
    w = rng.dirichlet(np.ones(6))
    w[rng.random(6) < 0.25] = 0.0
    w = w / w.sum()
    if q == 5:
        w = 0.9 * w                                   # 10% uninvested: cash terms in both attributions
    b = rng.dirichlet(np.ones(6) * 3)
    if q in (7, 8):
        b[[4, 5]] = 0.0                               # no benchmark weight in Health: R_b,s falls back to R_b
        b = b / b.sum()
    turnover = float(np.abs(w - held).sum())
    rebalances.append({
        "month": str(START - 1 + 3 * q), "weights": w.tolist(), "benchmarkWeights": b.tolist(), "turnover": turnover,
        "activeExposures": [float(rng.normal(0.0005, 0.001))] + rng.normal(0, 0.2, 3).tolist(),
    })
    for j in range(3):
        t = 3 * q + j
        r = asset_returns[t]
        start_weights.append(w.tolist())
        start_benchmark.append(b.tolist())
        gross = float(w @ r)
        rb = float(b @ r)
        cost = COST * turnover if j == 0 else 0.0
        if q == 2:
            cost = 0.0                                # a rebalance without cost
        portfolio.append(gross - cost)
        benchmark.append(rb)
        costs.append(cost)
        w = w * (1 + r) / (1 + gross)
        b = b * (1 + r) / (1 + rb)
    held = w

portfolio, benchmark, costs = np.array(portfolio), np.array(benchmark), np.array(costs)
active = portfolio - benchmark
crises = [{"name": "GFC", "from": "2007-12", "to": "2009-06"}, {"name": "one month", "from": "2011-08", "to": "2011-08"},
          {"name": "edge", "from": "2015-07", "to": "2016-06"}]


# --- tear sheet ------------------------------------------------------------------------------------------
def tear_sheet(r, rf):
    x = r - rf if rf is not None else r
    downside = np.sqrt((np.minimum(x, 0) ** 2).sum() / len(x))
    level = np.concatenate([[1.0], np.cumprod(1 + r)])
    max_dd = (level / np.maximum.accumulate(level) - 1).min()
    cagr = level[-1] ** (12 / len(r)) - 1
    var = np.percentile(r, 5)
    return {
        "sortino": x.mean() * 12 / (downside * np.sqrt(12)),
        "calmar": cagr / abs(max_dd),
        "valueAtRisk": var,
        "conditionalValueAtRisk": r[r <= var].mean(),
        "skewness": stats.skew(r, bias=False),
        "excessKurtosis": stats.kurtosis(r, fisher=True, bias=False),
        "hitRate": (r > 0).mean(),
        "best": r.max(), "worst": r.min(),
    }


# --- rolling 36 months -------------------------------------------------------------------------------------
frame = pd.DataFrame({"p": portfolio - risk_free, "b": benchmark - risk_free, "a": active}, index=months)
roll = frame.rolling(36)
rolling = {
    "months": [str(m) for m in months[35:]],
    "trackingError": (roll["a"].std() * np.sqrt(12)).iloc[35:].tolist(),
    "informationRatio": (roll["a"].mean() * 12 / (roll["a"].std() * np.sqrt(12))).iloc[35:].tolist(),
    "beta": (roll["p"].cov(frame["b"]) / roll["b"].var()).iloc[35:].tolist(),
}

# --- calendar heatmap ---------------------------------------------------------------------------------------
calendar_frame = pd.DataFrame({"year": months.year, "month": months.month, "a": active, "p": portfolio, "b": benchmark})
grid = calendar_frame.pivot(index="year", columns="month", values="a").reindex(columns=range(1, 13))
yearly = calendar_frame.groupby("year").apply(lambda g: np.prod(1 + g["p"]) - np.prod(1 + g["b"]), include_groups=False)
calendar = {"years": grid.index.tolist(),
            "active": [[None if np.isnan(v) else v for v in row] for row in grid.to_numpy()],
            "yearly": yearly.tolist()}


# --- attributions -------------------------------------------------------------------------------------------
def carino_linked(contributions, p, b):
    """Carino: scale month t by k_t / K, k = (ln(1 + p) − ln(1 + b)) / (p − b) (1/(1 + p) at p = b)."""
    def k(p_, b_):
        return np.where(np.isclose(p_, b_, rtol=0, atol=0), 1 / (1 + p_),
                        (np.log(1 + p_) - np.log(1 + b_)) / np.where(p_ == b_, 1, p_ - b_))
    whole = k(np.prod(1 + p) - 1, np.prod(1 + b) - 1)
    return contributions * (k(p, b) / whole)[:, None]


def summarise(components, contributions):
    linked = carino_linked(contributions, portfolio, benchmark)
    windows = []
    for c in crises:
        inside = (months >= pd.Period(c["from"], freq="M")) & (months <= pd.Period(c["to"], freq="M"))
        windows.append(carino_linked(contributions[inside], portfolio[inside], benchmark[inside]).sum(axis=0).tolist())
    years = {}
    for year in sorted(set(months.year)):
        inside = months.year == year
        years[str(year)] = carino_linked(contributions[inside], portfolio[inside], benchmark[inside]).sum(axis=0).tolist()
    return {"components": components, "contributions": contributions.tolist(), "total": linked.sum(axis=0).tolist(),
            "annualMean": (contributions.mean(axis=0) * 12).tolist(),
            "cumulativeLast": np.cumsum(linked, axis=0)[-1].tolist(), "windows": windows, "years": years,
            "compoundedActive": float(np.prod(1 + portfolio) - np.prod(1 + benchmark))}


held_index = np.repeat(np.arange(N // 3), 3)       # rebalance in effect in each month
exposures = np.array([r["activeExposures"] for r in rebalances])[held_index]
cash_weight = np.array([sum(r["weights"]) - sum(r["benchmarkWeights"]) for r in rebalances])[held_index]
alpha = exposures[:, 0]
factor_part = exposures[:, 1:] * factor_returns
risk_free_part = risk_free * cash_weight
specific = (active + costs) - alpha - factor_part.sum(axis=1) - risk_free_part
factor = summarise(["alpha"] + FACTORS + ["risk-free", "specific", "costs"],
                   np.column_stack([alpha, factor_part, risk_free_part, specific, -costs]))

# Brinson–Fachler in its three-term form (allocation, selection at benchmark weight, interaction), with
# selection + interaction reported as selection; sector returns R_p,s = c_p,s / w_s.
sector_names = list(dict.fromkeys(SECTORS))
long = pd.DataFrame({
    "t": np.repeat(np.arange(N), 6), "sector": SECTORS * N,
    "w": np.array(start_weights).ravel(), "b": np.array(start_benchmark).ravel(), "r": asset_returns.ravel(),
})
long["cp"], long["cb"] = long.w * long.r, long.b * long.r
by_sector = long.groupby(["t", "sector"], sort=False)[["w", "b", "cp", "cb"]].sum().reset_index()
rb_total = by_sector.groupby("t")["cb"].sum()
by_sector["Rb"] = by_sector.t.map(rb_total)
by_sector["Rbs"] = np.where(by_sector.b != 0, by_sector.cb / by_sector.b.where(by_sector.b != 0, 1), by_sector.Rb)
by_sector["Rps"] = by_sector.cp / by_sector.w.where(by_sector.w != 0, 1)
by_sector["allocation"] = (by_sector.w - by_sector.b) * (by_sector.Rbs - by_sector.Rb)
by_sector["selection"] = np.where(by_sector.w != 0,
                                  by_sector.b * (by_sector.Rps - by_sector.Rbs) + (by_sector.w - by_sector.b) * (by_sector.Rps - by_sector.Rbs),
                                  0.0)
allocation = by_sector.pivot(index="t", columns="sector", values="allocation")[sector_names].to_numpy()
selection = by_sector.pivot(index="t", columns="sector", values="selection")[sector_names].to_numpy()
totals = by_sector.groupby("t")[["w", "b"]].sum()
cash = rb_total.to_numpy() * (totals.w - totals.b).to_numpy()
brinson = summarise([f"allocation: {s}" for s in sector_names] + [f"selection: {s}" for s in sector_names]
                    + ["allocation: cash", "costs"],
                    np.column_stack([allocation, selection, cash, -costs]))


document = {
    "inputs": {
        "months": [str(m) for m in months], "portfolioReturns": portfolio.tolist(), "benchmarkReturns": benchmark.tolist(),
        "costs": costs.tolist(), "riskFree": risk_free.tolist(), "assets": ASSETS, "sectors": SECTORS,
        "factorNames": FACTORS, "factorReturns": factor_returns.tolist(), "assetReturns": asset_returns.tolist(),
        "startWeights": start_weights, "startBenchmarkWeights": start_benchmark, "rebalances": rebalances, "crises": crises,
    },
    "tearSheet": {"portfolio": tear_sheet(portfolio, risk_free), "benchmark": tear_sheet(benchmark, risk_free),
                  "active": tear_sheet(active, None)},
    "rolling": rolling,
    "calendar": calendar,
    "factorAttribution": factor,
    "brinsonFachler": brinson,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tearsheet_reference.json"), "w") as f:
    json.dump(document, f, indent=1, default=lambda x: x.item())      # numpy scalars as plain numbers
