#!/usr/bin/env python3
"""Developer script (not run by the tests): builds the reference conic problems for TiltSolverTests.

Each problem is written in Clarabel's standard form (P upper triangle in CSC, q, A in CSC, b, cones)
together with the status and objective Clarabel reports, to one JSON file per problem in this folder.

    pip install clarabel numpy scipy
    python3 make_references.py              # rewrite the JSON files
    python3 make_references.py --benchmark  # clarabel timings of the factor-model TEV SOCP

The TEV benchmark data come from a splitmix64 generator shared with `benchmarkFactorTEV(n:k:)` in
TiltSolver, so that both solvers see the same problem.
"""
import json
import math
import os
import sys
import time

import clarabel
import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))


def csc_json(M):
    M = sp.csc_matrix(M)
    M.sort_indices()
    return {"rows": M.shape[0], "cols": M.shape[1], "colPointers": M.indptr.tolist(),
            "rowIndices": M.indices.tolist(), "values": M.data.tolist()}


def clarabel_cones(cones):
    out = []
    for kind, dim in cones:
        out.append({"zero": clarabel.ZeroConeT, "nonnegative": clarabel.NonnegativeConeT,
                    "secondOrder": clarabel.SecondOrderConeT}[kind](dim) if kind != "exponential"
                   else clarabel.ExponentialConeT())
    return out


def solve(P, q, A, b, cones, verbose=False):
    settings = clarabel.DefaultSettings()
    settings.verbose = verbose
    P = sp.triu(sp.csc_matrix(P)).tocsc()
    solver = clarabel.DefaultSolver(P, np.asarray(q, float), sp.csc_matrix(A), np.asarray(b, float),
                                    clarabel_cones(cones), settings)
    return solver.solve()


def write(name, P, q, A, b, cones):
    P = sp.triu(sp.csc_matrix(P, dtype=float)).tocsc()
    A = sp.csc_matrix(A, dtype=float)
    sol = solve(P, q, A, b, cones)
    status = str(sol.status).split(".")[-1]
    record = {"name": name, "P": csc_json(P), "q": [float(v) for v in q], "A": csc_json(A),
              "b": [float(v) for v in b], "cones": [{"type": k, "dimension": d} for k, d in cones],
              "status": status, "objective": float(sol.obj_val) if status == "Solved" else None}
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(record, f)
    print(f"{name:28s} {status:20s} {record['objective']}  iterations={sol.iterations}")


def lp(rng, n=20, m=30):
    """Random bounded feasible LP: min cᵀx, Gx ≤ h, Ex = d (c built from a dual-feasible point)."""
    G = rng.standard_normal((m, n)); x0 = rng.standard_normal(n); h = G @ x0 + rng.uniform(0.1, 1, m)
    E = rng.standard_normal((3, n)); d = E @ x0
    c = -G.T @ rng.uniform(0.1, 1, m) + E.T @ rng.standard_normal(3)
    A = sp.vstack([E, G]); b = np.concatenate([d, h])
    return sp.csc_matrix((n, n)), c, A, b, [("zero", 3), ("nonnegative", m)]


def qp(rng, n=25, m=40):
    M = rng.standard_normal((n, n)); P = M @ M.T / n + 0.01 * np.eye(n)
    G = rng.standard_normal((m, n)); h = rng.uniform(0.5, 2, m)
    return P, rng.standard_normal(n), G, h, [("nonnegative", m)]


def socp(rng, n=15):
    """min cᵀx s.t. ‖F_i x + g_i‖ ≤ e_iᵀx + d_i (three cones) and ‖x‖ ≤ 10."""
    A_blocks, b_blocks, cones = [], [], []
    for dim in (5, 4, 7):
        F = rng.standard_normal((dim - 1, n)); g = rng.standard_normal(dim - 1)
        e = rng.standard_normal(n) * 0.1; d = 5 + np.linalg.norm(g)
        A_blocks.append(-np.vstack([e, F])); b_blocks.append(np.concatenate([[d], g])); cones.append(("secondOrder", dim))
    A_blocks.append(-np.vstack([np.zeros(n), np.eye(n)])); b_blocks.append(np.concatenate([[10], np.zeros(n)]))
    cones.append(("secondOrder", n + 1))
    return sp.csc_matrix((n, n)), rng.standard_normal(n), np.vstack(A_blocks), np.concatenate(b_blocks), cones


