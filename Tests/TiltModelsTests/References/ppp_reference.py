#!/usr/bin/env python3
"""Independent reference for Tilt's parametric portfolio policies (Brandt, Santa-Clara & Valkanov 2009)
on Ken French's 48 industry portfolios. Writes ppp_reference.json next to this script.

Developer tool (numpy + scipy), never run by Tilt. It parses the raw Ken French CSV itself and follows
the definitions of Docs/language.md ("Parametric portfolio policies"):
  - decision month T: industries with a return in T+1, a positive cap (firms x average size) at T and
    every characteristic at T; characteristics standardised across them (mean 0, sd with n-1);
  - size = firms x average firm size at T; value = "Sum of BE / Sum of ME" of year y from July y to
    June y+1; momentum = mean of the 12 returns T-11..T;
  - w = w_bar + theta' x / N (w_bar: cap weights at T), r_p = sum w r(T+1) (raw returns, decimals);
  - objective mean_t u(1 + r_p), CRRA(gamma), log at gamma = 1, maximised by scipy's trust-exact;
  - SEs: (1/T) G^-1 V G^-1 (G mean Hessian, V mean outer product of the scores);
  - out of sample: at each T from 1973-12 to 2024-11, theta from the decisions T-120..T-1.

Usage: python3 ppp_reference.py [path/to/48_Industry_Portfolios.CSV]
"""
import json
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "48_Industry_Portfolios.CSV")


def read_sections(path):
    """Title -> (header names, list of (label, values)) for every block of the file."""
    with open(path, encoding="latin-1") as f:
        lines = [l.rstrip("\r\n") for l in f]
    sections, i = {}, 0
    while i < len(lines):
        line = lines[i]
        if line.strip() and not line.strip()[0].isdigit() and i + 1 < len(lines) and lines[i + 1].startswith(","):
            title = line.strip()
            names = [c.strip() for c in lines[i + 1].split(",")[1:]]
            rows, j = [], i + 2
            while j < len(lines) and lines[j].strip() and lines[j].strip()[0].isdigit():
                cells = lines[j].split(",")
                values = np.array([float(c) for c in cells[1:]])
                values[(values == -99.99) | (values == -999)] = np.nan
                rows.append((cells[0].strip(), values))
                j += 1
            sections[title] = (names, rows)
            i = j
        else:
            i += 1
    return sections


def month_index(label):  # "192607" -> ordinal
    return int(label[:4]) * 12 + int(label[4:]) - 1


def label(ordinal):
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def load(path):
    s = read_sections(path)
    names, vw = s["Average Value Weighted Returns -- Monthly"]
    _, firms = s["Number of Firms in Portfolios"]
    _, size = s["Average Firm Size"]
    _, beme = s["Sum of BE / Sum of ME"]
    months = np.array([month_index(l) for l, _ in vw])
    returns = np.array([v for _, v in vw]) / 100
    cap = np.array([v for _, v in firms]) * np.array([v for _, v in size])
    cap[~(cap > 0)] = np.nan
    beme_by_year = {int(l): v for l, v in beme}
    value = np.full_like(returns, np.nan)
    for t, m in enumerate(months):
        year, month = m // 12, m % 12 + 1
        row = beme_by_year.get(year if month >= 7 else year - 1)
        if row is not None:
            value[t] = row
    momentum = np.full_like(returns, np.nan)
    for t in range(11, len(months)):
        momentum[t] = returns[t - 11:t + 1].mean(axis=0)  # NaN if any month is missing
    return names, months, returns, cap, [cap, value, momentum]


class Data:
    def __init__(self, path):
        self.names, self.months, self.returns, self.cap, self.chars = load(path)
        self.row = {m: t for t, m in enumerate(self.months)}
        self.cache = {}

    def section(self, m):
        """(w_bar, X standardised, r next, industry columns) at decision month ordinal m."""
        if m in self.cache:
            return self.cache[m]
        t = self.row[m]
        ok = np.isfinite(self.returns[t + 1]) & (self.cap[t] > 0)
        for c in self.chars:
            ok &= np.isfinite(c[t])
        cols = np.where(ok)[0]
        X = np.column_stack([c[t, cols] for c in self.chars])
        X = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
        wbar = self.cap[t, cols] / self.cap[t, cols].sum()
        out = (wbar, X, self.returns[t + 1, cols], cols)
        self.cache[m] = out
        return out

    def design(self, first, last):
        """Benchmark returns and tilts z = X'r/N of the decision months first..last."""
        rb, z = [], []
        for m in range(first, last + 1):
            wbar, X, r, _ = self.section(m)
            rb.append(wbar @ r)
            z.append(X.T @ r / len(r))
        return np.array(rb), np.array(z)


def crra(W, gamma):
    if gamma == 1:
        return np.log(W), 1 / W, -1 / W**2
    return W ** (1 - gamma) / (1 - gamma), W ** -gamma, -gamma * W ** (-gamma - 1)


