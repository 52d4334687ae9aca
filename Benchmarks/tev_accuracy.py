#!/usr/bin/env python3
"""Developer script (not run by the tests or CI): the factor tracking-error problem written by hand in a Tilt
`solve`, against Clarabel on the same problem, for Docs/performance.md (issue 15).

    swift build -c release --product tilt
    pip install cvxpy clarabel numpy scipy
    python3 Benchmarks/tev_accuracy.py [--sizes 48,100,500,1000,2000,5000] [--budgets 0.02,0.04,0.06]
        [--repeats 10] [--no-industries] [--json] [--write-reference FILE --sizes 48,200,500]

The problem (all monthly decimals; the tracking-error budget annualised, so its monthly variance is tev²/12):

    maximize mu'f  s.t.  f == F' (w − b), sum(w) == 1, w >= 0, quad(f, S) + sumsq(sqrt(E) .* (w − b)) <= tev²/12

F the n × (K+1) loadings with the intercept (alpha) column first, S the factor covariance bordered by a zero row
and column for the intercept (so S is singular: `quad(f, S)` goes through the cone compiler's rank-revealing
factor), mu = [1, mean factor returns] (so mu'f is the expected active return), E the residual variances, b
the benchmark weights. Cases:
  * synthetic, for each n of --sizes (seed 20260, numpy's default_rng(seed + n)): K = 5 factors, 240 months
    of factor returns simulated with FF5-like means, volatilities and correlations, S their sample covariance
    (ddof 1); loadings: alpha ~ N(0, 0.002), market beta ~ N(1, 0.25), the others ~ N(0, 0.4); residual
    volatilities U(5%, 15%) a year, E = (vol/√12)²; a cap-weighted-like benchmark b = c / sum(c), c lognormal
    (σ = 1.5);
  * the 48 industries at 2024-11 (unless --no-industries, or when ../shared/data is missing): the OLS of
    Tests/TiltLanguageTests/References/tev48_reference.py (window 1963-07..2024-11, industries complete over
    it, five factors plus intercept, E = e'e/T, S from the sample covariance), b the caps' weights.
For each case and budget the data go as CSV files (17 significant digits, no header; F.csv a row per asset,
so the program writes F') into a temporary folder, and a Tilt program that reads them with `read`, declares
`var w[rows(b)]` (`>= 0` as well with --bound-twice) and `var f[cols(F)]`, solves the problem above and prints
`status` and `format(optval)` runs in a release `tilt run`: its status, objective and iterations (the
`solve` line's) are the table's. Tilt's time per solve: the same program with the `solve` written --repeats
times, less the same program without it (process start, reading the CSVs), divided by --repeats; each
process the least wall time of 3 runs (least, not median: on a shared machine the median of a ~50 ms
process moves by more than a solve takes). It covers building the problem, compiling it, the interior-point
solve and polishing; the first solve of a process computes the KKT pattern's ordering, the later ones find
it cached (as at a backtest's later rebalances).
The same problem written the same way in cvxpy (`cp.quad_form(f, psd_wrap(S)) + cp.sum_squares(...)`) is
solved by Clarabel at tol_feas = tol_gap_abs = tol_gap_rel = 1e-10 (500 iterations): the reference (cvxpy
reports it `optimal_inaccurate` when Clarabel stops at its reduced tolerances, short of 1e-10). As a check on
it, the exact optimum: the second method of tev48_reference.py (the KKT conditions solved by linear algebra
on a support, an active-set loop from Clarabel's support until every weight and multiplier is nonnegative).
Clarabel at its defaults gives the time (median of its `solve_time` over --repeats after a warm-up, which
covers its setup and solve but not cvxpy's compilation) and its iterations.

A row matches when Tilt's status is `optimal` and |Tilt − reference| / |reference| ≤ 1e-7 (relative to
|reference|: the objectives are small, ~1e-3 monthly). Prints the machine, the versions and a Markdown table;
exit status 1 if a row does not match. --write-reference FILE writes the synthetic cases' data and the
reference objectives as JSON (Tests/TiltLanguageTests/References/tev_natural_reference.json, read by
NaturalTEVAccuracyTests).
"""
import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import clarabel
import cvxpy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "TiltLanguageTests", "References"))
import tev48_reference as industries  # noqa: E402  (the Ken French parser and the data folder)

