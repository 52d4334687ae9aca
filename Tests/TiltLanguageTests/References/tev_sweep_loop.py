"""Timing: Tilt's strategy backtests, whole process, next to the same TEV sweep as a Python/cvxpy loop.

Developer tool (a benchmark, not a test; nothing runs it in CI). Needs `pip install cvxpy clarabel numpy`
(and scipy, which tev48_reference imports) and a release build: `swift build -c release --product tilt`.
From the repository root:

    python3 Tests/TiltLanguageTests/References/tev_sweep_loop.py

It times, in this order and in one run:
1. `.build/release/tilt run Examples/tev_cap.tilt --data ../shared/data` (19 budgets x 372 months on the 48
   industries), wall clock of the whole process; then the same command with `--out` (untimed) for the weights.
2. the 6% strategy on `universe synthetic(stocks: 2000, seed: 42, from: 1990-01, to: 2024-12)`, rebalanced
   monthly (1994-12..2024-11, 360 months), wall clock of the whole process; and the same strategy with
   `universe crsp` on the market's CRSP-format export (`tilt synth --crsp`), the file the Python loop reads.
3. the Python loop: the two Ken French CSVs parsed by tev48_reference.load() (the same definitions: complete
   window, OLS with intercept on excess returns, E = e'e/T, Sigma_f ddof 1, mu = [1, means], b = caps/sum),
   then for each month the OLS once and for each budget a cvxpy problem built and solved with CLARABEL:
   maximize mu @ f, f = B (w - b), ||[L' f_factors; sqrt(E) * (w - b)]|| <= budget / sqrt(12), sum(w) == 1,
   w >= 0. Timed from the start of parsing to the last solve (interpreter start-up and imports excluded).
   `--months N` times only the first N rebalance months (all 19 budgets) and extrapolates linearly to 372.
4. the Python loop on the 2,000-stock CRSP export: parsing crsp.csv and factors.csv with numpy, then each
   month the same OLS (six factors) and one cvxpy problem (`--synthetic-months N` times the first N of 360
   and extrapolates).
Then it checks Tilt's weights against cvxpy's for a few (budget, month) pairs (max |dw| <= 1e-4) and prints
a Markdown table. Exit status 1 if a check fails.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import cvxpy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tev48_reference as ref  # noqa: E402  (the parser and the data folder)

ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TILT = os.path.join(ROOT, ".build", "release", "tilt")
DATA = os.path.normpath(ref.DATA)
BUDGETS = [round(0.01 + 0.005 * i, 4) for i in range(19)]  # tev in 1% to 10% by 0.5% (annualised)
CHECKED_BUDGETS = [0.01, 0.06, 0.10]
CHECKED_MONTHS = ["1993-12", "2008-09", "2024-11"]
WEIGHT_TOLERANCE = 1e-4

SYNTHETIC_PROGRAM = """universe synthetic(stocks: 2000, seed: 42, from: 1990-01, to: 2024-12)
benchmark mktcap
maximize mu'f s.t. tev <= 6%
rebalance monthly
"""
CRSP_PROGRAM = "universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly\n"
SYNTHETIC_CHECKED_MONTHS = ["1994-12", "2024-11"]


def timed_process(arguments):
    """Wall-clock seconds of one whole `tilt` process (fails loudly if it fails)."""
    start = time.perf_counter()
    completed = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{completed.stdout}\n{completed.stderr}")
    return elapsed


def tilt_weights(folder):
    """{(result name, month): {asset: weight}} from a report's weights.csv."""
    weights = {}
    with open(os.path.join(folder, "weights.csv")) as f:
        header = f.readline().strip().split(",")
        column = {name: i for i, name in enumerate(header)}
        for line in f:
            cells = line.rstrip("\n").split(",")
            key = (cells[column["result"]], cells[column["month"]])
            weights.setdefault(key, {})[cells[column["asset"]]] = float(cells[column["weight"]])
    return weights


def budget_of(result_name):
    """The TEV budget (decimal) a sweep result is named after, e.g. `tev = 6%` or `tev 6.5%` -> 0.06, 0.065."""
    percent = result_name.rstrip().rstrip("%").split()[-1].lstrip("=")
    return round(float(percent) / 100, 4)


def factor_model(F, Y):
    """OLS of the excess returns Y (T x n) on [1, F] (T x K): B ((K+1) x n), E = e'e/T, L (Sigma_f = L L', ddof 1)
    and mu = [1, mean factors], as Tilt's `model ols` defines them."""
    X = np.column_stack([np.ones(F.shape[0]), F])
    B, *_ = np.linalg.lstsq(X, Y, rcond=None)
    E = np.sum((Y - X @ B) ** 2, axis=0) / X.shape[0]
    L = np.linalg.cholesky(np.cov(F, rowvar=False, ddof=1))
    mu = np.concatenate([[1.0], F.mean(axis=0)])
    return B, E, L, mu


