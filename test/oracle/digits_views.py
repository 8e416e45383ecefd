"""The closed-form solutions and the linear probe of examples/digits-views.sslexp.yaml, in numpy.

Independent of the TypeScript code: the formulas of docs/theory.md §2.1 (views), §2.2 (SL),
§2.3 (RC), §2.4 (JE) with eigh/svd, the probe of docs/theory.md §6.4.7 (a least-squares map of
each encoding — V x, E x and W x alike — onto the one-hot labels on the training split, no
intercept, argmax on the test split) and the split's hash (inTrainingSplit: SplitMix32's finaliser of
row XOR seed, below 0.8 * 2^32), re-implemented on Python integers.

Writes test/oracle/digits_views.json, read by test/unit/oracles.test.ts, panelModel.test.ts,
solutionsExport.test.ts and the integration tests (virtual, editor).
Run: python3 test/oracle/digits_views.py [OUT.json]
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "examples", "data")
M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def in_training_split(row, seed):
    z = ((row & M32) ^ imul(row >> 32, 0x27D4EB2F) ^ (seed & M32) ^ 0x9E3779B9) & M32
    z = imul(z ^ (z >> 16), 0x85EBCA6B)
    z = imul(z ^ (z >> 13), 0xC2B2AE35)
    z = (z ^ (z >> 16)) & M32
    return z < 0.8 * 4294967296


def inv_sqrt(s):
    w, q = np.linalg.eigh(s)
    return (q / np.sqrt(w)) @ q.T


def main(out_path):
    x = np.load(os.path.join(DATA, "digits-clean.npy")).astype(np.float64)  # n x d
    views = np.load(os.path.join(DATA, "digits-augmented-views.npy")).astype(np.float64)  # n x V x d
    labels = np.load(os.path.join(DATA, "digits-augmented-labels.npy"))
    n, d = x.shape
    nv = views.shape[1]
    k = 16  # latent
    classes = np.unique(labels)
    y = (labels[:, None] == classes[None, :]).astype(np.float64)

    # docs/theory.md §2.1, views: mean view, unbiased within-sample covariance, averaged
    xbar = views.mean(axis=1)
    dev = views - xbar[:, None, :]
    sigma = np.einsum("ivj,ivl->jl", dev, dev) / (n * (nv - 1))
    g = xbar.T @ xbar / n
    s = g + sigma
    cross = x.T @ xbar / n
    s_half_inv = inv_sqrt(s)

    # §2.3 RC: A = (1/n) X^T Xbar C^{-1/2}, E = P_k^T C^{-1/2}
    a = cross @ s_half_inv
    _, phi, pt = np.linalg.svd(a)
    e = pt[:k] @ s_half_inv
    rc_objective = np.trace(x.T @ x) / n - np.sum(phi[:k] ** 2)
    # §2.4 JE: S^{-1/2} G S^{-1/2} = Q Omega Q^T, W = Q_k^T S^{-1/2}
    omega, q = np.linalg.eigh(s_half_inv @ g @ s_half_inv)
    order = np.argsort(omega)[::-1]
    omega, q = omega[order], q[:, order]
    w = q[:, :k].T @ s_half_inv
    je_objective = 2 * (k - np.sum(omega[:k]))
    # §2.2 SL: V = (1/n) Y^T Xbar S^{-1}
    v = np.linalg.solve(s, (y.T @ xbar / n).T).T

    # the probe on the clean samples
    train = np.array([in_training_split(i, 0) for i in range(n)])
    xt, yt = x[train], y[train]
    c_train = xt.T @ xt

    def probe_map(enc):
        p = np.linalg.solve(enc @ c_train @ enc.T, enc @ (yt.T @ xt).T)
        return p.T @ enc

    def accuracy(m):
        pred = np.argmax(x[~train] @ m.T, axis=1)
        return int(np.sum(classes[pred] == labels[~train]))

    result = {
        "spec": "examples/digits-views.sslexp.yaml",
        "n": n,
        "d": d,
        "views": nv,
        "latent": k,
        "split": {"seed": 0, "train": int(train.sum()), "test": int((~train).sum()), "firstTrainingRows": [int(i) for i in np.flatnonzero(train)[:20]]},
        "probeCorrect": {"supervised": accuracy(probe_map(v)), "reconstruction": accuracy(probe_map(e)), "jointEmbedding": accuracy(probe_map(w))},
        "reconstruction": {"objective": float(rc_objective), "phi": [float(t) for t in phi]},
        "jointEmbedding": {"objective": float(je_objective), "omega": [float(t) for t in omega]},
        "supervisedVShape": list(v.shape),
    }
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    print(json.dumps({"split": result["split"]["train"], "probeCorrect": result["probeCorrect"], "rcObjective": rc_objective, "jeObjective": je_objective}))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "digits_views.json"))
