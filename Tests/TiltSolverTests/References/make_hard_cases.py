#!/usr/bin/env python3
"""Developer script (not run by the tests): the hard small cases of HardCasesTests.swift, with answers
from a second method, written to hard_cases.json in this folder.

    pip install clarabel numpy scipy
    python3 Tests/TiltSolverTests/References/make_hard_cases.py

Each case is a cone program in Clarabel's standard form (minimise ½xᵀPx + qᵀx + c subject to Ax + s = b,
s ∈ K) that has broken interior-point solvers: huge and tiny coefficients, singular quadratic terms,
degenerate vertices, thin feasible sets, free variables, dependent rows, cones at their vertex. Its
answer is a closed form where one exists (written here, by hand, with the reasoning beside it) and
otherwise Clarabel's at tolerances 1e-10; where both exist the script checks that they agree (Clarabel
"solved" or "almost solved", objective to 1e-7 of max(1, |objective|)) and stops if not. `x` is recorded
only where the optimal point is unique.
"""
import json
import math
import os
import sys

import clarabel
import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))


def csc_json(M):
    M = sp.csc_matrix(M, dtype=float)
    M.sort_indices()
    return {"rows": M.shape[0], "cols": M.shape[1], "colPointers": M.indptr.tolist(),
            "rowIndices": M.indices.tolist(), "values": M.data.tolist()}


def clarabel_solve(P, q, A, b, cones, constant):
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = 1e-10
    settings.max_iter = 500
    kinds = {"zero": clarabel.ZeroConeT, "nonnegative": clarabel.NonnegativeConeT, "secondOrder": clarabel.SecondOrderConeT}
    specs = [clarabel.ExponentialConeT() if k == "exponential" else kinds[k](d) for k, d in cones]
    solution = clarabel.DefaultSolver(sp.triu(sp.csc_matrix(P, dtype=float)).tocsc(), np.asarray(q, float),
                                      sp.csc_matrix(A, dtype=float), np.asarray(b, float), specs, settings).solve()
    status = str(solution.status).split(".")[-1]
    return status, (solution.obj_val + constant if status in ("Solved", "AlmostSolved") else None), np.array(solution.x)


CASES = []


def case(name, note, P, q, A, b, cones, constant=0.0, status=None, objective=None, x=None, clarabel_off=False):
    """Registers a case; `status`/`objective`/`x` are the closed form when given. `clarabel_off`: Clarabel is
    known to miss the closed form here (recorded, not checked)."""
    CASES.append(dict(name=name, note=note, P=np.atleast_2d(np.asarray(P, float)), q=np.asarray(q, float),
                      A=np.atleast_2d(np.asarray(A, float)), b=np.asarray(b, float), cones=cones, constant=constant,
                      status=status, objective=objective, x=x, clarabel_off=clarabel_off))


Z2 = np.zeros((2, 2))

# The LP of issue 15: minimize 1e8·x₁ + x₂ s.t. x₁ + x₂ ≥ 1, x ≥ 0. x₁ costs 1e8 times more: x = (0, 1).
case("lp_huge_coefficient", "minimize 1e8*x1 + x2 s.t. x1 + x2 >= 1, x >= 0",
     Z2, [1e8, 1], [[-1, -1], [-1, 0], [0, -1]], [-1, 0, 0], [("nonnegative", 3)], status="Solved", objective=1.0, x=[0, 1])
# The same objective scaled down: minimize 1e-8·x₁ + 2e-8·x₂ on the simplex: the vertex (1, 0), 1e-8.
case("lp_tiny_coefficients", "minimize 1e-8*x1 + 2e-8*x2 s.t. x1 + x2 == 1, x >= 0",
     Z2, [1e-8, 2e-8], [[1, 1], [-1, 0], [0, -1]], [1, 0, 0], [("zero", 1), ("nonnegative", 2)],
     status="Solved", objective=1e-8, x=[1, 0])
# Rows of very different sizes: 1e6·x₁ ≥ 1 and 1e-6·x₂ ≥ 1e-6 (x₂ ≥ 1): minimize x₁ + x₂ = 1e-6 + 1.
case("lp_mixed_row_scales", "minimize x1 + x2 s.t. 1e6*x1 >= 1, 1e-6*x2 >= 1e-6",
     Z2, [1, 1], [[-1e6, 0], [0, -1e-6]], [-1, -1e-6], [("nonnegative", 2)], status="Solved", objective=1 + 1e-6, x=[1e-6, 1])
# A huge objective constant next to a small objective: minimize 1e9 + x s.t. x ≥ 1e-3.
case("lp_large_constant", "minimize 1e9 + x s.t. x >= 1e-3",
     [[0]], [1], [[-1]], [-1e-3], [("nonnegative", 1)], constant=1e9, status="Solved", objective=1e9 + 1e-3, x=[1e-3])
