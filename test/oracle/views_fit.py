#!/usr/bin/env python3
"""Independent numpy/scipy oracle of the views fit (docs/theory.md §6.4) on the bundled
digits example (examples/digits-views.sslexp.yaml: uncentred data, labels, latent 16).
test/unit/viewsFit.test.ts stores the numbers this prints.

Steps, as the documentation states them: C = X^T X / n, Sigma = the views' scatter,
B = sum_c p_c m_c m_c^T, W = C - B; the Fisher directions of (B, W + eps I), eps = 1e-3 tr(W)/d,
with a ratio above 1e-9 of the largest; the rest from the smallest generalized eigenvalues of
Sigma against C + eps I (eps = 1e-3 of its mean variance) in their orthogonal complement; C diagonalised within the important subspace and
its complement; A_j = theta_noise + alpha^2 lambda_j by least squares (both >= 0).
"""
import numpy as np, scipy.linalg as sla, os
root = os.path.join(os.path.dirname(__file__), '..', '..', 'examples', 'data')
X = np.load(os.path.join(root, 'digits-clean.npy')).astype(float)
views = np.load(os.path.join(root, 'digits-augmented-views.npy')).astype(float)
y = np.load(os.path.join(root, 'digits-augmented-labels.npy'))
k = 16
n, d = X.shape
V = views.shape[1]
C = X.T @ X / n
dev = views - views.mean(1)[:, None, :]
Sig = np.einsum('ivj,ivl->jl', dev, dev) / (n * (V - 1))
B = np.zeros((d, d))
for c in np.unique(y):
    m = X[y == c].mean(0)
    B += (y == c).mean() * np.outer(m, m)
def ridge(A):
    return A + 1e-3 * np.trace(A) / A.shape[0] * np.eye(A.shape[0])
ev, vec = sla.eigh(B, ridge(C - B))
ev, vec = ev[::-1], vec[:, ::-1]
r = int(np.sum(ev[:k] > 1e-9 * ev[0]))
U, _ = np.linalg.qr(vec[:, :r])
P = sla.null_space(U.T)
e2, v2 = sla.eigh(P.T @ Sig @ P, ridge(P.T @ C @ P))
U1, _ = np.linalg.qr(np.hstack([U, P @ v2[:, :k - r]]))
U2 = sla.null_space(U1.T)
c, E1 = np.linalg.eigh(U1.T @ C @ U1)
lg, E2 = np.linalg.eigh(U2.T @ C @ U2)
F = np.hstack([U1 @ E1[:, ::-1], U2 @ E2[:, ::-1]])
c, lg = np.maximum(c[::-1], 0), np.maximum(lg[::-1], 0)
Sf, Cf = F.T @ Sig @ F, F.T @ C @ F
thi, A = np.diag(Sf)[:k], np.diag(Sf)[k:]
M = np.vstack([np.ones_like(lg), lg]).T
(t, a2), *_ = np.linalg.lstsq(M, A, rcond=None)
assert t >= 0 and a2 >= 0
res = A - M @ np.array([t, a2])
se = np.sqrt(res @ res / (len(lg) - 2) / np.sum((lg - lg.mean()) ** 2))
off = lambda S: np.linalg.norm(S - np.diag(np.diag(S))) / np.linalg.norm(S)
print(f'label directions {r}')
print(f'alpha2 {a2:.10g} se {se:.10g} alpha {np.sqrt(a2):.10g}')
print(f'theta_noise {t:.10g} theta_important_mean {thi.mean():.10g}')
print(f'offdiag sigma {off(Sf):.10g} data {off(Cf):.10g}')
print(f'c_1 {c[0]:.10g} c_k {c[-1]:.10g} lambda_1 {lg[0]:.10g}')