AGREEMENT = 1e-7
SEED = 20260
# Monthly means and volatilities of five FF5-like factors (Mkt-RF, SMB, HML, RMW, CMA) and their correlations.
FACTOR_MEANS = np.array([0.006, 0.002, 0.003, 0.003, 0.0025])
FACTOR_VOLS = np.array([0.045, 0.030, 0.030, 0.022, 0.020])
FACTOR_CORRELATION = np.array([
    [1.00, 0.25, -0.20, -0.20, -0.35],
    [0.25, 1.00, 0.00, -0.30, -0.05],
    [-0.20, 0.00, 1.00, 0.10, 0.65],
    [-0.20, -0.30, 0.10, 1.00, 0.15],
    [-0.35, -0.05, 0.65, 0.15, 1.00],
])

PROGRAM = """# The factor tracking-error problem written by hand (Benchmarks/tev_accuracy.py).
let F = read("F.csv")
let S = read("S.csv")
let E = read("E.csv")
let b = read("b.csv")
let mu = read("mu.csv")
var w[rows(b)]{bound}
var f[cols(F)]
"""
SOLVE = """solve maximize mu' * f s.t. f == F' * (w - b), sum(w) == 1, w >= 0, quad(f, S) + sumsq(sqrt(E) .* (w - b)) <= {tev}^2 / 12
print status
print format(optval)
"""


def synthetic_case(n):
    """Loadings F ((K+1) × n, alpha first; the CSV file holds F'), S ((K+1) × (K+1), zero intercept row and
    column), E, b, mu."""
    rng = np.random.default_rng(SEED + n)
    k = len(FACTOR_MEANS)
    covariance = np.outer(FACTOR_VOLS, FACTOR_VOLS) * FACTOR_CORRELATION
    returns = FACTOR_MEANS + rng.standard_normal((240, k)) @ np.linalg.cholesky(covariance).T
    S = np.zeros((k + 1, k + 1))
    S[1:, 1:] = np.cov(returns, rowvar=False, ddof=1)
    F = np.vstack([
        rng.normal(0.0, 0.002, n),
        rng.normal(1.0, 0.25, n),
        rng.normal(0.0, 0.4, (k - 1, n)),
    ])
    E = (rng.uniform(0.05, 0.15, n) / math.sqrt(12)) ** 2
    caps = rng.lognormal(0.0, 1.5, n)
    return dict(name=f"synthetic {n}", F=F, S=S, E=E, b=caps / caps.sum(),
                mu=np.concatenate([[1.0], returns.mean(axis=0)]))


def industry_case():
    """The 48 industries at 2024-11, as tev48_reference.py computes a rebalance (all industries complete)."""
    months, names, R, caps, X, rf = industries.load()
    index = {m: t for t, m in enumerate(months)}
    first, t = index[industries.ordinal(1963, 7)], index[industries.ordinal(2024, 11)]
    window = slice(first, t + 1)
    eligible = [j for j in range(len(names))
                if np.isfinite(caps[t, j]) and caps[t, j] > 0 and np.all(np.isfinite(R[window, j]))]
    design = np.column_stack([np.ones(t + 1 - first), X[window]])
    Y = (R - rf[:, None])[window][:, eligible]
    B, *_ = np.linalg.lstsq(design, Y, rcond=None)
    E = np.sum((Y - design @ B) ** 2, axis=0) / design.shape[0]
    S = np.zeros((B.shape[0], B.shape[0]))
    S[1:, 1:] = np.cov(X[window], rowvar=False, ddof=1)
    b = caps[t, eligible] / caps[t, eligible].sum()
    return dict(name=f"48 industries 2024-11", F=B, S=S, E=E, b=b,
                mu=np.concatenate([[1.0], X[window].mean(axis=0)]))


def cvxpy_problem(case, tev):
    """The problem written the same way in cvxpy, and its weights variable."""
    F, S, E, b, mu = case["F"], case["S"], case["E"], case["b"], case["mu"]
    w, f = cp.Variable(len(b)), cp.Variable(F.shape[0])
    risk = cp.quad_form(f, cp.psd_wrap(S)) + cp.sum_squares(cp.multiply(np.sqrt(E), w - b))
    return cp.Problem(cp.Maximize(mu @ f), [f == F @ (w - b), cp.sum(w) == 1, w >= 0, risk <= tev ** 2 / 12]), w


def solve_clarabel(case, tev, tolerance=None):
    """(status, objective, iterations, Clarabel's solve_time in seconds, weights)."""
    problem, w = cvxpy_problem(case, tev)
    options = {} if tolerance is None else dict(tol_feas=tolerance, tol_gap_abs=tolerance, tol_gap_rel=tolerance,
                                                max_iter=500)
    problem.solve(solver=cp.CLARABEL, **options)
    stats = problem.solver_stats
    return problem.status, problem.value, stats.num_iters, stats.solve_time, w.value