def logsumexp(rng, n=6, terms=8):
    """min t s.t. log Σ exp(F x + g) ≤ t, −1 ≤ x ≤ 1.  Variables (x, t, u₁..u_terms)."""
    F = rng.standard_normal((terms, n)); g = rng.standard_normal(terms)
    nv = n + 1 + terms
    q = np.zeros(nv); q[n] = 1
    rows, rhs, cones = [], [], []
    row = np.zeros(nv); row[n + 1:] = 1; rows.append(row); rhs.append(1); cones.append(("nonnegative", 1))  # Σu ≤ 1
    box = np.zeros((2 * n, nv)); box[:n, :n] = np.eye(n); box[n:, :n] = -np.eye(n)
    rows.extend(box); rhs.extend([1] * (2 * n)); cones.append(("nonnegative", 2 * n))
    for i in range(terms):  # (F_i x + g_i − t, 1, u_i) ∈ K_exp
        r1 = np.zeros(nv); r1[:n] = -F[i]; r1[n] = 1
        r3 = np.zeros(nv); r3[n + 1 + i] = -1
        rows.extend([r1, np.zeros(nv), r3]); rhs.extend([g[i], 1, 0]); cones.append(("exponential", 3))
    return sp.csc_matrix((nv, nv)), q, np.array(rows), np.array(rhs), cones


def entropy(rng, n=10, m=3):
    """max Σ −x log x s.t. Fx = g, 1ᵀx = 1.  Variables (x, t): min −Σt, (t_i, x_i, 1) ∈ K_exp."""
    F = rng.standard_normal((m, n)); x0 = rng.dirichlet(np.ones(n)); g = F @ x0
    nv = 2 * n
    q = np.concatenate([np.zeros(n), -np.ones(n)])
    A_eq = np.hstack([np.vstack([F, np.ones(n)]), np.zeros((m + 1, n))])
    rows, rhs = [A_eq], [np.concatenate([g, [1]])]
    cones = [("zero", m + 1)]
    for i in range(n):
        blk = np.zeros((3, nv)); blk[0, n + i] = -1; blk[1, i] = -1
        rows.append(blk); rhs.append(np.array([0, 0, 1])); cones.append(("exponential", 3))
    return sp.csc_matrix((nv, nv)), q, np.vstack(rows), np.concatenate(rhs), cones


def explog(rng, n=4):
    """min cᵀx + ½‖x‖² s.t. exp(x₀) ≤ x₁, log(x₂) ≥ x₃ − 1, x₁ + x₂ ≤ 5."""
    q = np.array([1.0, 0.5, -2.0, -1.0])
    rows = [  # (x₀, 1, x₁) ∈ K_exp
        [-1, 0, 0, 0], [0, 0, 0, 0], [0, -1, 0, 0],
        # (x₃ − 1, 1, x₂) ∈ K_exp  ⇔ exp(x₃ − 1) ≤ x₂
        [0, 0, 0, -1], [0, 0, 0, 0], [0, 0, -1, 0],
        [0, 1, 1, 0]]
    b = [0, 1, 0, -1, 1, 0, 5]
    return np.eye(n), q, np.array(rows, float), np.array(b, float), [("exponential", 3), ("exponential", 3), ("nonnegative", 1)]


def infeasible(rng, n=5):
    """x ≥ 1 componentwise and Σx ≤ 1."""
    A = np.vstack([-np.eye(n), np.ones((1, n))]); b = np.concatenate([-np.ones(n), [1]])
    return sp.csc_matrix((n, n)), rng.standard_normal(n), A, b, [("nonnegative", n + 1)]


