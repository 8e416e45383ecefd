/**
 * The dense kernels behind the solvers (src/core/linalg/kernels.ts, blas.ts): the
 * WebAssembly SIMD backend, the scalar JS backend and the two-thread split must give the
 * same numbers, and the blocked routines built on them (Cholesky, triangular solves,
 * tridiagonalisation) must be right at sizes that cross every block boundary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/numerics/rng';
import { Matrix, cholesky, gram, matmul, matmulTransA, symmetricEigen, symmetricEigenvalues, topSymmetricEigen } from '../../src/core/numerics/dense';
import { reduceSymmetric, rightSolveLowerTrans, solveLower, solveLowerTrans, tryCholesky } from '../../src/core/numerics/dense/factor';
import { gemmTN, GramStream, operand } from '../../src/core/numerics/dense/blas';
import { kernelHelperReady, setKernelBackend, setKernelHelperEnabled } from '../../src/core/numerics/dense/kernels';
import { kernelThreadsReady, startKernelThreads } from '../../src/node/kernelThreads';
import { readMatrix } from '../../src/core/io/readArray';
import { npy } from './support/npy';
import { naiveMul, randn } from './support/matrices';

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}

/** A random SPD matrix with condition number about `cond` (eigenvalues log-spaced). */
function spd(rng: Rng, n: number, cond: number): { a: Matrix; eig: Float64Array } {
  const q = symmetricEigen(gram(randn(rng, n + 3, n))).vectors;
  const eig = new Float64Array(n);
  for (let i = 0; i < n; i++) eig[i] = cond ** -(i / Math.max(1, n - 1));
  const a = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q.data[i * n + k] * eig[k] * q.data[j * n + k];
      a.data[i * n + j] = s;
    }
  return { a, eig };
}

const BACKENDS = ['wasm-simd', 'js'] as const;

test('the WebAssembly SIMD backend is available in this runtime (Node 20 has SIMD and shared memory)', () => {
  assert.equal(setKernelBackend('wasm-simd'), 'wasm-simd');
});