def exact_optimum(case, tev, start):
    """The optimum by the second method of tev48_reference.py (`exact_optimum`), with Q = F'SF + diag(E) kept
    in factor form: on a support (the weights of `start` above 1e-7) the KKT conditions are solved exactly by
    linear algebra, and the most negative weight is dropped or the bound with the most negative multiplier
    freed until both are nonnegative. Returns the objective mu'F(w − b), or nan when it does not settle."""
    F, S, E, b, mu = case["F"], case["S"], case["E"], case["b"], case["mu"]
    c = F.T @ mu
    Q_times = lambda d: F.T @ (S @ (F @ d)) + E * d
    support = start > 1e-7
    for _ in range(200):
        on, off = np.flatnonzero(support), np.flatnonzero(~support)
        d = np.zeros(len(b))
        d[off] = -b[off]
        Q_SS = F[:, on].T @ S @ F[:, on] + np.diag(E[on])
        u, v = np.linalg.solve(Q_SS, np.column_stack([c[on], np.ones(len(on))])).T
        g = np.linalg.solve(Q_SS, Q_times(d)[on])
        h = g.sum() - d[off].sum()
        direction, offset = np.zeros(len(b)), d.copy()
        direction[on] = u - u.sum() / v.sum() * v
        offset[on] = h / v.sum() * v - g
        a2, a1 = direction @ Q_times(direction), 2 * direction @ Q_times(offset)
        a0 = offset @ Q_times(offset) - tev ** 2 / 12
        roots = [r for r in np.roots([a2, a1, a0]).real if r > 0]
        alpha = max(roots, key=lambda r: c @ (r * direction + offset))
        d = alpha * direction + offset
        nu = (alpha * u.sum() - h) / v.sum() / alpha
        z = Q_times(d) / alpha + nu - c
        w = b + d
        if np.min(w[on]) <= 0:
            support[on[np.argmin(w[on])]] = False
        elif len(off) and np.min(z[off]) < 0:
            support[off[np.argmin(z[off])]] = True
        else:
            return float(c @ d)
    return math.nan