def unbounded(rng, n=5):
    """min −Σx s.t. x ≥ 0, x₀ − x₁ = 0."""
    A = np.vstack([np.eye(n)[0] - np.eye(n)[1], -np.eye(n)]); b = np.zeros(n + 1)
    return sp.csc_matrix((n, n)), -np.ones(n), A, b, [("zero", 1), ("nonnegative", n)]


def degenerate(rng, n=8):
    """LP with redundant (duplicated) constraints and a face of optimal solutions."""
    G = np.vstack([np.eye(n), -np.eye(n), np.ones((1, n)), np.ones((1, n))])
    h = np.concatenate([np.ones(n), np.zeros(n), [3], [3]])
    c = -np.ones(n); c[:2] = 0
    return sp.csc_matrix((n, n)), c, G, h, [("nonnegative", 2 * n + 2)]


def badly_scaled(rng, n=12, m=20):
    scale_rows = 10.0 ** rng.uniform(-4, 4, m); scale_cols = 10.0 ** rng.uniform(-2, 2, n)
    P, q, G, h, cones = qp(rng, n, m)
    G = np.diag(scale_rows) @ G @ np.diag(scale_cols); h = scale_rows * h
    P = np.diag(scale_cols) @ P @ np.diag(scale_cols); q = q * scale_cols
    return P, q, G, h, cones


def factor_model(rng, n, k):
    """Factor model: exposures B (n×k), factor covariance Σ_f (k×k), idiosyncratic variances E, alpha."""
    B = rng.standard_normal((n, k)) * 0.5 + np.array([1.0] + [0.0] * (k - 1))
    L = rng.standard_normal((k, k)) * 0.02; Sf = L @ L.T + 1e-4 * np.eye(k)
    E = rng.uniform(0.02, 0.06, n) ** 2
    alpha = rng.standard_normal(n) * 0.01
    bench = np.ones(n) / n
    return B, Sf, E, alpha, bench


def tev_problem(B, Sf, E, alpha, bench, budget):
    """max αᵀ(w − b) s.t. w ≥ 0, 1ᵀw = 1, f = Bᵀ(w − b), ‖[Σ_f^{1/2} f; √E (w − b)]‖ ≤ budget.
    Variables x = (w, f)."""
    n, k = B.shape
    Lf = np.linalg.cholesky(Sf)  # Σ_f = Lf Lfᵀ; ‖Lfᵀ f‖² = fᵀΣ_f f
    q = np.concatenate([-alpha, np.zeros(k)])
    zero_rows = sp.vstack([sp.hstack([sp.csc_matrix(-B.T), sp.eye(k)]),
                           sp.hstack([sp.csc_matrix(np.ones((1, n))), sp.csc_matrix((1, k))])])
    zero_rhs = np.concatenate([-B.T @ bench, [1]])
    nonneg = sp.hstack([-sp.eye(n), sp.csc_matrix((n, k))])
    soc = sp.vstack([sp.csc_matrix((1, n + k)),
                     sp.hstack([sp.csc_matrix((k, n)), sp.csc_matrix(-Lf.T)]),
                     sp.hstack([-sp.diags(np.sqrt(E)), sp.csc_matrix((n, k))])])
    soc_rhs = np.concatenate([[budget], np.zeros(k), -np.sqrt(E) * bench])
    A = sp.vstack([zero_rows, nonneg, soc]).tocsc()
    b = np.concatenate([zero_rhs, np.zeros(n), soc_rhs])
    cones = [("zero", k + 1), ("nonnegative", n), ("secondOrder", 1 + k + n)]
    return sp.csc_matrix((n + k, n + k)), q, A, b, cones


