"""Reference optima for TiltSolver's FactorPortfolioSolver (Tests/TiltSolverTests/FactorPortfolioSolverTests.swift).

Each case is the long-only, fully invested factor-model portfolio problem
    maximize αᵀ(w − b)                  s.t. (w − b)ᵀΣ(w − b) ≤ τ²      (kind "tev", parameter τ)
    maximize αᵀ(w − b) − γ(w − b)ᵀΣ(w − b)                             (kind "riskAversion", parameter γ)
    with 1ᵀw = 1, l ≤ w ≤ u (l = 0, u = ∞ unless the case says "lower"/"upper"), Σ = B Σ_f Bᵀ + diag(E)
    (B: n × K here),
solved by cvxpy + Clarabel at tolerances 1e-10 with the risk written through the factors (never n × n).
Data: "splitmix" cases name (n, seed) of the shared splitmix64 generator (make_references.benchmark_tev_data,
TiltSolver's factorTEVProblem); "random" cases carry their data (a full Σ_f, an uneven benchmark).

Run from the repository root: python3 Tests/TiltPortfolioTests/References/make_factor_portfolio_references.py
Needs: pip install cvxpy clarabel numpy scipy. Writes factor_portfolio.json beside this script.
"""
import json
import os
import sys

import cvxpy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_references import benchmark_tev_data  # noqa: E402


def solve(kind, parameter, B, Sf, E, alpha, bench, lower=None, upper=None):
    n, k = B.shape
    w = cp.Variable(n)
    d = w - bench
    L = np.linalg.cholesky(Sf)
    risk_vector = cp.hstack([L.T @ (B.T @ d), cp.multiply(np.sqrt(E), d)])
    bounds = [w >= (np.zeros(n) if lower is None else lower)] + ([] if upper is None else [w <= upper])
    if kind == "tev":
        problem = cp.Problem(cp.Maximize(alpha @ d), bounds + [cp.sum(w) == 1, cp.norm(risk_vector) <= parameter])
    else:
        problem = cp.Problem(cp.Maximize(alpha @ d - parameter * cp.sum_squares(risk_vector)), bounds + [cp.sum(w) == 1])
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10, max_iter=500)
    assert problem.status == cp.OPTIMAL, problem.status
    return problem.value, w.value


def main():
    cases = []
    for n, seed in ((48, 42), (48, 7), (500, 42), (500, 7)):
        B, Sf, E, alpha, bench = benchmark_tev_data(n, 6, seed)
        for kind, parameter in (("tev", 0.005), ("tev", 0.02), ("riskAversion", 5.0), ("riskAversion", 100.0)):
            objective, w = solve(kind, parameter, B, Sf, E, alpha, bench)
            cases.append({"name": f"splitmix n={n} seed={seed} {kind} {parameter}", "kind": kind, "parameter": parameter,
                          "splitmix": {"n": n, "seed": seed, "factors": 6}, "objective": objective, "weights": list(w)})
    rng = np.random.default_rng(20261130)
    n, k = 60, 4
    B = rng.standard_normal((n, k)) * 0.5 + np.array([1.0] + [0.0] * (k - 1))
    M = rng.standard_normal((k, k)) * 0.02
    Sf = M @ M.T + 1e-4 * np.eye(k)
    E = rng.uniform(0.02, 0.06, n) ** 2
    alpha = rng.standard_normal(n) * 0.01
    bench = rng.dirichlet(np.ones(n))
    data = {"loadings": B.tolist(), "factorCovariance": Sf.tolist(), "residualVariances": E.tolist(),
            "alpha": alpha.tolist(), "benchmark": bench.tolist()}
    for kind, parameter in (("tev", 0.01), ("tev", 0.03), ("riskAversion", 10.0)):
        objective, w = solve(kind, parameter, B, Sf, E, alpha, bench)
        cases.append({"name": f"random n={n} k={k} {kind} {parameter}", "kind": kind, "parameter": parameter,
                      "data": data, "objective": objective, "weights": list(w)})
    # Bounds: position limits (w ≤ 5%), active-weight limits (|w − b| ≤ 1% with w ≥ 0), long-short (w ≥ −2%).
    for n, seed in ((48, 42), (500, 7)):
        B, Sf, E, alpha, bench = benchmark_tev_data(n, 6, seed)
        for label, lower, upper in (("w <= 5%", None, np.full(n, 0.05)),
                                    ("|w - b| <= 1%", np.maximum(0, bench - 0.01), bench + 0.01),
                                    ("w >= -2%", np.full(n, -0.02), None)):
            for kind, parameter in (("tev", 0.02), ("riskAversion", 5.0)):
                objective, w = solve(kind, parameter, B, Sf, E, alpha, bench, lower, upper)
                case = {"name": f"splitmix n={n} seed={seed} {kind} {parameter} {label}", "kind": kind, "parameter": parameter,
                        "splitmix": {"n": n, "seed": seed, "factors": 6}, "objective": objective, "weights": list(w)}
                if lower is not None:
                    case["lower"] = list(lower)
                if upper is not None:
                    case["upper"] = list(upper)
                cases.append(case)
    with open(os.path.join(HERE, "factor_portfolio.json"), "w") as f:
        json.dump(cases, f)
    for case in cases:
        print(f"{case['name']:45s} {case['objective']:.12e}")


if __name__ == "__main__":
    main()
