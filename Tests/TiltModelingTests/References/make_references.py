#!/usr/bin/env python3
"""Reference solutions for TiltModelingTests, computed with cvxpy + Clarabel (developer tool only).

    pip install cvxpy clarabel numpy
    python3 make_references.py        # writes references.json next to this script

Each problem is built from small random data with a fixed seed (rounded to 6 decimals so that the JSON
holds exactly the numbers cvxpy solved with) and stated here exactly as ReferenceModelTests.swift states it
with Tilt's ModelExpression API. Recorded per problem: the data, cvxpy's status, optimal value, variable
values and constraint duals, and whether the values / duals are unique (only unique ones are compared).
The comparison tolerance of values and duals is 1e-5 (relative to max(1, largest entry)) unless Clarabel
itself, stopped at Tilt's default tolerances (1e-8), lands further from the tight solution: then it is that
distance rounded up to a power of ten, recorded as value_tolerance / dual_tolerance (exponential-cone and
square-root problems, whose optimum is flat enough that a 1e-8 gap leaves the point uncertain at ~1e-5).
Matrices are stored as {"rows", "cols", "values"} with values in column-major order, like Tilt's Matrix.
"""
import json
import os

import cvxpy as cp
import numpy as np

# Tightest tolerances Clarabel reaches on each problem (values of exponential-cone problems are only about
# 1e-5 accurate at Clarabel's defaults, too loose for the Swift test's 1e-5 comparison).
TOLERANCE_LADDER = [1e-12, 1e-11, 1e-10]


def rounded(a):
    return np.round(np.asarray(a, dtype=float), 6)


def encode(a):
    a = np.atleast_1d(np.asarray(a, dtype=float))
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    return {"rows": a.shape[0], "cols": a.shape[1], "values": [float(v) for v in a.flatten(order="F")]}


def covariance(rng, n, k):
    """A factor-model covariance B F Bᵀ + D (monthly, decimals) and its parts."""
    B = rounded(rng.normal(1.0, 0.3, (n, 1)) * [1, 0, 0] + rng.normal(0, 0.4, (n, k)) * [0, 1, 1])
    G = rng.normal(0, 0.02, (k, k))
    F = rounded(G @ G.T + np.diag([0.0020, 0.0006, 0.0004]))
    D = rounded(rng.uniform(0.0010, 0.0040, n))
    return B, F, D, B @ F @ B.T + np.diag(D)