def risk_aversion_qp(B, Sf, E, alpha, gamma):
    """min γ/2 (fᵀΣ_f f + wᵀ diag(E) w) − αᵀw, f = Bᵀw, w ≥ 0, 1ᵀw = 1.  Variables (w, f)."""
    n, k = B.shape
    P = sp.block_diag([sp.diags(gamma * E), sp.csc_matrix(gamma * Sf)])
    q = np.concatenate([-alpha, np.zeros(k)])
    A = sp.vstack([sp.hstack([sp.csc_matrix(-B.T), sp.eye(k)]),
                   sp.hstack([sp.csc_matrix(np.ones((1, n))), sp.csc_matrix((1, k))]),
                   sp.hstack([-sp.eye(n), sp.csc_matrix((n, k))])]).tocsc()
    b = np.concatenate([np.zeros(k), [1], np.zeros(n)])
    return P, q, A, b, [("zero", k + 1), ("nonnegative", n)]


# --- splitmix64, shared with TiltSolver's benchmarkFactorTEV ------------------------------------
MASK = (1 << 64) - 1


class SplitMix:
    def __init__(self, seed):
        self.state = seed & MASK

    def uniform(self):
        """Uniform in [0, 1) from the top 53 bits."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        return (z >> 11) / float(1 << 53)


def benchmark_tev_data(n, k, seed=42):
    """Same construction as `benchmarkFactorTEV(n:k:)`: B_ij ∈ 0.5·U(−1,1) (+1 on the market column),
    Σ_f = diag(0.0004·(1 + U)), E_i = (0.02 + 0.04·U)², α_i = 0.02·(U − ½), b = 1/n, budget 2%."""
    r = SplitMix(seed)
    B = np.array([[0.5 * (2 * r.uniform() - 1) + (1.0 if j == 0 else 0.0) for j in range(k)] for _ in range(n)])
    Sf = np.diag([0.0004 * (1 + r.uniform()) for _ in range(k)])
    E = np.array([(0.02 + 0.04 * r.uniform()) ** 2 for _ in range(n)])
    alpha = np.array([0.02 * (r.uniform() - 0.5) for _ in range(n)])
    return B, Sf, E, alpha, np.ones(n) / n


def benchmark(repeats=15):
    """Clarabel's own solve_time (setup excluded), best of `repeats` solves of the same data, next to
    the wall time of the best setup + solve; compare with TILT_BENCHMARK=1 factorTEVTimings."""
    for n in (48, 500, 2000, 5000):
        B, Sf, E, alpha, bench = benchmark_tev_data(n, 6)
        P, q, A, b, cones = tev_problem(B, Sf, E, alpha, bench, 0.02)
        best_solve, best_wall = math.inf, math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            sol = solve(P, q, A, b, cones)
            best_wall = min(best_wall, time.perf_counter() - start)
            best_solve = min(best_solve, sol.solve_time)
        print(f"n={n:5d} k=6  clarabel {str(sol.status).split('.')[-1]} obj={sol.obj_val:.10e} "
              f"iters={sol.iterations} solve_time={best_solve * 1e3:.2f} ms "
              f"(wall incl. setup {best_wall * 1e3:.2f} ms, best of {repeats})")


def main():
    if "--benchmark" in sys.argv:
        benchmark()
        return
    rng = np.random.default_rng(20240601)
    write("lp_random", *lp(rng))
    write("qp_random", *qp(rng))
    write("socp_random", *socp(rng))
    write("exp_logsumexp", *logsumexp(rng))
    write("exp_entropy", *entropy(rng))
    write("exp_explog", *explog(rng))
    write("lp_primal_infeasible", *infeasible(rng))
    write("lp_dual_infeasible", *unbounded(rng))
    write("lp_degenerate", *degenerate(rng))
    write("qp_badly_scaled", *badly_scaled(rng))
    B, Sf, E, alpha, bench = factor_model(rng, 48, 6)
    write("portfolio_tev_48", *tev_problem(B, Sf, E, alpha, bench, 0.02))
    write("portfolio_risk_aversion_48", *risk_aversion_qp(B, Sf, E, alpha, 5.0))
    B, Sf, E, alpha, bench = benchmark_tev_data(48, 6)
    write("portfolio_tev_benchmark_48", *tev_problem(B, Sf, E, alpha, bench, 0.02))


if __name__ == "__main__":
    main()
