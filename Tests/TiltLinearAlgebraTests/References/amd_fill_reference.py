"""Reference fill of SuiteSparse AMD on the test matrices of SparseOrderingTests.swift.

Developer tool only (never run by the tests):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install suitesparse-amd numpy
    /tmp/venv/bin/python amd_fill_reference.py

For each matrix it builds the same pattern as SparseSamples (Swift), orders it with SuiteSparse
AMD (default options: dense 10, aggressive absorption), and counts the strictly-lower nonzeros of
the Cholesky factor of a positive definite matrix with that pattern (|entries|, diagonal made
dominant) -- the fill the Swift AMD is compared against.
"""
import numpy as np
from suitesparse_amd.amd import amd


def grid_laplacian(side):
    n = side * side
    k = np.zeros((n, n))
    for y in range(side):
        for x in range(side):
            i = y * side + x
            k[i, i] = 4
            if x > 0:
                k[i, i - 1] = k[i - 1, i] = -1
            if y > 0:
                k[i, i - side] = k[i - side, i] = -1
    return k


def factor_model_kkt(assets, factors):
    """Mirror of SparseSamples.factorModelKKT: pattern only (values as in Swift)."""
    nv = assets + factors
    m = factors + 1 + assets
    k = np.zeros((nv + m, nv + m))
    for i in range(nv):
        k[i, i] = 1
    rows = []
    for f in range(factors):
        cols = [i for i in range(assets) if (i * 7 + f * 13) % 4 != 0] + [assets + f]
        rows.append(cols)
    rows.append(list(range(assets)))
    for i in range(assets):
        rows.append([i])
    for r, cols in enumerate(rows):
        c = nv + r
        k[c, c] = -1
        for i in cols:
            k[i, c] = k[c, i] = 1
    return k


def cholesky_fill(k, perm):
    pattern = (np.abs(k[np.ix_(perm, perm)]) > 0).astype(float)
    spd = pattern + np.diag(pattern.sum(axis=1) + 1.0)
    lower = np.linalg.cholesky(spd)
    return int(np.count_nonzero(np.abs(np.tril(lower, -1)) > 1e-300))


for name, k in [("grid 50x50", grid_laplacian(50)),
                ("factor-model KKT 300 assets, 10 factors", factor_model_kkt(300, 10))]:
    perm, _ = amd(k, dense_permutation=False)
    perm = [int(p) for p in perm]
    n = k.shape[0]
    print(f"{name}: n = {n}, SuiteSparse AMD fill = {cholesky_fill(k, perm)}, "
          f"natural fill = {cholesky_fill(k, list(range(n)))}")
