#!/usr/bin/env python3
"""Reference solutions for the regime-aware objectives (RegimeObjectiveTests.swift), by cvxpy + Clarabel.

Writes regime_objectives_reference.json next to this script: a few random instances (n = 10…50 stocks,
k = 3 factors, 2–3 regimes, long-only and fully invested), each with the data and cvxpy's optimal
weights and objective for
  - loss:  minimize log Σ_s π_s exp(−φ R_sᵀw + φ²/2 wᵀV_s w)
  - evar:  minimize EVaR_{95%} of −R_p = inf_t t log(Σ_s π_s exp(−μ_s/t + σ_s²/(2t²)) / α)
where V_s = B_sᵀΣ_sB_s + diag(E_s). The EVaR is stated here independently of Tilt's elimination: with
variables t, r, u_s: ExpCone(x_s − r, t, u_s), Σ u_s ≤ t, x_s = −μ_s + q_s + t log(π_s/α),
q_s ≥ quad_over_lin(y_s, t)/2.

With --time, also times ONE regime-utility solve at 500 stocks drawn from the study's calibration
(../shared/data/regime_calibration.json; 2 regimes, 6 factors) and prints cvxpy's compile time and
Clarabel's solve time (for Docs/performance.md).

Developer tool only: pip install numpy cvxpy clarabel.
"""
import json, os, sys, time
import numpy as np
import cvxpy as cp

HERE = os.path.dirname(os.path.abspath(__file__))


def solve_tight(problem):
    """Clarabel at gap and feasibility 1e-9, or 1e-8 where 1e-9 ends `optimal_inaccurate`."""
    for tol in (1e-9, 1e-8):
        problem.solve(solver=cp.CLARABEL, tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol, max_iter=500)
        if problem.status == "optimal":
            return
    raise RuntimeError(f"Clarabel: {problem.status}")


def dense(m):
    m = np.atleast_2d(np.asarray(m, dtype=float))
    return {"rows": m.shape[0], "cols": m.shape[1], "values": m.flatten(order="F").tolist()}


def risk_vector(w, s):
    L = np.linalg.cholesky(s["Sigma"])
    return cp.hstack([L.T @ (s["B"] @ w), cp.multiply(np.sqrt(s["E"]), w)])


def loss_problem(states, phi, n):
    w = cp.Variable(n)
    exps = [np.log(s["pi"]) - phi * (s["R"] @ w) + phi ** 2 / 2 * cp.sum_squares(risk_vector(w, s)) for s in states]
    problem = cp.Problem(cp.Minimize(cp.log_sum_exp(cp.hstack(exps))), [cp.sum(w) == 1, w >= 0])
    return problem, w


def evar_problem(states, confidence, n):
    alpha = 1 - confidence
    w, t, r = cp.Variable(n), cp.Variable(), cp.Variable()
    u, q = cp.Variable(len(states)), cp.Variable(len(states))
    cons = [cp.sum(w) == 1, w >= 0, cp.sum(u) <= t]
    for i, s in enumerate(states):
        x = -(s["R"] @ w) + q[i] + t * np.log(s["pi"] / alpha)
        cons += [cp.constraints.ExpCone(x - r, t, u[i]), q[i] >= cp.quad_over_lin(risk_vector(w, s), t) / 2]
    return cp.Problem(cp.Minimize(r), cons), w


def instance(rng, n, S, k=3):
    pi = rng.dirichlet(np.ones(S) * 3)
    states = []
    for s in range(S):
        A = rng.normal(size=(k, k)) * 0.03
        Sigma = A @ A.T + np.eye(k) * 0.0004 * (1 + s)
        B = rng.normal(1.0 if s == 0 else 0.8, 0.4, size=(k, n))
        m = rng.normal(0.004 - 0.006 * s, 0.004, size=k)
        R = B.T @ m + rng.normal(0, 0.002, size=n)
        E = rng.uniform(0.002, 0.01, size=n) * (1 + 0.5 * s)
        states.append(dict(pi=pi[s], R=R, B=B, Sigma=Sigma, E=E))
    return states


def state_json(s):
    return {"probability": s["pi"], "expected_returns": s["R"].tolist(), "loadings": dense(s["B"]),
            "factor_covariance": dense(s["Sigma"]), "residual_variances": s["E"].tolist()}


def make_references():
    rng = np.random.default_rng(20240611)
    cases = []
    for name, n, S, phi in [("n10_s2", 10, 2, 10.0), ("n30_s3", 30, 3, 5.0), ("n50_s2", 50, 2, 25.0), ("n40_s3", 40, 3, 50.0)]:
        states = instance(rng, n, S)
        lp, lw = loss_problem(states, phi, n)
        solve_tight(lp)
        ep, ew = evar_problem(states, 0.95, n)
        solve_tight(ep)
        cases.append({"name": name, "phi": phi, "confidence": 0.95, "states": [state_json(s) for s in states],
                      "loss_objective": lp.value, "loss_weights": np.maximum(lw.value, 0).tolist(),
                      "evar_objective": ep.value, "evar_weights": np.maximum(ew.value, 0).tolist()})
        print(f"{name}: loss {lp.value:.10g}, evar {ep.value:.10g}")
    with open(os.path.join(HERE, "regime_objectives_reference.json"), "w") as f:
        json.dump({"cases": cases}, f, indent=1)


def time_study_solve(stocks=500, phi=25.0, seed=7):
    """One regime-utility solve of the study's shape, from the calibration (2 regimes, 6 factors)."""
    path = os.path.join(HERE, "../../../../shared/data/regime_calibration.json")
    cal = json.load(open(path))
    rng = np.random.default_rng(seed)
    K, S = len(cal["factors"]), cal["states"]
    stacked = rng.multivariate_normal(cal["loading_means"], cal["loading_covariance"], size=stocks)
    P = np.array(cal["transition_matrix"])
    pi = np.array([0.7, 0.3]) @ P
    states = []
    for s in range(S):
        cols = [i for i, (f, st) in enumerate(cal["loading_index"]) if st == s]
        B = stacked[:, cols].T  # K × n in the order of cal["factors"]
        m, Sigma = np.array(cal["factor_means"][s]), np.array(cal["factor_covariances"][s])
        states.append(dict(pi=pi[s], R=B.T @ m, B=B, Sigma=Sigma, E=np.full(stocks, cal["residual_variance"][s])))
    start = time.perf_counter()
    problem, _ = loss_problem(states, phi, stocks)
    problem.solve(solver=cp.CLARABEL)
    total = time.perf_counter() - start
    stats = problem.solver_stats
    print(f"cvxpy+Clarabel, one regime_utility solve, {stocks} stocks, phi {phi}: total {total * 1000:.1f} ms "
          f"(Clarabel solve {stats.solve_time * 1000:.1f} ms, {stats.num_iters} iterations), status {problem.status}")


if __name__ == "__main__":
    if "--time" in sys.argv:
        time_study_solve()
    else:
        make_references()
