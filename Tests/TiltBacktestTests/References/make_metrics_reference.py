#!/usr/bin/env python3
"""Reference values for PerformanceMetrics and CrisisAnalysis, computed independently with numpy.

Writes metrics_reference.json next to this script: a seeded 20-year monthly backtest (inputs) and the
metrics numpy finds for it (outputs). Run: pip install numpy && python3 make_metrics_reference.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20240607)
N_MONTHS = 240
START = 2000 * 12 + 0            # ordinal of 2000-01 (year*12 + month-1)
ASSETS = ["A", "B", "C", "D", "E", "F"]
SECTORS = ["Tech", "Tech", "Energy", "Health", "Energy", "Health"]
FACTORS = ["alpha", "mkt", "smb", "hml"]


def month_text(ordinal):
    return f"{ordinal // 12}-{ordinal % 12 + 1:02d}"


benchmark = rng.normal(0.007, 0.045, N_MONTHS)
active = rng.normal(0.001, 0.012, N_MONTHS)
portfolio = benchmark + active
costs = np.abs(rng.normal(0.0002, 0.0001, N_MONTHS))
risk_free = np.abs(rng.normal(0.002, 0.001, N_MONTHS))
months = np.arange(START, START + N_MONTHS)

# Quarterly rebalances at the end of 1999-12, 2000-03, ... (the last one before the final month).
rebalance_months = np.arange(START - 1, START + N_MONTHS - 1, 3)
rebalances = []
for m in rebalance_months:
    w = rng.dirichlet(np.ones(len(ASSETS)) * 0.6)
    w[rng.random(len(ASSETS)) < 0.2] = 0.0
    w = w / w.sum() if w.sum() > 0 else np.full(len(ASSETS), 1 / len(ASSETS))
    b = np.full(len(ASSETS), 1 / len(ASSETS))
    contributions = np.abs(rng.normal(0.00002, 0.00002, len(FACTORS) - 1))
    specific = abs(rng.normal(0.00003, 0.00001))
    rebalances.append({
        "month": month_text(m), "weights": w.tolist(), "benchmarkWeights": b.tolist(),
        "turnover": float(abs(rng.normal(0.3, 0.1))),
        "activeExposures": rng.normal(0, 0.2, len(FACTORS)).tolist(),
        "factorRiskContributions": contributions.tolist(), "specificRiskContribution": float(specific),
        "exAnteActiveVariance": float(contributions.sum() + specific),
    })
crises = [
    {"name": "before start", "from": "1999-06", "to": "2000-03"},
    {"name": "one month", "from": "2003-05", "to": "2003-05"},
    {"name": "GFC", "from": "2007-12", "to": "2009-06"},
    {"name": "past the end", "from": "2019-07", "to": "2021-06"},
    {"name": "outside", "from": "1990-01", "to": "1990-12"},
]


def stats(r, rf):
    wealth = np.cumprod(1 + r)
    vol = r.std(ddof=1) * np.sqrt(12)
    excess = r - rf if rf is not None else r
    level = np.concatenate([[1.0], wealth])
    peaks = np.maximum.accumulate(level)
    dd = level / peaks - 1
    trough = int(np.argmin(dd))                      # index into level (0 = starting wealth)
    peak = int(np.max(np.nonzero(level[: trough + 1] == peaks[trough])[0]))
    after = np.nonzero(level[trough + 1:] >= level[peak])[0]
    recovery = trough + 1 + int(after[0]) if after.size else None
    return {
        "annualArithmeticReturn": r.mean() * 12,
        "annualGeometricReturn": wealth[-1] ** (12 / len(r)) - 1,
        "annualVolatility": vol,
        "sharpeRatio": excess.mean() * 12 / vol,
        "maxDrawdown": dd.min(),
        # months as text; level index i is the end of month START - 1 + i
        "peak": month_text(START - 1 + peak), "trough": month_text(START - 1 + trough),
        "recovery": None if recovery is None else month_text(START - 1 + recovery),
        "length": (recovery if recovery is not None else len(r)) - peak,
    }


def risk_summary(rebs):
    contributions = np.array([r["factorRiskContributions"] for r in rebs])
    specific = np.array([r["specificRiskContribution"] for r in rebs])
    variance = np.array([r["exAnteActiveVariance"] for r in rebs])
    return {
        "averageExAnteTrackingError": np.sqrt(12 * variance).mean(),
        "averageFactorContributions": contributions.mean(axis=0).tolist(),
        "averageSpecificContribution": specific.mean(),
        "averageFactorShares": (contributions / variance[:, None]).mean(axis=0).tolist(),
        "averageSpecificShare": (specific / variance).mean(),
        "factorShareDispersion": (contributions / variance[:, None]).std(axis=0, ddof=1).tolist()
        if len(rebs) > 1 else [None] * contributions.shape[1],
        "specificShareDispersion": (specific / variance).std(ddof=1) if len(rebs) > 1 else None,
    }


weights = np.array([r["weights"] for r in rebalances])
turnovers = np.array([r["turnover"] for r in rebalances])[1:]
metrics = {
    "portfolio": stats(portfolio, risk_free),
    "benchmark": stats(benchmark, risk_free),
    "active": stats(portfolio - benchmark, None),
    "trackingError": (portfolio - benchmark).std(ddof=1) * np.sqrt(12),
    "informationRatio": (portfolio - benchmark).mean() * 12 / ((portfolio - benchmark).std(ddof=1) * np.sqrt(12)),
    "annualCost": costs.mean() * 12,
    "turnoverPerRebalance": turnovers.mean(),
    "annualTurnover": turnovers.sum() / (N_MONTHS / 12),
    "averageHoldings": (weights > 1e-6).sum(axis=1).mean(),
    "averageEffectiveN": (1 / (weights ** 2).sum(axis=1)).mean(),
    "averageEntropy": np.mean([-(w[w > 0] * np.log(w[w > 0])).sum() for w in weights]),
    "risk": risk_summary(rebalances),
}

reb_ordinals = np.array([int(r["month"][:4]) * 12 + int(r["month"][5:]) - 1 for r in rebalances])
sector_names = list(dict.fromkeys(SECTORS))
crisis_results = []
for c in crises:
    lo = int(c["from"][:4]) * 12 + int(c["from"][5:]) - 1
    hi = int(c["to"][:4]) * 12 + int(c["to"][5:]) - 1
    inside = np.nonzero((months >= lo) & (months <= hi))[0]
    if inside.size == 0:
        continue
    first, last = inside[0], inside[-1]
    held = [int(np.max(np.nonzero(reb_ordinals < months[i])[0])) for i in inside]
    rebs = [rebalances[h] for h in held]

    def window_drawdown(r):
        level = np.concatenate([[1.0], np.cumprod(1 + r)])
        return (level / np.maximum.accumulate(level) - 1).min()

    def recover(r):
        wealth = np.cumprod(1 + r)
        level = wealth[first - 1] if first > 0 else 1.0
        later = np.nonzero(wealth[last:] >= level)[0]
        return int(later[0]) if later.size else None

    p = portfolio[first: last + 1]
    b = benchmark[first: last + 1]
    rp, rb = np.prod(1 + p) - 1, np.prod(1 + b) - 1
    active_sector = []
    for r in rebs:
        a = np.array(r["weights"]) - np.array(r["benchmarkWeights"])
        active_sector.append([a[[s == name for s in SECTORS]].sum() for name in sector_names])
    crisis_results.append({
        "name": c["name"], "from": month_text(months[first]), "to": month_text(months[last]), "months": int(inside.size),
        "portfolioReturn": rp, "benchmarkReturn": rb, "activeReturn": rp - rb,
        "annualisedActiveReturn": (1 + rp) ** (12 / inside.size) - (1 + rb) ** (12 / inside.size),
        "portfolioDrawdown": window_drawdown(p), "benchmarkDrawdown": window_drawdown(b),
        "portfolioRecoveryMonths": recover(portfolio), "benchmarkRecoveryMonths": recover(benchmark),
        "averageActiveExposures": np.mean([r["activeExposures"] for r in rebs], axis=0).tolist(),
        "averageActiveSectorWeights": np.mean(active_sector, axis=0).tolist(),
        "risk": risk_summary(rebs),
    })


def plain(x):
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


document = {
    "inputs": {
        "months": [month_text(m) for m in months], "portfolioReturns": portfolio.tolist(),
        "benchmarkReturns": benchmark.tolist(), "costs": costs.tolist(), "riskFree": risk_free.tolist(),
        "assets": ASSETS, "sectors": SECTORS, "factorNames": FACTORS, "rebalances": rebalances, "crises": crises,
    },
    "metrics": plain(metrics),
    "crises": plain(crisis_results),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_reference.json"), "w") as f:
    json.dump(document, f, indent=1)
