/**
 * Graph spectra at scale against graphs with analytic spectra (docs/theory.md §7.10): the
 * smallest eigenvalues of L = D_G − G and the largest of D^-1/2 G D^-1/2 to 1e-8 absolutely, with
 * eigenvector residuals, orthonormality and full eigenspaces for repeated eigenvalues:
 * path (N = 10⁵), ring (N = 2·10⁴), grid 300 × 300, hypercube Q₁₂, complete bipartite K₄₀,₆₀
 * (and K₄₀₀,₆₀₀ through shift-invert), plus the sparse Cholesky factor against the dense product.
 * The time and memory of these runs are measured by `npm run bench`, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CsrMatrix,
  analyzeCholesky,
  factorShiftedLaplacian,
  laplacianOperator,
  laplacianSmallest,
  nestedDissection,
  normalizedAdjacencyLargest,
  normalizedAdjacencyOperator,
  solvePermuted,
  type GraphSpectrum,
} from '../../src/core/numerics/sparse';
import { Rng } from '../../src/core/numerics/rng';

/** A generous anti-hang guard, not a speed target. */
const GUARD = { timeout: 900_000 };
const TOL = 1e-8;

function fromPairs(n: number, pairs: (emit: (i: number, j: number) => void) => void): CsrMatrix {
  const I: number[] = [];
  const J: number[] = [];
  pairs((i, j) => {
    I.push(i);
    J.push(j);
  });
  return CsrMatrix.fromCoo(n, I, J, undefined, 'max');
}

const pathGraph = (n: number) =>
  fromPairs(n, (e) => {
    for (let i = 0; i + 1 < n; i++) e(i, i + 1);
  });
const ringGraph = (n: number) =>
  fromPairs(n, (e) => {
    for (let i = 0; i < n; i++) e(i, (i + 1) % n);
  });
const gridGraph = (a: number, b: number) =>
  fromPairs(a * b, (e) => {
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) {
        if (j + 1 < b) e(i * b + j, i * b + j + 1);
        if (i + 1 < a) e(i * b + j, (i + 1) * b + j);
      }
  });
const hypercube = (d: number) =>
  fromPairs(1 << d, (e) => {
    for (let i = 0; i < 1 << d; i++) for (let t = 0; t < d; t++) if ((i ^ (1 << t)) > i) e(i, i ^ (1 << t));
  });
const bipartite = (m: number, n: number) =>
  fromPairs(m + n, (e) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) e(i, m + j);
  });

/** The `count` smallest values, ascending. */
function smallest(values: number[], count: number): number[] {
  return Array.from(Float64Array.from(values).sort().subarray(0, count));
}

