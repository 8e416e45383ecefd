"""Moments from where the data live: batches in one process, or a Dask array on a cluster."""

from __future__ import annotations

import functools
from typing import Any, Iterable, Optional, Tuple

import numpy as np

from ._moments import MAX_FEATURES, Moments, block_moments


def _batch_parts(item: Any) -> Tuple[Any, Any, Any]:
    """(x, views, labels) of one batch: an array, or a tuple/list of one to three (None where absent)."""
    if isinstance(item, (tuple, list)):
        if not 1 <= len(item) <= 3:
            raise ValueError(f"a batch is x, (x, views) or (x, views, labels); got a sequence of {len(item)}")
        parts = list(item) + [None] * (3 - len(item))
        return parts[0], parts[1], parts[2]
    return item, None, None


def from_batches(batches: Iterable[Any]) -> Moments:
    """The moments of every row of an iterable of batches, accumulated batch by batch.

    Each batch is ``x`` (rows x d), ``(x, views)`` or ``(x, views, labels)`` with views
    rows x V x d and labels (rows,); None stands for an absent part, which must be absent
    in every batch. numpy arrays, or anything ``numpy.asarray`` converts (CPU torch tensors).
    Memory: the d x d sums plus one batch.
    """
    total: Optional[Moments] = None
    for item in batches:
        block = block_moments(*_batch_parts(item))
        if block is None:
            continue
        total = block if total is None else total._absorb(block)
    if total is None:
        raise ValueError("the batches hold no rows")
    return total


# -------------------------------------------------------------------- Dask


def _boxed(value: Optional[Moments], ndim: int) -> np.ndarray:
    """One Moments (or None) in an object array of `ndim` ones: what dask's reduction passes along."""
    out = np.empty((1,) * ndim, dtype=object)
    out.flat[0] = value
    return out


def _merged(parts: Any) -> Optional[Moments]:
    """The union of every Moments in an array of boxed partial results (dask's meta arrays hold none)."""
    total: Optional[Moments] = None
    for p in np.asarray(parts, dtype=object).flat:
        if isinstance(p, Moments):
            total = p.copy() if total is None else total._absorb(p)
    return total


def _chunk(block: np.ndarray, axis: Any = None, keepdims: bool = True, *, d: int, V: int, labels: bool) -> np.ndarray:
    """The moments of one row chunk of [x | views flattened | label] (dask calls it with a 0 x 0 meta block too)."""
    if block.shape[0] == 0 or block.shape[1] == 0:
        return _boxed(None, block.ndim)
    x = block[:, :d]
    views = block[:, d : d + V * d].reshape(block.shape[0], V, d) if V else None
    lab = block[:, -1] if labels else None
    return _boxed(block_moments(x, views, lab), block.ndim)


def _combine(parts: Any, axis: Any = None, keepdims: bool = True) -> np.ndarray:
    return _boxed(_merged(parts), np.ndim(parts))


def _aggregate(parts: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return _boxed(_merged(parts), np.ndim(parts) if keepdims else 0)


def from_dask(x: Any, views: Any = None, labels: Any = None, *, split_every: Optional[int] = None, **compute_kwargs: Any) -> Moments:
    """The moments of a Dask array of rows (and its views and labels), reduced on the cluster.

    x: n x d, chunked by rows (a column chunking is undone); views: n x V x d; labels: n.
    Views and labels are rechunked to x's row chunks. Each row chunk is reduced to its
    moments in float64 (the Gram as ``x.T @ x``) and the partial moments are merged in a
    tree of fan-in ``split_every`` by ``dask.array.reduction``, so the data never leave
    their workers; ``compute_kwargs`` go to ``compute`` (e.g. ``scheduler="threads"``).
    numpy arrays are accepted too (one chunk).
    """
    import dask.array as da

    xd = da.asarray(x)
    if xd.ndim != 2:
        raise ValueError(f"x must be n x d (2-D), got shape {xd.shape}")
    n, d = xd.shape
    if not 1 <= d <= MAX_FEATURES:
        raise ValueError(f"x has d = {d} features; sslexp takes 1 to {MAX_FEATURES}")
    rows = xd.chunks[0]
    parts = [xd.rechunk({0: rows, 1: -1}).astype(np.float64)]
    V = 0
    if views is not None:
        vd = da.asarray(views)
        if vd.ndim != 3 or vd.shape[0] != n or vd.shape[2] != d:
            raise ValueError(f"views must be n x V x d = {n} x V x {d}, got shape {vd.shape}")
        V = vd.shape[1]
        parts.append(vd.rechunk({0: rows, 1: -1, 2: -1}).astype(np.float64).reshape(n, V * d))
    if labels is not None:
        ld = da.asarray(labels)
        if ld.ndim == 2 and ld.shape[1] == 1:
            ld = ld[:, 0]
        if ld.shape != (n,):
            raise ValueError(f"labels must hold one label per sample ({n},), got shape {ld.shape}")
        if not (np.issubdtype(ld.dtype, np.number) or ld.dtype == np.bool_):
            raise TypeError(f"labels must be numeric, got dtype {ld.dtype}")
        parts.append(ld.rechunk({0: rows}).astype(np.float64)[:, None])
    # one column chunk: each task sees whole rows of [x | views | label]
    joined = da.concatenate(parts, axis=1).rechunk({0: rows, 1: -1}) if len(parts) > 1 else parts[0]
    chunk = functools.partial(_chunk, d=d, V=V, labels=labels is not None)
    reduced = da.reduction(
        joined, chunk, _aggregate, combine=_combine, axis=(0, 1), keepdims=False, dtype=object, split_every=split_every, concatenate=True
    )
    result = np.asarray(reduced.compute(**compute_kwargs), dtype=object).flat[0]
    if not isinstance(result, Moments):
        raise ValueError("the array holds no rows")
    return result
