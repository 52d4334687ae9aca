"""Reference optima for the exposure-limited months in exposure_limits_2001_01.json and
exposure_limits_2001_12.json (Tests/TiltPortfolioTests/FactorPortfolioPathTests.swift).

Each problem is Examples/exposure_limits.tilt's rebalance of that month (48 industries, OLS on the 120 months
before, tev 4% a year, f[hml] >= 0, |f[mktrf]| <= 0.05, |f[smb]| <= 0.1, sector("Finance") <= 20%,
w <= 10%) as the strategy layer hands it to FactorPortfolioSolver, dumped once from a local build
(FactorPortfolioProblem's fields; n × K loadings asset by asset, null for an infinite end):
    maximize αᵀw  s.t.  (w − b)ᵀΣ(w − b) ≤ τ²,  1ᵀw = 1,  l ≤ w ≤ u,  lo_j ≤ a_jᵀw ≤ hi_j,
    Σ = B Σ_f Bᵀ + diag(E). 2001-01: one of the months whose primal–dual guesses cycled (they fell back to
the interior-point method before the parametric path). 2001-12: its path passes a degenerate breakpoint —
the sector cap (20%) equals its members' caps (two at 10%, the others at 0), so the last free member is
pinned by the cap and its slope is rounding (it fell back to the interior-point method before that was read
as such).

Also the same data under a risk aversion γ = 20 instead of the budget (maximize αᵀw − γ(w − b)ᵀΣ(w − b)),
for the path's aversion end (2001-01 only). Solved here by cvxpy + Clarabel at tolerances 1e-11, the risk written through the factors.
Run from the repository root: python3 Tests/TiltPortfolioTests/References/exposure_limits_reference.py
Needs: pip install cvxpy clarabel numpy. Writes exposure_limits_<month>_reference.json beside this script.
"""
import json
import os

import clarabel
import cvxpy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GAMMA = 20


def reference(month, aversion):
    with open(os.path.join(HERE, f"exposure_limits_{month}.json")) as f:
        data = json.load(f)
    alpha = np.array(data["alpha"])
    B = np.array(data["loadings"])
    Sf = np.array(data["factorCovariance"])
    E = np.array(data["residualVariances"])
    bench = np.array(data["benchmark"])
    lower = np.array(data["lower"], dtype=float)
    upper = np.array([np.inf if u is None else u for u in data["upper"]])
    n = len(alpha)

    w = cp.Variable(n)
    d = w - bench
    L = np.linalg.cholesky(Sf)
    risk_vector = cp.hstack([L.T @ (B.T @ d), cp.multiply(np.sqrt(E), d)])
    constraints = [cp.sum(w) == 1, w >= lower, cp.norm(risk_vector) <= data["budget"]]
    constraints += [w[i] <= upper[i] for i in range(n) if np.isfinite(upper[i])]
    for limit in data["limits"]:
        a = np.array(limit["coefficients"])
        if limit["lower"] is not None:
            constraints.append(a @ w >= limit["lower"])
        if limit["upper"] is not None:
            constraints.append(a @ w <= limit["upper"])

    def solved(objective, constraints):
        problem = cp.Problem(cp.Maximize(objective), constraints)
        problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11, max_iter=500)
        assert problem.status == cp.OPTIMAL, problem.status
        return {"objective": problem.value, "weights": list(w.value)}

    result = {"budget": solved(alpha @ w, constraints)}
    if aversion:
        result["aversion"] = dict(gamma=GAMMA, **solved(alpha @ w - GAMMA * cp.sum_squares(risk_vector),
                                                         constraints[:2] + constraints[3:]))
    result["solver"] = f"cvxpy {cp.__version__} + Clarabel {clarabel.__version__}"
    with open(os.path.join(HERE, f"exposure_limits_{month}_reference.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(month, result["budget"]["objective"], result.get("aversion", {}).get("objective"))


reference("2001_01", aversion=True)
reference("2001_12", aversion=False)
