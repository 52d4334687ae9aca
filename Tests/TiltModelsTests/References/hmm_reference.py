"""Reference values for GaussianHMM (Tests/TiltModelsTests/HMMTests.swift).

Developer tool, not run by the tests: `python3 hmm_reference.py` rewrites hmm_reference.json.
Needs numpy, scipy and hmmlearn (pip install hmmlearn). Reads ../shared/data/ff6_monthly.csv
(decimals) from the repository root.

For each case, hmmlearn's GaussianHMM (an independent EM implementation) is fitted from 10 seeded
restarts (its k-means initialisation, random_state 0..9, tight tolerance, a negligible min_covar, and
its default covariance prior switched off so that it maximises the likelihood, as Tilt does) and the
best log-likelihood is kept, with its parameters. For that best model, an independent log-space
forward-backward (scipy.special.logsumexp) gives the filtered P(s_t | x_1..t) and smoothed
P(s_t | x_1..T) probabilities, and a log-space Viterbi the most likely path (checked against hmmlearn's
own decode).
"""
import csv
import json
import os

import numpy as np
from hmmlearn.hmm import GaussianHMM
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "ff6_monthly.csv")
CASES = [
    {"name": "diag3", "states": 3, "covariance": "diag", "factors": ["mktrf", "smb", "hml", "rmw", "cma"]},
    {"name": "full2", "states": 2, "covariance": "full", "factors": ["mktrf", "smb", "hml", "rmw", "cma", "umd"]},
]


def load(factors):
    with open(DATA, newline="") as f:
        rows = list(csv.DictReader(f))
    return np.array([[float(r[name]) for name in factors] for r in rows])


def covariances(model):
    if model.covariance_type == "diag":
        return [np.diag(np.diag(c)) for c in model.covars_]
    return [np.array(c) for c in model.covars_]


def log_densities(x, means, covs):
    return np.column_stack([multivariate_normal(mean=m, cov=c).logpdf(x) for m, c in zip(means, covs)])


def forward_backward(x, start, transition, means, covs):
    logb = log_densities(x, means, covs)
    logp = np.log(transition)
    t, s = logb.shape
    log_alpha = np.zeros((t, s))
    log_alpha[0] = np.log(start) + logb[0]
    for i in range(1, t):
        log_alpha[i] = logsumexp(log_alpha[i - 1][:, None] + logp, axis=0) + logb[i]
    log_beta = np.zeros((t, s))
    for i in range(t - 2, -1, -1):
        log_beta[i] = logsumexp(logp + (logb[i + 1] + log_beta[i + 1])[None, :], axis=1)
    loglik = logsumexp(log_alpha[-1])
    filtered = np.exp(log_alpha - logsumexp(log_alpha, axis=1, keepdims=True))
    smoothed = np.exp(log_alpha + log_beta - loglik)
    return loglik, filtered, smoothed


def viterbi(x, start, transition, means, covs):
    logb = log_densities(x, means, covs)
    logp = np.log(transition)
    t, s = logb.shape
    score = np.log(start) + logb[0]
    back = np.zeros((t, s), dtype=int)
    for i in range(1, t):
        candidates = score[:, None] + logp
        back[i] = np.argmax(candidates, axis=0)
        score = candidates[back[i], np.arange(s)] + logb[i]
    path = [int(np.argmax(score))]
    for i in range(t - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def main():
    out = {"cases": []}
    for case in CASES:
        x = load(case["factors"])
        fits = []
        for seed in range(10):
            model = GaussianHMM(n_components=case["states"], covariance_type=case["covariance"], n_iter=5000,
                                tol=1e-9, min_covar=1e-12, covars_prior=0.0, covars_weight=1.0,
                                means_prior=0.0, means_weight=0.0, random_state=seed)
            model.fit(x)
            fits.append((model.score(x), model))
        best_ll, best = max(fits, key=lambda pair: pair[0])
        covs = covariances(best)
        loglik, filtered, smoothed = forward_backward(x, best.startprob_, best.transmat_, best.means_, covs)
        path = viterbi(x, best.startprob_, best.transmat_, best.means_, covs)
        assert abs(loglik - best_ll) < 1e-6 * abs(best_ll)
        assert path == [int(v) for v in best.decode(x, algorithm="viterbi")[1]]
        out["cases"].append({
            "name": case["name"], "states": case["states"], "covariance": case["covariance"],
            "factors": case["factors"], "observations": int(x.shape[0]),
            "restart_log_likelihoods": [float(ll) for ll, _ in fits],
            "best_log_likelihood": float(best_ll),
            "start": best.startprob_.tolist(), "transition": best.transmat_.tolist(),
            "means": best.means_.tolist(), "covariances": [c.tolist() for c in covs],
            "log_likelihood": float(loglik), "filtered": filtered.tolist(), "smoothed": smoothed.tolist(),
            "viterbi": path,
        })
        print(case["name"], best_ll, sorted(ll for ll, _ in fits))
    with open(os.path.join(HERE, "hmm_reference.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