def problems():
    """(name, data, variables, objective, constraints, unique values, unique duals) per problem."""
    out = []

    def add(name, data, variables, objective, constraints, unique_values=True, unique_duals=True):
        out.append((name, data, variables, objective, constraints, unique_values, unique_duals))

    # --- linear programs: constraints in every direction -----------------------------------------------
    rng = np.random.default_rng(1)
    c, A = rounded(rng.normal(size=5)), rounded(rng.normal(size=(3, 5)))
    b = rounded(A @ np.full(5, 0.2) + 0.3)
    x = cp.Variable(5, name="x")
    add("lp_directions", dict(c=c, A=A, b=b), [x], cp.Minimize(c @ x),
        [A @ x <= b, 0 <= x, cp.sum(x) == 1, x <= 0.6])

    rng = np.random.default_rng(2)
    c, A = rounded(rng.normal(size=3)), rounded(rng.normal(size=(4, 3)))
    b = rounded(np.abs(rng.normal(size=4)) + 0.5)
    x = cp.Variable(3, name="x")
    add("lp_maximize_select", dict(c=c, A=A, b=b), [x], cp.Maximize(c @ x),
        [b >= A @ x, x >= -1, 1 >= x, cp.sum(x[[0, 2]]) == 0.5])

    # --- quadratic programs -------------------------------------------------------------------------------
    rng = np.random.default_rng(3)
    M = rng.normal(size=(4, 4))
    P = rounded(M @ M.T + 0.1 * np.eye(4))
    q, G = rounded(rng.normal(size=4)), rounded(rng.normal(size=(3, 4)))
    h = rounded(G @ np.full(4, 0.25) + 0.5)
    x = cp.Variable(4, name="x")
    add("qp_quad", dict(P=P, q=q, G=G, h=h), [x], cp.Minimize(cp.quad_form(x, P) + q @ x),
        [G @ x <= h, cp.sum(x) == 1])

    rng = np.random.default_rng(4)
    M = rng.normal(size=(4, 4))
    S, r = rounded(M @ M.T), rounded(rng.normal(size=4))
    x = cp.Variable(4, name="x")
    add("qp_quadratic_forms", dict(S=S, r=r), [x],
        cp.Minimize(2 * cp.quad_form(x, S) + cp.sum_squares(x) - r @ x + 3), [cp.sum(x) == 0])

    rng = np.random.default_rng(5)
    A, b = rounded(rng.normal(size=(8, 4))), rounded(rng.normal(size=8))
    x = cp.Variable(4, name="x")
    add("sumsq_nonnegative_least_squares", dict(A=A, b=b), [x], cp.Minimize(cp.sum_squares(A @ x - b)), [x >= 0])

    # --- norms, abs, pos, max, min --------------------------------------------------------------------------
    rng = np.random.default_rng(6)
    A, b = rounded(rng.normal(size=(8, 4))), rounded(rng.normal(size=8))
    x = cp.Variable(4, name="x")
    add("norm_lasso", dict(A=A, b=b), [x], cp.Minimize(cp.norm(A @ x - b, 2) + 0.2 * cp.norm(x, 1)), [])

    rng = np.random.default_rng(7)
    c = rounded(rng.normal(size=3))
    x = cp.Variable(3, name="x")
    add("norm_ball_constraint", dict(c=c), [x], cp.Minimize(c @ x), [cp.norm(x, 2) <= 1])

    rng = np.random.default_rng(8)
    A, b = rounded(rng.normal(size=(10, 3))), rounded(rng.normal(size=10))
    x = cp.Variable(3, name="x")
    add("norminf_chebyshev", dict(A=A, b=b), [x], cp.Minimize(cp.norm(A @ x - b, "inf")), [])

    rng = np.random.default_rng(9)
    a, b = rounded(rng.normal(size=5)), rounded(rng.normal(size=5))
    x = cp.Variable(5, name="x")
    add("abs_pos", dict(a=a, b=b), [x],
        cp.Minimize(cp.sum(cp.abs(x - a)) + cp.sum(cp.pos(b - x)) + 0.5 * cp.sum_squares(x)), [1 <= cp.sum(x)])

    rng = np.random.default_rng(10)
    A = rounded(rng.uniform(0, 1, (4, 5)))
    x = cp.Variable(5, name="x")
    add("min_entries_game", dict(A=A), [x], cp.Maximize(cp.min(A @ x)), [cp.sum(x) == 1, x >= 0])

    rng = np.random.default_rng(11)
    A, b = rounded(rng.normal(size=(6, 3))), rounded(rng.normal(size=6))
    x = cp.Variable(3, name="x")
    add("max_entries_minimax", dict(A=A, b=b), [x], cp.Minimize(cp.max(A @ x - b) + 0.5 * cp.sum_squares(x)), [])

    rng = np.random.default_rng(12)
    a, c = rounded(rng.normal(size=4)), rounded(rng.normal(size=4))
    x = cp.Variable(4, name="x")
    add("elementwise_maximum", dict(a=a, c=c), [x],
        cp.Minimize(cp.sum(cp.maximum(x - a, a - x, 0.1)) + cp.sum_squares(x - c)), [])

    rng = np.random.default_rng(13)
    A, b = rounded(rng.normal(size=(4, 3))), rounded(rng.normal(size=4))
    x = cp.Variable(3, name="x")
    add("elementwise_minimum", dict(A=A, b=b), [x],
        cp.Maximize(cp.sum(cp.minimum(A @ x, b, 1)) - cp.sum_squares(x)), [])

    # --- exponential-cone and square-root atoms --------------------------------------------------------------
    rng = np.random.default_rng(14)
    p = rounded(rng.uniform(0.5, 2, 4))
    x = cp.Variable(4, name="x")
    add("sqrt_budget", dict(p=p), [x], cp.Maximize(cp.sum(cp.sqrt(x))), [p @ x <= 1])

    rng = np.random.default_rng(15)
    A, b = rounded(rng.normal(size=(6, 3))), rounded(rng.normal(size=6))
    x = cp.Variable(3, name="x")
    add("logsumexp_fit", dict(A=A, b=b), [x],
        cp.Minimize(cp.log_sum_exp(A @ x - b) + 0.1 * cp.sum_squares(x)), [])

    rng = np.random.default_rng(16)
    c = rounded(rng.uniform(0.5, 2, 3))
    x, y = cp.Variable(3, name="x"), cp.Variable(3, name="y")
    add("exp_log", dict(c=c), [x, y], cp.Minimize(cp.sum(cp.exp(x)) - c @ x - cp.sum(cp.log(y))),
        [cp.sum(y) <= 2])

    rng = np.random.default_rng(17)
    c = rounded(rng.normal(size=4))
    x = cp.Variable(4, name="x")
    add("entropy_softmax", dict(c=c), [x], cp.Maximize(cp.sum(cp.entr(x)) + c @ x), [cp.sum(x) == 1])

    # --- affine operations ------------------------------------------------------------------------------------
    rng = np.random.default_rng(18)
    A, B, C = rounded(rng.normal(size=(4, 3))), rounded(rng.normal(size=(2, 3))), rounded(rng.normal(size=(4, 3)))
    d = rounded(rng.normal(size=3))
    X = cp.Variable((3, 2), name="X")
    add("matrix_products", dict(A=A, B=B, C=C, d=d), [X],
        cp.Minimize(cp.sum_squares(A @ X @ B - C) + cp.sum_squares(X.T @ d)), [X[:, [0]] >= 0, cp.sum(X) == 1])

    rng = np.random.default_rng(19)
    a, e, g = rounded(rng.normal(size=5)), rounded(rng.normal(size=2)), rounded(rng.normal(size=2))
    x, y = cp.Variable(3, name="x"), cp.Variable(2, name="y")
    stacked = cp.hstack([x, y])  # vertical concatenation of column vectors
    side_by_side = cp.vstack([x[0:2], y]).T  # the 2×2 matrix [x[0:2] y]
    add("concatenation_selection", dict(a=a, e=e, g=g), [x, y],
        cp.Minimize(cp.norm(stacked - a, 1) + cp.sum_squares(side_by_side @ e - g) + 0.1 * cp.sum_squares(x)),
        [cp.sum(x) == y[1] + 1])

    rng = np.random.default_rng(20)
    s, t, w = rounded(rng.uniform(0.5, 2, 4)), rounded(rng.normal(size=4)), rounded(rng.uniform(0.5, 2, 4))
    x = cp.Variable(4, name="x")
    add("elementwise_scaling", dict(s=s, t=t, w=w), [x],
        cp.Minimize(cp.sum_squares(x / s - t)), [cp.multiply(w, x) <= 1, x.T @ np.ones(4) >= -1])

    # --- infeasible and unbounded -------------------------------------------------------------------------------
    x = cp.Variable(3, name="x")
    add("infeasible", {}, [x], cp.Minimize(cp.sum(x)), [x >= 1, cp.sum(x) <= 2])
    c = np.array([1.0, 2.0, 0.5])
    x = cp.Variable(3, name="x")
    add("unbounded", dict(c=c), [x], cp.Minimize(c @ x), [x <= 1])

    # --- portfolios (monthly decimals) ----------------------------------------------------------------------------
    rng = np.random.default_rng(21)
    n = 8
    Bf, F, D, Sigma = covariance(rng, n, 3)
    Sigma = rounded(Sigma)
    mu = rounded(rng.normal(0.008, 0.004, n))
    bench = np.full(n, 1 / n)
    w = cp.Variable(n, name="w")
    add("portfolio_mean_variance", dict(mu=mu, Sigma=Sigma, gamma=np.array([4.0])), [w],
        cp.Maximize(mu @ w - 4.0 * cp.quad_form(w, Sigma)), [cp.sum(w) == 1, w >= 0])

    w, f = cp.Variable(n, name="w"), cp.Variable(3, name="f")
    sqrtD = rounded(np.sqrt(D))
    add("portfolio_factor_min_variance", dict(B=Bf, F=F, sqrtD=sqrtD), [w, f],
        cp.Minimize(cp.quad_form(f, F) + cp.sum_squares(cp.multiply(sqrtD, w))),
        [f == (w.T @ Bf).T, cp.sum(w) == 1, w >= 0])

    Lt = rounded(np.linalg.cholesky(Sigma).T)
    w = cp.Variable(n, name="w")
    add("portfolio_tev_cap", dict(mu=mu, Lt=Lt, bench=bench, te=np.array([0.01])), [w],
        cp.Maximize(mu @ w - mu @ bench), [cp.norm(Lt @ (w - bench), 2) <= 0.01, cp.sum(w) == 1, w >= 0])

    w = cp.Variable(n, name="w")
    target = float(rounded(0.6 * mu.max() + 0.4 * mu.mean()))
    add("portfolio_max_entropy", dict(mu=mu, target=np.array([target])), [w],
        cp.Maximize(cp.sum(cp.entr(w))), [cp.sum(w) == 1, mu @ w >= target, w >= 0])

    w = cp.Variable(n, name="w")
    add("portfolio_long_only_band", dict(mu=mu, Sigma=Sigma, bench=bench), [w],
        cp.Maximize(mu @ w - 4.0 * cp.quad_form(w, Sigma)),
        [cp.sum(w) == 1, w >= 0, cp.abs(w - bench) <= 0.02])

    # --- badly scaled: variables spanning 1e-1 … 1e1, constraint rows 1e-3 … 1e3 ---------------------------------
    rng = np.random.default_rng(22)
    scale = 10.0 ** np.array([-1, -0.5, 0, 0.5, 1])
    M = rng.normal(size=(5, 5))
    P = rounded(np.diag(scale) @ (M @ M.T + np.eye(5)) @ np.diag(scale))
    q = rounded(100 * scale * rng.normal(size=5))
    A = rounded(np.diag([1e-3, 1, 1e3]) @ rng.normal(size=(3, 5)) / scale)
    b = rounded(np.diag([1e-3, 1, 1e3]) @ np.abs(rng.normal(size=3)))
    x = cp.Variable(5, name="x")
    add("badly_scaled", dict(P=P, q=q, A=A, b=b), [x], cp.Minimize(cp.quad_form(x, P) + q @ x), [A @ x <= b])
    return out


def flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(1)


def tolerance(loose, tight):
    """1e-5, or the relative distance of a solve at 1e-8 from the tight one rounded up to a power of ten."""
    distance = np.abs(loose - tight).max() / max(1.0, np.abs(tight).max())
    return max(1e-5, 10.0 ** np.ceil(np.log10(max(distance, 1e-300))))


def solve(name, data, variables, objective, constraints, unique_values, unique_duals):
    problem = cp.Problem(objective, constraints)
    problem.solve(solver=cp.CLARABEL, tol_gap_abs=1e-8, tol_gap_rel=1e-8, tol_feas=1e-8, max_iter=500)
    loose = None
    if problem.status == cp.OPTIMAL:
        loose = flat([v.value for v in variables]), flat([c.dual_value for c in constraints])
    for tol in TOLERANCE_LADDER:
        problem.solve(solver=cp.CLARABEL, tol_gap_abs=tol, tol_gap_rel=tol, tol_feas=tol, tol_ktratio=1e-10, max_iter=500)
        if problem.status in (cp.OPTIMAL, cp.INFEASIBLE, cp.UNBOUNDED):
            break
    record = {"name": name, "data": {k: encode(v) for k, v in data.items()}, "status": problem.status,
              "unique_values": unique_values, "unique_duals": unique_duals}
    if problem.status == cp.OPTIMAL:
        record["objective"] = float(problem.value)
        record["values"] = {v.name(): encode(v.value) for v in variables}
        record["duals"] = [encode(c.dual_value) for c in constraints]
        record["value_tolerance"] = tolerance(loose[0], flat([v.value for v in variables]))
        record["dual_tolerance"] = tolerance(loose[1], flat([c.dual_value for c in constraints]))
    print(f"{name:34s} {problem.status:12s} {problem.value:<22} {record.get('value_tolerance', '')} {record.get('dual_tolerance', '')}")
    return record


def main():
    records = [solve(*p) for p in problems()]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "references.json")
    with open(path, "w") as f:
        json.dump({"generator": f"cvxpy {cp.__version__} with Clarabel", "problems": records}, f, indent=None)
        f.write("\n")


if __name__ == "__main__":
    main()
