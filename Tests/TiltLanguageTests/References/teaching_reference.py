"""Independent reference for the teaching example at 2008-09 (Examples/teaching.tilt,
Tests/TiltLanguageTests/TeachingExampleTests.swift).

Developer tool, not run by the tests: `python3 teaching_reference.py` rewrites teaching_reference.json beside
it. Needs numpy, scipy and clarabel. Reads the raw Ken French files from the shared data folder itself, with
the readers and the exact KKT solver of tev48_reference.py (beside it).

What is computed at the rebalance at the end of 2008-09 (monthly decimals):
- eligible industries: a return in 2008-10, a positive market cap at 2008-09 (firms x average size) and no
  missing return in 1963-07..2008-09; OLS of r - rf on [1, five factors] over 1963-07..2008-09 by
  numpy.linalg.lstsq: F ((K+1) x n, intercept row first), E = e'e / T; Sigma_f = sample covariance (ddof 1);
  mu = [1, mean factors]; b = caps / sum(caps).
- sectors: each industry's SIC division, from the first SIC code of its range in Ken French's Siccodes48
  definitions (`REPRESENTATIVE_SIC` below) and the SIC divisions A-J; sector names sorted.
- M (dummies), c'M, W = diag(c) M diag(c'M)^-1, B = F W, wb = M'c / sum(c), Es = (W o W)' E.
- the sector problem: maximize mu'B(w - wb) s.t. sum(w) = 1, w >= 0, (w - wb)'Q(w - wb) <= 0.03^2 / 12 with
  Q = B_f' Sigma_f B_f + diag(Es): Clarabel, then the exact KKT solution of tev48_reference.exact_optimum;
  lambda, the multiplier of the variance form, and tev_dual = lambda * 0.03 / 6, the multiplier of the
  annualised form sqrt(12 (w - wb)'Q(w - wb)) <= 0.03 (the two forms' KKT conditions give
  lambda = 6 tev_dual / 0.03).
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tev48_reference as tev48  # noqa: E402

OUTPUT = os.path.join(HERE, "teaching_reference.json")
MONTH = (2008, 9)
WINDOW_START = (1963, 7)
TEV = 0.03

# The first SIC code of each of the 48 industries' ranges (Siccodes48); "Other" has none of its own.
REPRESENTATIVE_SIC = {
    "Agric": 100, "Food": 2000, "Soda": 2064, "Beer": 2080, "Smoke": 2100, "Toys": 3940, "Fun": 7800,
    "Books": 2700, "Hshld": 2840, "Clths": 2300, "Hlth": 8000, "MedEq": 3840, "Drugs": 2830, "Chems": 2800,
    "Rubbr": 3050, "Txtls": 2200, "BldMt": 3200, "Cnstr": 1500, "Steel": 3300, "FabPr": 3400, "Mach": 3510,
    "ElcEq": 3600, "Autos": 3710, "Aero": 3720, "Ships": 3730, "Guns": 3760, "Gold": 1040, "Mines": 1000,
    "Coal": 1200, "Oil": 1300, "Util": 4900, "Telcm": 4800, "PerSv": 7200, "BusSv": 7300, "Comps": 3570,
    "Chips": 3670, "LabEq": 3820, "Paper": 2600, "Boxes": 2650, "Trans": 4000, "Whlsl": 5000, "Rtail": 5200,
    "Meals": 5800, "Banks": 6000, "Insur": 6300, "RlEst": 6500, "Fin": 6200,
}


def division(sic):
    """The SIC division of a code (major group = the first two digits)."""
    if sic is None:
        return "Other"
    group = sic // 100
    for low, high, name in [(1, 9, "Agriculture"), (10, 14, "Mining"), (15, 17, "Construction"), (20, 39, "Manufacturing"),
                            (40, 49, "Transportation & Utilities"), (50, 51, "Wholesale"), (52, 59, "Retail"),
                            (60, 67, "Finance"), (70, 89, "Services"), (91, 99, "Public Administration")]:
        if low <= group <= high:
            return name
    return "Other"


def main():
    months, names, R, caps, factors, rf = tev48.load()
    index = {m: t for t, m in enumerate(months)}
    t = index[tev48.ordinal(*MONTH)]
    first = index[tev48.ordinal(*WINDOW_START)]
    window = slice(first, t + 1)
    eligible = [j for j in range(len(names))
                if np.isfinite(R[t + 1, j]) and np.isfinite(caps[t, j]) and caps[t, j] > 0 and np.all(np.isfinite(R[window, j]))]
    industries = [names[j] for j in eligible]
    X = np.column_stack([np.ones(t + 1 - first), factors[window]])
    Y = (R - rf[:, None])[window][:, eligible]
    F, *_ = np.linalg.lstsq(X, Y, rcond=None)
    E = np.sum((Y - X @ F) ** 2, axis=0) / X.shape[0]
    sigma_f = np.cov(factors[window], rowvar=False, ddof=1)
    mu = np.concatenate([[1.0], factors[window].mean(axis=0)])
    c = caps[t, eligible]
    b = c / c.sum()

    sector = [division(REPRESENTATIVE_SIC.get(name)) for name in industries]
    sectors = sorted(set(sector))
    M = np.array([[1.0 if s == k else 0.0 for k in sectors] for s in sector])
    sector_caps = c @ M
    W = np.diag(c) @ M @ np.diag(1 / sector_caps)
    B = F @ W
    wb = M.T @ c / c.sum()
    Es = (W * W).T @ E

    tev48.TEV = TEV
    c_s = B.T @ mu
    L = np.linalg.cholesky(sigma_f)
    start = tev48.solve_clarabel(c_s, B[1:], L, Es, wb)
    Q = B[1:].T @ sigma_f @ B[1:] + np.diag(Es)
    w, smallest_weight, smallest_multiplier, steps = tev48.exact_optimum(c_s, Q, wb, start)
    _, _, lam = tev48.solve_on_support(c_s, Q, wb, w > 1e-12)
    active = w - wb

    reference = {
        "month": "2008-09",
        "industries": industries,
        "caps": c.tolist(),
        "sectorOfIndustry": sector,
        "sectors": sectors,
        "sectorCaps": sector_caps.tolist(),
        "capWeightsInSector": W.tolist(),
        "loadings": F.tolist(),
        "sectorLoadings": B.tolist(),
        "benchmark": b.tolist(),
        "benchmarkSectorWeights": wb.tolist(),
        "sectorResidualVariances": Es.tolist(),
        "factorCovariance": sigma_f.tolist(),
        "mu": mu.tolist(),
        "sectorWeights": w.tolist(),
        "industryWeights": (W @ w).tolist(),
        "objective": float(c_s @ active),
        "exAnteTrackingError": float(np.sqrt(12 * active @ Q @ active)),
        "varianceDual": float(lam),
        "tevDual": float(lam * TEV / 6),
        "kkt": {"smallestWeightHeld": smallest_weight, "smallestMultiplierOffSupport": smallest_multiplier,
                "activeSetSteps": steps, "clarabelMaxAbsDifference": float(np.max(np.abs(w - start)))},
    }
    with open(OUTPUT, "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(industries)} industries in {len(sectors)} sectors; sector weights {np.round(w, 6)}; "
          f"objective {reference['objective']:.10g}; variance dual {lam:.10g}; tev dual {reference['tevDual']:.10g}")


if __name__ == "__main__":
    main()
