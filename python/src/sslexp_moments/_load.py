"""Reading a moments file back, with the checks sslexp applies (docs/theory.md §2.1.1)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ._moments import MAX_CLASSES, MAX_FEATURES, MOMENTS_VERSION, Moments, PathLike

EPS = 2.0**-52
MAX_COUNT = 2**53 - 1


def entry_tolerance(terms: int, groups: int, d: int, max_diagonal: float) -> float:
    """δ = 4 (N + c + d) ε m, the rounding bound of one entry of a sum of N products (docs/theory.md §2.1.1)."""
    return 4.0 * (terms + groups + d) * EPS * max_diagonal


def _count(a: Any, where: str, minimum: int) -> int:
    v = np.asarray(a)
    if v.shape not in ((), (1,)):
        raise ValueError(f"{where} has shape {v.shape}, expected a single number ()")
    value = v.reshape(()).item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise ValueError(f"{where} is {value}, expected an integer >= {minimum}")
    if value > MAX_COUNT:
        raise ValueError(f"{where} is above 2^53 − 1 = {MAX_COUNT}: expected an integer from {minimum} to 2^53 − 1; float64 does not hold every integer beyond")
    if value < minimum:
        raise ValueError(f"{where} is {value}, expected an integer >= {minimum}")
    return int(value)


def _finite(a: np.ndarray, where: str, shape: Tuple[int, ...]) -> np.ndarray:
    if a.shape != shape:
        raise ValueError(f"{where} has shape {a.shape}, expected {shape}")
    out = np.asarray(a, dtype=np.float64)
    if not np.isfinite(out).all():
        raise ValueError(f"{where} holds a non-finite value")
    return out


def load(file: PathLike, check: bool = True) -> Moments:
    """Reads a moments file (written by ``sslexp moments`` or :meth:`Moments.save`).

    Raises ValueError naming the member when the file is not a moments file, has shapes
    that do not fit, or (``check``) holds sums that no samples can have, as sslexp does.
    """
    with np.load(file, allow_pickle=False) as z:
        arrays: Dict[str, np.ndarray] = {k: z[k] for k in z.files}
    name = str(file)

    def need(key: str) -> np.ndarray:
        if key not in arrays:
            raise ValueError(f"{name} is not a moments file: it has no array '{key}' (available: {', '.join(arrays) or 'none'})")
        return arrays[key]

    for key in ("version", "n", "sum_x", "xtx"):
        need(key)
    version = _count(arrays["version"], f"{name}[version]", 1)
    if version != MOMENTS_VERSION:
        raise ValueError(f"{name} is a moments file of version {version}; this package reads version {MOMENTS_VERSION}")
    n = _count(arrays["n"], f"{name}[n]", 1)
    if arrays["sum_x"].ndim != 1 or not 1 <= arrays["sum_x"].shape[0] <= MAX_FEATURES:
        raise ValueError(f"{name}[sum_x] has shape {arrays['sum_x'].shape}, expected (d,) with 1 <= d <= {MAX_FEATURES}")
    d = arrays["sum_x"].shape[0]
    clean: Dict[str, Any] = {"n": n, "sum_x": _finite(arrays["sum_x"], f"{name}[sum_x]", (d,))}
    clean["xtx"] = _finite(arrays["xtx"], f"{name}[xtx]", (d, d))
    if "views" in arrays:
        clean["views"] = _count(arrays["views"], f"{name}[views]", 2)
        clean["sum_xbar"] = _finite(need("sum_xbar"), f"{name}[sum_xbar]", (d,))
        for key in ("xbar_t_xbar", "x_t_xbar", "scatter"):
            clean[key] = _finite(need(key), f"{name}[{key}]", (d, d))
    if "classes" in arrays:
        classes = arrays["classes"]
        if classes.ndim != 1 or not 1 <= len(classes) <= MAX_CLASSES:
            raise ValueError(f"{name}[classes] has shape {classes.shape}, expected (c,) with 1 <= c <= {MAX_CLASSES}")
        c = len(classes)
        clean["classes"] = _finite(classes, f"{name}[classes]", (c,))
        if np.any(np.diff(clean["classes"]) <= 0):
            raise ValueError(f"{name}[classes] must be strictly increasing")
        counts = need("class_counts")
        if counts.shape != (c,):
            raise ValueError(f"{name}[class_counts] has shape {counts.shape}, expected {(c,)}")
        clean["class_counts"] = np.array([_count(v, f"{name}[class_counts][{i}]", 0) for i, v in enumerate(counts)], dtype=np.int64)
        if int(clean["class_counts"].sum()) != n:
            raise ValueError(f"{name}: the class counts add up to {int(clean['class_counts'].sum())} but n = {n}")
        clean["y_t_x"] = _finite(need("y_t_x"), f"{name}[y_t_x]", (c, d))
        if "views" in clean:
            clean["y_t_xbar"] = _finite(need("y_t_xbar"), f"{name}[y_t_xbar]", (c, d))
    m = Moments.from_members(clean)
    if check:
        check_moments(m, name)
    return m


# -------------------------------------------------------------------- impossible moments


def _smallest_eigenvalue_below(a: np.ndarray, tau: float) -> Optional[float]:
    lam = float(np.linalg.eigvalsh((a + a.T) / 2)[0]) if a.size else 0.0
    return lam if lam < -tau else None


def _check_block(key: str, a: np.ndarray, terms: int, groups: List[Tuple[int, np.ndarray]], name: str) -> float:
    """Symmetric, non-negative diagonal, positive semi-definite once centred by the groups' sums; returns δ."""
    d = a.shape[0]
    m = float(np.abs(np.diag(a)).max())
    delta = entry_tolerance(terms, max(1, len(groups)), d, m)
    gap = np.abs(a - a.T)
    if gap.max() > delta:
        i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
        raise ValueError(f"{name}[{key}] is not symmetric: entry [{min(i, j)}, {max(i, j)}] differs from [{max(i, j)}, {min(i, j)}] by {gap[i, j]:.4g} (tolerance {delta:.4g})")
    if np.diag(a).min() < -delta:
        j = int(np.argmin(np.diag(a)))
        raise ValueError(f"{name}[{key}] is not positive semi-definite: its diagonal entry [{j}, {j}] is {a[j, j]:.6g}")
    tau = d * delta
    if _smallest_eigenvalue_below(a, tau) is not None:
        raise ValueError(f"{name}[{key}] is not positive semi-definite (tolerance {tau:.4g})")
    if not groups:
        return delta
    diag = np.maximum(np.diag(a) + delta, 0)
    for count, s in groups:
        if np.any(np.abs(s) > np.sqrt(count) * np.sqrt(diag) * (1 + 4 * EPS) + entry_tolerance(terms, len(groups), 0, np.sqrt(terms * diag))):
            raise ValueError(f"{name}[{key}] does not fit its first moments: a sum exceeds √(count · diagonal) (Cauchy–Schwarz)")
    centred = a.copy()
    for count, s in groups:
        if count:
            centred -= np.outer(s, s) / count
    lam = _smallest_eigenvalue_below(centred, tau)
    if lam is not None:
        raise ValueError(f"{name}[{key}] does not fit its first moments: centred, it has the eigenvalue {lam:.6g} (tolerance {tau:.4g})")
    return delta


