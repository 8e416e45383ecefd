"""scipy reference timings for bench/graphBench.ts: graph mode's whole analysis of a knn spec.

Usage:
  python3 bench/graph_bench.py FILE.npy k K variance invariance REPEATS
    Prints one JSON object {"whole": ms, "knn": ms, "laplacian": ms, "simclr": ms, "linear": ms,
    "components": c, "laplacian_values": [...], "simclr_values": [...], "mu": [...]} (medians).
  python3 bench/graph_bench.py pipeline FILE.npy k K TOL
    The large-N pipeline, once, as its own process (needs pyamg; bench-deps.sh installs it):
    cKDTree neighbours, a scipy.sparse graph, and pyamg-preconditioned LOBPCG (scikit-learn's
    "amg" spectral embedding: smoothed aggregation on L + 1e-5 I, LOBPCG on L) for the K + 1
    smallest eigenvalues of L and, the same way on the normalised Laplacian, the K largest of
    D^-1/2 G D^-1/2; the linear regime in numpy. Prints {"knn", "build", "laplacian", "simclr",
    "linear" (ms), "laplacian_values", "simclr_values", "maxrss_kb", "converged"}.

The same quantities as src/core/theories/spectralEmbedding (docs/theory.md §7.5, §7.6) with
the usual scientific-Python tools: cKDTree for the k nearest neighbours, a scipy.sparse
Laplacian, ARPACK (eigsh; 'SA' for the bottom of L, the fastest of the standard choices
measured, 'LA' for the top of D^-1/2 G D^-1/2), the linear regime in numpy/LAPACK.
"""
import json
import sys
import time

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh
from scipy.spatial import cKDTree


def knn_graph(x, k):
    n = x.shape[0]
    _, idx = cKDTree(x).query(x, k + 1)
    rows = np.repeat(np.arange(n), k)
    cols = idx[:, 1:].ravel()
    g = sp.csr_matrix((np.ones(n * k), (rows, cols)), shape=(n, n))
    return ((g + g.T) > 0).astype(float).tocsr()


def spectra(g, K):
    n = g.shape[0]
    deg = np.asarray(g.sum(1)).ravel()
    lap = sp.diags(deg) - g
    ncomp, _ = connected_components(g, directed=False)
    lam = np.sort(eigsh(lap, K + 1, which="SA", return_eigenvectors=False))
    dh = sp.diags(np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0))
    a = (dh @ g @ dh).tocsr()
    sim = np.sort(eigsh(a, K, which="LA", return_eigenvectors=False))[::-1]
    return lap, a, ncomp, lam, sim


def vicreg_sigma(lam, va, inv):
    cut = va / (4 * inv)
    return np.where(lam <= cut, 1.0, (cut / np.maximum(lam, 1e-300)) ** 2)


def linear(x, lap, a, K, va, inv):
    n = x.shape[0]
    xc = x - x.mean(0)
    c = xc.T @ xc / n
    lx = xc.T @ (lap @ xc) / n
    mu, w = sl.eigh(lx, c, subset_by_index=[0, K - 1])
    s = vicreg_sigma(mu, va, inv)
    wv = w * np.sqrt(s)
    gram_v = wv @ wv.T
    u, sv, vt = np.linalg.svd(x, full_matrices=False)
    m = u.T @ (a @ u)
    lm, f = np.linalg.eigh((m + m.T) / 2)
    lp = np.maximum(lm[::-1][:K], 0)
    p = vt.T @ np.diag(1 / sv) @ f[:, ::-1][:, :K] @ np.diag(np.sqrt(lp))
    return mu, gram_v, lp, p @ p.T


def whole(f, k, K, va, inv):
    x = np.load(f).astype(float)
    g = knn_graph(x, k)
    lap, a, ncomp, lam, sim = spectra(g, K)
    mu = linear(x, lap, a, K, va, inv)[0]
    sig = vicreg_sigma(lam[1:], va, inv)
    return ncomp, lam, sim, mu, sig


def median_ms(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def amg_smallest(m, count, seed, tol):
    """The `count` smallest eigenpairs of the sparse SPD-up-to-a-null-vector m: LOBPCG with a
    smoothed-aggregation preconditioner, as scikit-learn's spectral_embedding(eigen_solver="amg")
    does, with the residual tolerance `tol` (scikit-learn's default, None, is n·√ε: far from 1e-6)."""
    import pyamg
    from scipy.sparse.linalg import lobpcg

    n = m.shape[0]
    shift = 1e-5 * sp.eye(n, format="csr")
    ml = pyamg.smoothed_aggregation_solver((m + shift).tocsr())
    x = np.random.default_rng(seed).standard_normal((n, count))
    vals, vecs = lobpcg(m, x, M=ml.aspreconditioner(), tol=tol, maxiter=2000, largest=False)
    res = np.linalg.norm(m @ vecs - vecs * vals, axis=0).max()
    order = np.argsort(vals)
    return vals[order], float(res)


def pipeline(f, k, K, tol):
    import resource

    t = {}
    t0 = time.perf_counter()
    x = np.load(f).astype(float)
    n = x.shape[0]
    _, idx = cKDTree(x).query(x, k + 1)
    t["knn"] = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    rows = np.repeat(np.arange(n), k)
    g = sp.csr_matrix((np.ones(n * k), (rows, idx[:, 1:].ravel())), shape=(n, n))
    g = ((g + g.T) > 0).astype(float).tocsr()
    deg = np.asarray(g.sum(1)).ravel()
    lap = (sp.diags(deg) - g).tocsr()
    ncomp, _ = connected_components(g, directed=False)
    t["build"] = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    lam, res_l = amg_smallest(lap, K + 1, 0, tol)
    t["laplacian"] = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    dh = sp.diags(1 / np.sqrt(deg))
    nlap = (sp.eye(n) - dh @ g @ dh).tocsr()
    nu, res_n = amg_smallest(nlap, K, 1, tol)
    t["simclr"] = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    a = (dh @ g @ dh).tocsr()
    linear(x, lap, a, K, 25.0, 25.0)
    t["linear"] = (time.perf_counter() - t0) * 1e3
    t["components"] = int(ncomp)
    t["laplacian_values"] = lam.tolist()
    t["simclr_values"] = (1 - nu).tolist()
    t["residuals"] = [res_l, res_n]
    t["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(t))


def main():
    if sys.argv[1] == "pipeline":
        pipeline(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
        return
    f, k, K, va, inv, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    ncomp, lam, sim, mu, _ = whole(f, k, K, va, inv)  # warm-up
    x = np.load(f).astype(float)
    g = knn_graph(x, k)
    lap, a, _, _, _ = spectra(g, K)
    out = {
        "whole": median_ms(lambda: whole(f, k, K, va, inv), reps),
        "knn": median_ms(lambda: knn_graph(x, k), reps),
        "laplacian": median_ms(lambda: eigsh(lap, K + 1, which="SA", return_eigenvectors=False), reps),
        "simclr": median_ms(lambda: eigsh(a, K, which="LA", return_eigenvectors=False), reps),
        "linear": median_ms(lambda: linear(x, lap, a, K, va, inv), reps),
        "components": int(ncomp),
        "laplacian_values": lam.tolist(),
        "simclr_values": sim.tolist(),
        "mu": mu.tolist(),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