function assertValues(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: count`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= TOL, `${what}[${i}] = ${actual[i]}, expected ${expected[i]} (|error| ${Math.abs(actual[i] - expected[i])})`);
}

/**
 * Residuals ‖A v − λ v‖∞ ≤ tol and an orthonormal set of vectors: with the values right, k
 * orthonormal vectors of one repeated eigenvalue of multiplicity k span its whole eigenspace.
 */
function assertPairs(op: (x: Float64Array, y: Float64Array) => void, r: GraphSpectrum, tol: number, what: string): void {
  const vs = r.vectors!;
  const n = vs[0].length;
  const y = new Float64Array(n);
  for (let q = 0; q < vs.length; q++) {
    op(vs[q], y);
    let res = 0;
    for (let i = 0; i < n; i++) res = Math.max(res, Math.abs(y[i] - r.values[q] * vs[q][i]));
    assert.ok(res <= tol, `${what}: residual of pair ${q} (λ = ${r.values[q]}) is ${res}`);
    for (let p = 0; p <= q; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vs[p][i] * vs[q][i];
      assert.ok(Math.abs(d - (p === q ? 1 : 0)) <= 1e-9, `${what}: v${p}·v${q} = ${d}`);
    }
  }
}

/** Both operators of g: values against the analytic ones, and the eigenpairs. */
function checkGraph(g: CsrMatrix, count: number, lap: number[] | undefined, adj: number[] | undefined, what: string, solver?: 'shift-invert'): void {
  const deg = g.rowSums();
  const opts = { vectors: true, ...(solver ? { solver } : {}) };
  if (lap) {
    const r = laplacianSmallest(g, count, opts);
    assertValues(r.values, smallest(lap, count), `${what}: L`);
    assertPairs(laplacianOperator(g, deg), r, 1e-8, `${what}: L`);
  }
  if (adj) {
    const r = normalizedAdjacencyLargest(g, count, opts);
    assertValues(
      r.values,
      smallest(
        adj.map((v) => -v),
        count,
      ).map((v) => -v),
      `${what}: D^-1/2 G D^-1/2`,
    );
    assertPairs(normalizedAdjacencyOperator(g, deg), r, 1e-8, `${what}: D^-1/2 G D^-1/2`);
  }
}

/** f(k) for k = 0..n−1. */
const each = (n: number, f: (k: number) => number): number[] => Array.from({ length: n }, (_, k) => f(k));

test('path N = 10⁵: L 2 − 2cos(πk/N), D^-1/2 G D^-1/2 cos(πk/(N − 1)) (clustered near 0: λ_1 ≈ 1e-9)', GUARD, () => {
  const n = 100_000;
  // only the bottom of the spectrum matters: the first 40 values suffice for the 17 smallest
  checkGraph(
    pathGraph(n),
    17,
    each(40, (k) => 2 - 2 * Math.cos((Math.PI * k) / n)),
    each(40, (k) => Math.cos((Math.PI * k) / (n - 1))),
    'path 1e5',
  );
});

test('ring N = 2·10⁴ (every eigenvalue but 0 twice): L 2 − 2cos(2πk/N), D^-1/2 G D^-1/2 cos(2πk/N)', GUARD, () => {
  const n = 20_000;
  const ks = [0, ...each(20, (k) => k + 1).flatMap((k) => [k, n - k])];
  checkGraph(
    ringGraph(n),
    17,
    ks.map((k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n)),
    ks.map((k) => Math.cos((2 * Math.PI * k) / n)),
    'ring 2e4',
  );
});

test('grid 300 × 300 (repeated eigenvalues (i, j) and (j, i)): L (2 − 2cos(πi/300)) + (2 − 2cos(πj/300))', GUARD, () => {
  const a = 300;
  const lap: number[] = [];
  for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) lap.push(4 - 2 * Math.cos((Math.PI * i) / a) - 2 * Math.cos((Math.PI * j) / a));
  checkGraph(gridGraph(a, a), 17, lap, undefined, 'grid 300²');
});

test('hypercube Q₁₂: L 2k with multiplicity C(12, k) (2 twelve times), D^-1/2 G D^-1/2 1 − k/6', GUARD, () => {
  const d = 12;
  const binom = (k: number): number => (k === 0 ? 1 : (binom(k - 1) * (d - k + 1)) / k);
  const lap: number[] = [];
  const adj: number[] = [];
  for (let k = 0; k <= 3; k++)
    for (let c = 0; c < binom(k); c++) {
      lap.push(2 * k);
      adj.push(1 - (2 * k) / d);
    }
  const g = hypercube(d);
  checkGraph(g, 17, lap, adj, 'Q12');
  // the whole eigenspace of 2: 12 orthonormal eigenvectors (checked above) and no 13th
  const r = laplacianSmallest(g, 14);
  assert.ok(Math.abs(r.values[12] - 2) <= TOL && Math.abs(r.values[13] - 4) <= TOL, `λ_12, λ_13 = ${r.values[12]}, ${r.values[13]}`);
});

test('complete bipartite K₄₀,₆₀ (dense) and K₄₀₀,₆₀₀ (shift-invert): L 0, m (n − 1 times), n (m − 1 times), m + n; D^-1/2 G D^-1/2 1, 0, …, −1', GUARD, () => {
  for (const [m, n, solver] of [
    [40, 60, undefined],
    [400, 600, 'shift-invert'],
  ] as const) {
    const lap = [0, ...new Array<number>(n - 1).fill(m), ...new Array<number>(m - 1).fill(n), m + n];
    const adj = [1, ...new Array<number>(m + n - 2).fill(0), -1];
    checkGraph(bipartite(m, n), 17, lap, adj, `K${m},${n}`, solver);
  }
  // every eigenvalue of L of K40,60
  const all = laplacianSmallest(bipartite(40, 60), 100);
  assertValues(all.values, [0, ...new Array<number>(59).fill(40), ...new Array<number>(39).fill(60), 100], 'K40,60: all of L');
});

test('sparse Cholesky: nested dissection is a permutation, and R Rᵀ = P (L + σE) Pᵀ solves to roundoff (random weighted graph)', () => {
  const rng = new Rng(3);
  const n = 700;
  const I: number[] = [];
  const J: number[] = [];
  const W: number[] = [];
  for (let i = 1; i < n; i++) {
    I.push(i, i);
    J.push(Math.floor(rng.next() * i), Math.floor(rng.next() * i));
    W.push(0.5 + rng.next(), 0.5 + rng.next());
  }
  const g = CsrMatrix.fromCoo(n, I, J, W, 'sum');
  const perm = nestedDissection(g);
  assert.deepEqual(
    Array.from(perm).sort((a, b) => a - b),
    each(n, (k) => k),
  );
  const deg = g.rowSums();
  const sym = analyzeCholesky(g, 1e7)!;
  assert.ok(analyzeCholesky(g, sym.entries - 1) === undefined, 'refused over the entry budget');
  for (const shiftDegrees of [false, true]) {
    const sigma = 0.01;
    const f = factorShiftedLaplacian(g, deg, sigma, shiftDegrees, sym);
    const x = Float64Array.from(each(n, () => rng.normal()));
    // b = M x, then solve
    const b = new Float64Array(n);
    laplacianOperator(g, deg)(x, b);
    for (let i = 0; i < n; i++) b[i] += sigma * (shiftDegrees ? deg[i] : 1) * x[i];
    const order = sym.perm;
    const work = Float64Array.from(order, (r) => b[r]);
    solvePermuted(f, work);
    for (let p = 0; p < n; p++) assert.ok(Math.abs(work[p] - x[order[p]]) <= 1e-8, `${shiftDegrees}: x[${order[p]}] = ${work[p]}, expected ${x[order[p]]}`);
  }
});
