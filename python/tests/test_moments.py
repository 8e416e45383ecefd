"""The package on its own: every member against a loop-by-loop oracle, batches and Dask chunkings
against one block, merging, the file format, refusals, and the README's two snippets run verbatim."""

from __future__ import annotations

import io
import os
import re
import tempfile
import unittest
import zipfile

import numpy as np

import sslexp_moments as sm
from _support import DOCUMENTED, REPO, assert_documented_dtypes, assert_same_members, chunks_of, members, oracle

try:
    import dask
    import dask.array as da
except ImportError:  # pragma: no cover - the runner refuses to run without dask in CI
    dask = None


def data(n=97, d=5, V=3, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, d)) * np.arange(1, d + 1) + 3.0).astype(dtype)
    views = (x[:, None, :] + rng.normal(size=(n, V, d)) * 0.5).astype(dtype)
    labels = rng.choice([-2.0, 0.0, 1.5, 7.0], size=n)
    return x, views, labels


def file_members(m: sm.Moments):
    buf = io.BytesIO()
    m.save(buf)
    buf.seek(0)
    with np.load(buf) as z:
        return {k: z[k] for k in z.files}


class OneBlock(unittest.TestCase):
    def test_every_member_equals_the_loop_oracle(self):
        for dtype in (np.float64, np.float32):
            x, views, labels = data(dtype=dtype)
            for v, lab in ((None, None), (views, None), (None, labels), (views, labels)):
                got = sm.block_moments(x, v, lab).members()
                assert_same_members(self, got, oracle(x, v, lab), 1e-12, f"{dtype.__name__} views={v is not None} labels={lab is not None}")
                assert_documented_dtypes(self, got)

    def test_members_and_dtypes_are_the_documented_table(self):
        x, views, labels = data()
        got = file_members(sm.block_moments(x, views, labels))
        self.assertEqual([(k, v.dtype.str) for k, v in got.items()], DOCUMENTED)
        self.assertEqual([got[k].shape for k in ("version", "n", "views")], [(), (), ()])
        self.assertEqual((int(got["version"]), int(got["n"]), int(got["views"])), (1, 97, 3))
        self.assertEqual(got["classes"].tolist(), [-2.0, 0.0, 1.5, 7.0])

    def test_the_file_is_an_uncompressed_npz_written_at_the_path_given(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.moments")  # numpy.savez would append .npz to a path
            sm.block_moments(*data()).save(path)
            with zipfile.ZipFile(path) as z:
                self.assertEqual({i.compress_type for i in z.infolist()}, {zipfile.ZIP_STORED})
                self.assertEqual(z.namelist()[:4], ["version.npy", "n.npy", "sum_x.npy", "xtx.npy"])
            self.assertEqual(os.listdir(tmp), ["m.moments"])

    def test_bad_blocks_are_refused_with_the_reason(self):
        x, views, labels = data(n=10)
        cases = [
            ((x[:, 0],), ValueError, r"x must be n x d \(2-D\), got shape \(10,\)"),
            ((x, views[:9]), ValueError, r"views must be n x V x d = 10 x V x 5, got shape \(9, 3, 5\)"),
            ((x, views[:, :1]), ValueError, r"V >= 2 views per sample, got V = 1"),
            ((x, None, labels[:3]), ValueError, r"one label per sample \(10,\), got shape \(3,\)"),
            ((np.where(np.arange(50).reshape(10, 5) == 12, np.nan, x),), ValueError, r"x hold a non-finite value \(nan\) at index \(2, 2\)"),
            ((x, None, np.array(["a"] * 10)), TypeError, r"labels must be numeric"),
            ((x, None, np.arange(10.0) + np.arange(10) * 1000), None, None),
            ((np.zeros((3, 4097)),), ValueError, r"d = 4097 features; sslexp takes 1 to 4096"),
        ]
        for args, error, message in cases:
            if error is None:
                sm.block_moments(*args)
                continue
            with self.assertRaisesRegex(error, message):
                sm.block_moments(*args)
        with self.assertRaisesRegex(ValueError, "1001 distinct values; one-hot targets are limited to 1000"):
            sm.block_moments(np.ones((1001, 1)), None, np.arange(1001))


class Batches(unittest.TestCase):
    def test_any_batching_equals_one_block_and_the_oracle(self):
        x, views, labels = data(n=101)
        want = oracle(x, views, labels)
        for size in (1, 7, 64, 101, 500):
            got = sm.from_batches((x[s], views[s], labels[s]) for s in chunks_of(101, size)).members()
            assert_same_members(self, got, want, 1e-12, f"batches of {size}")
        # forms of a batch: x alone, (x,), (x, None, labels); list items; empty batches skipped
        assert_same_members(self, sm.from_batches([x[:50], (x[50:],), x[:0]]).members(), oracle(x), 1e-12, "x only")
        assert_same_members(self, sm.from_batches([[x[:3], None, labels[:3]], (x[3:], None, labels[3:])]).members(), oracle(x, None, labels), 1e-12)

    def test_array_likes_such_as_cpu_tensors_are_converted(self):
        class Tensor:  # what numpy.asarray sees of a CPU torch tensor
            def __init__(self, a):
                self.a = a

            def __array__(self, dtype=None):
                return self.a if dtype is None else self.a.astype(dtype)

        x, views, labels = data(n=20, dtype=np.float32)
        got = sm.from_batches([(Tensor(x), Tensor(views), Tensor(labels))]).members()
        assert_same_members(self, got, oracle(x, views, labels), 1e-12)

    def test_batches_that_do_not_fit_each_other(self):
        x, views, labels = data(n=10)
        with self.assertRaisesRegex(ValueError, "one shard has view statistics and the other has none"):
            sm.from_batches([(x[:5], views[:5]), (x[5:], None)])
        with self.assertRaisesRegex(ValueError, "one shard has label statistics and the other has none"):
            sm.from_batches([(x[:5], None, labels[:5]), x[5:]])
        with self.assertRaisesRegex(ValueError, "the batches hold no rows"):
            sm.from_batches([])
        with self.assertRaisesRegex(ValueError, "a batch is x, \\(x, views\\) or \\(x, views, labels\\); got a sequence of 4"):
            sm.from_batches([(x, views, labels, labels)])


@unittest.skipIf(dask is None, "dask is not installed")
class Dask(unittest.TestCase):
    def test_any_chunking_and_tree_equals_the_oracle_on_the_threaded_scheduler(self):
        x, views, labels = data(n=203, dtype=np.float32)
        want = oracle(x, views, labels)
        with dask.config.set(scheduler="threads"):
            for rows, split_every in ((203, None), (50, 2), (7, 3), (64, 8)):
                # views and labels chunked differently from x on purpose: they are rechunked to x's rows
                got = sm.from_dask(
                    da.from_array(x, chunks=(rows, 2)),
                    da.from_array(views, chunks=(max(1, rows // 2), 3, 5)),
                    da.from_array(labels, chunks=11),
                    split_every=split_every,
                ).members()
                assert_same_members(self, got, want, 1e-12, f"rows {rows}, split_every {split_every}")
            assert_same_members(self, sm.from_dask(da.from_array(x, chunks=(13, 5))).members(), oracle(x), 1e-12, "x only")
            assert_same_members(self, sm.from_dask(x, None, labels).members(), oracle(x, None, labels), 1e-12, "numpy input")

    def test_it_reduces_chunk_by_chunk_in_a_tree(self):
        x = da.from_array(np.ones((40, 2)), chunks=(4, 2))
        seen = []
        real = sm._sources.block_moments
        try:
            sm._sources.block_moments = lambda *a: seen.append(a[0].shape) or real(*a)
            with dask.config.set(scheduler="threads"):
                m = sm.from_dask(x, split_every=2)
        finally:
            sm._sources.block_moments = real
        self.assertEqual(sorted(seen), [(4, 2)] * 10)  # one call per row chunk, never the whole array
        self.assertEqual((m.n, m.xtx.tolist()), (40, [[40.0, 40.0], [40.0, 40.0]]))

    def test_refusals(self):
        x = da.zeros((10, 3), chunks=5)
        with self.assertRaisesRegex(ValueError, r"views must be n x V x d = 10 x V x 3, got shape \(10, 2, 4\)"):
            sm.from_dask(x, da.zeros((10, 2, 4)))
        with self.assertRaisesRegex(ValueError, r"labels must hold one label per sample \(10,\), got shape \(9,\)"):
            sm.from_dask(x, None, da.zeros(9))
        with self.assertRaisesRegex(ValueError, "the array holds no rows"):
            sm.from_dask(da.zeros((0, 3), chunks=5), scheduler="threads")


class Merging(unittest.TestCase):
    def test_shards_add_up_to_the_whole_and_classes_are_united(self):
        x, views, labels = data(n=120)
        labels = np.where(np.arange(120) < 40, labels % 2, labels)  # the first shard has fewer classes
        whole = oracle(x, views, labels)
        cuts = [slice(0, 40), slice(40, 41), slice(41, 120)]
        parts = [sm.block_moments(x[s], views[s], labels[s]) for s in cuts]
        assert_same_members(self, sm.merge(parts).members(), whole, 1e-12, "merge")
        assert_same_members(self, (parts[2] + parts[0] + parts[1]).members(), whole, 1e-12, "a + b + c, any order")
        assert_same_members(self, sum(parts).members(), whole, 1e-12, "sum()")
        before = parts[0].members()
        _ = parts[0] + parts[1]
        assert_same_members(self, parts[0].members(), before, 0, "a + b leaves a unchanged")

    def test_shards_that_do_not_fit(self):
        x, views, _ = data(n=10)
        a = sm.block_moments(x, views)
        with self.assertRaisesRegex(ValueError, "the shards have d = 5 and d = 2 features"):
            a + sm.block_moments(x[:, :2])
        with self.assertRaisesRegex(ValueError, "the shards have V = 3 and V = 2 views per sample"):
            a + sm.block_moments(x, views[:, :2])
        with self.assertRaisesRegex(ValueError, "merge needs at least one set of moments"):
            sm.merge([])


class Files(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_save_then_load_gives_back_every_member(self):
        m = sm.block_moments(*data())
        m.save(self.path("m.npz"))
        assert_same_members(self, sm.load(self.path("m.npz")).members(), m.members(), 0)

    def test_load_refuses_what_sslexp_refuses(self):
        X = np.array([[1, 2.1, 3.3], [2.2, 1, 0.1], [0.3, 1.4, 2], [5.1, 4, 3.7], [4.2, 5.9, 6.1], [6.3, 5.2, 4]])
        base = dict(version=np.int64(1), n=np.int64(6), sum_x=X.sum(0), xtx=X.T @ X)
        good = sm.block_moments(X, np.stack([X, X + 1], axis=1), np.arange(6) % 2).members()
        cases = [
            (dict(base, xtx=X.T @ X + [[0, 5, 0], [0, 0, 0], [0, 0, 0]]), r"\[xtx\] is not symmetric"),
            (dict(base, xtx=np.diag([50.0, 40, -30])), r"\[xtx\] is not positive semi-definite: its diagonal entry \[2, 2\] is -30"),
            (dict(base, xtx=np.array([[4.0, 5, 0], [5, 4, 0], [0, 0, 1]]), sum_x=np.zeros(3)), r"\[xtx\] is not positive semi-definite"),
            (dict(base, sum_x=10 * X.sum(0)), r"\[xtx\] does not fit its first moments"),
            (dict(base, n=np.int64(2**62)), r"\[n\] is above 2\^53 − 1 = 9007199254740991"),
            (dict(good, scatter=good["scatter"] - 3 * np.eye(3) * good["scatter"].max()), r"\[scatter\] is not positive semi-definite"),
            (dict(good, x_t_xbar=good["x_t_xbar"] * 3), r"\[x_t_xbar\] does not fit xtx and xbar_t_xbar"),
            (dict(good, y_t_x=good["y_t_x"] * [[3], [1]]), r"\[y_t_x\] does not add up to sum_x"),
            # every class sum within Cauchy–Schwarz, the overall covariance 4 I, but the
            # within-class scatter 4 I − 3.61 [[1, 1], [1, 1]] has the eigenvalue −3.22
            (
                dict(version=1, n=4, sum_x=np.zeros(2), xtx=4 * np.eye(2), classes=[0.0, 1], class_counts=[2, 2], y_t_x=[[1.9, 1.9], [-1.9, -1.9]]),
                r"\[xtx\] does not fit its first moments: centred, it has the eigenvalue -3\.22 ",
            ),
            (dict(base, version=np.int64(2)), r"version 2; this package reads version 1"),
            ({k: v for k, v in base.items() if k != "xtx"}, r"is not a moments file: it has no array 'xtx'"),
            ({k: v for k, v in good.items() if k != "scatter"}, r"is not a moments file: it has no array 'scatter' \(available: version, n, sum_x"),
        ]
        for arrays, message in cases:
            np.savez(self.path("bad.npz"), **arrays)
            with self.assertRaisesRegex(ValueError, message):
                sm.load(self.path("bad.npz"))
        np.savez(self.path("good.npz"), **good)
        sm.load(self.path("good.npz"))

    def test_rounding_within_the_documented_tolerance_is_accepted(self):
        # rank-deficient data (d > n) with a large mean: the centred covariance is singular and
        # computed with cancellation; its rounding stays within δ = 4 (n + c + d) ε m
        rng = np.random.default_rng(3)
        x = rng.normal(size=(4, 30)) + 1e4
        m = sm.block_moments(x)
        sm.check_moments(m)
        m.xtx -= np.eye(30) * 30 * sm.entry_tolerance(4, 1, 30, float(np.diag(m.xtx).max())) * 3
        with self.assertRaisesRegex(ValueError, "not positive semi-definite|does not fit its first moments"):
            sm.check_moments(m)


def readme_block(marker: str) -> str:
    """The README's ```python block that contains `marker` (the snippets users copy)."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"{len(found)} README blocks contain {marker!r}"
    return found[0]


class Readme(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.cwd = os.getcwd()
        os.chdir(self.tmp.name)
        self.addCleanup(os.chdir, self.cwd)

    @unittest.skipIf(dask is None, "dask is not installed")
    def test_the_dask_snippet_runs_verbatim(self):
        x, views, labels = data(n=9000, d=4, V=2, dtype=np.float32)
        np.save("features.npy", x)
        np.save("views.npy", views)
        np.save("labels.npy", np.arange(9000) % 3)
        with dask.config.set(scheduler="threads"):
            exec(compile(readme_block("sm.from_dask("), "README.md", "exec"), {})
        assert_same_members(self, members("all.npz"), oracle(x, views, np.arange(9000) % 3), 1e-10, "README Dask")

    def test_the_dataloader_recipe_runs_verbatim_on_numpy_stand_ins(self):
        class Tensor:  # the two methods of a torch tensor the recipe uses
            def __init__(self, a):
                self.a = a

            def flatten(self, start):
                return Tensor(self.a.reshape(self.a.shape[:start] + (-1,)))

            def numpy(self):
                return self.a

        rng = np.random.default_rng(5)
        images = rng.normal(size=(50, 1, 3, 2))
        targets = rng.integers(0, 4, 50)
        loader = [(Tensor(images[s]), Tensor(targets[s])) for s in chunks_of(50, 16)]
        draws = iter(rng.normal(size=(4 * 4, 16, 1, 3, 2)))  # one seeded perturbation per call
        augment = lambda t: Tensor(t.a + next(draws)[: len(t.a)])  # noqa: E731
        exec(compile(readme_block("sm.from_batches("), "README.md", "exec"), {"loader": loader, "augment": augment})
        # the oracle replays the same draws: the V views of each batch, in order
        rng2 = np.random.default_rng(5)
        rng2.normal(size=(50, 1, 3, 2))
        rng2.integers(0, 4, 50)
        again = iter(rng2.normal(size=(4 * 4, 16, 1, 3, 2)))
        views = np.concatenate(
            [np.stack([(images[s] + next(again)[: s.stop - s.start]).reshape(s.stop - s.start, -1) for _ in range(4)], axis=1) for s in chunks_of(50, 16)]
        )
        assert_same_members(self, members("train.npz"), oracle(images.reshape(50, -1), views, targets), 1e-12, "README DataLoader")


if __name__ == "__main__":
    unittest.main()