def solve_tev(B, E, L, mu, b, budget, where):
    """maximize mu'f, f = B (w - b), s.t. tev <= budget (annualised), sum(w) == 1, w >= 0, by cvxpy + Clarabel."""
    w = cp.Variable(len(b))
    active = w - b
    f = B @ active
    risk = cp.hstack([L.T @ f[1:], cp.multiply(np.sqrt(E), active)])
    problem = cp.Problem(cp.Maximize(mu @ f), [cp.norm(risk) <= budget / math.sqrt(12), cp.sum(w) == 1, w >= 0])
    problem.solve(solver=cp.CLARABEL)
    if problem.status != cp.OPTIMAL:
        raise RuntimeError(f"{where}: cvxpy status {problem.status}")
    return w.value


def eligible_assets(R, caps, window, t):
    """Return at T+1, positive cap at T, no missing return in the window."""
    return [j for j in range(R.shape[1])
            if np.isfinite(R[t + 1, j]) and np.isfinite(caps[t, j]) and caps[t, j] > 0
            and np.all(np.isfinite(R[window, j]))]


def python_loop(months_to_time):
    """The researcher's loop; returns (seconds, months solved, {(budget, month): {asset: weight}} for the
    checked pairs)."""
    start = time.perf_counter()
    months, names, R, caps, F, rf = ref.load()
    index = {m: t for t, m in enumerate(months)}
    excess = R - rf[:, None]
    first = index[ref.ordinal(*ref.WINDOW_START)]
    schedule = [index[m] for m in range(ref.ordinal(*ref.FIRST_REBALANCE), ref.ordinal(*ref.LAST_REBALANCE) + 1)]
    schedule = schedule[:months_to_time]
    kept = {}
    for t in schedule:
        window = slice(first, t + 1)
        eligible = eligible_assets(R, caps, window, t)
        B, E, L, mu = factor_model(F[window], excess[window][:, eligible])
        b = caps[t, eligible] / caps[t, eligible].sum()
        month = ref.label(months[t])
        for budget in BUDGETS:
            w = solve_tev(B, E, L, mu, b, budget, f"{month}, tev {budget}")
            if budget in CHECKED_BUDGETS and month in CHECKED_MONTHS:
                kept[(budget, month)] = {names[j]: float(x) for j, x in zip(eligible, w)}
    return time.perf_counter() - start, len(schedule), kept


def read_synthetic(folder):
    """crsp.csv (permno, date, ret, prc, shrout, siccd; monthly rows) and factors.csv of `tilt synth`:
    (month labels, permnos, R (T x n), caps |prc| x shrout (T x n), F (T x K), rf)."""
    crsp = np.loadtxt(os.path.join(folder, "crsp.csv"), delimiter=",", skiprows=1, usecols=(0, 2, 3, 4),
                      converters={1: lambda s: float(s) if s else np.nan})
    dates = np.loadtxt(os.path.join(folder, "crsp.csv"), delimiter=",", skiprows=1, usecols=1, dtype=str)
    factor_rows = np.loadtxt(os.path.join(folder, "factors.csv"), delimiter=",", skiprows=1, dtype=str)
    months = list(factor_rows[:, 0])
    F = factor_rows[:, 1:-1].astype(float)
    rf = factor_rows[:, -1].astype(float)
    row_of = {m: i for i, m in enumerate(months)}
    permnos = sorted(set(crsp[:, 0].astype(int)))
    column_of = {p: j for j, p in enumerate(permnos)}
    R = np.full((len(months), len(permnos)), np.nan)
    caps = np.full((len(months), len(permnos)), np.nan)
    rows = np.array([row_of[d[:7]] for d in dates])
    columns = np.array([column_of[p] for p in crsp[:, 0].astype(int)])
    R[rows, columns] = crsp[:, 1]
    caps[rows, columns] = np.abs(crsp[:, 2]) * crsp[:, 3]
    return months, permnos, R, caps, F, rf


def python_synthetic_loop(folder, months_to_time):
    """The 6% strategy on the CRSP export, expanding window from the first month, rebalances from the 60th
    month to the last but one; returns (seconds, months solved, {month: {permno: weight}} for the checked months)."""
    start = time.perf_counter()
    months, permnos, R, caps, F, rf = read_synthetic(folder)
    excess = R - rf[:, None]
    schedule = list(range(59, len(months) - 1))[:months_to_time]
    kept = {}
    for t in schedule:
        window = slice(0, t + 1)
        eligible = eligible_assets(R, caps, window, t)
        B, E, L, mu = factor_model(F[window], excess[window][:, eligible])
        b = caps[t, eligible] / caps[t, eligible].sum()
        w = solve_tev(B, E, L, mu, b, 0.06, months[t])
        if months[t] in SYNTHETIC_CHECKED_MONTHS:
            kept[months[t]] = {str(permnos[j]): float(x) for j, x in zip(eligible, w)}
    return time.perf_counter() - start, len(schedule), kept


