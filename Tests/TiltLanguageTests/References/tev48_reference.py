"""Independent reference for the end-to-end TEV backtest (Tests/TiltLanguageTests/EndToEndTEVTests.swift).

Developer tool, not run by the tests: `python3 tev48_reference.py` rewrites tev48_reference.json beside it.
Needs numpy, scipy and clarabel (`pip install numpy scipy clarabel`). Reads the raw Ken French files from
the shared data folder (../shared/data from the repository root) and parses them itself.

The strategy (the Tilt program in the Swift test):
    universe kenfrench("48_Industry_Portfolios.CSV")
    factors "F-F_Research_Data_5_Factors_2x3.csv"
    benchmark mktcap
    model ols(window: expanding, from: 1963-07)
    maximize mu'f s.t. tev <= 6%
    rebalance monthly from 1993-12 to 2024-11

What is computed, month by month (all returns monthly decimals):
- returns: the file's "Average Value Weighted Returns -- Monthly" / 100 (-99.99 and -999 missing);
  factors: the five-factor file's monthly block / 100 (Mkt-RF, SMB, HML, RMW, CMA, RF); months = those
  both files have.
- at each rebalance month T: eligible industries have a return in the month after T, a positive market
  cap at T (number of firms x average firm size) and no missing return in 1963-07..T.
- OLS per industry over 1963-07..T by numpy.linalg.lstsq (SVD): r - rf on [1, factors] gives B
  ((K+1) x n, intercept row first) and E = e'e / T_obs; Sigma_f = sample covariance (ddof 1) of the
  factors over the window; mu = [1, mean factors].
- b = caps / sum(caps) over the eligible industries.
- maximize mu' B (w - b) s.t. sqrt(12) * ||[L' B_f (w - b); sqrt(E) * (w - b)]|| <= 0.06 (Sigma_f = L L'),
  sum(w) = 1, w >= 0: a second-order cone program built here by hand and solved by Clarabel with
  tolerances 1e-10. Second method, every month: on Clarabel's support (w > 1e-7) the KKT conditions are
  solved exactly by plain linear algebra (`solve_on_support`), bounds dropped or freed by a primal-dual
  active-set method until the KKT conditions hold (`exact_optimum`), and the script asserts that the result is
  optimal (positive weights on the support, nonnegative multipliers off it) and within 1e-4 of Clarabel.
  The JSON holds that exact solution. Why not Clarabel's weights: with a linear objective on an ellipsoid,
  an objective gap delta moves the weights by ~sqrt(delta), so tolerances 1e-10 leave them ~1e-6 off
  (1993-12: 1.5e-6; at Clarabel's default 1e-8: 1.4e-5). (scipy's SLSQP was tried as a second solver and stops ~1e-5 away
  from the optimum, too coarse for a 1e-6 check.)
- portfolio return w' r_{T+1}, benchmark return b' r_{T+1}; turnover sum|w - w_before| with w_before the
  previous weights drifted by the month's returns, w_i (1 + r_i) / (1 + r_p) (0 for new industries).
- summary statistics as defined in Sources/TiltBacktest/Results/Metrics (annualised x12 / x sqrt 12).
"""
import json
import math
import os

import clarabel
import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data")
OUTPUT = os.path.join(HERE, "tev48_reference.json")
TEV = 0.06
WINDOW_START = (1963, 7)
FIRST_REBALANCE = (1993, 12)
LAST_REBALANCE = (2024, 11)
TOLERANCE = 1e-10
SUPPORT_THRESHOLD = 1e-7


def ordinal(year, month):
    return year * 12 + month - 1


def label(o):
    return f"{o // 12:04d}-{o % 12 + 1:02d}"


