#!/usr/bin/env python3
"""Developer script (not run by the tests or CI): the Maros–Meszaros QPs solved by `tilt solve` and by
Clarabel in one run, for Docs/performance.md and Docs/solver.md.

    swift build -c release --product tilt
    pip install clarabel numpy scipy
    git clone --depth 1 https://github.com/osqp/osqp_benchmarks /tmp/osqp_benchmarks   # the .mat files
    python3 Tests/TiltSolverTests/References/maros_meszaros.py \\
        --mat-dir /tmp/osqp_benchmarks/problem_classes/maros_meszaros_data [--max-kb 120] [--repeats 3]

The data are never committed. Each problem file of at most --max-kb KiB (`P, q, r, A, l, u`: minimise
½xᵀPx + qᵀx + r subject to l ≤ Ax ≤ u, bounds of magnitude 1e19 and more meaning none) is written as a free-format QPS file
(every variable free, every row of A a row; `l = u` an equality, two finite sides a range) into --qps-dir
(a temporary folder by default), then
  * Clarabel (default settings) solves the same rows built here: status, objective, iterations, and the
    median of its `solve_time` over --repeats runs after a warm-up;
  * Clarabel at tolerances 1e-10 and 1e-12 (feasibility, absolute and relative gap; 500 iterations) gives
    the reference optimum: the 1e-12 one where Clarabel solves it, since at 1e-10 Clarabel is itself off by
    more than 1e-7 on a few problems (HS268: 9.3e-7 for an optimum of 0; QBEACONF: 1.7e-6 relative);
  * `tilt solve --json FILE.qps` (release build), run --repeats times: status, objective, iterations and the
    median of its setup + solve time (as the JSON's `solve_time_seconds`; process start and file reading
    are not counted).
A problem counts as matched when Tilt's status is `optimal` and its objective is within 1e-7 of the
reference, relative to max(1, |reference|). Every problem of the collection has a finite optimum (listed,
to 8 digits, in osqp_benchmarks' utils/maros_meszaros.py, read when --mat-dir lies in that checkout): where
Clarabel nonetheless returns an infeasibility or unboundedness certificate, the certificate is false, and
Tilt must instead be optimal at the collection's value (1e-7); without that list, Tilt must return the
same certificate. Prints a Markdown table and the totals (--json: one JSON line per problem).
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile

import clarabel
import numpy as np
import scipy.io as spio
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
# osqp_benchmarks marks a missing bound by ±1e20, but in 11 files some are stored a unit in the last place
# inside (−9.999999999999998e19: POWELL20, PRIMALC1/2/8, QETAMACR, QFFFFF80, QISRAEL, QPCBOEI2, QPILOTNO,
# QSHELL, QSIERRA). Read as finite, those bounds of 1e20 make the problems numerically hopeless (Clarabel
# then "certifies" the feasible POWELL20 infeasible and the bounded PRIMALC1/2 unbounded; their optima are
# 5.2089583e10, −6155.2508 and −3551.3077). The original QPS files have no such bounds, so ≥ 1e19 is none.
INFINITE = 1e19
AGREEMENT = 1e-7


def load(path):
    """P (full symmetric), q, r, A, l, u of an osqp_benchmarks .mat file, infinities as ±inf."""
    m = spio.loadmat(path)
    P = sp.csc_matrix(m["P"], dtype=float)
    q = np.asarray(m["q"], dtype=float).ravel()
    r = float(np.asarray(m["r"]).ravel()[0])
    A = sp.csr_matrix(m["A"], dtype=float)
    l = np.asarray(m["l"], dtype=float).ravel()
    u = np.asarray(m["u"], dtype=float).ravel()
    l[l <= -INFINITE] = -np.inf
    u[u >= INFINITE] = np.inf
    return P, q, r, A, l, u


def official_optima(mat_dir):
    """The collection's optimal values (8 digits) from osqp_benchmarks' utils/maros_meszaros.py, when --mat-dir
    lies in an osqp_benchmarks checkout; otherwise none."""
    path = os.path.normpath(os.path.join(os.path.abspath(mat_dir), "..", "..", "utils", "maros_meszaros.py"))
    optima = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.startswith("OPT_COST_MAP['"):
                    name, value = line.split("['", 1)[1].split("'] =")
                    optima[name] = float(value)
    return optima


def number(v):
    return repr(float(v))


def write_qps(path, name, P, q, r, A, l, u):
    """Free-format QPS: rows C0…, columns X0…, all variables free; the objective constant as the negated RHS of
    the objective row; QUADOBJ holds P's lower triangle (½xᵀPx)."""
    n, m = A.shape[1], A.shape[0]
    kinds, rhs, ranges = [], {}, {}
    for i in range(m):
        lo, hi = l[i], u[i]
        if np.isfinite(lo) and np.isfinite(hi) and lo == hi:
            kinds.append("E"); rhs[i] = lo
        elif np.isfinite(lo) and np.isfinite(hi):
            kinds.append("G"); rhs[i] = lo; ranges[i] = hi - lo
        elif np.isfinite(lo):
            kinds.append("G"); rhs[i] = lo
        elif np.isfinite(hi):
            kinds.append("L"); rhs[i] = hi
        else:
            kinds.append("N")  # free row: no constraint (a second N row is ignored by the reader)
    columns = sp.csc_matrix(A)
    out = [f"NAME {name}", "ROWS", " N OBJ"] + [f" {k} C{i}" for i, k in enumerate(kinds)] + ["COLUMNS"]
    for j in range(n):
        if q[j] != 0:
            out.append(f" X{j} OBJ {number(q[j])}")
        for p in range(columns.indptr[j], columns.indptr[j + 1]):
            if columns.data[p] != 0:
                out.append(f" X{j} C{columns.indices[p]} {number(columns.data[p])}")
        if q[j] == 0 and columns.indptr[j] == columns.indptr[j + 1]:
            out.append(f" X{j} OBJ 0")
    out.append("RHS")
    if r != 0:
        out.append(f" RHS OBJ {number(-r)}")
    out += [f" RHS C{i} {number(v)}" for i, v in rhs.items() if v != 0]
    if ranges:
        out.append("RANGES")
        out += [f" RNG C{i} {number(v)}" for i, v in ranges.items()]
    out.append("BOUNDS")
    out += [f" FR BND X{j}" for j in range(n)]
    lower = sp.tril(P, format="coo")
    if lower.nnz:
        out.append("QUADOBJ")
        out += [f" X{j} X{i} {number(v)}" for i, j, v in zip(lower.row, lower.col, lower.data) if v != 0]
    out.append("ENDATA")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def clarabel_problem(P, q, A, l, u):
    """The same rows for Clarabel: equalities (zero cone), then Ax ≤ u and −Ax ≤ −l (nonnegative cone)."""
    equal = np.isfinite(l) & np.isfinite(u) & (l == u)
    upper = np.isfinite(u) & ~equal
    lower = np.isfinite(l) & ~equal
    blocks, rhs = [A[equal], A[upper], -A[lower]], [u[equal], u[upper], -l[lower]]
    cones = []
    if equal.any():
        cones.append(clarabel.ZeroConeT(int(equal.sum())))
    if upper.any() or lower.any():
        cones.append(clarabel.NonnegativeConeT(int(upper.sum() + lower.sum())))
    return sp.triu(P, format="csc"), q, sp.vstack(blocks, format="csc"), np.concatenate(rhs), cones


