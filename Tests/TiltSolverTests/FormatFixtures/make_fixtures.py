#!/usr/bin/env python3
"""Writes the MPS/QPS/CBF fixtures for FormatsFixtureTests and records reference results.

Developer tool only (never needed at runtime):  pip install numpy scipy cvxpy clarabel
Run from anywhere:  python3 Tests/TiltSolverTests/FormatFixtures/make_fixtures.py

For every problem this script
  1. writes the file(s) (fixed MPS, free MPS, QPS, CBF),
  2. builds the Clarabel standard form `min ½xᵀPx + qᵀx + c, Ax + s = b, s ∈ K` that Tilt's readers
     must produce (same row order: zero rows, nonnegative rows, then SOC/exp blocks; within the
     linear groups constraint rows first in file order, then variable bounds; lower side first),
  3. solves that form with clarabel, and solves the problem modelled directly (natural bounds and
     cones) with cvxpy, and checks both agree (and agree with a closed form where one is known),
  4. records the expected conic data and clarabel's objective in expected.json.
"""
import json
import math
import os

import clarabel
import cvxpy as cp
import numpy as np
from scipy import sparse

HERE = os.path.dirname(os.path.abspath(__file__))
INF = math.inf
TOL = 1e-6


# ----------------------------------------------------------------------------------------------
# LP / QP problems in MPS terms

def mps_problem(name, cols, rows, entries, objective, bounds, sense="MIN", obj_rhs=None, ranges=None,
                quad=None, quad_section=None, objective_row="COST"):
    """rows: [(name, type, rhs)]; entries: {(row, col): value}; objective: {col: value};
    bounds: [(kind, col, value)]; ranges: {row: R}; quad: {(col_i, col_j): value} one triangle."""
    return dict(name=name, cols=cols, rows=rows, entries=entries, objective=objective, bounds=bounds,
                sense=sense, obj_rhs=obj_rhs, ranges=ranges or {}, quad=quad or {},
                quad_section=quad_section, objective_row=objective_row)


def row_interval(kind, rhs, rng):
    """The MPS range table."""
    if kind == "E":
        if rng is None:
            return rhs, rhs
        return (rhs, rhs + rng) if rng >= 0 else (rhs + rng, rhs)
    if kind == "L":
        return (-INF if rng is None else rhs - abs(rng)), rhs
    return rhs, (INF if rng is None else rhs + abs(rng))


def column_bounds(p):
    lower = {c: None for c in p["cols"]}
    upper = {c: None for c in p["cols"]}
    for kind, col, value in p["bounds"]:
        if kind == "UP": upper[col] = value
        elif kind == "LO": lower[col] = value
        elif kind == "FX": lower[col] = upper[col] = value
        elif kind == "FR": lower[col], upper[col] = -INF, INF
        elif kind == "MI": lower[col] = -INF
        elif kind == "PL": upper[col] = INF
    result = []
    for c in p["cols"]:
        up = INF if upper[c] is None else upper[c]
        lo = lower[c] if lower[c] is not None else (-INF if (upper[c] is not None and upper[c] < 0) else 0.0)
        result.append((lo, up))
    return result


def mps_dense(p):
    n = len(p["cols"])
    ci = {c: j for j, c in enumerate(p["cols"])}
    cons = [r for r in p["rows"] if r[1] != "N"]
    A = np.zeros((len(cons), n))
    for k, (rname, _, _) in enumerate(cons):
        for (r, c), v in p["entries"].items():
            if r == rname:
                A[k, ci[c]] = v
    q = np.array([p["objective"].get(c, 0.0) for c in p["cols"]])
    Q = np.zeros((n, n))
    for (a, b), v in p["quad"].items():
        Q[ci[a], ci[b]] = v
        Q[ci[b], ci[a]] = v
    intervals = [row_interval(kind, rhs, p["ranges"].get(name)) for name, kind, rhs in cons]
    constant = -(p["obj_rhs"] or 0.0)
    return A, q, Q, intervals, column_bounds(p), constant


def interval_rows(vector, lo, hi, zero, nonneg):
    if lo == hi and math.isfinite(lo):
        zero.append((vector, hi))
        return
    if math.isfinite(lo):
        nonneg.append((-vector, -lo))
    if math.isfinite(hi):
        nonneg.append((vector, hi))


