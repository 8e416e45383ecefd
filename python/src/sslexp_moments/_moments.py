"""The moments of a set of samples and the moments file that holds them.

A moments file (README "Moments as a file") is a ``.npz`` of uncentred sums over samples,
the sufficient statistics of sslexp's data mode (docs/theory.md §2.1). Sums of disjoint
shards add exactly, so a file can be computed block by block anywhere and merged.
"""

from __future__ import annotations

import os
from typing import IO, Dict, Iterable, List, Optional, Tuple, Union

import numpy as np

#: The version of the moments file this package writes and reads.
MOMENTS_VERSION = 1
#: One-hot labels are limited to this many classes (as in sslexp).
MAX_CLASSES = 1000
#: sslexp's dense solvers take at most this many features.
MAX_FEATURES = 4096

PathLike = Union[str, "os.PathLike[str]"]

#: The members in the order sslexp writes them: name, dtype, which statistics they belong to.
MEMBERS: Tuple[Tuple[str, str, str], ...] = (
    ("version", "<i8", "always"),
    ("n", "<i8", "always"),
    ("sum_x", "<f8", "always"),
    ("xtx", "<f8", "always"),
    ("views", "<i8", "views"),
    ("sum_xbar", "<f8", "views"),
    ("xbar_t_xbar", "<f8", "views"),
    ("x_t_xbar", "<f8", "views"),
    ("scatter", "<f8", "views"),
    ("classes", "<f8", "labels"),
    ("class_counts", "<i8", "labels"),
    ("y_t_x", "<f8", "labels"),
    ("y_t_xbar", "<f8", "labels and views"),
)