def compare(tilt, python):
    """Max |dw| per checked key present in the Python weights (an asset missing on one side counts as 0; a key
    Tilt lacks as infinity)."""
    rows = []
    for key, w_python in sorted(python.items()):
        w_tilt = tilt.get(key)
        if w_tilt is None:
            rows.append((key, math.inf))
            continue
        assets = set(w_tilt) | set(w_python)
        rows.append((key, max(abs(w_tilt.get(a, 0.0) - w_python.get(a, 0.0)) for a in assets)))
    return rows


def seconds(x):
    return f"{x:.1f} s" if x >= 10 else f"{x:.2f} s"


def report_checks(title, checks):
    worst = max((gap for _, gap in checks), default=math.inf)
    print(f"{title}: max |dw| over {len(checks)} checks: {worst:.1e}")
    for key, gap in checks:
        print(f"  {key}: {gap:.1e}")
    return worst


def python_cell(total, timed_seconds, months_timed, months_all):
    cell = seconds(total)
    if months_timed < months_all:
        cell += f" (extrapolated from {months_timed} of {months_all} months: {seconds(timed_seconds)})"
    return cell


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=372, help="rebalance months the Python sweep times (of 372)")
    parser.add_argument("--synthetic-months", type=int, default=360,
                        help="rebalance months the Python 2,000-stock loop times (of 360)")
    arguments = parser.parse_args()
    if not os.path.exists(TILT):
        sys.exit(f"no {TILT}: run `swift build -c release --product tilt` first")

    sweep_command = [TILT, "run", "Examples/tev_cap.tilt", "--data", DATA]
    with tempfile.TemporaryDirectory() as folder:
        tilt_sweep = timed_process(sweep_command)
        timed_process(sweep_command + ["--out", os.path.join(folder, "sweep")])
        sweep_weights = {(budget_of(name), month): w
                         for (name, month), w in tilt_weights(os.path.join(folder, "sweep")).items()}
        program = os.path.join(folder, "synthetic2000.tilt")
        with open(program, "w") as f:
            f.write(SYNTHETIC_PROGRAM)
        tilt_synthetic = timed_process([TILT, "run", program])
        market = os.path.join(folder, "market")
        os.mkdir(market)
        timed_process([TILT, "synth", "--crsp", os.path.join(market, "crsp.csv"), "--stocks", "2000",
                       "--from", "1990-01", "--to", "2024-12"])
        crsp_program = os.path.join(folder, "crsp2000.tilt")
        with open(crsp_program, "w") as f:
            f.write(CRSP_PROGRAM)
        crsp_command = [TILT, "run", crsp_program, "--data", market]
        tilt_crsp = timed_process(crsp_command)
        timed_process(crsp_command + ["--out", os.path.join(folder, "crsp")])
        crsp_weights = {month: w for (_, month), w in tilt_weights(os.path.join(folder, "crsp")).items()}

        sweep_seconds, sweep_months, sweep_python = python_loop(arguments.months)
        synthetic_seconds, synthetic_months, synthetic_python = python_synthetic_loop(market, arguments.synthetic_months)

    sweep_total = sweep_seconds * 372 / sweep_months
    synthetic_total = synthetic_seconds * 360 / synthetic_months
    worst = max(report_checks("TEV sweep, Tilt vs cvxpy+Clarabel (budget, month)", compare(sweep_weights, sweep_python)),
                report_checks("2,000 stocks, Tilt vs cvxpy+Clarabel (month)", compare(crsp_weights, synthetic_python)))
    print()
    print("| problem | Tilt whole process | Python loop (cvxpy + Clarabel) | Python ÷ Tilt |")
    print("|---|---:|---:|---:|")
    print(f"| TEV sweep, 48 industries: 19 budgets × 372 months = 7,068 solves | {seconds(tilt_sweep)} "
          f"| {python_cell(sweep_total, sweep_seconds, sweep_months, 372)} | {sweep_total / tilt_sweep:.1f}× |")
    print(f"| tev ≤ 6%, synthetic 2,000 stocks, 360 months, `universe synthetic(...)` (generated in process) "
          f"| {seconds(tilt_synthetic)} | | |")
    print(f"| the same on its CRSP export (`universe crsp`, 56 MB crsp.csv) | {seconds(tilt_crsp)} "
          f"| {python_cell(synthetic_total, synthetic_seconds, synthetic_months, 360)} | {synthetic_total / tilt_crsp:.1f}× |")
    if not worst <= WEIGHT_TOLERANCE:
        sys.exit(f"weights differ by more than {WEIGHT_TOLERANCE}")


if __name__ == "__main__":
    main()