# Degenerate vertex: three constraints active at (1, 1) in the plane. minimize −x₁ − x₂ s.t. x₁ ≤ 1, x₂ ≤ 1,
# x₁ + x₂ ≤ 2, x ≥ 0: −2 at (1, 1).
case("lp_degenerate_vertex", "minimize -x1 - x2 s.t. x1 <= 1, x2 <= 1, x1 + x2 <= 2, x >= 0",
     Z2, [-1, -1], [[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1]], [1, 1, 2, 0, 0], [("nonnegative", 5)],
     status="Solved", objective=-2.0, x=[1, 1])
# Dependent equality rows: x₁ + x₂ = 1 written three times (scaled); minimize x₁ − x₂ with x ≥ 0: −1 at (0, 1).
case("lp_dependent_equalities", "minimize x1 - x2 s.t. x1 + x2 == 1, 2*x1 + 2*x2 == 2, -x1 - x2 == -1, x >= 0",
     Z2, [1, -1], [[1, 1], [2, 2], [-1, -1], [-1, 0], [0, -1]], [1, 2, -1, 0, 0], [("zero", 3), ("nonnegative", 2)],
     status="Solved", objective=-1.0, x=[0, 1])
# A thin feasible set: 1 ≤ x₁ + x₂ ≤ 1 + 1e-9, x ≥ 0; minimize x₁ + 2·x₂: x = (1, 0) (x₂ costs more), 1.
case("lp_nearly_infeasible", "minimize x1 + 2*x2 s.t. 1 <= x1 + x2 <= 1 + 1e-9, x >= 0",
     Z2, [1, 2], [[-1, -1], [1, 1], [-1, 0], [0, -1]], [-1, 1 + 1e-9, 0, 0], [("nonnegative", 4)],
     status="Solved", objective=1.0, x=[1, 0])
# Infeasible by 1e-6: x₁ + x₂ ≥ 1 + 1e-6 and x₁ + x₂ ≤ 1.
case("lp_infeasible_by_1e-6", "x1 + x2 >= 1 + 1e-6, x1 + x2 <= 1, x >= 0",
     Z2, [1, 1], [[-1, -1], [1, 1], [-1, 0], [0, -1]], [-(1 + 1e-6), 1, 0, 0], [("nonnegative", 4)], status="PrimalInfeasible")
# Unbounded with a free variable: minimize −x₁ s.t. x₂ ≥ 0 (x₁ free).
case("lp_unbounded_free_variable", "minimize -x1 s.t. x2 >= 0 (x1 free)",
     Z2, [-1, 0], [[0, -1]], [0], [("nonnegative", 1)], status="DualInfeasible")
# Free variables, a strictly convex objective and one equality: minimize (x₁ − 3)² + (x₂ + 2)² s.t.
# x₁ + x₂ = 0. On the line x₂ = −x₁: (x₁ − 3)² + (2 − x₁)², minimal at x₁ = 2.5: value 0.5 (constant 13).
case("qp_free_variables", "minimize (x1 - 3)^2 + (x2 + 2)^2 s.t. x1 + x2 == 0",
     [[2, 0], [0, 2]], [-6, 4], [[1, 1]], [0], [("zero", 1)], constant=13, status="Solved", objective=0.5, x=[2.5, -2.5])
# A singular quadratic term: ½(x₁ + x₂)² − x₁ + ... minimize (x₁ + x₂)² − x₁ − x₂ s.t. 0 ≤ x ≤ 1. With
# u = x₁ + x₂: u² − u minimal at u = ½, value −¼; the optimal set is a segment (no unique x).
case("qp_singular_flat", "minimize (x1 + x2)^2 - x1 - x2 s.t. 0 <= x <= 1",
     [[2, 2], [2, 2]], [-1, -1], [[1, 0], [0, 1], [-1, 0], [0, -1]], [1, 1, 0, 0], [("nonnegative", 4)],
     status="Solved", objective=-0.25)
# A covariance bordered by a zero row and column (the intercept of a factor model), as the tracking-error
# problems write quad(f, S): minimize ½fᵀSf − f₂ with f₁ free but absent from S, s.t. f₁ + f₂ = 1, f₁ ≥ −5.
# S = [0 0; 0 2]: f₂ − f₂² minimised... ½·2·f₂² − f₂ → f₂ = ½, value −¼; f₁ = ½.
case("qp_bordered_singular_covariance", "minimize 1/2 f'[0 0; 0 2]f - f2 s.t. f1 + f2 == 1, f1 >= -5",
     [[0, 0], [0, 2]], [0, -1], [[1, 1], [-1, 0]], [1, 5], [("zero", 1), ("nonnegative", 1)],
     status="Solved", objective=-0.25, x=[0.5, 0.5])
# A huge quadratic weight next to a small linear term: minimize 1e6·x² − x s.t. x ≥ 0 → x = 5e-7, −2.5e-7.
case("qp_huge_curvature", "minimize 1e6*x^2 - x s.t. x >= 0",
     [[2e6]], [-1], [[-1]], [0], [("nonnegative", 1)], status="Solved", objective=-2.5e-7, x=[5e-7])
