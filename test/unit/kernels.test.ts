/**
 * The dense kernels behind the solvers (src/core/numerics/dense/kernels.ts, blas.ts): the
 * WebAssembly backends with and without relaxed-SIMD fused multiply-add, the scalar JS
 * backend and the two-thread split must agree (bit for bit where the arithmetic is the
 * same, to roundoff where FMA rounds once instead of twice), and the blocked routines built
 * on them (Cholesky, triangular solves, tridiagonalisation) must be right at sizes that
 * cross every block boundary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/numerics/rng';
import { Matrix, cholesky, gram, matmul, matmulTransA, symmetricEigen, symmetricEigenvalues, topSymmetricEigen } from '../../src/core/numerics/dense';
import { reduceSymmetric, rightSolveLowerTrans, solveLower, solveLowerTrans, tryCholesky } from '../../src/core/numerics/dense/factor';
import { gemmTN, GramStream, operand } from '../../src/core/numerics/dense/blas';
import { kernelHelperReady, kernelHelperTiles, kernels, setKernelBackend, setKernelHelperEnabled } from '../../src/core/numerics/dense/kernels';
import { enableRelaxedSimd, kernelThreadsReady, startKernelThreads } from '../../src/node/kernelThreads';
import { readFileSync } from 'node:fs';
import { readMatrix } from '../../src/core/io/readArray';
import { giveScratch, takeScratch } from '../../src/core/numerics/dense/scratch';
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

// before the kernels are first used: Node 20 has relaxed SIMD behind a V8 flag
const relaxed = enableRelaxedSimd();

const BACKENDS = ['wasm-fma', 'wasm-simd', 'js'] as const;

test('both WebAssembly backends are available in this runtime (Node 20: SIMD, shared memory, relaxed SIMD once enabled)', () => {
  assert.equal(relaxed, true);
  assert.equal(kernels().name, 'wasm-fma', 'the default where relaxed SIMD validates');
  assert.equal(setKernelBackend('wasm-simd'), 'wasm-simd');
  assert.equal(setKernelBackend('wasm-fma'), 'wasm-fma');
});

test('wasm-fma rounds a multiply-add once (where the CPU fuses), wasm-simd and js twice', () => {
  // C = a1 b1 + a2 b2 with a1 b1 = -(1 + 2^-29) and a2 b2 = (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60:
  // fused, the second step keeps 2^-60; rounded twice, (1 + 2^-30)^2 rounds to 1 + 2^-29 and C = 0
  const t = 1 + 2 ** -30;
  const x = new Matrix(2, 1, Float64Array.from([-(1 + 2 ** -29), t]));
  const y = new Matrix(2, 1, Float64Array.from([1, t]));
  const got: Record<string, number> = {};
  for (const backend of BACKENDS) {
    assert.equal(setKernelBackend(backend), backend);
    got[backend] = matmulTransA(x, y).data[0];
  }
  assert.equal(got.js, 0);
  assert.equal(got['wasm-simd'], 0);
  // relaxed SIMD lets a CPU without FMA round twice; an x86-64 CPU with FMA3 fuses
  const fma = /^flags\s*:.*\bfma\b/m.test(readCpuInfo());
  if (fma) assert.equal(got['wasm-fma'], 2 ** -60);
  else assert.ok(got['wasm-fma'] === 0 || got['wasm-fma'] === 2 ** -60);
});

function readCpuInfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

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
      [40, 0, 5],
      [40, 6, 0],
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
    // an empty symmetric product (no columns) is empty, not an error
    const empty = operand(new Float64Array(0), 0, 0, 0, 40, 0, false);
    const none = new Float64Array(0);
    gemmTN(1, empty, empty, none, 0, 0);
    assert.equal(gram(new Matrix(40, 0)).data.length, 0);
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

test('the three backends agree on a Gram, a reduction and a spectrum: wasm-simd and js bit for bit, wasm-fma to roundoff', () => {
  const rng = new Rng(15);
  const x = randn(rng, 600, 97);
  const run = (backend: (typeof BACKENDS)[number]) => {
    assert.equal(setKernelBackend(backend), backend);
    const g = gram(x, 1 / 600);
    const s = new Matrix(
      97,
      97,
      g.data.map((v, i) => v + (i % 98 === 0 ? 0.1 : 0)),
    );
    const k = reduceSymmetric(g, cholesky(s));
    return { g: g.data, k: k.data, ev: symmetricEigenvalues(k) };
  };
  const js = run('js');
  const simd = run('wasm-simd');
  const fma = run('wasm-fma');
  // the same products, rounded the same way in every lane: the same bits
  assert.deepEqual(simd.g, js.g);
  const naive = naiveMul(x.transpose(), x).data.map((v) => v / 600);
  for (const r of [js, simd, fma]) assert.ok(maxRelDiff(r.g, naive) < 1e-14);
  assert.ok(maxRelDiff(fma.g, js.g) < 1e-14);
  assert.ok(maxRelDiff(fma.k, js.k) < 1e-12);
  assert.ok(maxRelDiff(fma.ev, js.ev) < 1e-12);
  assert.ok(maxRelDiff(simd.k, js.k) < 1e-12);
  assert.ok(maxRelDiff(simd.ev, js.ev) < 1e-12);
  // ω of a Cholesky-reduced G ⪯ S lie in [0, 1]
  assert.ok(fma.ev[0] < 1 && fma.ev[96] > 0);
});

for (const backend of ['wasm-fma', 'wasm-simd'] as const) {
  test(`[${backend}] the helper thread shares large products tile by tile and gives bit-identical results`, async () => {
    assert.equal(setKernelBackend(backend), backend);
    startKernelThreads();
    assert.equal(await kernelThreadsReady(), true);
    assert.equal(kernelHelperReady(), true);
    const rng = new Rng(16);
    // 203 columns: 2 x 2 tiles of 32 panels; 1000 rows: 4 chunks, the last one short
    const x = randn(rng, 1000, 203);
    const y = randn(rng, 1000, 150);
    // 300 columns: 3 x 3 tiles, 6 of them in the upper triangle
    const z = randn(rng, 700, 300);
    setKernelHelperEnabled(false);
    const one = { g: gram(x).data, p: matmulTransA(x, y).data, z: gram(z).data };
    setKernelHelperEnabled(true);
    const two = { g: gram(x).data, p: matmulTransA(x, y).data, z: gram(z).data };
    // each 4x4 block is computed whole by one thread, chunk after chunk: same bits
    assert.deepEqual(two.g, one.g);
    assert.deepEqual(two.p, one.p);
    assert.deepEqual(two.z, one.z);
    assert.ok(maxRelDiff(two.g, naiveMul(x.transpose(), x).data) < 1e-13);
    assert.ok(maxRelDiff(two.p, naiveMul(x.transpose(), y).data) < 1e-13);
    assert.ok(maxRelDiff(two.z, naiveMul(z.transpose(), z).data) < 1e-13);
  });

  test(`[${backend}] the tiles the helper thread runs alone equal this thread's, bit for bit`, async () => {
    assert.equal(setKernelBackend(backend), backend);
    startKernelThreads();
    assert.equal(await kernelThreadsReady(), true);
    // a packed 300-column Gram: 75 panels, a 3 x 3 grid of 32-panel tiles, 2 chunks of 256 rows
    const np = 75;
    const kc = 256;
    const chunks = 2;
    const cSize = 16 * np * np;
    const ker = kernels();
    ker.reserve(2 * cSize + 4 * kc * np * chunks);
    const rng = new Rng(19);
    let H = ker.heap();
    for (let i = 2 * cSize; i < 2 * cSize + 4 * kc * np * chunks; i++) H[i] = rng.normal();
    H.fill(0, 0, 2 * cSize);
    setKernelHelperEnabled(false);
    ker.panels(2 * cSize, 2 * cSize, kc, chunks, np, np, 0, true, 0, np);
    setKernelHelperEnabled(true);
    const before = kernelHelperTiles();
    const join = ker.startPanels?.(2 * cSize, 2 * cSize, kc, chunks, np, np, cSize, true, 0, np);
    assert.ok(join, 'posted for both threads');
    // this thread claims nothing before the join: wait until the helper has run every tile
    const t0 = Date.now();
    while (kernelHelperTiles() - before < 9 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(kernelHelperTiles() - before, 9, 'the 9 tiles (3 of them empty, below the diagonal) ran on the helper');
    join();
    H = ker.heap();
    for (let i = 0; i < 4 * np; i++)
      for (let j = 4 * Math.floor(i / 4); j < 4 * np; j++) assert.equal(H[cSize + i * 4 * np + j], H[i * 4 * np + j], `C[${i}][${j}]`);
  });

  test(`[${backend}] a Gram accumulated block after block, the helper computing while blocks are packed, equals gemmTN over the same rows`, async () => {
    assert.equal(setKernelBackend(backend), backend);
    startKernelThreads();
    assert.equal(await kernelThreadsReady(), true);
    const rng = new Rng(17);
    const d = 203;
    // blocks of whole 256-row chunks: the stream's chunks are gemmTN's over the concatenation
    const blocks = [1024, 512, 768, 256];
    const xs = blocks.map((rows) => randn(rng, rows, d).data);
    const other = randn(rng, 600, 150);
    const rowsOf = (from: number, to: number) => Float64Array.from(xs.slice(from, to).flatMap((x) => [...x]));
    const gemmInto = (out: Float64Array, x: Float64Array, width: number) => {
      const a = operand(x, width, 0, 0, x.length / width, width, false);
      gemmTN(1, a, a, out, 0, width, { accumulate: true });
    };
    for (const helper of [false, true]) {
      setKernelHelperEnabled(helper);
      // uninterrupted: C accumulates every block and is added to out once
      const ref = new Float64Array(d * d);
      gemmInto(ref, rowsOf(0, 4), d);
      const got = new Float64Array(d * d);
      const s = new GramStream(got, d);
      xs.forEach((x, b) => s.add(x, blocks[b]));
      s.finish();
      assert.deepEqual(got, ref, `uninterrupted, helper ${helper}`);
      // interrupted after block 1 by another use of the kernels, and by a second stream
      // after block 2: each interruption adds the sums so far to out
      const ref2 = new Float64Array(d * d);
      gemmInto(ref2, rowsOf(0, 2), d);
      gemmInto(ref2, rowsOf(2, 3), d);
      gemmInto(ref2, rowsOf(3, 4), d);
      const otherRef = gram(other).data;
      const got2 = new Float64Array(d * d);
      const s2 = new GramStream(got2, d);
      const got3 = new Float64Array(150 * 150);
      const s3 = new GramStream(got3, 150);
      let otherGot: Float64Array = new Float64Array(0);
      xs.forEach((x, b) => {
        s2.add(x, blocks[b]);
        if (b === 1) otherGot = gram(other).data;
        if (b === 2) s3.add(other.data, 600);
      });
      s2.finish();
      s3.finish();
      assert.deepEqual(got2, ref2, `interrupted, helper ${helper}`);
      assert.deepEqual(otherGot, otherRef);
      assert.deepEqual(got3, otherRef);
    }
    // blocks that cut chunks short: the same sums to roundoff
    const odd = [1000, 1000, 37, 1000].map((rows) => randn(rng, rows, 64));
    const got = new Float64Array(64 * 64);
    const s = new GramStream(got, 64);
    odd.forEach((x) => s.add(x.data, x.rows));
    s.finish();
    const all = new Matrix(3037, 64, Float64Array.from(odd.flatMap((x) => [...x.data])));
    assert.ok(maxRelDiff(got, naiveMul(all.transpose(), all).data) < 1e-13);
  });
}

test('[js] a Gram accumulated block after block (no helper) equals gemmTN over the same rows', () => {
  assert.equal(setKernelBackend('js'), 'js');
  try {
    const rng = new Rng(18);
    const x = randn(rng, 300, 9).data;
    const got = new Float64Array(81);
    const s = new GramStream(got, 9);
    s.add(x.subarray(0, 256 * 9), 256);
    s.add(x.subarray(256 * 9), 44);
    s.finish();
    const ref = new Float64Array(81);
    gemmTN(1, operand(x, 9, 0, 0, 300, 9, false), operand(x, 9, 0, 0, 300, 9, false), ref, 0, 9, { accumulate: true });
    assert.deepEqual(got, ref);
  } finally {
    setKernelBackend('wasm-fma');
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

test('scratch arrays are reused within their budget, and eigensolvers on reused scratch give the same bits', () => {
  // larger than anything the other tests left in the scratch
  const a = takeScratch(3_000_000);
  a.fill(7);
  giveScratch(a);
  const b = takeScratch(2_900_000);
  assert.equal(b.buffer, a.buffer, 'a kept array large enough is reused');
  assert.equal(b.length, 2_900_000);
  const c = takeScratch(3_500_000);
  assert.notEqual(c.buffer, a.buffer, 'none kept is large enough: a new one');
  giveScratch(b);
  giveScratch(c);
  // 3.5e6 + 3e6 doubles exceed the budget of 2^22: only the larger one stays
  assert.equal(takeScratch(3_400_000).buffer, c.buffer);
  assert.notEqual(takeScratch(2_900_000).buffer, a.buffer, 'dropped beyond the budget');
  const huge = new Float64Array((1 << 22) + 1);
  giveScratch(huge);
  assert.notEqual(takeScratch(1 << 22).buffer, huge.buffer, 'larger than the budget: never kept');
  // the work arrays of the eigensolvers come from the scratch: garbage left by other calls must not matter
  setKernelBackend('wasm-fma');
  const rng = new Rng(20);
  const { a: m } = spd(rng, 90, 1e3);
  const first = { all: symmetricEigen(m), values: symmetricEigenvalues(m), top: topSymmetricEigen(m, 5) };
  for (const n of [90, 120, 60]) symmetricEigen(gram(randn(rng, n + 7, n)));
  assert.deepEqual(symmetricEigen(m), first.all);
  assert.deepEqual(symmetricEigenvalues(m), first.values);
  assert.deepEqual(topSymmetricEigen(m, 5), first.top);
});
