#!/usr/bin/env python3
"""Developer script (not run by the tests or CI): the solver benchmark of Docs/performance.md, all in one run.

    swift build -c release --product tilt
    pip install cvxpy clarabel numpy scipy
    python3 Tests/TiltSolverTests/References/bench_python.py [--sizes 48,500,2000,5000] [--repeats 7]

It runs `.build/release/tilt bench solver --json --export DIR` (Tilt's pipeline times — the strategy path,
which takes the factor-portfolio active-set method for these problems, and the same through the cone
compiler and the interior-point solver — its interior-point solve times, and the cone programs Tilt
compiled), then on the same machine and the same problems times, as medians of the same
number of repeats after one warm-up:
  * Clarabel called directly on the cone program Tilt compiled (Clarabel's own `solve_time`, which covers
    its setup and solve, and the wall time of the Python call that builds and solves);
  * cvxpy with Clarabel on the problem written the natural way (cp.Variable, a variable for the factor
    exposures, the risk as cp.norm / cp.sum_squares of [Lᵀf; √E∘(w − b)]), the whole call: construction,
    compilation and solve. Its data are regenerated here by the splitmix64 generator of make_references.py.
Both objectives must agree with Tilt's to 1e-6 relative, otherwise the script says so and exits 1.
Prints the machine, the versions and a Markdown table for Docs/performance.md (--json: JSON lines).
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
import time

import clarabel
import cvxpy as cp
import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
from make_references import benchmark_tev_data  # noqa: E402  (the shared splitmix64 data)

TOLERANCE = 1e-6


def run_tilt(tilt, sizes, repeats, export_dir):
    """Tilt's JSON lines, one per (n, problem), in the order tilt printed them."""
    if not os.access(tilt, os.X_OK):
        sys.exit(f"bench_python.py: no executable at {tilt}; build it first: swift build -c release --product tilt")
    command = [tilt, "bench", "solver", "--json", "--sizes", sizes, "--repeats", str(repeats), "--export", export_dir]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench_python.py: `{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def load_cone_program(path):
    """The cone program Tilt wrote with --export: P (upper triangle), q, A, b, Clarabel cones, constant, sign."""
    with open(path) as f:
        d = json.load(f)

    def csc(m):
        return sp.csc_matrix((m["values"], m["rowIndices"], m["colPointers"]), shape=(m["rows"], m["cols"]))

    kinds = {"zero": clarabel.ZeroConeT, "nonnegative": clarabel.NonnegativeConeT, "secondOrder": clarabel.SecondOrderConeT}
    cones = [clarabel.ExponentialConeT() if c["type"] == "exponential" else kinds[c["type"]](c["dimension"]) for c in d["cones"]]
    return csc(d["P"]), np.array(d["q"]), csc(d["A"]), np.array(d["b"]), cones, d["objectiveConstant"], d["objectiveSign"]


def timed_median(repeats, call):
    """Runs `call` once to warm up, then `repeats` times; returns the median wall seconds and the last result."""
    result = call()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def clarabel_direct(path, repeats):
    """Clarabel on Tilt's compiled cone program, default settings: median solve_time, median call wall time,
    objective, iterations; and, untimed, the objective at tolerances 1e-10 (`reference`, the accuracy
    yardstick of issue 15) and 1e-12 (`reference_12`), which tell which of two objectives that disagree is
    off."""
    P, q, A, b, cones, constant, sign = load_cone_program(path)
    solve_times = []

    def call(tolerance=None):
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        if tolerance is not None:
            settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = tolerance
        solution = clarabel.DefaultSolver(P, q, A, b, cones, settings).solve()
        solve_times.append(solution.solve_time)
        return solution

    def objective(solution):
        return sign * (solution.obj_val + constant) if str(solution.status).endswith("Solved") else None

    wall, solution = timed_median(repeats, call)
    solve_time = statistics.median(solve_times[1:])
    return {"solve_time": solve_time, "wall": wall, "status": str(solution.status).split(".")[-1],
            "objective": objective(solution), "iterations": solution.iterations, "reference": objective(call(1e-10)),
            "reference_12": objective(call(1e-12))}


def cvxpy_problem(kind, B, Sf, E, alpha, bench, parameter):
    """The benchmark problem as a cvxpy user writes it: exposures f as a variable, no n×n covariance."""
    n, k = B.shape
    w = cp.Variable(n)
    f = cp.Variable(k)
    active = w - bench
    L = np.linalg.cholesky(Sf)
    risk_vector = cp.hstack([L.T @ f, cp.multiply(np.sqrt(E), active)])
    expected_active_return = alpha @ active
    constraints = [f == B.T @ active, cp.sum(w) == 1, w >= 0]
    if kind == "tev":
        constraints.append(cp.norm(risk_vector) <= parameter)  # monthly tracking-error budget
        return cp.Problem(cp.Maximize(expected_active_return), constraints)
    if kind == "tev-quad":
        # The budget written out: quad(f, S) with S bordered by a zero row and column for the intercept
        # (f's first entry, the alpha exposure) + sumsq(√E ∘ (w − b)) <= budget² (monthly variance).
        bordered = np.zeros((k + 1, k + 1))
        bordered[1:, 1:] = Sf
        exposures = cp.hstack([alpha @ active, f])
        variance = cp.quad_form(exposures, bordered, assume_PSD=True) + cp.sum_squares(cp.multiply(np.sqrt(E), active))
        constraints.append(variance <= parameter ** 2)
        return cp.Problem(cp.Maximize(expected_active_return), constraints)
    return cp.Problem(cp.Maximize(expected_active_return - parameter * cp.sum_squares(risk_vector)), constraints)


def cvxpy_whole_call(record, repeats):
    """cvxpy + Clarabel, construction + compilation + solve: median wall seconds, objective, status."""
    B, Sf, E, alpha, bench = benchmark_tev_data(record["n"], record["factors"], record["seed"])

    def call():
        problem = cvxpy_problem(record["kind"], B, Sf, E, alpha, bench, record["parameter"])
        problem.solve(solver=cp.CLARABEL)
        return problem

    wall, problem = timed_median(repeats, call)
    return {"wall": wall, "status": problem.status, "objective": problem.value if problem.status == "optimal" else None}


def relative_difference(a, b):
    if a is None or b is None:
        return math.inf
    return abs(a - b) / max(abs(b), 1e-12)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        model = platform.processor() or model
    return {"cpus": os.cpu_count(), "cpu": model, "load": os.getloadavg()[0], "python": platform.python_version(), "cvxpy": cp.__version__,
            "clarabel": clarabel.__version__, "numpy": np.__version__}


def log_slopes(rows, key):
    """d log(time) / d log(n) between consecutive sizes, per problem: 1 means linear growth."""
    out = {}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        series = [(r["n"], r[key]) for r in rows if r["kind"] == kind]
        out[kind] = [(n1, n2, math.log(t2 / t1) / math.log(n2 / n1)) for (n1, t1), (n2, t2) in zip(series, series[1:])]
    return out


def markdown(rows, info, repeats):
    ms = lambda s: f"{s * 1e3:.2f}"  # noqa: E731
    lines = [f"Machine: {info['cpus']} CPUs, {info['cpu']} (1-minute load average {info['load']:.2f} at the end); Python {info['python']}, cvxpy {info['cvxpy']}, "
             f"clarabel {info['clarabel']}, numpy {info['numpy']}. Medians of {repeats} runs after one warm-up; times in ms.",
             "",
             "| n | problem | Tilt pipeline | Tilt pipeline, interior point | Tilt solve | Clarabel solve_time "
             "| Clarabel call (Python) | cvxpy+Clarabel call | Tilt solve ÷ Clarabel | cvxpy ÷ Tilt pipeline "
             "| cvxpy ÷ Tilt interior-point pipeline | iterations Tilt active set / Tilt IPM / Clarabel "
             "| objective error Tilt / Clarabel / cvxpy |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['kind']} | {ms(r['pipeline'])} | {ms(r['ipm_pipeline'])} | {ms(r['tilt_solve'])} "
                     f"| {ms(r['clarabel_solve'])} | {ms(r['clarabel_call'])} | {ms(r['cvxpy_call'])} "
                     f"| {r['tilt_solve'] / r['clarabel_solve']:.2f} | {r['cvxpy_call'] / r['pipeline']:.1f} "
                     f"| {r['cvxpy_call'] / r['ipm_pipeline']:.1f} "
                     f"| {r['tilt_iterations']} / {r['ipm_iterations']} / {r['clarabel_iterations']} "
                     f"| {r['tilt_error']:.0e} / {r['clarabel_error']:.0e} / {r['cvxpy_error']:.0e} |")
    lines += ["", "Objective error: relative difference from Clarabel at tolerances 1e-10 on the same cone program.",
              "", "Growth, d log(time) / d log(n) between consecutive sizes (1 = linear):", ""]
    for label, key in (("Tilt pipeline", "pipeline"), ("Tilt pipeline, interior point", "ipm_pipeline"),
                       ("Tilt solve", "tilt_solve"), ("Clarabel solve_time", "clarabel_solve")):
        for kind, slopes in log_slopes(rows, key).items():
            lines.append(f"- {label}, {kind}: " + ", ".join(f"{n1}→{n2}: {s:.2f}" for n1, n2, s in slopes))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="48,500,2000,5000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--tilt", default=os.path.join(ROOT, ".build", "release", "tilt"))
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of Markdown")
    args = parser.parse_args()
    if args.repeats < 1:
        sys.exit("bench_python.py: --repeats must be at least 1")

    rows, failures = [], []
    with tempfile.TemporaryDirectory() as export_dir:
        # One size at a time, Tilt then Python, so that the times compared are taken close together (a
        # shared machine's load drifts during a run).
        sizes = [size.strip() for size in args.sizes.split(",")]
        for record in (r for size in sizes for r in run_tilt(args.tilt, size, args.repeats, export_dir)):
            kind, n = record["kind"], record["n"]
            direct = clarabel_direct(os.path.join(export_dir, f"{kind}_{n}.json"), args.repeats)
            natural = cvxpy_whole_call(record, args.repeats)
            for who, result in (("Clarabel on Tilt's cone program", direct), ("cvxpy+Clarabel", natural)):
                difference = relative_difference(result["objective"], record["objective"])
                if difference > TOLERANCE:
                    failures.append(f"{kind}, n = {n}: {who} objective {result['objective']} ({result['status']}) vs "
                                    f"Tilt's {record['objective']}: relative difference {difference:.1e} > {TOLERANCE}; "
                                    f"Clarabel at tolerances 1e-10 gives {direct['reference']}")
            rows.append({"n": n, "kind": kind, "objective": record["objective"], "pipeline": record["pipeline_seconds"],
                         "method": record["method"], "ipm_pipeline": record["interior_point_pipeline_seconds"],
                         "ipm_iterations": record["interior_point_iterations"],
                         "tilt_solve": record["solve_seconds"], "tilt_iterations": record["iterations"],
                         "clarabel_solve": direct["solve_time"], "clarabel_call": direct["wall"],
                         "clarabel_iterations": direct["iterations"], "cvxpy_call": natural["wall"],
                         "clarabel_objective": direct["objective"], "cvxpy_objective": natural["objective"],
                         "reference_objective": direct["reference"],
                         "tilt_error": relative_difference(record["objective"], direct["reference"]),
                         "clarabel_error": relative_difference(direct["objective"], direct["reference"]),
                         "cvxpy_error": relative_difference(natural["objective"], direct["reference"])})
    info = machine()
    if args.json:
        for r in rows:
            print(json.dumps({**r, **info, "repeats": args.repeats}))
    else:
        print(markdown(rows, info, args.repeats))
    if failures:
        print("\nObjectives disagree:\n" + "\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"\nAll objectives agree with Tilt's to {TOLERANCE:g} relative.", file=sys.stderr)


if __name__ == "__main__":
    main()