# A tiny quadratic term on a box: minimize 1e-9·(x − 1)² − ... minimize 1e-9·x² − 1e-9·x on [0, 10]:
# x = ½, value −2.5e-10.
case("qp_tiny_curvature", "minimize 1e-9*x^2 - 1e-9*x s.t. 0 <= x <= 10",
     [[2e-9]], [-1e-9], [[1], [-1]], [10, 0], [("nonnegative", 2)], status="Solved", objective=-2.5e-10, x=[0.5])
# A second-order cone at its vertex: minimize t s.t. ‖(x₁, x₂)‖ ≤ t, x₁ = x₂ = 0: the optimum sits at the
# cone's vertex (0, 0, 0), where the cone is not smooth.
case("socp_vertex", "minimize t s.t. ||(x1, x2)|| <= t, x1 == 0, x2 == 0",
     np.zeros((3, 3)), [1, 0, 0], [[0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, -1, 0], [0, 0, -1]], [0, 0, 0, 0, 0],
     [("zero", 2), ("secondOrder", 3)], status="Solved", objective=0.0, x=[0, 0, 0])
# A tight norm budget with a linear objective (the tracking-error shape): maximize x₁ + x₂ s.t. ‖x‖ ≤ 1e-4:
# x = 1e-4·(1, 1)/√2, value √2·1e-4 (minimised: −√2e-4).
case("socp_small_budget", "maximize x1 + x2 s.t. ||x|| <= 1e-4",
     Z2, [-1, -1], [[0, 0], [-1, 0], [0, -1]], [1e-4, 0, 0], [("secondOrder", 3)],
     status="Solved", objective=-math.sqrt(2) * 1e-4, x=[1e-4 / math.sqrt(2), 1e-4 / math.sqrt(2)])
# An exponential cone with a large optimum: minimize t s.t. t ≥ exp(x), x ≥ 18 → e^18. (Clarabel 0.11.1 at
# tolerances 1e-10 reports "Solved" at 65659000.18, 1.5e-5 below e^18.)
case("exp_large_optimum", "minimize t s.t. exp(x) <= t, x >= 18",
     Z2, [0, 1], [[-1, 0], [0, 0], [0, -1], [-1, 0]], [0, 1, 0, -18], [("exponential", 3), ("nonnegative", 1)],
     status="Solved", objective=math.exp(18), x=[18, math.exp(18)], clarabel_off=True)
# Entropy with a tiny weight: maximize 1e-6·(−x log x) + ... minimize 1e-6·x·log(x) with 0 ≤ x ≤ 1:
# x = 1/e, value −1e-6/e. t ≥ x log x ⇔ (−t, x, 1) ∈ K_exp; minimise 1e-6·t.
case("exp_tiny_weight", "minimize 1e-6*x*log(x) s.t. x <= 1",
     Z2, [0, 1e-6], [[0, 1], [-1, 0], [0, 0], [1, 0]], [0, 0, 1, 1], [("exponential", 3), ("nonnegative", 1)],
     status="Solved", objective=-1e-6 / math.e, x=[1 / math.e, -1 / math.e])


def main():
    records = []
    for c in CASES:
        status, objective, x = clarabel_solve(c["P"], c["q"], c["A"], c["b"], c["cones"], c["constant"])
        if c["status"] is not None and not c["clarabel_off"]:
            if status != c["status"] and not (c["status"] == "Solved" and status == "AlmostSolved"):
                sys.exit(f"{c['name']}: Clarabel says {status}, the closed form {c['status']}")
            if c["objective"] is not None and abs(objective - c["objective"]) > 1e-7 * max(1, abs(c["objective"])):
                sys.exit(f"{c['name']}: Clarabel's objective {objective!r} differs from the closed form {c['objective']!r}")
        records.append({
            "name": c["name"], "note": c["note"], "clarabel": {"status": status, "objective": objective}, "P": csc_json(sp.triu(sp.csc_matrix(c["P"]))), "q": c["q"].tolist(),
            "A": csc_json(c["A"]), "b": c["b"].tolist(), "cones": [{"type": k, "dimension": d} for k, d in c["cones"]],
            "objectiveConstant": c["constant"], "status": c["status"] or status,
            "objective": c["objective"] if c["objective"] is not None else objective,
            "x": [float(v) for v in c["x"]] if c["x"] is not None else None,
            "source": "closed form (checked against Clarabel at 1e-10)" if c["objective"] is not None or c["status"] != "Solved"
            else "Clarabel at 1e-10",
        })
        print(f"{c['name']:34s} {status:16s} {objective!r}", file=sys.stderr)
    with open(os.path.join(HERE, "hard_cases.json"), "w") as f:
        f.write('{"cases": [\n' + ",\n".join(json.dumps(r) for r in records) + "\n]}\n")
    print(f"wrote {len(records)} cases to hard_cases.json", file=sys.stderr)


if __name__ == "__main__":
    main()