class Moments:
    """The sufficient statistics of n samples (every sum uncentred, in float64).

    Attributes mirror the members of the moments file: ``n``, ``sum_x`` (d,), ``xtx``
    (d, d); with views ``views`` (V), ``sum_xbar``, ``xbar_t_xbar``, ``x_t_xbar``,
    ``scatter``; with labels ``classes`` (c,), ``class_counts`` (c,), ``y_t_x`` (c, d) and,
    with views too, ``y_t_xbar`` (c, d). Statistics a set of samples does not have are None.
    """

    def __init__(
        self,
        n: int,
        sum_x: np.ndarray,
        xtx: np.ndarray,
        *,
        views: Optional[int] = None,
        sum_xbar: Optional[np.ndarray] = None,
        xbar_t_xbar: Optional[np.ndarray] = None,
        x_t_xbar: Optional[np.ndarray] = None,
        scatter: Optional[np.ndarray] = None,
        classes: Optional[np.ndarray] = None,
        class_counts: Optional[np.ndarray] = None,
        y_t_x: Optional[np.ndarray] = None,
        y_t_xbar: Optional[np.ndarray] = None,
    ) -> None:
        self.n = int(n)
        self.sum_x = sum_x
        self.xtx = xtx
        self.views = None if views is None else int(views)
        self.sum_xbar = sum_xbar
        self.xbar_t_xbar = xbar_t_xbar
        self.x_t_xbar = x_t_xbar
        self.scatter = scatter
        self.classes = classes
        self.class_counts = class_counts
        self.y_t_x = y_t_x
        self.y_t_xbar = y_t_xbar

    @property
    def d(self) -> int:
        """The number of features."""
        return int(self.sum_x.shape[0])

    def __repr__(self) -> str:
        parts = [f"n={self.n}", f"d={self.d}"]
        if self.views is not None:
            parts.append(f"views={self.views}")
        if self.classes is not None:
            parts.append(f"classes={len(self.classes)}")
        return f"Moments({', '.join(parts)})"

    # ---------------------------------------------------------------- merging

    def copy(self) -> "Moments":
        """A deep copy (every array copied)."""
        return Moments.from_members(self.members())

    def __add__(self, other: "Moments") -> "Moments":
        """The moments of the union of two disjoint sets of samples (every sum added)."""
        if not isinstance(other, Moments):
            return NotImplemented
        return self.copy()._absorb(other)

    def __radd__(self, other: object) -> "Moments":
        # sum([a, b, c]) starts from 0
        if isinstance(other, int) and other == 0:
            return self.copy()
        return NotImplemented

    def _absorb(self, other: "Moments") -> "Moments":
        """self += other, in place (what merging shards and batches does)."""
        if other.d != self.d:
            raise ValueError(f"the shards have d = {self.d} and d = {other.d} features")
        if (self.views is None) != (other.views is None):
            raise ValueError("one shard has view statistics and the other has none")
        if self.views is not None and self.views != other.views:
            raise ValueError(f"the shards have V = {self.views} and V = {other.views} views per sample")
        if (self.classes is None) != (other.classes is None):
            raise ValueError("one shard has label statistics and the other has none")
        self.n += other.n
        self.sum_x += other.sum_x
        self.xtx += other.xtx
        if self.views is not None:
            for key in ("sum_xbar", "xbar_t_xbar", "x_t_xbar", "scatter"):
                getattr(self, key).__iadd__(getattr(other, key))
        if self.classes is not None:
            self._absorb_classes(other)
        return self

    def _absorb_classes(self, other: "Moments") -> None:
        """Unites the label classes (a class missing from one side has zero counts there)."""
        classes = np.union1d(self.classes, other.classes)
        if len(classes) > MAX_CLASSES:
            raise ValueError(f"the shards together have {len(classes)} classes, over the limit of {MAX_CLASSES}")
        tables = ["class_counts", "y_t_x"] + (["y_t_xbar"] if self.views is not None else [])
        if len(classes) != len(self.classes):
            mine = np.searchsorted(classes, self.classes)
            for key in tables:
                old = getattr(self, key)
                grown = np.zeros((len(classes),) + old.shape[1:], dtype=old.dtype)
                grown[mine] = old
                setattr(self, key, grown)
            self.classes = classes
        theirs = np.searchsorted(classes, other.classes)
        for key in tables:
            getattr(self, key)[theirs] += getattr(other, key)

    # ---------------------------------------------------------------- the file

    def members(self) -> Dict[str, np.ndarray]:
        """The arrays of the moments file, in sslexp's order and dtypes."""
        values = {
            "version": np.int64(MOMENTS_VERSION),
            "n": np.int64(self.n),
            "sum_x": self.sum_x,
            "xtx": self.xtx,
        }
        if self.views is not None:
            values.update(
                views=np.int64(self.views),
                sum_xbar=self.sum_xbar,
                xbar_t_xbar=self.xbar_t_xbar,
                x_t_xbar=self.x_t_xbar,
                scatter=self.scatter,
            )
        if self.classes is not None:
            values.update(classes=self.classes, class_counts=self.class_counts, y_t_x=self.y_t_x)
            if self.views is not None:
                values.update(y_t_xbar=self.y_t_xbar)
        out: Dict[str, np.ndarray] = {}
        for name, dtype, _ in MEMBERS:
            if name in values:
                out[name] = np.array(values[name], dtype=dtype, order="C")  # 0-d stays 0-d
        return out

    def save(self, file: Union[PathLike, IO[bytes]]) -> None:
        """Writes the moments file (an uncompressed ``.npz``; the path is used as given)."""
        members = self.members()
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as f:
                np.savez(f, **members)
        else:
            np.savez(file, **members)

    @staticmethod
    def from_members(arrays: Dict[str, np.ndarray]) -> "Moments":
        """Moments from the arrays of a moments file (copied to float64; shapes checked by :func:`load`)."""
        f8 = lambda key: None if key not in arrays else np.array(arrays[key], dtype=np.float64)  # noqa: E731
        return Moments(
            int(arrays["n"]),
            f8("sum_x"),
            f8("xtx"),
            views=None if "views" not in arrays else int(arrays["views"]),
            sum_xbar=f8("sum_xbar"),
            xbar_t_xbar=f8("xbar_t_xbar"),
            x_t_xbar=f8("x_t_xbar"),
            scatter=f8("scatter"),
            classes=f8("classes"),
            class_counts=None if "class_counts" not in arrays else np.array(arrays["class_counts"], dtype=np.int64),
            y_t_x=f8("y_t_x"),
            y_t_xbar=f8("y_t_xbar") if "views" in arrays else None,
        )


def merge(parts: Iterable[Moments]) -> Moments:
    """The moments of the union of disjoint shards, as ``sslexp moments --merge`` computes them."""
    total: Optional[Moments] = None
    for part in parts:
        total = part.copy() if total is None else total._absorb(part)
    if total is None:
        raise ValueError("merge needs at least one set of moments")
    return total