for (const backend of BACKENDS) {
  test(`[${backend}] gemmTN: every shape, transposition and write mode against the naive product`, () => {
    assert.equal(setKernelBackend(backend), backend);
    const rng = new Rng(11);
    // K crosses the 256-row packing chunk; m and n are not multiples of the 4-wide panel
    for (const [k, m, n] of [
      [1, 1, 1],
      [3, 5, 7],
      [300, 9, 6],
      [513, 30, 17],
      [0, 3, 2],
    ] as const) {
      const a = randn(rng, k, m);
      const b = randn(rng, k, n);
      const ref = naiveMul(a.transpose(), b);
      const out = new Float64Array(m * n);
      gemmTN(1, operand(a.data, m, 0, 0, k, m, false), operand(b.data, n, 0, 0, k, n, false), out, 0, n);
      assert.ok(maxRelDiff(out, ref.data) < 1e-13, `A^T B ${k}x${m}x${n}`);
      // transposed operands read from a^T and b^T, output transposed and accumulated with alpha
      const at = a.transpose();
      const bt = b.transpose();
      const acc = new Float64Array(n * m).fill(1);
      gemmTN(-2, operand(at.data, k, 0, 0, k, m, true), operand(bt.data, k, 0, 0, k, n, true), acc, 0, m, { accumulate: true, transOut: true });
      const want = new Float64Array(n * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) want[j * m + i] = 1 - 2 * ref.data[i * n + j];
      assert.ok(maxRelDiff(acc, want) < 1e-13, `transposed ${k}x${m}x${n}`);
    }
    // symmetric rank-k update into a sub-block (offset, leading dimension), upper/lower only
    const x = randn(rng, 70, 23);
    const g = naiveMul(x.transpose(), x);
    const op = operand(x.data, 23, 0, 0, 70, 23, false);
    const ld = 30;
    const upper = new Float64Array(ld * ld).fill(7);
    gemmTN(1, op, op, upper, 2 * ld + 3, ld, { mirror: false });
    const lower = new Float64Array(ld * ld).fill(7);
    gemmTN(1, op, op, lower, 2 * ld + 3, ld, { mirror: false, transOut: true });
    for (let i = 0; i < 23; i++)
      for (let j = 0; j < 23; j++) {
        const o = (2 + i) * ld + 3 + j;
        const v = g.data[i * 23 + j];
        assert.ok(j >= i ? Math.abs(upper[o] - v) < 1e-12 : upper[o] === 7, `upper (${i}, ${j})`);
        assert.ok(j <= i ? Math.abs(lower[o] - v) < 1e-12 : lower[o] === 7, `lower (${i}, ${j})`);
      }
    assert.equal(upper[0], 7);
    assert.equal(upper[ld * ld - 1], 7);
  });

  test(`[${backend}] blocked Cholesky and triangular solves across block boundaries`, () => {
    assert.equal(setKernelBackend(backend), backend);
    const rng = new Rng(12);
    for (const n of [47, 48, 49, 130]) {
      const { a } = spd(rng, n, 1e6);
      const l = cholesky(a);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l.data[i * n + j], 0);
      assert.ok(maxRelDiff(matmul(l, l.transpose()).data, a.data) < 1e-13, `L L^T = A at n = ${n}`);
      const b = randn(rng, n, 19);
      const x = solveLower(l, b);
      assert.ok(maxRelDiff(matmul(l, x).data, b.data) < 1e-10, `L (L^{-1} B) = B at n = ${n}`);
      const y = solveLowerTrans(l, b);
      assert.ok(maxRelDiff(matmul(l.transpose(), y).data, b.data) < 1e-10, `L^T (L^{-T} B) = B at n = ${n}`);
      const c = randn(rng, 9, n);
      const z = rightSolveLowerTrans(c, l);
      assert.ok(maxRelDiff(matmul(z, l.transpose()).data, c.data) < 1e-10, `(B L^{-T}) L^T = B at n = ${n}`);
      // the reduction L^{-1} G L^{-T} is symmetric and equals the unreduced product
      const gm = gram(randn(rng, n + 5, n));
      const k = reduceSymmetric(gm, l);
      const ref = solveLower(l, solveLower(l, gm).transpose());
      assert.ok(maxRelDiff(k.data, ref.data) < 1e-9, `L^{-1} G L^{-T} at n = ${n}`);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(k.data[i * n + j], k.data[j * n + i]);
    }
  });

  test(`[${backend}] Cholesky of a singular matrix fails at the first dependent pivot, past the first block`, () => {
    assert.equal(setKernelBackend(backend), backend);
    const rng = new Rng(13);
    // X has rank 60 (columns 60..99 copy columns 0..39): the pivot of column 60 is ~0
    const x = randn(rng, 200, 100);
    for (let i = 0; i < 200; i++) for (let j = 60; j < 100; j++) x.data[i * 100 + j] = x.data[i * 100 + j - 60];
    const r = tryCholesky(gram(x));
    assert.ok('fail' in r);
    assert.equal(r.fail.pivot, 60);
    assert.ok(Math.abs(r.fail.value) <= r.fail.tolerance);
  });

  test(`[${backend}] eigenvalues and top-k vectors of a known spectrum (tridiagonalisation kernel)`, () => {
    assert.equal(setKernelBackend(backend), backend);
    const rng = new Rng(14);
    for (const n of [50, 131]) {
      const { a, eig } = spd(rng, n, 1e4);
      const values = symmetricEigenvalues(a);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i] - eig[i]) < 1e-12, `λ_${i} at n = ${n}`);
      const top = topSymmetricEigen(a, 6);
      const av = matmul(a, top.vectors);
      for (let j = 0; j < 6; j++) {
        let res = 0;
        for (let i = 0; i < n; i++) res = Math.max(res, Math.abs(av.data[i * 6 + j] - top.values[j] * top.vectors.data[i * 6 + j]));
        assert.ok(res < 1e-12, `residual of vector ${j} at n = ${n}`);
      }
      const vtv = matmulTransA(top.vectors, top.vectors);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) assert.ok(Math.abs(vtv.data[i * 6 + j] - (i === j ? 1 : 0)) < 1e-12);
    }
  });
}

test('both backends agree to roundoff on a Gram, a reduction and a spectrum', () => {
  const rng = new Rng(15);
  const x = randn(rng, 600, 97);
  const run = () => {
    const g = gram(x, 1 / 600);
    const s = new Matrix(
      97,
      97,
      g.data.map((v, i) => v + (i % 98 === 0 ? 0.1 : 0)),
    );
    const k = reduceSymmetric(g, cholesky(s));
    return { g: g.data, k: k.data, ev: symmetricEigenvalues(k) };
  };
  setKernelBackend('js');
  const js = run();
  setKernelBackend('wasm-simd');
  const wasm = run();
  assert.ok(maxRelDiff(wasm.g, js.g) < 1e-14);
  assert.ok(maxRelDiff(wasm.k, js.k) < 1e-12);
  assert.ok(maxRelDiff(wasm.ev, js.ev) < 1e-12);
  // ω of a Cholesky-reduced G ⪯ S lie in [0, 1]
  assert.ok(wasm.ev[0] < 1 && wasm.ev[96] > 0);
});

