#!/usr/bin/env python3
"""Independent oracle of VICReg at a finite covariance weight b (docs/theory.md §7.9.4): the
exact loss in the eigenbasis of the K smallest Laplacian eigenvalues,
  L(A) = a sum_k max(0, 1 - |a_k|) + b sum_{k != l} (a_k . a_l)^2 + 2 g sum_i lambda_i |row_i A|^2,
minimised by scipy's L-BFGS-B from 20 seeded random starts, each polished by alternating the
exact minimisation over the column norms with projected gradient steps on the directions.
test/unit/graphAdvice.test.ts stores the numbers this prints (ring of 12 nodes, K = 3,
a = g = 25; the complete graph K_3 of docs/theory.md §8.5)."""
import numpy as np
from scipy.optimize import minimize

def loss(A, lam, a, b, g):
    C = A.T @ A
    off = C - np.diag(np.diag(C))
    return a * np.sum(np.maximum(0, 1 - np.sqrt(np.diag(C)))) + b * np.sum(off ** 2) + 2 * g * np.sum(lam[:, None] * A ** 2)

def grad(A, lam, a, b, g):
    C = A.T @ A
    norms = np.sqrt(np.diag(C))
    G = 4 * b * A @ (C - np.diag(np.diag(C))) + 4 * g * lam[:, None] * A
    for k in range(A.shape[1]):
        if 0 < norms[k] < 1:
            G[:, k] -= a * A[:, k] / norms[k]
    return G

def polish(A, lam, a, b, g, iters=3000):
    K = A.shape[1]
    r = np.linalg.norm(A, axis=0)
    U = A / np.maximum(r, 1e-300)
    for _ in range(iters):
        for k in range(K):
            c = (U.T @ U) ** 2
            beta = 2 * b * sum(c[k, l] * r[l] ** 2 for l in range(K) if l != k) + 2 * g * (U[:, k] @ (lam * U[:, k]))
            r[k] = 1.0 if beta <= 0 else min(1.0, a / (2 * beta))
        GU = grad(U * r, lam, a, b, g) * r
        GU -= U * np.sum(GU * U, axis=0)
        f0, step = loss(U * r, lam, a, b, g), 1.0
        while step > 1e-16:
            Un = U - step * GU
            Un /= np.linalg.norm(Un, axis=0)
            if loss(Un * r, lam, a, b, g) < f0 - 1e-4 * step * np.sum(GU * GU):
                break
            step /= 2
        if step <= 1e-16:
            break
        U = Un
    return U * r

def best(lam, a, b, g, starts=20, seed=0):
    K = len(lam)
    rng = np.random.default_rng(seed)
    out = None
    for _ in range(starts):
        x0 = rng.standard_normal(K * K) * 0.7
        r = minimize(lambda x: loss(x.reshape(K, K), lam, a, b, g), x0, jac=lambda x: grad(x.reshape(K, K), lam, a, b, g).ravel(),
                     method='L-BFGS-B', options=dict(maxiter=5000, gtol=1e-12, ftol=1e-15))
        A = polish(r.x.reshape(K, K), lam, a, b, g)
        f = loss(A, lam, a, b, g)
        if out is None or f < out[0]:
            out = (f, A)
    s = np.linalg.svd(out[1], compute_uv=False)
    return out[0], int(np.sum(s > 1e-6 * s[0]))

ring = np.array([2 - 2 * np.cos(2 * np.pi / 12)] * 2 + [1.0])
for b in (1, 10, 1000):
    print('ring a=g=25 b=%g: loss %.10f rank %d' % ((b,) + best(ring, 25, b, 25)))
for g in (0.1, 0.05):
    print('K3 a=1 b=1000 g=%g: loss %.10f rank %d' % ((g,) + best(np.array([3.0, 3.0]), 1, 1000, g)))
