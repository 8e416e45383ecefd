"""Shared by the package's tests: an independent oracle, member comparison, the sslexp CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import unittest
from typing import Dict, List, Optional, Sequence

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

#: Every member sslexp writes, in its order (README "Moments as a file"), with its dtype.
DOCUMENTED = [
    ("version", "<i8"),
    ("n", "<i8"),
    ("sum_x", "<f8"),
    ("xtx", "<f8"),
    ("views", "<i8"),
    ("sum_xbar", "<f8"),
    ("xbar_t_xbar", "<f8"),
    ("x_t_xbar", "<f8"),
    ("scatter", "<f8"),
    ("classes", "<f8"),
    ("class_counts", "<i8"),
    ("y_t_x", "<f8"),
    ("y_t_xbar", "<f8"),
]


def oracle(x: np.ndarray, views: Optional[np.ndarray] = None, labels: Optional[np.ndarray] = None) -> Dict[str, np.ndarray]:
    """The documented sums, sample by sample in plain loops (no vectorised shortcut shared with the package)."""
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    out: Dict[str, np.ndarray] = {"version": np.array(1), "n": np.array(n), "sum_x": np.zeros(d), "xtx": np.zeros((d, d))}
    xbars = []
    for i in range(n):
        out["sum_x"] += x[i]
        out["xtx"] += np.outer(x[i], x[i])
    if views is not None:
        views = np.asarray(views, dtype=np.float64)
        V = views.shape[1]
        out.update(views=np.array(V), sum_xbar=np.zeros(d), xbar_t_xbar=np.zeros((d, d)), x_t_xbar=np.zeros((d, d)), scatter=np.zeros((d, d)))
        for i in range(n):
            xb = views[i].mean(axis=0)
            xbars.append(xb)
            out["sum_xbar"] += xb
            out["xbar_t_xbar"] += np.outer(xb, xb)
            out["x_t_xbar"] += np.outer(x[i], xb)
            for v in range(V):
                out["scatter"] += np.outer(views[i, v] - xb, views[i, v] - xb) / (V - 1)
    if labels is not None:
        classes = sorted(set(float(v) for v in np.asarray(labels).ravel()))
        out["classes"] = np.array(classes)
        out["class_counts"] = np.zeros(len(classes), dtype=np.int64)
        out["y_t_x"] = np.zeros((len(classes), d))
        if views is not None:
            out["y_t_xbar"] = np.zeros((len(classes), d))
        for i, lab in enumerate(np.asarray(labels).ravel()):
            c = classes.index(float(lab))
            out["class_counts"][c] += 1
            out["y_t_x"][c] += x[i]
            if views is not None:
                out["y_t_xbar"][c] += xbars[i]
    return out


def members(file: str) -> Dict[str, np.ndarray]:
    """Every array of an .npz in file order."""
    with np.load(file, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def assert_same_members(t: unittest.TestCase, got: Dict[str, np.ndarray], want: Dict[str, np.ndarray], rtol: float, what: str = "") -> None:
    """The same member names in the same order, each of the same dtype (when `want` has one) and shape, values within rtol relative to the member's largest entry."""
    t.assertEqual(list(got), list(want), f"{what}: member list")
    for k in want:
        a, b = np.asarray(got[k]), np.asarray(want[k])
        t.assertEqual(a.shape, b.shape, f"{what}: shape of {k}")
        err = float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()) if a.size else 0.0
        scale = float(np.abs(b).max()) if b.size else 0.0
        t.assertLessEqual(err, rtol * max(scale, 1e-300), f"{what}: {k} differs by {err} (scale {scale})")


def assert_documented_dtypes(t: unittest.TestCase, got: Dict[str, np.ndarray], what: str = "") -> None:
    """Each member present has the dtype of README's table, and the members come in its order."""
    order = [name for name, _ in DOCUMENTED if name in got]
    t.assertEqual(list(got), order, f"{what}: member order")
    for name, dtype in DOCUMENTED:
        if name in got:
            t.assertEqual(got[name].dtype.str, dtype, f"{what}: dtype of {name}")


class Cli:
    """`node dist/cli.js` (SSLEXP_NODE, SSLEXP_CLI override where they are); None when unavailable."""

    def __init__(self) -> None:
        self.node = os.environ.get("SSLEXP_NODE") or shutil.which("node")
        self.cli = os.environ.get("SSLEXP_CLI") or os.path.join(REPO, "dist", "cli.js")

    def missing(self) -> Optional[str]:
        if not self.node:
            return "node is not on PATH"
        if not os.path.exists(self.cli):
            return f"{self.cli} is not built (npm run build)"
        return None

    def run(self, args: Sequence[str], cwd: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.node, self.cli, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def require_cli(t: unittest.TestCase) -> Cli:
    """The CLI, or a skip with the reason (a failure when SSLEXP_REQUIRE_CLI=1, as in `npm test` under CI)."""
    cli = Cli()
    why = cli.missing()
    if why:
        if os.environ.get("SSLEXP_REQUIRE_CLI") == "1":
            t.fail(f"the sslexp CLI is required here: {why}")
        t.skipTest(why)
    return cli


def chunks_of(n: int, size: int) -> List[slice]:
    return [slice(i, min(n, i + size)) for i in range(0, n, size)]