test('the helper thread splits large products and gives bit-identical results', async () => {
  setKernelBackend('wasm-simd');
  startKernelThreads();
  assert.equal(await kernelThreadsReady(), true);
  assert.equal(kernelHelperReady(), true);
  const rng = new Rng(16);
  const x = randn(rng, 1000, 203); // 2.1e7 multiply-adds per chunk: above the split threshold
  const y = randn(rng, 1000, 150);
  setKernelHelperEnabled(false);
  const one = { g: gram(x).data, p: matmulTransA(x, y).data };
  setKernelHelperEnabled(true);
  const two = { g: gram(x).data, p: matmulTransA(x, y).data };
  // each 4x4 block is computed whole by one thread, in the same order: same bits
  assert.deepEqual(two.g, one.g);
  assert.deepEqual(two.p, one.p);
  assert.ok(maxRelDiff(two.g, naiveMul(x.transpose(), x).data) < 1e-13);
});

test('a Gram accumulated block after block with the helper left running equals gemmTN per block, bit for bit', async () => {
  setKernelBackend('wasm-simd');
  startKernelThreads();
  assert.equal(await kernelThreadsReady(), true);
  const rng = new Rng(17);
  for (const [d, blocks] of [
    [203, [1000, 1000, 37, 1000]],
    [64, [700, 5, 2500]],
  ] as [number, number[]][]) {
    const xs = blocks.map((rows) => randn(rng, rows, d).data);
    const other = randn(rng, 600, 150);
    // reference: one accumulating gemmTN per block, on this thread only
    setKernelHelperEnabled(false);
    const ref = new Float64Array(d * d);
    xs.forEach((x, b) => {
      const a = operand(x, d, 0, 0, blocks[b], d, false);
      gemmTN(1, a, a, ref, 0, d, { accumulate: true });
    });
    const otherRef = gram(other).data;
    setKernelHelperEnabled(true);
    const got = new Float64Array(d * d);
    const s = new GramStream(got, d);
    // a second stream of another width, interleaved
    const got2 = new Float64Array(150 * 150);
    const s2 = new GramStream(got2, 150);
    let otherGot: Float64Array = new Float64Array(0);
    xs.forEach((x, b) => {
      s.add(x, blocks[b]);
      // any other use of the kernels first settles the block left running
      if (b === 1) otherGot = gram(other).data;
      if (b === 2) s2.add(other.data, 600);
    });
    s.finish();
    s2.finish();
    assert.deepEqual(got, ref, `d = ${d}`);
    assert.deepEqual(otherGot, otherRef);
    assert.deepEqual(got2, otherRef);
    const all = new Matrix(
      blocks.reduce((p, q) => p + q, 0),
      d,
      Float64Array.from(xs.flatMap((x) => [...x])),
    );
    assert.ok(maxRelDiff(got, naiveMul(all.transpose(), all).data) < 1e-13);
  }
  // the scalar backend has no helper: the same sums, on this thread
  setKernelBackend('js');
  try {
    const x = randn(rng, 300, 9).data;
    const got = new Float64Array(81);
    const s = new GramStream(got, 9);
    s.add(x, 300);
    s.finish();
    const ref = new Float64Array(81);
    gemmTN(1, operand(x, 9, 0, 0, 300, 9, false), operand(x, 9, 0, 0, 300, 9, false), ref, 0, 9, { accumulate: true });
    assert.deepEqual(got, ref);
  } finally {
    setKernelBackend('wasm-simd');
  }
});

test('.npy doubles from a pooled Node Buffer (non-zero byteOffset) decode to the right values', () => {
  const values = [1.5, -2.25, 3, 4e-300, -5e300, 6];
  const file = npy(values, { shape: [3, 2] });
  // a Buffer carved out of a larger allocation, as readFileSync and Buffer.from may give
  const big = Buffer.alloc(file.length + 13);
  Buffer.from(file).copy(big, 13);
  const bytes = big.subarray(13);
  assert.notEqual(bytes.byteOffset % 8, 0);
  const m = readMatrix(bytes, 'x.npy');
  assert.deepEqual(m.shape, [3, 2]);
  assert.deepEqual(Array.from(m.data), values);
});