def mps_conic(p):
    A, q, Q, intervals, bounds, constant = mps_dense(p)
    n = len(p["cols"])
    zero, nonneg = [], []
    for k, (lo, hi) in enumerate(intervals):
        interval_rows(A[k], lo, hi, zero, nonneg)
    for j, (lo, hi) in enumerate(bounds):
        interval_rows(np.eye(n)[j], lo, hi, zero, nonneg)
    rows = zero + nonneg
    cones = ([("zero", len(zero))] if zero else []) + ([("nonnegative", len(nonneg))] if nonneg else [])
    sign = -1.0 if p["sense"] == "MAX" else 1.0
    return dict(P=sign * np.triu(Q), q=sign * q, A=np.array([r[0] for r in rows]).reshape(len(rows), n),
                b=np.array([r[1] for r in rows]), cones=cones, constant=sign * constant)


def mps_cvxpy(p):
    A, q, Q, intervals, bounds, constant = mps_dense(p)
    n = len(p["cols"])
    x = cp.Variable(n)
    cons = []
    for k, (lo, hi) in enumerate(intervals):
        if math.isfinite(lo): cons.append(A[k] @ x >= lo)
        if math.isfinite(hi): cons.append(A[k] @ x <= hi)
    for j, (lo, hi) in enumerate(bounds):
        if math.isfinite(lo): cons.append(x[j] >= lo)
        if math.isfinite(hi): cons.append(x[j] <= hi)
    f = q @ x + constant + (0.5 * cp.quad_form(x, cp.psd_wrap(Q)) if np.any(Q) else 0)
    objective = cp.Maximize(f) if p["sense"] == "MAX" else cp.Minimize(f)
    return cp.Problem(objective, cons)


def fmt(v):
    s = repr(float(v))
    if s.endswith(".0"): s = s[:-2]
    assert len(s) <= 12, s
    return s


def fixed_line(f1="", f2="", f3="", f4="", f5="", f6=""):
    line = " " + f1.ljust(2) + " " + f2.ljust(8) + "  " + f3.ljust(8) + "  " + f4.rjust(12)
    if f5:
        line += "   " + f5.ljust(8) + "  " + f6.rjust(12)
    return line.rstrip()


def write_mps(p, path, layout, objsense_style="section"):
    """layout 'fixed' or 'free'."""
    def data(*fields):
        if layout == "fixed":
            return fixed_line(*fields)
        return "    " + " ".join(f for f in fields if f)

    out = ["* generated by make_fixtures.py", f"NAME          {p['name']}"]
    if p["sense"] == "MAX":
        out += ["OBJSENSE", "    MAX"] if objsense_style == "section" else ["OBJSENSE MAX"]
    out.append("ROWS")
    out.append(data("N", p["objective_row"]))
    for name, kind, _ in p["rows"]:
        if kind != "N":
            out.append(data(kind, name))
    out.append("COLUMNS")
    for c in p["cols"]:
        pairs = []
        if c in p["objective"]:
            pairs.append((p["objective_row"], p["objective"][c]))
        pairs += [(r, v) for (r, cc), v in p["entries"].items() if cc == c]
        for i in range(0, len(pairs), 2):
            chunk = pairs[i:i + 2]
            fields = ["", c]
            for r, v in chunk:
                fields += [r, fmt(v)]
            out.append(data(*fields))
    out.append("RHS")
    rhs_pairs = [(name, rhs) for name, kind, rhs in p["rows"] if kind != "N" and rhs != 0]
    if p["obj_rhs"] is not None:
        rhs_pairs.append((p["objective_row"], p["obj_rhs"]))
    for i in range(0, len(rhs_pairs), 2):
        fields = ["", "RHS"]
        for r, v in rhs_pairs[i:i + 2]:
            fields += [r, fmt(v)]
        out.append(data(*fields))
    if p["ranges"]:
        out.append("RANGES")
        for r, v in p["ranges"].items():
            out.append(data("", "RNG", r, fmt(v)))
    if p["bounds"]:
        out.append("BOUNDS")
        for kind, col, value in p["bounds"]:
            out.append(data(kind, "BND", col, "" if value is None else fmt(value)))
    if p["quad"]:
        section = p["quad_section"] or "QUADOBJ"
        out.append(section)
        items = list(p["quad"].items())
        if section == "QMATRIX":
            items += [((b, a), v) for (a, b), v in p["quad"].items() if a != b]
        for (a, b), v in items:
            out.append(data("", a, b, fmt(v)))
    out.append("ENDATA")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ----------------------------------------------------------------------------------------------
