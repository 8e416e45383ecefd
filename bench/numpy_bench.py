"""numpy/LAPACK reference timings for bench/linalgBench.ts (same sizes, same formulas).

Usage: python3 bench/numpy_bench.py N K D1,D2,... REPEATS_JSON
Prints one JSON object {"<d>": {"gram": ms, "eig": ms, "svd": ms, "je": ms, "rc": ms, "whole": ms}}.
Data are generated here (same shapes, fixed seed); timings are medians.
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, repeats):
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def inv_sqrt(s):
    w, v = np.linalg.eigh(s)
    return (v / np.sqrt(w)) @ v.T


def moments_masking(x, p):
    n = x.shape[0]
    gx = x.T @ x / n
    g = p * p * gx
    cross = p * gx
    sigma = np.diag(p * (1 - p) * np.diag(gx))
    return gx, g, cross, sigma, g + sigma


def je(g, s, k):
    sh = inv_sqrt(s)
    om, q = np.linalg.eigh(sh @ g @ sh)
    om = om[::-1]
    q = q[:, ::-1]
    w = q[:, :k].T @ sh
    return w, np.clip(om, 0, 1), w.T @ w, 2 * (k - om[:k].sum())


def rc(cross, s, tr, k):
    ch = inv_sqrt(s)
    a = cross @ ch
    r, phi, pt = np.linalg.svd(a)
    e = pt[:k] @ ch
    dec = r[:, :k] * phi[:k]
    m = dec @ e
    q, _ = np.linalg.qr(e.T)
    return e, dec, m, phi, q @ q.T, tr - (phi[:k] ** 2).sum()


def whole(x, p, k):
    gx, g, cross, sigma, s = moments_masking(x, p)
    je(g, s, k)
    rc(cross, s, np.trace(gx), k)


def main():
    n = int(sys.argv[1])
    k = int(sys.argv[2])
    dims = [int(v) for v in sys.argv[3].split(',')]
    reps = json.loads(sys.argv[4])
    rng = np.random.default_rng(20240607)
    out = {}
    for d in dims:
        r = reps[str(d)]
        x = rng.standard_normal((n, d))
        gx, g, cross, sigma, s = moments_masking(x, 0.7)
        a = rng.standard_normal((d, d))
        out[str(d)] = {
            "gram": median_ms(lambda: x.T @ x / n, r),
            "eig": median_ms(lambda: np.linalg.eigh(gx), r),
            "svd": median_ms(lambda: np.linalg.svd(a), r),
            "je": median_ms(lambda: je(g, s, k), r),
            "rc": median_ms(lambda: rc(cross, s, np.trace(gx), k), r),
            "whole": median_ms(lambda: whole(x, 0.7, k), r),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