def check_moments(m: Moments, name: str = "moments") -> None:
    """Raises ValueError naming the member when ``m`` cannot be the sums of real samples (docs/theory.md §2.1.1)."""
    labelled = m.classes is not None
    groups = list(zip(m.class_counts.tolist(), m.y_t_x)) if labelled else [(m.n, m.sum_x)]
    if labelled and not np.all(np.abs(m.y_t_x.sum(axis=0) - m.sum_x) <= entry_tolerance(m.n, len(groups), 0, np.sqrt(m.n * np.maximum(np.diag(m.xtx), 0)))):
        raise ValueError(f"{name}[y_t_x] does not add up to sum_x")
    delta_x = _check_block("xtx", m.xtx, m.n, groups, name)
    if m.views is None:
        return
    groups_bar = list(zip(m.class_counts.tolist(), m.y_t_xbar)) if labelled else [(m.n, m.sum_xbar)]
    delta_b = _check_block("xbar_t_xbar", m.xbar_t_xbar, m.n, groups_bar, name)
    _check_block("scatter", m.scatter, m.n * m.views, [], name)
    cx = np.maximum(np.diag(m.xtx) - m.sum_x**2 / m.n + delta_x, 0)
    cb = np.maximum(np.diag(m.xbar_t_xbar) - m.sum_xbar**2 / m.n + delta_b, 0)
    c = m.x_t_xbar - np.outer(m.sum_x, m.sum_xbar) / m.n
    bound = np.sqrt(np.outer(cx, cb)) + 4 * (m.n + 2) * EPS * np.sqrt(np.abs(np.diag(m.xtx)).max() * np.abs(np.diag(m.xbar_t_xbar)).max())
    if np.any(np.abs(c) > bound):
        raise ValueError(f"{name}[x_t_xbar] does not fit xtx and xbar_t_xbar: a centred entry exceeds the Cauchy–Schwarz bound")