# -------------------------------------------------------------------- one block of rows


def _float_rows(a: object, what: str) -> np.ndarray:
    """A numeric array as C-contiguous float64 (torch tensors and other array-likes too)."""
    arr = np.asarray(a)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{what} must be numeric, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{what} must be real, got dtype {arr.dtype}")
    out = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(out).all():
        bad = np.argwhere(~np.isfinite(out))[0]
        raise ValueError(f"{what} hold a non-finite value ({out[tuple(bad)]}) at index {tuple(int(i) for i in bad)} of the block")
    return out


def _shapes(x: np.ndarray, views: Optional[np.ndarray], labels: Optional[np.ndarray]) -> None:
    if x.ndim != 2:
        raise ValueError(f"x must be n x d (2-D), got shape {x.shape}")
    if x.shape[1] < 1 or x.shape[1] > MAX_FEATURES:
        raise ValueError(f"x has d = {x.shape[1]} features; sslexp takes 1 to {MAX_FEATURES}")
    if views is not None:
        if views.ndim != 3 or views.shape[0] != x.shape[0] or views.shape[2] != x.shape[1]:
            raise ValueError(f"views must be n x V x d = {x.shape[0]} x V x {x.shape[1]}, got shape {views.shape}")
        if views.shape[1] < 2:
            raise ValueError(f"views must have V >= 2 views per sample, got V = {views.shape[1]}")
    if labels is not None and labels.shape != (x.shape[0],):
        raise ValueError(f"labels must hold one label per sample ({x.shape[0]},), got shape {labels.shape}")


def _view_moments(x: np.ndarray, views: np.ndarray) -> Tuple[np.ndarray, Dict[str, object]]:
    rows, V, d = views.shape
    xbar = views.sum(axis=1) * (1.0 / V)
    dev = (views - xbar[:, None, :]).reshape(rows * V, d)
    # Σ = (1/n) Σ_i 1/(V−1) Σ_v (v − x̄_i)(v − x̄_i)ᵀ (docs/theory.md §2.1, views)
    stats = dict(
        views=V,
        sum_xbar=xbar.sum(axis=0),
        xbar_t_xbar=xbar.T @ xbar,
        x_t_xbar=x.T @ xbar,
        scatter=(dev.T @ dev) * (1.0 / (V - 1)),
    )
    return xbar, stats


def _class_sums(labels: np.ndarray, tables: List[np.ndarray]) -> Tuple[np.ndarray, np.ndarray, List[np.ndarray]]:
    """The distinct labels (increasing), their counts and per-class row sums of each table."""
    classes, inverse = np.unique(labels, return_inverse=True)
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"the labels take {len(classes)} distinct values; one-hot targets are limited to {MAX_CLASSES} classes")
    counts = np.bincount(inverse, minlength=len(classes)).astype(np.int64)
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return classes, counts, [np.add.reduceat(t[order], starts, axis=0) for t in tables]


def block_moments(x: object, views: object = None, labels: object = None) -> Optional[Moments]:
    """The moments of one block of rows held in memory (None for a block of no rows).

    x: n x d; views: n x V x d (V >= 2), the augmented views of each sample; labels: n
    numbers (one class each). Any numeric dtype; everything is accumulated in float64.
    """
    xa = _float_rows(x, "x")
    va = None if views is None else _float_rows(views, "views")
    la = None if labels is None else _float_rows(labels, "labels")
    if la is not None and la.ndim == 2 and la.shape[1] == 1:
        la = la[:, 0]
    _shapes(xa, va, la)
    d = xa.shape[1]
    if xa.shape[0] == 0:
        return None
    m = Moments(xa.shape[0], xa.sum(axis=0), xa.T @ xa)
    xbar = None
    if va is not None:
        xbar, stats = _view_moments(xa, va)
        for key, value in stats.items():
            setattr(m, key, value)
    if la is not None:
        m.classes, m.class_counts, sums = _class_sums(la, [xa] + ([xbar] if xbar is not None else []))
        m.y_t_x = sums[0].reshape(-1, d)
        if xbar is not None:
            m.y_t_xbar = sums[1].reshape(-1, d)
    return m