# CBF problems

def cbf_problem(name, n, var_cones, con_cones, A, b, c, c0=0.0, sense="MIN"):
    """var_cones/con_cones: [(cone, dim)]; A: {(i, j): v}; b: {i: v}; c: {j: v}."""
    return dict(name=name, n=n, var_cones=var_cones, con_cones=con_cones, A=A, b=b, c=c, c0=c0, sense=sense)


def cone_map(cone, d):
    """(kind, M) with slack = M·g, as Tilt maps CBF cones to Clarabel's."""
    h = 1 / math.sqrt(2)
    if cone == "L+": return "nonnegative", np.eye(d)
    if cone == "L-": return "nonnegative", -np.eye(d)
    if cone == "L=": return "zero", np.eye(d)
    if cone == "Q": return "secondOrder", np.eye(d)
    if cone == "QR":
        M = np.eye(d)
        M[0, :2] = [h, h]
        M[1, :2] = [h, -h]
        return "secondOrder", M
    if cone == "EXP": return "exponential", np.eye(3)[[2, 1, 0]]
    if cone == "EXP*": return "exponential", np.array([[0, -1, 0], [0, 0, -1], [math.e, 0, 0]])
    raise ValueError(cone)


def cbf_dense(p):
    m = sum(d for _, d in p["con_cones"])
    A = np.zeros((m, p["n"]))
    for (i, j), v in p["A"].items():
        A[i, j] = v
    b = np.array([p["b"].get(i, 0.0) for i in range(m)])
    c = np.array([p["c"].get(j, 0.0) for j in range(p["n"])])
    return A, b, c


def cbf_conic(p):
    A, b, c = cbf_dense(p)
    n = p["n"]
    groups = {"zero": [], "nonnegative": [], "blocks": []}
    blocks = []
    for cones, G, g in ((p["var_cones"], np.eye(n), np.zeros(n)), (p["con_cones"], A, b)):
        offset = 0
        for cone, d in cones:
            if cone != "F":
                kind, M = cone_map(cone, d)
                rows = [(-(M @ G[offset:offset + d])[t], (M @ g[offset:offset + d])[t]) for t in range(d)]
                if kind in ("zero", "nonnegative"):
                    groups[kind] += rows
                else:
                    groups["blocks"] += rows
                    blocks.append((kind, d))
            offset += d
    rows = groups["zero"] + groups["nonnegative"] + groups["blocks"]
    cones = ([("zero", len(groups["zero"]))] if groups["zero"] else []) + \
            ([("nonnegative", len(groups["nonnegative"]))] if groups["nonnegative"] else []) + blocks
    sign = -1.0 if p["sense"] == "MAX" else 1.0
    return dict(P=np.zeros((n, n)), q=sign * c, A=np.array([r[0] for r in rows]).reshape(len(rows), n),
                b=np.array([r[1] for r in rows]), cones=cones, constant=sign * p["c0"])


def cbf_cvxpy(p):
    """The CBF problem modelled directly with cvxpy's own cone constraints (None if it has EXP*)."""
    if any(cone == "EXP*" for cone, _ in p["var_cones"] + p["con_cones"]):
        return None
    A, b, c = cbf_dense(p)
    x = cp.Variable(p["n"])
    cons = []
    for cones, expr in ((p["var_cones"], x), (p["con_cones"], A @ x + b)):
        offset = 0
        for cone, d in cones:
            g = expr[offset:offset + d]
            if cone == "L+": cons.append(g >= 0)
            elif cone == "L-": cons.append(g <= 0)
            elif cone == "L=": cons.append(g == 0)
            elif cone == "Q": cons.append(cp.SOC(g[0], g[1:]))
            elif cone == "QR": cons += [cp.quad_over_lin(g[2:], g[1]) <= 2 * g[0], g[0] >= 0, g[1] >= 0]
            elif cone == "EXP": cons.append(cp.constraints.ExpCone(g[2], g[1], g[0]))
            offset += d
    f = c @ x + p["c0"]
    return cp.Problem(cp.Maximize(f) if p["sense"] == "MAX" else cp.Minimize(f), cons)


