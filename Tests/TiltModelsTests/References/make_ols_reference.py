"""Reference values for OLSFactorModel (Tests/TiltModelsTests/OLSFactorModelTests.swift).

Developer tool, not run by the tests: `python3 make_ols_reference.py` rewrites ols_reference.json.
Needs numpy. Reads the shared data (../shared/data from the repository root):
- 48_Industry_Portfolios.CSV: the first section (average value-weighted returns, monthly, percent;
  -99.99 and -999 are missing);
- ff6_monthly.csv: mktrf, smb, hml, rmw, cma (the five Fama-French factors) and rf, decimals.

For each case and each industry: OLS of (return - rf) on [1, factors] over the window rows where the
industry's return is known, by numpy.linalg.lstsq (SVD); residual variance e'e/n (n = rows used);
factor covariance with ddof 1 over all window rows; mu = [1, mean factor returns].
"""
import csv
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data")
FACTORS = ["mktrf", "smb", "hml", "rmw", "cma"]


def month_ordinal(text):
    text = text.strip()
    if "-" in text:
        year, month = text.split("-")[:2]
    else:
        year, month = text[:4], text[4:6]
    return int(year) * 12 + int(month) - 1


def month_label(ordinal):
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def industries():
    """Months, industry names and value-weighted monthly returns (decimals, NaN missing)."""
    with open(os.path.join(DATA, "48_Industry_Portfolios.CSV"), encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if "Value Weighted Returns -- Monthly" in line)
    names = [name.strip() for name in lines[start + 1].split(",")[1:]]
    months, rows = [], []
    for line in lines[start + 2:]:
        cells = [c.strip() for c in line.split(",")]
        if len(cells) < 2 or len(cells[0]) != 6 or not cells[0].isdigit():
            break
        months.append(month_ordinal(cells[0]))
        values = np.array([float(c) for c in cells[1:]])
        values[(values == -99.99) | (values == -999)] = np.nan
        rows.append(values / 100)
    return np.array(months), names, np.array(rows)


def factors():
    """Months, the five factors (T x 5) and rf (T), decimals."""
    with open(os.path.join(DATA, "ff6_monthly.csv")) as f:
        records = list(csv.DictReader(f))
    months = np.array([month_ordinal(r["month"]) for r in records])
    values = np.array([[float(r[name]) for name in FACTORS] for r in records])
    rf = np.array([float(r["rf"]) for r in records])
    return months, values, rf


def estimate(excess, f, window):
    """OLS per column of `excess` (n x N, NaN missing) on [1, f] over the window rows."""
    x = np.column_stack([np.ones(len(f)), f])
    loadings = np.full((x.shape[1], excess.shape[1]), np.nan)
    residual = np.full(excess.shape[1], np.nan)
    counts = []
    for j in range(excess.shape[1]):
        observed = np.isfinite(excess[:, j])
        counts.append(int(observed.sum()))
        beta, *_ = np.linalg.lstsq(x[observed], excess[observed, j], rcond=None)
        e = excess[observed, j] - x[observed] @ beta
        loadings[:, j] = beta
        residual[j] = e @ e / observed.sum()
    return {
        "window": window,
        "loadings": loadings.tolist(),
        "residual_variances": residual.tolist(),
        "factor_covariance": np.cov(f, rowvar=False, ddof=1).tolist(),
        "mu": [1.0] + f.mean(axis=0).tolist(),
        "observation_counts": counts,
    }


def main():
    industry_months, names, returns = industries()
    factor_months, f, rf = factors()
    common = np.intersect1d(industry_months, factor_months)
    r = returns[np.isin(industry_months, common)]
    f = f[np.isin(factor_months, common)]
    rf = rf[np.isin(factor_months, common)]
    excess = r - rf[:, None]
    cases = []
    for name, first, last, window in [
        ("expanding 1963-07..1993-12", "1963-07", "1993-12", {"kind": "expanding", "from": "1963-07"}),
        ("rolling 120 ending 2024-11", None, "2024-11", {"kind": "rolling", "months": 120}),
    ]:
        end = month_ordinal(last)
        start = month_ordinal(first) if first else end - 119
        rows = (common >= start) & (common <= end)
        case = estimate(excess[rows], f[rows], window)
        case.update(name=name, rebalance=last, first_month=month_label(start), months=int(rows.sum()))
        cases.append(case)
    with open(os.path.join(HERE, "ols_reference.json"), "w") as out:
        json.dump({"assets": names, "factors": FACTORS, "cases": cases}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