def run_clarabel(data, tolerance=None, repeats=1):
    P, q, A, b, cones = data
    times, solution = [], None
    for _ in range(repeats):
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        if tolerance is not None:
            settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = tolerance
            settings.max_iter = 500
        solution = clarabel.DefaultSolver(P, q, A, b, cones, settings).solve()
        times.append(solution.solve_time)
    return solution, statistics.median(times[1:] if len(times) > 1 else times)


def status_name(solution):
    return str(solution.status).split(".")[-1]


def run_tilt(tilt, path, repeats):
    records = []
    for _ in range(repeats):
        done = subprocess.run([tilt, "solve", "--json", "--format", "free-mps", path], capture_output=True, text=True)
        if not done.stdout.strip():
            return {"status": "error: " + done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output",
                    "objective": None, "iterations": 0, "seconds": math.nan}
        records.append(json.loads(done.stdout))
    last = records[-1]
    seconds = statistics.median(r["solve_time_seconds"] for r in (records[1:] if len(records) > 1 else records))
    return {"status": last["status"], "objective": last["objective"], "iterations": last["iterations"], "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mat-dir", required=True, help="folder of osqp_benchmarks' Maros–Meszaros .mat files")
    parser.add_argument("--qps-dir", help="where to write the QPS files (default: a temporary folder)")
    parser.add_argument("--max-kb", type=float, default=120, help="largest .mat file to include, KiB")
    parser.add_argument("--only", help="comma-separated problem names")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per solver and problem (after a warm-up)")
    parser.add_argument("--tilt", default=os.path.join(ROOT, ".build", "release", "tilt"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not os.access(args.tilt, os.X_OK):
        sys.exit(f"maros_meszaros.py: no executable at {args.tilt}; build it first: swift build -c release --product tilt")

    names = sorted(f[:-4] for f in os.listdir(args.mat_dir) if f.endswith(".mat")
                   and os.path.getsize(os.path.join(args.mat_dir, f)) <= args.max_kb * 1024)
    if args.only:
        wanted = set(args.only.split(","))
        names = [n for n in names if n in wanted]
    optima = official_optima(args.mat_dir)
    qps_dir = args.qps_dir or tempfile.mkdtemp(prefix="tilt-mm-")
    os.makedirs(qps_dir, exist_ok=True)
    rows = []
    for name in names:
        P, q, r, A, l, u = load(os.path.join(args.mat_dir, name + ".mat"))
        path = os.path.join(qps_dir, name + ".qps")
        write_qps(path, name, P, q, r, A, l, u)
        data = clarabel_problem(P, q, A, l, u)
        default, clarabel_seconds = run_clarabel(data, repeats=args.repeats + 1)
        precise, _ = run_clarabel(data, tolerance=1e-10)
        tightest, _ = run_clarabel(data, tolerance=1e-12)
        tilt = run_tilt(args.tilt, path, args.repeats + 1)
        reference_10 = precise.obj_val + r if status_name(precise) == "Solved" else None
        reference_12 = tightest.obj_val + r if status_name(tightest) == "Solved" else None
        reference = reference_12 if reference_12 is not None else reference_10
        clarabel_status = status_name(default)
        row = {"name": name, "n": A.shape[1], "m": A.shape[0], "clarabel_status": clarabel_status,
               "clarabel_objective": default.obj_val + r if clarabel_status == "Solved" else None,
               "clarabel_iterations": default.iterations, "clarabel_seconds": clarabel_seconds,
               "reference_status": status_name(precise), "reference": reference, "reference_1e-10": reference_10,
               "reference_1e-12": reference_12,
               "tilt_status": tilt["status"], "tilt_objective": tilt["objective"], "tilt_iterations": tilt["iterations"],
               "tilt_seconds": tilt["seconds"], "official": optima.get(name)}
        official = optima.get(name)

        def error_against(target):
            return abs(tilt["objective"] - target) / max(1, abs(target)) if tilt["objective"] is not None else math.inf

        row["official_error"] = error_against(official) if official is not None else None
        row["clarabel_certificate_false"] = clarabel_status in ("PrimalInfeasible", "DualInfeasible") and official is not None
        if clarabel_status == "Solved":
            row["error"] = error_against(reference if reference is not None else row["clarabel_objective"])
            row["matched"] = tilt["status"] == "optimal" and row["error"] <= AGREEMENT
        elif row["clarabel_certificate_false"]:
            row["error"] = row["official_error"]
            row["matched"] = tilt["status"] == "optimal" and row["error"] <= AGREEMENT
        elif clarabel_status in ("PrimalInfeasible", "DualInfeasible"):
            row["error"] = None
            row["matched"] = tilt["status"] == {"PrimalInfeasible": "primal infeasible", "DualInfeasible": "dual infeasible"}[clarabel_status]
        else:
            row["error"] = None
            row["matched"] = None  # Clarabel does not solve it at its defaults: not counted
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{name:10s} n={row['n']:5d} m={row['m']:5d}  clarabel {clarabel_status:16s} {clarabel_seconds * 1e3:9.2f} ms"
                  f"  tilt {tilt['status']:18s} {tilt['seconds'] * 1e3:9.2f} ms  error {row['error'] if row['error'] is not None else '-'}"
                  f"  {'ok' if row['matched'] else ('-' if row['matched'] is None else 'MISMATCH')}", file=sys.stderr, flush=True)

    counted = [r for r in rows if r["matched"] is not None]
    matched = [r for r in counted if r["matched"]]
    total_tilt = sum(r["tilt_seconds"] for r in counted)
    total_clarabel = sum(r["clarabel_seconds"] for r in counted)
    load_average = os.getloadavg()[0]
    false_certificates = [r["name"] for r in rows if r["clarabel_certificate_false"]]
    summary = (f"{len(matched)} of {len(counted)} problems Clarabel solves (or certifies) at its defaults matched "
               f"(of {len(rows)} files ≤ {args.max_kb:g} KiB); total time over those {len(counted)}: Tilt "
               f"{total_tilt:.3f} s, Clarabel {total_clarabel:.3f} s (ratio {total_tilt / total_clarabel:.2f}); "
               f"clarabel {clarabel.__version__}, {os.cpu_count()} CPUs, load {load_average:.2f}, Python {platform.python_version()}"
               + (f"; Clarabel's certificates contradicted by the collection's optima: {', '.join(false_certificates)}" if false_certificates else ""))
    if not args.json:
        print("| problem | n | rows | Clarabel | Tilt | Tilt objective error | vs collection | iterations Tilt / Clarabel | Tilt ms | Clarabel ms |")
        print("|---|---:|---:|---|---|---:|---:|---:|---:|---:|")

        def short(value):
            return f"{value:.0e}" if value is not None and math.isfinite(value) else "—"

        for r in rows:
            clarabel_cell = r["clarabel_status"] + (" (false)" if r["clarabel_certificate_false"] else "")
            print(f"| {r['name']} | {r['n']} | {r['m']} | {clarabel_cell} | {r['tilt_status']} | {short(r['error'])} | {short(r['official_error'])} "
                  f"| {r['tilt_iterations']} / {r['clarabel_iterations']} | {r['tilt_seconds'] * 1e3:.2f} | {r['clarabel_seconds'] * 1e3:.2f} |")
        print()
    print(summary)
    unmatched = [r["name"] for r in counted if not r["matched"]]
    if unmatched:
        print("Not matched: " + ", ".join(unmatched), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