def read_monthly_section(path, title):
    """The monthly block whose title line contains `title` (or, for title None, the first block):
    ({month ordinal: row of floats}, column names). Missing codes become NaN; values as in the file."""
    with open(path, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith(",") and line.strip(", ") and (
            title is None or (i > 0 and title in lines[i - 1])
        ):
            start = i
            break
    if start is None:
        raise ValueError(f"no section {title!r} in {path}")
    names = [c.strip() for c in lines[start].split(",")[1:]]
    rows = {}
    for line in lines[start + 1:]:
        cells = [c.strip() for c in line.split(",")]
        if len(cells[0]) != 6 or not cells[0].isdigit():
            break
        values = np.array([float(c) for c in cells[1:]])
        values[(values == -99.99) | (values == -999)] = np.nan
        rows[ordinal(int(cells[0][:4]), int(cells[0][4:]))] = values
    return rows, names


def load():
    industries_path = os.path.join(DATA, "48_Industry_Portfolios.CSV")
    returns, names = read_monthly_section(industries_path, "Average Value Weighted Returns -- Monthly")
    firms, _ = read_monthly_section(industries_path, "Number of Firms in Portfolios")
    size, _ = read_monthly_section(industries_path, "Average Firm Size")
    factors, factor_names = read_monthly_section(os.path.join(DATA, "F-F_Research_Data_5_Factors_2x3.csv"), None)
    assert factor_names == ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"], factor_names
    months = sorted(set(returns) & set(factors))
    R = np.array([returns[m] for m in months]) / 100
    caps = np.array([firms[m] * size[m] for m in months])
    F = np.array([factors[m] for m in months]) / 100
    return months, names, R, caps, F[:, :5], F[:, 5]


def cone_program(c, B_f, L, E, b):
    """Clarabel data for min -c'w s.t. 1'w = 1, w >= 0, ||[L' B_f (w - b); sqrt(E)(w - b)]|| <= TEV/sqrt(12),
    in Clarabel's form A x + s = rhs, s in cones."""
    n = len(c)
    k = L.shape[0]
    M = np.vstack([L.T @ B_f, np.diag(np.sqrt(E))])  # (k + n) x n
    A = np.vstack([
        np.ones((1, n)),               # zero cone: 1 - 1'w = 0
        -np.eye(n),                    # nonnegative cone: w >= 0
        np.zeros((1, n)),              # second-order cone head: TEV / sqrt(12)
        -M,                            # tail: M w - M b
    ])
    rhs = np.concatenate([[1.0], np.zeros(n), [TEV / math.sqrt(12)], -M @ b])
    cones = [clarabel.ZeroConeT(1), clarabel.NonnegativeConeT(n), clarabel.SecondOrderConeT(1 + k + n)]
    return sp.csc_matrix((n, n)), -c, sp.csc_matrix(A), rhs, cones, M


def solve_clarabel(c, B_f, L, E, b):
    P, q, A, rhs, cones, _ = cone_program(c, B_f, L, E, b)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = TOLERANCE
    settings.tol_gap_rel = TOLERANCE
    settings.tol_feas = TOLERANCE
    settings.tol_ktratio = 1e-8
    settings.max_iter = 500
    solution = clarabel.DefaultSolver(P, q, A, rhs, cones, settings).solve()
    assert str(solution.status) == "Solved", solution.status
    return np.array(solution.x)


def solve_on_support(c, Q, b, support):
    """The exact optimum for a given set of positive weights, by plain linear algebra (the second method).

    With S the support and N the rest (w_N = 0, so d_N = -b_N for d = w - b), the KKT conditions
    c - 2 lambda Q d - nu 1 + z = 0, z_S = 0, 1'd = 0, d'Qd = TEV^2/12 give d_S = alpha u - beta v - g with
    u = Q_SS^-1 c_S, v = Q_SS^-1 1, g = Q_SS^-1 Q_SN d_N, alpha = 1/(2 lambda), beta = alpha nu: the budget
    fixes beta given alpha and the risk budget is a quadratic in alpha. Returns w and the KKT residuals:
    the smallest weight on S and the smallest multiplier z_N (both must be >= 0), and lambda."""
    n = len(c)
    S = np.flatnonzero(support)
    N = np.flatnonzero(~support)
    d_N = -b[N]
    solve = lambda rhs: np.linalg.solve(Q[np.ix_(S, S)], rhs)
    u, v, g = solve(c[S]), solve(np.ones(len(S))), solve(Q[np.ix_(S, N)] @ d_N)
    h = g.sum() - d_N.sum()
    direction, offset = np.zeros(n), np.zeros(n)
    direction[S] = u - u.sum() / v.sum() * v
    offset[S] = h / v.sum() * v - g
    offset[N] = d_N
    a2, a1, a0 = direction @ Q @ direction, 2 * direction @ Q @ offset, offset @ Q @ offset - TEV ** 2 / 12
    roots = [r for r in np.roots([a2, a1, a0]).real if r > 0]
    alpha = max(roots, key=lambda r: c @ (r * direction + offset))
    d = alpha * direction + offset
    nu = (alpha * u.sum() - h) / v.sum() / alpha
    lam = 1 / (2 * alpha)
    z = 2 * lam * (Q @ d) + nu - c
    return b + d, z, lam


def exact_optimum(c, Q, b, start):
    """The optimum by a primal-dual active-set method on `solve_on_support`, starting from the support of
    `start` (Clarabel's solution): drop the most negative weight, or free the weight whose bound has the
    most negative multiplier, until both are nonnegative (then the KKT conditions hold exactly). Returns
    w, the smallest weight held, the smallest multiplier of w >= 0 on the others and the number of steps."""
    support = start > SUPPORT_THRESHOLD
    for steps in range(100):
        w, z, lam = solve_on_support(c, Q, b, support)
        assert lam > 0
        held, bound = np.flatnonzero(support), np.flatnonzero(~support)
        if np.min(w[held]) <= 0:
            support[held[np.argmin(w[held])]] = False
        elif len(bound) and np.min(z[bound]) < 0:
            support[bound[np.argmin(z[bound])]] = True
        else:
            return w, float(np.min(w[held])), float(np.min(z[bound])) if len(bound) else math.inf, steps
    raise RuntimeError("the active-set method did not settle")


def statistics(returns, risk_free):
    """ReturnStatistics (Sources/TiltBacktest/Results/Metrics/ReturnStatistics.swift)."""
    r = np.asarray(returns)
    excess = r - risk_free if risk_free is not None else r
    volatility = np.std(r, ddof=1) * math.sqrt(12)
    wealth = np.cumprod(1 + r)
    peaks = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    return {
        "annualArithmeticReturn": float(np.mean(r) * 12),
        "annualGeometricReturn": float(wealth[-1] ** (12 / len(r)) - 1),
        "annualVolatility": float(volatility),
        "sharpeRatio": float(np.mean(excess) * 12 / volatility),
        "maxDrawdownDepth": float(min(0.0, np.min(wealth / peaks - 1))),
    }


def main():
    months, names, R, caps, F, rf = load()
    index = {m: t for t, m in enumerate(months)}
    excess = R - rf[:, None]
    first = index[ordinal(*WINDOW_START)]
    schedule = [index[m] for m in range(ordinal(*FIRST_REBALANCE), ordinal(*LAST_REBALANCE) + 1)]

    rebalances, portfolio, benchmark, out_months, risk_free = [], [], [], [], []
    held = {}  # industry -> weight after drift
    clarabel_gap, smallest_weight, smallest_multiplier = 0.0, math.inf, math.inf
    for t in schedule:
        window = slice(first, t + 1)
        eligible = [j for j in range(len(names))
                    if np.isfinite(R[t + 1, j]) and np.isfinite(caps[t, j]) and caps[t, j] > 0
                    and np.all(np.isfinite(R[window, j]))]
        X = np.column_stack([np.ones(t + 1 - first), F[window]])
        Y = excess[window][:, eligible]
        B, *_ = np.linalg.lstsq(X, Y, rcond=None)
        residuals = Y - X @ B
        E = np.sum(residuals ** 2, axis=0) / X.shape[0]
        sigma_f = np.cov(F[window], rowvar=False, ddof=1)
        mu = np.concatenate([[1.0], F[window].mean(axis=0)])
        L = np.linalg.cholesky(sigma_f)
        b = caps[t, eligible] / caps[t, eligible].sum()
        c = B.T @ mu
        interior_point = solve_clarabel(c, B[1:], L, E, b)
        Q = B[1:].T @ sigma_f @ B[1:] + np.diag(E)
        w, min_weight, min_multiplier, steps = exact_optimum(c, Q, b, interior_point)
        gap = float(np.max(np.abs(w - interior_point)))
        assert gap < 1e-4, (label(months[t]), gap)
        if steps:
            print(f"{label(months[t])}: {steps} active-set step(s) from Clarabel's support; |dw| = {gap:.1e}")
        clarabel_gap = max(clarabel_gap, gap)
        smallest_weight, smallest_multiplier = min(smallest_weight, min_weight), min(smallest_multiplier, min_multiplier)
        previous = np.array([held.get(names[j], 0.0) for j in eligible])
        r_next = R[t + 1, eligible]
        rp, rb = float(w @ r_next), float(b @ r_next)
        drifted = w * (1 + r_next) / (1 + rp)
        held = {names[j]: drifted[i] for i, j in enumerate(eligible)}
        active = w - b
        M = np.vstack([L.T @ B[1:], np.diag(np.sqrt(E))])
        rebalances.append({
            "month": label(months[t]),
            "assets": [names[j] for j in eligible],
            "weights": [float(f"{x:.12g}") for x in w],
            "turnover": float(np.sum(np.abs(w - previous))),
            "exAnteTrackingError": float(math.sqrt(12) * np.linalg.norm(M @ active)),
            "expectedActiveReturn": float(c @ active),
        })
        portfolio.append(rp)
        benchmark.append(rb)
        out_months.append(label(months[t + 1]))
        risk_free.append(float(rf[t + 1]))

    rf_series = np.array(risk_free)
    port = statistics(portfolio, rf_series)
    bench = statistics(benchmark, rf_series)
    act = statistics(np.array(portfolio) - np.array(benchmark), None)
    trades = [r["turnover"] for r in rebalances[1:]]
    weights = [np.array(r["weights"]) for r in rebalances]
    summary = {
        "portfolio": port,
        "benchmark": bench,
        "active": act,
        "trackingError": act["annualVolatility"],
        "informationRatio": act["annualArithmeticReturn"] / act["annualVolatility"],
        "turnoverPerRebalance": float(np.mean(trades)),
        "annualTurnover": float(np.sum(trades) * 12 / len(portfolio)),
        "averageEffectiveN": float(np.mean([1 / np.sum(w ** 2) for w in weights])),
    }
    reference = {
        "program": "48 industries, FF5 OLS expanding from 1963-07, mktcap benchmark, maximize mu'f s.t. tev <= 6%, "
                   "monthly 1993-12..2024-11",
        "solver": f"clarabel {clarabel.__version__}, tolerances {TOLERANCE}",
        "clarabelMaxAbsWeightDifference": clarabel_gap,
        "smallestWeightOnSupport": smallest_weight,
        "smallestMultiplierOffSupport": smallest_multiplier,
        "months": out_months,
        "portfolioReturns": portfolio,
        "benchmarkReturns": benchmark,
        "rebalances": rebalances,
        "summary": summary,
    }
    with open(OUTPUT, "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(rebalances)} rebalances; exact KKT solution vs Clarabel: max |dw| = {clarabel_gap:.2e}; "
          f"smallest weight held {smallest_weight:.2e}, smallest multiplier of w >= 0 off the support {smallest_multiplier:.2e}")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
