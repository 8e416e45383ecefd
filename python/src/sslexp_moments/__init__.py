"""Moments files for SSL Paradigm Advisor (``sslexp``), computed where the data live.

A moments file holds the sufficient statistics of sslexp's data mode: uncentred sums over
samples (n, Σ x, Σ x xᵀ, with views Σ x̄, Σ x̄ x̄ᵀ, Σ x x̄ᵀ and the within-sample scatter, with
labels the per-class counts and sums). This package writes exactly the file
``sslexp moments`` writes, from data too large for one machine::

    import sslexp_moments as sm
    sm.from_dask(x, views, labels).save("all.npz")       # a Dask array, reduced on the cluster
    sm.from_batches(loader_batches).save("train.npz")    # (x, views, labels) numpy batches
    sm.merge([sm.load("a.npz"), sm.load("b.npz")]).save("all.npz")   # = sslexp moments --merge

and a spec analyses it with ``data: {moments: {file: all.npz}}``.
"""

from ._load import check_moments, entry_tolerance, load
from ._moments import MEMBERS, MOMENTS_VERSION, Moments, block_moments, merge
from ._sources import from_batches, from_dask

__all__ = [
    "MEMBERS",
    "MOMENTS_VERSION",
    "Moments",
    "block_moments",
    "check_moments",
    "entry_tolerance",
    "from_batches",
    "from_dask",
    "load",
    "merge",
]
__version__ = "0.1.0"
