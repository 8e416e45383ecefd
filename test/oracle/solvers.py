"""docs/theory.md §8.4: the closed-form solvers on the deterministic 4 x 3 example, in numpy.

(i) additive augmentation (Xbar = X, Sigma given) and (ii) Bernoulli masking p = 0.5
(Xbar = pX, Sigma = p(1 - p) diag(mean of x_j^2)); the moments of §2.1, SSL-JE of §2.4
(eigh of S^{-1/2} G S^{-1/2}), SSL-RC of §2.3 (svd of (1/n) X^T Xbar C^{-1/2}), the
invariant outputs (W^T W, M*, the row projector) and the optimal values (V-JE, V-RC).
Writes test/oracle/solvers.json (test/unit/oracles.test.ts). Run: python3 test/oracle/solvers.py [OUT.json]
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
X = np.array([[2, 0, 1], [0, 1, 1], [1, 1, 0], [-1, 2, 1]], dtype=np.float64)
SIGMA = np.array([[1, 0.5, 0], [0.5, 2, 0.3], [0, 0.3, 0.5]])
K = 2


def inv_sqrt(s):
    w, q = np.linalg.eigh(s)
    return (q / np.sqrt(w)) @ q.T


def solve(xbar, sigma):
    n = X.shape[0]
    g = xbar.T @ xbar / n
    s = g + sigma
    cross = X.T @ xbar / n
    h = inv_sqrt(s)
    omega, q = np.linalg.eigh(h @ g @ h)
    order = np.argsort(omega)[::-1]
    omega, q = omega[order], q[:, order]
    w = q[:, :K].T @ h
    r, phi, pt = np.linalg.svd(cross @ h)
    e = pt[:K] @ h
    m = r[:, :K] @ np.diag(phi[:K]) @ pt[:K] @ h
    qe, _ = np.linalg.qr(e.T)
    return {
        "S": s.tolist(),
        "G": g.tolist(),
        "Sigma": sigma.tolist(),
        "omega": omega.tolist(),
        "jeObjective": float(2 * (K - omega[:K].sum())),
        "gram": (w.T @ w).tolist(),
        "phi": phi.tolist(),
        "rcObjective": float(np.trace(X.T @ X) / n - np.sum(phi[:K] ** 2)),
        "map": m.tolist(),
        "rowProjector": (qe @ qe.T).tolist(),
    }


def main(out_path):
    p = 0.5
    result = {
        "additive": solve(X, SIGMA),
        "masking": solve(p * X, p * (1 - p) * np.diag((X**2).mean(axis=0))),
    }
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    for name, r in result.items():
        print(name, "omega", np.round(r["omega"], 6), "JE", round(r["jeObjective"], 6), "phi", np.round(r["phi"], 6), "RC", round(r["rcObjective"], 6))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "solvers.json"))