def write_cbf(p, path):
    out = ["# generated by make_fixtures.py", "VER", "3", "", "OBJSENSE", p["sense"], "",
           "VAR", f"{p['n']} {len(p['var_cones'])}"] + [f"{k} {d}" for k, d in p["var_cones"]] + [""]
    if p["con_cones"]:
        m = sum(d for _, d in p["con_cones"])
        out += ["CON", f"{m} {len(p['con_cones'])}"] + [f"{k} {d}" for k, d in p["con_cones"]] + [""]
    out += ["OBJACOORD", str(len(p["c"]))] + [f"{j} {fmt(v)}" for j, v in p["c"].items()] + [""]
    if p["c0"]:
        out += ["OBJBCOORD", fmt(p["c0"]), ""]
    if p["A"]:
        out += ["ACOORD", str(len(p["A"]))] + [f"{i} {j} {fmt(v)}" for (i, j), v in p["A"].items()] + [""]
    if p["b"]:
        out += ["BCOORD", str(len(p["b"]))] + [f"{i} {fmt(v)}" for i, v in p["b"].items()] + [""]
    with open(path, "w") as f:
        f.write("\n".join(out))


# ----------------------------------------------------------------------------------------------
# Solving and recording

def clarabel_solve(conic):
    cones = []
    for kind, d in conic["cones"]:
        cones.append({"zero": lambda d: clarabel.ZeroConeT(d), "nonnegative": lambda d: clarabel.NonnegativeConeT(d),
                      "secondOrder": lambda d: clarabel.SecondOrderConeT(d),
                      "exponential": lambda d: clarabel.ExponentialConeT()}[kind](d))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = 1e-9
    solver = clarabel.DefaultSolver(sparse.csc_matrix(conic["P"]), conic["q"], sparse.csc_matrix(conic["A"]),
                                    conic["b"], cones, settings)
    solution = solver.solve()
    return str(solution.status), solution.obj_val + conic["constant"]


def triplets(M):
    return [[int(i), int(j), float(M[i, j])] for j in range(M.shape[1]) for i in range(M.shape[0]) if M[i, j] != 0]


def record(entry_name, file, fmt_name, conic, model, sense, meta, closed_form=None):
    status, conic_objective = clarabel_solve(conic)
    user = -conic_objective if sense == "MAX" else conic_objective
    result = dict(file=file, format=fmt_name, sense="maximize" if sense == "MAX" else "minimize",
                  variables=conic["A"].shape[1], rows=conic["A"].shape[0],
                  cones=[[k, d] for k, d in conic["cones"]], q=conic["q"].tolist(), b=conic["b"].tolist(),
                  A=triplets(conic["A"]), P=triplets(conic["P"]), conicObjectiveConstant=conic["constant"],
                  status=status, **meta)
    if model is not None:
        model.solve(solver=cp.CLARABEL)
        if status == "Solved":
            assert abs(model.value - user) <= TOL * max(1, abs(user)), (entry_name, model.value, user)
        else:
            assert model.status == "infeasible", (entry_name, model.status)
    if closed_form is not None:
        assert abs(closed_form - user) <= TOL * max(1, abs(user)), (entry_name, closed_form, user)
        result["closedForm"] = closed_form
    if status == "Solved":
        result["objective"] = user
    return result


def mps_meta(p, layout):
    return dict(name=p["name"], layout=layout, variableNames=p["cols"],
                constraintNames=[r[0] for r in p["rows"] if r[1] != "N"], objectiveName=p["objective_row"],
                objectiveConstant=-(p["obj_rhs"] or 0.0))