def fit(rb, z, gamma, start=None):
    def parts(theta):
        W = 1 + rb + z @ theta
        if np.any(W <= 0):
            return None
        return crra(W, gamma)

    def f(theta):
        p = parts(theta)
        return np.inf if p is None else -p[0].mean()

    def g(theta):
        p = parts(theta)
        return -(p[1][:, None] * z).mean(axis=0)

    def h(theta):
        p = parts(theta)
        return -(z.T * p[2]) @ z / len(rb)

    x0 = np.zeros(z.shape[1]) if start is None else start
    res = minimize(f, x0, jac=g, hess=h, method="trust-exact", options={"gtol": 1e-14, "maxiter": 1000})
    theta = res.x
    # Newton polish to machine precision (the problem is smooth and strictly concave).
    for _ in range(5):
        theta = theta - np.linalg.solve(h(theta), g(theta))
    return theta


def standard_errors(rb, z, gamma, theta):
    W = 1 + rb + z @ theta
    _, u1, u2 = crra(W, gamma)
    T = len(rb)
    G = (z.T * u2) @ z / T
    scores = u1[:, None] * z
    V = scores.T @ scores / T
    Gi = np.linalg.inv(G)
    cov = Gi @ V @ Gi / T
    return np.sqrt(np.diag(cov)), crra(W, gamma)[0].mean()


def weights(data, m, theta, long_only):
    wbar, X, r, cols = data.section(m)
    w = wbar + X @ theta / len(r)
    if long_only:
        w = np.maximum(w, 0)
        w = w / w.sum()
    return w, wbar, r, cols


def return_stats(r):
    r = np.asarray(r)
    mean, vol = r.mean() * 12, r.std(ddof=1) * np.sqrt(12)
    return {"mean": mean, "volatility": vol, "sharpe": mean / vol}


def weight_stats(ws):
    return {
        "average_max": float(np.mean([w.max() for w in ws])),
        "average_min": float(np.mean([w.min() for w in ws])),
        "average_gross": float(np.mean([np.abs(w).sum() for w in ws])),
        "average_short_fraction": float(np.mean([(w < 0).mean() for w in ws])),
    }


def held(data, schedule, thetas, long_only):
    """Returns, benchmark returns, weights and the average turnover sum |w - drifted previous w| of the
    rebalances after the first (as Tilt's report counts it)."""
    rp, rbs, ws, turnovers, previous = [], [], [], [], {}
    for m, theta in zip(schedule, thetas):
        w, wbar, r, cols = weights(data, m, theta, long_only)
        target = dict(zip(cols, w))
        keys = set(target) | set(previous)
        turnovers.append(sum(abs(target.get(k, 0) - previous.get(k, 0)) for k in keys))
        port = w @ r
        rp.append(port)
        rbs.append(wbar @ r)
        ws.append(w)
        previous = {c: wi * (1 + ri) / (1 + port) for c, wi, ri in zip(cols, w, r)}
    return rp, rbs, ws, float(np.mean(turnovers[1:]))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DATA
    data = Data(path)
    first, last = month_index("192706"), month_index("197311")
    gamma = 5.0
    rb, z = data.design(first, last)
    theta = fit(rb, z, gamma)
    se, utility = standard_errors(rb, z, gamma, theta)
    ins = list(range(first, last + 1))
    rp, rbench, ws, _ = held(data, ins, [theta] * len(ins), False)
    theta_log = fit(rb, z, 1.0)
    se_log, utility_log = standard_errors(rb, z, 1.0, theta_log)

    schedule = list(range(month_index("197312"), month_index("202411") + 1))
    start = time.perf_counter()
    path_theta, previous = [], None
    for m in schedule:
        rb_w, z_w = data.design(m - 120, m - 1)
        previous = fit(rb_w, z_w, gamma, previous)
        path_theta.append(previous)
    elapsed = time.perf_counter() - start
    oos_rp, oos_rb, oos_w, oos_turnover = held(data, schedule, path_theta, False)
    lo_rp, _, lo_w, lo_turnover = held(data, schedule, path_theta, True)

    out = {
        "characteristics": ["size", "value", "momentum"],
        "gamma": gamma,
        "in_sample": {
            "first": label(first), "last": label(last), "months": len(ins),
            "theta": theta.tolist(), "standard_errors": se.tolist(), "average_utility": float(utility),
            "policy": return_stats(rp), "benchmark": return_stats(rbench), "weights": weight_stats(ws),
            "returns_head": rp[:5],
        },
        "in_sample_log": {"theta": theta_log.tolist(), "standard_errors": se_log.tolist(),
                          "average_utility": float(utility_log)},
        "out_of_sample": {
            "first": label(schedule[0]), "last": label(schedule[-1]), "window": 120,
            "theta_path": [t.tolist() for t in path_theta],
            "policy": return_stats(oos_rp), "benchmark": return_stats(oos_rb), "weights": weight_stats(oos_w),
            "average_turnover": oos_turnover,
            "long_only": {"policy": return_stats(lo_rp), "weights": weight_stats(lo_w),
                          "average_turnover": lo_turnover},
            "returns_head": oos_rp[:5],
        },
        "python_seconds_out_of_sample": elapsed,
    }
    with open(os.path.join(HERE, "ppp_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"in-sample theta {theta}, se {se}")
    print(f"out of sample: {len(schedule)} re-estimations in {elapsed:.3f} s (scipy trust-exact, warm-started)")


if __name__ == "__main__":
    main()