def run_tilt(tilt, folder, text, runs=3):
    """(the last run's result, the least wall seconds) of `tilt run` on the program text, run in `folder`."""
    path = os.path.join(folder, "program.tilt")
    with open(path, "w") as out:
        out.write(text)
    times, done = [], None
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([tilt, "run", path], cwd=folder, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            break
    return done, min(times)


def write_case(case, folder):
    np.savetxt(os.path.join(folder, "F.csv"), case["F"].T, delimiter=",", fmt="%.17g")  # a row per asset
    np.savetxt(os.path.join(folder, "S.csv"), case["S"], delimiter=",", fmt="%.17g")
    for key in ("E", "b", "mu"):
        np.savetxt(os.path.join(folder, f"{key}.csv"), case[key].reshape(-1, 1), delimiter=",", fmt="%.17g")


def measure(tilt, case, budgets, repeats, bound_twice):
    rows = []
    program = PROGRAM.format(bound=" >= 0" if bound_twice else "")
    with tempfile.TemporaryDirectory(prefix="tev_accuracy_") as folder:
        write_case(case, folder)
        _, baseline = run_tilt(tilt, folder, program)
        for tev in budgets:
            done, wall = run_tilt(tilt, folder, program + SOLVE.format(tev=repr(tev)))
            _, repeated = run_tilt(tilt, folder, program + SOLVE.format(tev=repr(tev)) * repeats)
            lines = done.stdout.splitlines()
            solve_line = next((l for l in lines if l.startswith("maximize:")), "")
            iterations = re.search(r"\((\d+) iterations\)", solve_line)
            if done.returncode == 0 and len(lines) >= 3:
                status, objective = lines[-2], float(lines[-1])
            else:
                status, objective = "error: " + (done.stderr.strip().splitlines() or ["?"])[0], math.nan
            reference = solve_clarabel(case, tev, 1e-10)
            exact = exact_optimum(case, tev, reference[4])
            defaults = [solve_clarabel(case, tev) for _ in range(repeats + 1)][1:]
            relative = lambda x, ref: abs(x - ref) / abs(ref)
            difference = relative(objective, reference[1])
            rows.append(dict(
                case=case["name"], n=len(case["b"]), k=case["F"].shape[0] - 1, tev=tev,
                tilt_status=status, tilt_objective=float(objective),
                tilt_iterations=int(iterations.group(1)) if iterations else None,
                tilt_wall_ms=wall * 1e3, tilt_solve_ms=(repeated - baseline) / repeats * 1e3,
                clarabel_status=reference[0], clarabel_objective=float(reference[1]),
                clarabel_iterations=reference[2],
                relative_difference=float(difference), exact_objective=exact,
                tilt_exact_difference=float(relative(objective, exact)),
                clarabel_exact_difference=float(relative(reference[1], exact)),
                clarabel_default_status=defaults[0][0], clarabel_default_iterations=defaults[0][2],
                clarabel_default_ms=statistics.median(d[3] for d in defaults) * 1e3,
                clarabel_default_difference=float(relative(defaults[0][1], reference[1])),
                matched=bool(status == "optimal" and difference <= AGREEMENT),
            ))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def per_solve(ms):
    """A time per solve; below 0.5 ms, the difference of two process times does not resolve it."""
    return f"{ms:.1f}" if ms >= 0.5 else "< 0.5"


def table(rows):
    lines = [
        "| case | n | K | tev | Tilt status | Tilt objective | Clarabel 1e-10 objective (cvxpy status) | "
        "Tilt vs Clarabel | Tilt vs exact | Clarabel vs exact | Tilt ms per solve (process) | Clarabel default ms | "
        "iterations Tilt / Clarabel default / Clarabel 1e-10 | Clarabel default vs 1e-10 |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['n']} | {r['k']} | {r['tev']:.0%} | {r['tilt_status']} | {r['tilt_objective']:.12g} | "
            f"{r['clarabel_objective']:.12g} ({r['clarabel_status']}) | {r['relative_difference']:.1e} | "
            f"{r['tilt_exact_difference']:.1e} | {r['clarabel_exact_difference']:.1e} | "
            f"{per_solve(r['tilt_solve_ms'])} ({r['tilt_wall_ms']:.0f}) | {r['clarabel_default_ms']:.1f} | "
            f"{r['tilt_iterations']} / {r['clarabel_default_iterations']} / {r['clarabel_iterations']} | "
            f"{r['clarabel_default_difference']:.0e} |")
    return "\n".join(lines)


def write_reference(path, cases, rows):
    """The synthetic cases' data and, per budget, Clarabel's 1e-10 objective and the exact KKT one."""
    out = {"generator": "Benchmarks/tev_accuracy.py --write-reference",
           "description": "F: (K+1) x n loadings, intercept row first (the program reads F' from a file with a row "
                          "per asset); S: (K+1) x (K+1), zero intercept row and column; E, b, mu: vectors (monthly); "
                          "per budget tev (annualised): Clarabel's objective at 1e-10 and the exact KKT objective",
           "agreement": AGREEMENT, "cases": []}
    for case in cases:
        out["cases"].append({
            "name": case["name"],
            "F": case["F"].tolist(), "S": case["S"].tolist(),
            "E": case["E"].tolist(), "b": case["b"].tolist(), "mu": case["mu"].tolist(),
            "budgets": [{"tev": r["tev"], "objective": r["clarabel_objective"],
                         "exact_objective": r["exact_objective"]}
                        for r in rows if r["case"] == case["name"]],
        })
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="48,100,500,1000,2000,5000")
    parser.add_argument("--budgets", default="0.02,0.04,0.06")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-industries", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON line per row instead of the table")
    parser.add_argument("--write-reference", metavar="FILE")
    parser.add_argument("--bound-twice", action="store_true",
                        help="declare `var w[n] >= 0` as well as the constraint w >= 0 (the bound stated twice)")
    parser.add_argument("--tilt", default=os.path.join(ROOT, ".build", "release", "tilt"))
    args = parser.parse_args()
    if not os.access(args.tilt, os.X_OK):
        sys.exit(f"tev_accuracy.py: no executable at {args.tilt}; build it first: swift build -c release --product tilt")
    budgets = [float(x) for x in args.budgets.split(",")]
    cases = [synthetic_case(int(n)) for n in args.sizes.split(",")]
    if not args.no_industries and not args.write_reference and os.path.isdir(industries.DATA):
        cases.insert(0, industry_case())
    rows = [r for case in cases for r in measure(args.tilt, case, budgets, args.repeats, args.bound_twice)]
    if args.write_reference:
        write_reference(args.write_reference, cases, rows)
    if args.json:
        for r in rows:
            print(json.dumps(r))
    else:
        load = os.getloadavg()[0]
        print(f"{platform.platform()}, {os.cpu_count()} CPUs, 1-minute load {load:.2f}; Python {platform.python_version()}, "
              f"cvxpy {cp.__version__}, clarabel {clarabel.__version__}, numpy {np.__version__}\n")
        print(table(rows))
    unmatched = [r for r in rows if not r["matched"]]
    print(f"\n{len(rows) - len(unmatched)} of {len(rows)} rows matched (Tilt optimal, objective within "
          f"{AGREEMENT:g} of Clarabel's at 1e-10, relative to |reference|)")
    sys.exit(1 if unmatched else 0)


if __name__ == "__main__":
    main()