def main():
    expected = {}

    # An LP using every row type, every RANGES sign case and every continuous bound kind.
    kinds = dict(
        cols=["X1", "X2", "X3", "X4", "X5", "X6", "X7"],
        rows=[("LIM1", "L", 5.0), ("LIM2", "G", 1.0), ("MYEQN", "E", 7.0), ("EQPOS", "E", 1.0),
              ("EQNEG", "E", 4.0), ("LRNG", "L", 6.0), ("GRNG", "G", -2.0)],
        entries={("LIM1", "X1"): 1.0, ("LIM1", "X2"): 1.0, ("LIM2", "X1"): 1.0, ("LIM2", "X3"): 1.0,
                 ("MYEQN", "X2"): -1.0, ("MYEQN", "X3"): 1.0, ("EQPOS", "X4"): 1.0, ("EQPOS", "X5"): 1.0,
                 ("EQNEG", "X4"): 2.0, ("EQNEG", "X6"): -1.0, ("LRNG", "X1"): 1.0, ("LRNG", "X7"): 1.0,
                 ("GRNG", "X5"): 1.0, ("GRNG", "X7"): -1.0},
        objective={"X1": 1.0, "X2": 4.0, "X3": 9.0, "X4": 1.5, "X5": -1.0, "X6": 0.5, "X7": 2.0},
        bounds=[("UP", "X1", 4.0), ("LO", "X2", -1.0), ("UP", "X2", 1.0), ("FR", "X4", None),
                ("MI", "X5", None), ("UP", "X5", 3.0), ("UP", "X6", -2.0), ("FX", "X7", 1.5), ("PL", "X3", None)],
        ranges={"EQPOS": 2.5, "EQNEG": -3.0, "LRNG": 4.0, "GRNG": -5.0}, obj_rhs=-3.5)
    lp = mps_problem("LPKINDS", **kinds)
    lpmax = mps_problem("LPMAX", **{**kinds, "objective": {k: -v for k, v in kinds["objective"].items()}}, sense="MAX")
    infeasible = mps_problem("INFEAS", ["X", "Y"], [("C1", "L", 1.0), ("C2", "G", 2.0)],
                             {("C1", "X"): 1.0, ("C1", "Y"): 1.0, ("C2", "X"): 1.0, ("C2", "Y"): 1.0},
                             {"X": 1.0, "Y": 1.0}, [])
    # Fixed-format names may contain spaces.
    spaced = mps_problem("SPACED", ["MY X", "MY Y"], [("ROW ONE", "G", 2.0)],
                         {("ROW ONE", "MY X"): 1.0, ("ROW ONE", "MY Y"): 2.0},
                         {"MY X": 3.0, "MY Y": 1.0}, [("UP", "MY X", 10.0)], objective_row="OBJ FN")

    # HS21: min 0.01x1² + x2² − 100, 10x1 − x2 ≥ 10, 2 ≤ x1 ≤ 50, −50 ≤ x2 ≤ 50; optimum −99.96 at (2, 0).
    hs21 = mps_problem("HS21", ["X1", "X2"], [("C1", "G", 10.0)], {("C1", "X1"): 10.0, ("C1", "X2"): -1.0},
                       {}, [("LO", "X1", 2.0), ("UP", "X1", 50.0), ("LO", "X2", -50.0), ("UP", "X2", 50.0)],
                       obj_rhs=100.0, quad={("X1", "X1"): 0.02, ("X2", "X2"): 2.0}, objective_row="OBJ")
    # HS35: min 9 − 8x1 − 6x2 − 4x3 + 2x1² + 2x2² + x3² + 2x1x2 + 2x1x3, x1 + x2 + 2x3 ≤ 3, x ≥ 0;
    # optimum 1/9 at (4/3, 7/9, 4/9).
    hs35_args = dict(cols=["X1", "X2", "X3"], rows=[("C1", "L", 3.0)],
                     entries={("C1", "X1"): 1.0, ("C1", "X2"): 1.0, ("C1", "X3"): 2.0},
                     objective={"X1": -8.0, "X2": -6.0, "X3": -4.0}, bounds=[], obj_rhs=-9.0,
                     quad={("X1", "X1"): 4.0, ("X1", "X2"): 2.0, ("X1", "X3"): 2.0, ("X2", "X2"): 4.0,
                           ("X3", "X3"): 2.0}, objective_row="OBJ")
    hs35 = mps_problem("HS35", **hs35_args)
    hs35m = mps_problem("HS35M", **hs35_args, quad_section="QMATRIX")

    rng = np.random.default_rng(7)
    B = rng.normal(size=(4, 4))
    Qr = B @ B.T + 0.5 * np.eye(4)
    qcols = ["A", "B", "C", "D"]
    qp = mps_problem("QPRAND", qcols, [("SUM", "E", 1.0), ("CAP", "L", 0.8)],
                     {("SUM", c): 1.0 for c in qcols} | {("CAP", "A"): 1.0, ("CAP", "B"): 1.0},
                     {c: float(v) for c, v in zip(qcols, np.round(rng.normal(size=4), 3))},
                     [("LO", "D", -0.5)],
                     quad={(qcols[i], qcols[j]): float(np.round(Qr[i, j], 4)) for i in range(4) for j in range(i, 4)},
                     objective_row="OBJ")

    mps_cases = [("lp_kinds_fixed.mps", lp, "fixed", "section", None),
                 ("lp_kinds_free.mps", lp, "free", "section", None),
                 ("lp_max_fixed.mps", lpmax, "fixed", "section", None),
                 ("lp_max_free.mps", lpmax, "free", "line", None),
                 ("lp_infeasible.mps", infeasible, "free", "section", None),
                 ("spaced_names_fixed.mps", spaced, "fixed", "section", None),
                 ("hs21.qps", hs21, "fixed", "section", -99.96),
                 ("hs35.qps", hs35, "free", "section", 1 / 9),
                 ("hs35_qmatrix.qps", hs35m, "free", "section", 1 / 9),
                 ("qp_random.qps", qp, "fixed", "section", None)]
    for file, p, layout, style, closed in mps_cases:
        write_mps(p, os.path.join(HERE, file), layout, style)
        expected[file] = record(file, file, "mps", mps_conic(p), mps_cvxpy(p), p["sense"], mps_meta(p, layout), closed)

    # CBF: Q constraint cone, QR variable and constraint cones, EXP cones, EXP*, MAX with L-/L+.
    socp = cbf_problem("socp", 3, [("F", 3)], [("Q", 3), ("L=", 1)],
                       {(0, 0): 1.0, (1, 1): 1.0, (2, 2): 1.0, (3, 1): 1.0, (3, 2): 1.0},
                       {1: -1.0, 2: -2.0, 3: -1.0}, {0: 1.0})  # distance from (1,2) to x1+x2=1: √2
    rotated = cbf_problem("rotated", 4, [("QR", 3), ("F", 1)], [("L=", 2), ("QR", 3)],
                          {(0, 1): 1.0, (1, 2): 1.0, (2, 3): 1.0},
                          {0: -0.5, 1: -3.0, 3: 1.0, 4: 2.0}, {0: 1.0, 3: 1.0})  # 2·x0·0.5 ≥ 9, 2·x3·1 ≥ 4
    expo = cbf_problem("exp", 4, [("EXP", 3), ("F", 1)], [("L=", 2), ("EXP", 3)],
                       {(0, 1): 1.0, (1, 2): 1.0, (2, 3): 1.0},
                       {0: -1.0, 1: -2.0, 3: 1.0, 4: -1.0}, {0: 1.0, 3: 1.0})  # x0 ≥ e², x3 ≥ e⁻¹
    dual = cbf_problem("expdual", 3, [("EXP*", 3)], [("L=", 2)], {(0, 1): 1.0, (1, 2): 1.0},
                       {0: -0.5, 1: 1.0}, {0: 1.0})  # e⁻¹·exp(−0.5)
    maxlp = cbf_problem("maxlin", 2, [("L+", 2)], [("L-", 1), ("L+", 1)], {(0, 0): 1.0, (0, 1): 1.0, (1, 1): -1.0},
                        {0: -4.0, 1: 3.0}, {0: 1.0, 1: 2.0}, c0=0.5, sense="MAX")  # 7.5
    rng = np.random.default_rng(11)
    G = np.round(rng.normal(size=(4, 3)), 3)
    socp_rand = cbf_problem("socp_random", 4, [("F", 3), ("L+", 1)], [("Q", 5), ("L-", 1)],
                            {(0, 3): 1.0} | {(1 + i, j): float(G[i, j]) for i in range(4) for j in range(3)}
                            | {(5, 0): 1.0, (5, 1): 1.0, (5, 2): 1.0},
                            {1: 1.0, 2: -0.5, 3: 0.25, 5: -1.0}, {3: 1.0, 0: 0.1})
    cbf_cases = [("socp.cbf", socp, math.sqrt(2)), ("rotated.cbf", rotated, 11.0),
                 ("exp.cbf", expo, math.e ** 2 + math.exp(-1)), ("expdual.cbf", dual, math.exp(-1.5)),
                 ("maxlin.cbf", maxlp, 7.5), ("socp_random.cbf", socp_rand, None)]
    for file, p, closed in cbf_cases:
        write_cbf(p, os.path.join(HERE, file))
        m = sum(d for _, d in p["con_cones"])
        meta = dict(name=p["name"], variableNames=[f"x{j}" for j in range(p["n"])],
                    constraintNames=[f"c{i}" for i in range(m)], objectiveName="obj", objectiveConstant=p["c0"])
        expected[file] = record(file, file, "cbf", cbf_conic(p), cbf_cvxpy(p), p["sense"], meta, closed)

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    for file, e in expected.items():
        print(f"{file:26s} {e['status']:18s} {e.get('objective')}")


if __name__ == "__main__":
    main()
