"""The package against `sslexp moments` (node dist/cli.js) on the same rows: every member to 1e-10,
in several chunkings and shardings, float32 and float64; shards merged either way; and
`sslexp analyze` gives the same output from a Python-written file as from the CLI's."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unittest

import numpy as np

import sslexp_moments as sm
from _support import assert_documented_dtypes, assert_same_members, chunks_of, members, oracle, require_cli

try:
    import dask
    import dask.array as da
except ImportError:  # pragma: no cover
    dask = None

N, D, V = 241, 6, 3
SHARDS = [slice(0, 90), slice(90, 91), slice(91, N)]


def rows(dtype):
    rng = np.random.default_rng(11)
    x = (rng.normal(size=(N, D)) * np.linspace(0.5, 4, D) + np.linspace(-3, 9, D)).astype(dtype)
    views = (x[:, None, :] + rng.normal(size=(N, V, D)) * np.linspace(0.2, 1, D)).astype(dtype)
    labels = rng.choice([-1, 0, 2, 5, 9], size=N)
    labels[:90] = labels[:90] % 2  # the first shard has fewer classes
    return x, views, labels


class Crosscheck(unittest.TestCase):
    def setUp(self):
        self.cli = require_cli(self)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def path(self, name):
        return os.path.join(self.dir, name)

    def sslexp(self, *args):
        r = self.cli.run(list(args), cwd=self.dir)
        self.assertEqual(r.returncode, 0, f"sslexp {' '.join(args)}: {r.stderr}")
        return r.stdout

    def cli_moments(self, name, x, views, labels):
        np.save(self.path(f"{name}x.npy"), x)
        np.save(self.path(f"{name}v.npy"), views)
        np.save(self.path(f"{name}y.npy"), labels)
        self.sslexp("moments", f"{name}x.npy", "--views", f"{name}v.npy", "--labels", f"{name}y.npy", "-o", f"{name}.npz")
        return members(self.path(f"{name}.npz"))

    def test_every_member_equals_sslexp_moments_in_every_chunking(self):
        for dtype in (np.float64, np.float32):
            x, views, labels = rows(dtype)
            ts = self.cli_moments("all", x, views, labels)
            assert_documented_dtypes(self, ts, "sslexp moments")
            assert_same_members(self, ts, oracle(x, views, labels), 1e-12, "sslexp moments vs the oracle")
            tag = dtype.__name__
            for size in (1, 16, N):
                sm.from_batches((x[s], views[s], labels[s]) for s in chunks_of(N, size)).save(self.path("py.npz"))
                assert_same_members(self, members(self.path("py.npz")), ts, 1e-10, f"{tag} from_batches({size})")
            if dask is not None:
                with dask.config.set(scheduler="threads"):
                    for chunk, split_every in ((N, None), (40, 2), (9, 4)):
                        m = sm.from_dask(da.from_array(x, chunks=(chunk, D)), da.from_array(views, chunks=(chunk, V, D)), da.from_array(labels, chunks=chunk), split_every=split_every)
                        m.save(self.path("dask.npz"))
                        assert_same_members(self, members(self.path("dask.npz")), ts, 1e-10, f"{tag} from_dask({chunk}, {split_every})")
            elif os.environ.get("SSLEXP_REQUIRE_CLI") == "1":
                self.fail("dask is required here")
            # without labels, without views: the members sslexp writes then
            np.save(self.path("ax.npy"), x)
            self.sslexp("moments", "ax.npy", "-o", "plain.npz")
            assert_same_members(self, sm.block_moments(x).members(), members(self.path("plain.npz")), 1e-10, f"{tag} x only")

    def test_shards_merged_by_either_side_equal_the_whole(self):
        x, views, labels = rows(np.float32)
        whole = self.cli_moments("whole", x, views, labels)
        names = []
        for i, s in enumerate(SHARDS):
            self.cli_moments(f"ts{i}", x[s], views[s], labels[s])
            sm.block_moments(x[s], views[s], labels[s]).save(self.path(f"py{i}.npz"))
            names.append(i)
        # the CLI merges Python-written shards; Python merges CLI-written shards
        self.sslexp("moments", "--merge", *[f"py{i}.npz" for i in names], "-o", "cli-merged.npz")
        assert_same_members(self, members(self.path("cli-merged.npz")), whole, 1e-10, "sslexp --merge of Python shards")
        sm.merge(sm.load(self.path(f"ts{i}.npz")) for i in names).save(self.path("py-merged.npz"))
        assert_same_members(self, members(self.path("py-merged.npz")), whole, 1e-10, "sm.merge of sslexp shards")
        self.sslexp("moments", "--merge", *[f"ts{i}.npz" for i in names], "-o", "ts-merged.npz")
        assert_same_members(self, members(self.path("py-merged.npz")), members(self.path("ts-merged.npz")), 1e-12, "the two merges")

    def analyses(self, spec, a, b, text=False):
        """`sslexp analyze --json` (and the text output) of `spec` with the moments file a, then b, file names replaced."""
        out = []
        for f in (a, b):
            with open(self.path("spec.sslexp.yaml"), "w") as fh:
                fh.write(spec.replace("FILE", f))
            js = json.loads(self.sslexp("analyze", "spec.sslexp.yaml", "--json").replace(f, "FILE"))
            out.append((self.sslexp("analyze", "spec.sslexp.yaml").replace(f, "FILE") if text else None, js))
        return out

    def assert_close(self, a, b, where="json"):
        if isinstance(b, dict):
            self.assertEqual(sorted(a), sorted(b), where)
            for k in b:
                self.assert_close(a[k], b[k], f"{where}.{k}")
        elif isinstance(b, list):
            self.assertEqual(len(a), len(b), where)
            for i, (p, q) in enumerate(zip(a, b)):
                self.assert_close(p, q, f"{where}[{i}]")
        elif isinstance(b, float):
            self.assertLessEqual(abs(a - b), 1e-9 * max(1.0, abs(b)), where)
        else:
            self.assertEqual(a, b, where)

    SPECS = [
        "sslexp: 1\nlatent: 3\ndata: {moments: {file: FILE}}\n",  # the views' own augmentation
        "sslexp: 1\nalpha: 0.5\ndata: {moments: {file: FILE}, pca: 3, noise: {count: 2, variance: 1.5}}\naugmentation: {additive: {theta: 0.2}}\n",
        "sslexp: 1\nlatent: 2\ndata: {moments: {file: FILE}, center: true}\naugmentation: {masking: {keep: 0.6}}\n",
    ]

    def test_analyze_gives_the_same_output_from_either_file(self):
        x, views, labels = rows(np.float64)
        self.cli_moments("ts", x, views, labels)
        sm.from_batches((x[s], views[s], labels[s]) for s in chunks_of(N, 50)).save(self.path("py.npz"))
        for spec in self.SPECS:
            (_, tjson), (_, pjson) = self.analyses(spec, "ts.npz", "py.npz")
            self.assert_close(pjson, tjson, spec)
            self.assertIn("moments-only", [p["code"] for p in tjson["problems"]])

    def test_analyze_text_is_identical_when_the_sums_are_exact(self):
        # values on a grid of 1/8 and V = 2: every sum is exact in float64 whatever the order,
        # so both files hold the same numbers and the analyses print the same text
        rng = np.random.default_rng(4)
        x = rng.integers(-40, 40, size=(N, D)) / 8 + np.arange(D)
        views = x[:, None, :] + rng.integers(-8, 8, size=(N, 2, D)) / 8
        labels = rng.integers(0, 3, size=N)
        ts = self.cli_moments("ex", x, views, labels)
        sm.from_batches((x[s], views[s], labels[s]) for s in chunks_of(N, 17)).save(self.path("py.npz"))
        assert_same_members(self, members(self.path("py.npz")), ts, 0, "exact sums")
        for spec in self.SPECS:
            (ttext, tjson), (ptext, pjson) = self.analyses(spec, "ex.npz", "py.npz", text=True)
            self.assertEqual(ptext, ttext, spec)
            self.assertEqual(pjson, tjson, spec)

    def test_sslexp_refuses_what_load_refuses(self):
        X = np.array([[1, 2.1, 3.3], [2.2, 1, 0.1], [0.3, 1.4, 2], [5.1, 4, 3.7], [4.2, 5.9, 6.1], [6.3, 5.2, 4]])
        np.savez(self.path("nonsym.npz"), version=np.int64(1), n=np.int64(6), sum_x=X.sum(0), xtx=X.T @ X + [[0, 5, 0], [0, 0, 0], [0, 0, 0]])
        with self.assertRaisesRegex(ValueError, r"nonsym\.npz\[xtx\] is not symmetric"):
            sm.load(self.path("nonsym.npz"))
        r = self.cli.run(["moments", "--merge", "nonsym.npz", "nonsym.npz", "-o", "m.npz"], cwd=self.dir)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(re.match(r"nonsym\.npz: error file-parse-error: nonsym\.npz\[xtx\] is not symmetric", r.stderr), r.stderr)
        self.assertFalse(os.path.exists(self.path("m.npz")))
        # numpy's own int64 n = 2^62: refused as above 2^53 − 1, located on the spec's file value
        np.savez(self.path("n62.npz"), version=np.int64(1), n=np.int64(2**62), sum_x=X.sum(0), xtx=X.T @ X)
        with open(self.path("n62.sslexp.yaml"), "w") as fh:
            fh.write("sslexp: 1\nlatent: 2\ndata: {moments: {file: n62.npz}}\naugmentation: {masking: {keep: 0.5}}\n")
        r = self.cli.run(["check", "n62.sslexp.yaml"], cwd=self.dir)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(
            r.stdout,
            "n62.sslexp.yaml:3:24: error file-parse-error: Cannot read 'n62.npz': n62.npz[n] is above 2^53 − 1 = 9007199254740991 "
            "(it reads as 4.6117e+18): expected an integer from 1 to 2^53 − 1; float64 does not hold every integer beyond.\n",
        )
        with self.assertRaisesRegex(ValueError, r"n62\.npz\[n\] is above 2\^53 − 1 = 9007199254740991"):
            sm.load(self.path("n62.npz"))


if __name__ == "__main__":
    unittest.main()
