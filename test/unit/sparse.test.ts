/**
 * Sparse numerics of graph mode (src/core/numerics/sparse): CSR construction, components,
 * exact kNN, and the graph spectra (Lanczos and the per-component driver) against dense
 * references on random, disconnected and highly symmetric graphs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CsrMatrix,
  SparseError,
  connectedComponents,
  knnGraph,
  laplacianSmallest,
  nearestNeighbors,
  laplacianOperator,
  normalizedAdjacencyLargest,
  normalizedAdjacencyOperator,
  inverseSqrtDegrees,
  setVectorBackend,
  symmetricEigs,
  vectorWorkspace,
} from '../../src/core/numerics/sparse';
import { Matrix, symmetricEigenvalues } from '../../src/core/numerics/dense';
import { Rng } from '../../src/core/numerics/rng';

// ------------------------------------------------------------------ helpers

/** A random graph: a random spanning forest (trees of the given sizes) plus extra random edges within each part. */
function randomGraph(rng: Rng, parts: number[], extra: number, weighted = false): { g: CsrMatrix; n: number } {
  const n = parts.reduce((a, b) => a + b, 0);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  let o = 0;
  for (const s of parts) {
    for (let i = 1; i < s; i++) {
      rows.push(o + i);
      cols.push(o + Math.floor(rng.next() * i));
      vals.push(weighted ? 0.5 + rng.next() : 1);
    }
    for (let e = 0; e < extra * s; e++) {
      const i = Math.floor(rng.next() * s);
      const j = Math.floor(rng.next() * s);
      if (i === j) continue;
      rows.push(o + i);
      cols.push(o + j);
      vals.push(weighted ? 0.5 + rng.next() : 1);
    }
    o += s;
  }
  // a random permutation of the rows, so components are interleaved
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return {
    g: CsrMatrix.fromCoo(
      n,
      rows.map((r) => perm[r]),
      cols.map((c) => perm[c]),
      weighted ? vals : undefined,
      weighted ? 'sum' : 'max',
    ),
    n,
  };
}

function fromEdges(n: number, edges: [number, number][]): CsrMatrix {
  return CsrMatrix.fromCoo(
    n,
    edges.map((e) => e[0]),
    edges.map((e) => e[1]),
    undefined,
    'max',
  );
}

function cycle(n: number): CsrMatrix {
  return fromEdges(
    n,
    Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]),
  );
}

function torus(a: number, b: number): CsrMatrix {
  const e: [number, number][] = [];
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) {
      e.push([i * b + j, i * b + ((j + 1) % b)]);
      e.push([i * b + j, ((i + 1) % a) * b + j]);
    }
  return fromEdges(a * b, e);
}

function grid(a: number, b: number): CsrMatrix {
  const e: [number, number][] = [];
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) {
      if (j + 1 < b) e.push([i * b + j, i * b + j + 1]);
      if (i + 1 < a) e.push([i * b + j, (i + 1) * b + j]);
    }
  return fromEdges(a * b, e);
}

/** Views graph I_n ⊗ (11ᵀ − I) with V views per sample. */
function cliques(n: number, v: number): CsrMatrix {
  const e: [number, number][] = [];
  for (let s = 0; s < n; s++) for (let a = 0; a < v; a++) for (let b = a + 1; b < v; b++) e.push([s * v + a, s * v + b]);
  return fromEdges(n * v, e);
}

function denseLaplacian(g: CsrMatrix): Float64Array {
  const n = g.n;
  const a = g.toDense();
  const d = g.rowSums();
  for (let i = 0; i < n * n; i++) a[i] = -a[i];
  for (let i = 0; i < n; i++) a[i * n + i] += d[i];
  return a;
}

function denseNormalized(g: CsrMatrix): Float64Array {
  const n = g.n;
  const a = g.toDense();
  const d = g.rowSums();
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] *= (d[i] > 0 ? 1 / Math.sqrt(d[i]) : 0) * (d[j] > 0 ? 1 / Math.sqrt(d[j]) : 0);
  return a;
}

/** All eigenvalues of a dense symmetric matrix, ascending. */
function denseValues(a: Float64Array, n: number): number[] {
  return Array.from(symmetricEigenvalues(new Matrix(n, n, a.slice()))).reverse();
}

function maxAbs(a: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n * n; i++) m = Math.max(m, Math.abs(a[i]));
  return m * n;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] = ${actual[i]}, expected ${expected[i]} (tol ${tol})`);
}

/** Residuals ‖A v − λ v‖ and orthonormality of the returned vectors, against the dense matrix. */
function assertEigenpairs(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array[], tol: number, what: string): void {
  assert.equal(vectors.length, values.length, `${what}: one vector per value`);
  for (let q = 0; q < vectors.length; q++) {
    const v = vectors[q];
    let res = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      res = Math.max(res, Math.abs(s - values[q] * v[i]));
    }
    assert.ok(res <= tol, `${what}: residual of pair ${q} (λ = ${values[q]}) is ${res}`);
    for (let p = 0; p <= q; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[p][i] * v[i];
      assert.ok(Math.abs(d - (p === q ? 1 : 0)) <= 1e-8, `${what}: v${p}·v${q} = ${d}`);
    }
  }
}

/** Both spectra of g against the dense solver, for every forcing of the solver path. */
function checkSpectra(g: CsrMatrix, count: number, what: string, denseRows = 0): void {
  const n = g.n;
  const lap = denseLaplacian(g);
  const nrm = denseNormalized(g);
  const lapScale = maxAbs(lap, n) / n;
  const expectL = denseValues(lap, n).slice(0, count);
  const expectA = denseValues(nrm, n).reverse().slice(0, count);
  const rl = laplacianSmallest(g, count, { vectors: true, denseRows });
  assertClose(rl.values, expectL, 1e-8 * Math.max(1, lapScale), `${what}: Laplacian`);
  assertEigenpairs(lap, n, rl.values, rl.vectors!, 1e-6 * Math.max(1, lapScale), `${what}: Laplacian`);
  const ra = normalizedAdjacencyLargest(g, count, { vectors: true, denseRows });
  assertClose(ra.values, expectA, 1e-8, `${what}: normalised adjacency`);
  assertEigenpairs(nrm, n, ra.values, ra.vectors!, 1e-6, `${what}: normalised adjacency`);
  // values only agree with the vectors' run
  const vl = laplacianSmallest(g, count, { denseRows });
  assertClose(vl.values, rl.values, 1e-9 * Math.max(1, lapScale), `${what}: Laplacian values only`);
}

// ------------------------------------------------------------------ CSR

test('fromCoo sorts rows, sums duplicates, symmetrises by sum or max, and keeps the dense product', () => {
  const rng = new Rng(11);
  for (const sym of ['none', 'sum', 'max'] as const) {
    const n = 37;
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    for (let e = 0; e < 300; e++) {
      rows.push(Math.floor(rng.next() * n));
      cols.push(Math.floor(rng.next() * n));
      vals.push(Math.floor(rng.next() * 4) + 1);
    }
    const g = CsrMatrix.fromCoo(n, rows, cols, vals, sym);
    // dense reference
    const ref = new Float64Array(n * n);
    const seen = new Float64Array(n * n).fill(NaN);
    const put = (i: number, j: number, w: number) => {
      const o = i * n + j;
      if (sym === 'max') {
        ref[o] = Number.isNaN(seen[o]) ? w : Math.max(ref[o], w);
        seen[o] = 1;
      } else ref[o] += w;
    };
    for (let e = 0; e < rows.length; e++) {
      put(rows[e], cols[e], vals[e]);
      if (sym !== 'none' && rows[e] !== cols[e]) put(cols[e], rows[e], vals[e]);
    }
    assert.deepEqual(Array.from(g.toDense()), Array.from(ref), `${sym}: entries`);
    for (let i = 0; i < n; i++) for (let p = g.rowPtr[i] + 1; p < g.rowPtr[i + 1]; p++) assert.ok(g.col[p] > g.col[p - 1], 'strictly increasing columns');
    if (sym !== 'none') assert.ok(g.isSymmetric());
    // products
    const x = new Float64Array(n * 3);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const y = new Float64Array(n);
    g.multiply(x.subarray(0, n), y);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += ref[i * n + j] * x[j];
      assert.ok(Math.abs(s - y[i]) < 1e-12);
    }
    const yb = new Float64Array(n * 3);
    g.multiplyRows(x, 3, yb);
    for (let i = 0; i < n; i++)
      for (let t = 0; t < 3; t++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += ref[i * n + j] * x[j * 3 + t];
        assert.ok(Math.abs(s - yb[i * 3 + t]) < 1e-12);
      }
    const d = g.rowSums();
    for (let i = 0; i < n; i++) assert.ok(Math.abs(d[i] - ref.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0)) < 1e-12);
  }
  assert.throws(() => CsrMatrix.fromCoo(3, [0], [3], undefined), SparseError);
});

test('submatrix keeps the principal block in order', () => {
  const { g } = randomGraph(new Rng(5), [30], 2, true);
  const nodes = Int32Array.from([1, 4, 5, 9, 20, 29]);
  const s = g.submatrix(nodes);
  const full = g.toDense();
  const sub = s.toDense();
  for (let a = 0; a < nodes.length; a++) for (let b = 0; b < nodes.length; b++) assert.equal(sub[a * nodes.length + b], full[nodes[a] * 30 + nodes[b]]);
});

// ------------------------------------------------------------------ components

test('connected components match a union-find reference (interleaved parts, isolated rows)', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rng = new Rng(seed);
    const parts = [1, 7, 1, 40, 3, 1, 25, 2];
    const { g, n } = randomGraph(rng, parts, 1);
    const c = connectedComponents(g);
    assert.equal(c.count, parts.length, `seed ${seed}: count`);
    // union-find
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (let i = 0; i < n; i++) for (let p = g.rowPtr[i]; p < g.rowPtr[i + 1]; p++) parent[find(i)] = find(g.col[p]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(c.label[i] === c.label[j], find(i) === find(j));
    // numbered by smallest row, members increasing
    let prevFirst = -1;
    for (let k = 0; k < c.count; k++) {
      const rows = c.members.subarray(c.start[k], c.start[k + 1]);
      assert.ok(rows[0] > prevFirst);
      prevFirst = rows[0];
      for (let t = 1; t < rows.length; t++) assert.ok(rows[t] > rows[t - 1]);
      for (const r of rows) assert.equal(c.label[r], k);
    }
    assert.deepEqual(
      [...c.start.slice(1)].map((e, k) => e - c.start[k]).sort((a, b) => a - b),
      [...parts].sort((a, b) => a - b),
    );
  }
});

// ------------------------------------------------------------------ kNN

/** Row i's k nearest other rows by (direct squared distance, index). */
function bruteKnnRow(x: Float64Array, n: number, d: number, k: number, i: number): number[] {
  const c: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const z = x[i * d + t] - x[j * d + t];
      s += z * z;
    }
    c.push([s, j]);
  }
  c.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return c.slice(0, k).map((p) => p[1]);
}

function bruteKnn(x: Float64Array, n: number, d: number, k: number): Int32Array {
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) out.set(bruteKnnRow(x, n, d, k, i), i * k);
  return out;
}

test('kNN equals brute force (Gaussian data, several seeds and k, also above one block of rows)', () => {
  for (const [seed, n, d, k] of [
    [1, 50, 3, 1],
    [2, 300, 16, 10],
    [3, 257, 5, 7],
    [4, 9000, 2, 3],
  ] as const) {
    const rng = new Rng(seed);
    const x = new Float64Array(n * d);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    for (const method of ['brute', 'tree'] as const) {
      if (n > 1000 && method === 'brute') continue;
      const got = nearestNeighbors(x, n, d, k, method);
      if (n <= 1000) assert.deepEqual(Array.from(got), Array.from(bruteKnn(x, n, d, k)), `seed ${seed}, ${method}`);
      else
        for (let i = 0; i < n; i += 97)
          assert.deepEqual(Array.from(got.subarray(i * k, (i + 1) * k)), bruteKnnRow(x, n, d, k, i), `seed ${seed} row ${i}, ${method}`);
    }
  }
});

test('kNN brute force: the WebAssembly and JS candidate filters give the same neighbours (odd sizes, padding)', () => {
  for (const [seed, n, d, k] of [
    [51, 203, 9, 5],
    [52, 67, 17, 3],
    [53, 130, 7, 20],
  ] as const) {
    const rng = new Rng(seed);
    const x = new Float64Array(n * d);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const want = Array.from(bruteKnn(x, n, d, k));
    for (const backend of ['js', 'wasm-simd'] as const) {
      setVectorBackend(backend);
      try {
        assert.deepEqual(Array.from(nearestNeighbors(x, n, d, k, 'brute')), want, `seed ${seed}, ${backend}`);
      } finally {
        setVectorBackend('wasm-simd');
      }
    }
  }
});

test('kNN ties go to the lower index (duplicates, an integer lattice) and a large offset does not break exactness', () => {
  // lattice points: many exactly equal distances
  const side = 9;
  const n = side * side;
  const x = new Float64Array(n * 2);
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) {
      x[(i * side + j) * 2] = i;
      x[(i * side + j) * 2 + 1] = j;
    }
  for (const k of [1, 4, 6, 12])
    for (const method of ['brute', 'tree'] as const)
      assert.deepEqual(Array.from(nearestNeighbors(x, n, 2, k, method)), Array.from(bruteKnn(x, n, 2, k)), `lattice k = ${k}, ${method}`);
  // duplicated rows
  const rng = new Rng(7);
  const m = 60;
  const y = new Float64Array(m * 4);
  for (let i = 0; i < m; i++) for (let t = 0; t < 4; t++) y[i * 4 + t] = i % 3 === 0 && i > 0 ? y[(i - 1) * 4 + t] : Math.round(rng.normal() * 4);
  for (const method of ['brute', 'tree'] as const)
    assert.deepEqual(Array.from(nearestNeighbors(y, m, 4, 5, method)), Array.from(bruteKnn(y, m, 4, 5)), `duplicates, ${method}`);
  // many identical rows (a degenerate tree node)
  const same = new Float64Array(300 * 2).map((_, i) => (i < 400 ? 1 : i % 7));
  for (const method of ['brute', 'tree'] as const)
    assert.deepEqual(Array.from(nearestNeighbors(same, 300, 2, 3, method)), Array.from(bruteKnn(same, 300, 2, 3)), `identical rows, ${method}`);
  // far from the origin: the expansion ‖a‖² + ‖b‖² − 2a·b alone would lose every digit
  const z = new Float64Array(200 * 3);
  for (let i = 0; i < z.length; i++) z[i] = 1e8 + rng.normal() * 1e-3;
  for (const method of ['brute', 'tree'] as const)
    assert.deepEqual(Array.from(nearestNeighbors(z, 200, 3, 4, method)), Array.from(bruteKnn(z, 200, 3, 4)), `offset data, ${method}`);
});

test('kNN graph: symmetrised by "or" with weight 1', () => {
  const rng = new Rng(9);
  const n = 120;
  const x = new Float64Array(n * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const k = 4;
  const nb = bruteKnn(x, n, 3, k);
  const g = knnGraph(x, n, 3, k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const want = i !== j && (Array.from(nb.subarray(i * k, (i + 1) * k)).includes(j) || Array.from(nb.subarray(j * k, (j + 1) * k)).includes(i));
      const p = g.find(i, j);
      assert.equal(p >= 0, want, `(${i}, ${j})`);
      if (p >= 0) assert.equal(g.val[p], 1);
    }
  assert.throws(() => nearestNeighbors(x, n, 3, n), SparseError);
});

// ------------------------------------------------------------------ spectra

test('graph spectra match the dense solver on random connected graphs (Lanczos forced, several seeds)', () => {
  for (const seed of [1, 2, 3]) {
    const { g } = randomGraph(new Rng(seed), [220], 2, seed === 3);
    checkSpectra(g, 12, `seed ${seed}`);
  }
});

test('graph spectra on disconnected graphs: exact zeros / ones per component, isolated rows at 0', () => {
  for (const seed of [4, 5]) {
    const { g } = randomGraph(new Rng(seed), [90, 1, 60, 3, 1, 80, 2], 2);
    for (const count of [3, 7, 8, 15, 30]) checkSpectra(g, count, `seed ${seed}, ${count} values`);
    // also with the dense path per component
    checkSpectra(g, 15, `seed ${seed}, dense components`, 400);
  }
  // more components than requested: all trivial
  const { g } = randomGraph(new Rng(6), [5, 5, 5, 1, 5], 1);
  assert.deepEqual(Array.from(laplacianSmallest(g, 4).values), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(normalizedAdjacencyLargest(g, 4).values), [1, 1, 1, 1]);
  checkSpectra(g, 17, 'small parts');
  // isolated rows give the normalised adjacency 0, ranked among the components' own eigenvalues
  const star = fromEdges(6, [
    [0, 1],
    [0, 2],
    [0, 3],
  ]); // rows 4, 5 isolated; a star's spectrum is 1, 0, 0, −1
  assertClose(normalizedAdjacencyLargest(star, 6).values, [1, 0, 0, 0, 0, -1], 1e-12, 'star + isolated');
});

test('repeated eigenvalues: complete graph, clique graphs (views), cycle, grid and torus', () => {
  // K_3: 0, 3, 3 (docs/theory.md §8.5)
  const k3 = fromEdges(3, [
    [0, 1],
    [0, 2],
    [1, 2],
  ]);
  assertClose(laplacianSmallest(k3, 3).values, [0, 3, 3], 1e-14, 'K_3');
  assertClose(normalizedAdjacencyLargest(k3, 3).values, [1, -0.5, -0.5], 1e-14, 'K_3 normalised');
  checkSpectra(k3, 3, 'K_3');
  // K_500 with Lanczos (no closed form: one weight differs)
  const e: [number, number][] = [];
  for (let i = 0; i < 500; i++) for (let j = i + 1; j < 500; j++) e.push([i, j]);
  const k500 = fromEdges(500, e);
  assertClose(laplacianSmallest(k500, 20).values, [0, ...new Array(19).fill(500)], 1e-9, 'K_500');
  const rows = e.map((p) => p[0]);
  const cols = e.map((p) => p[1]);
  const vals = e.map((_, t) => (t === 0 ? 2 : 1));
  const k500w = CsrMatrix.fromCoo(500, rows, cols, vals, 'sum');
  checkSpectra(k500w, 20, 'K_500 with one heavier edge');
  // n samples × V views: 0 (n times), V (n(V − 1) times)
  for (const [n, v] of [
    [4, 3],
    [30, 2],
    [7, 5],
  ]) {
    const g = cliques(n, v);
    const all = laplacianSmallest(g, n * v, { vectors: true });
    assertClose(all.values, [...new Array(n).fill(0), ...new Array(n * (v - 1)).fill(v)], 1e-12, `cliques ${n} × ${v}`);
    assertEigenpairs(denseLaplacian(g), n * v, all.values, all.vectors!, 1e-12, `cliques ${n} × ${v}`);
    checkSpectra(g, Math.min(n * v, n + 5), `cliques ${n} × ${v}`);
  }
  // single-vector Krylov traps: pairs (cycle), quadruples (torus), grid
  checkSpectra(cycle(500), 9, 'cycle 500');
  checkSpectra(torus(24, 24), 14, 'torus 24 × 24');
  checkSpectra(grid(20, 25), 12, 'grid 20 × 25');
});

test('symmetricEigs: a diagonal operator with repeated entries, both ends, and the missed-copy check', () => {
  const n = 800;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = 1 + Math.floor(i / 3) * 0.01; // every value three times
  const apply = (x: Float64Array, y: Float64Array) => {
    for (let i = 0; i < n; i++) y[i] = d[i] * x[i];
  };
  const small = symmetricEigs(apply, n, 10, { which: 'smallest', vectors: true });
  assertClose(small.values, [1, 1, 1, 1.01, 1.01, 1.01, 1.02, 1.02, 1.02, 1.03], 1e-9, 'smallest');
  const big = symmetricEigs(apply, n, 4, { which: 'largest' });
  const top = 1 + Math.floor((n - 1) / 3) * 0.01;
  assertClose(big.values, [top, top, top - 0.01, top - 0.01], 1e-9, 'largest');
  // without the check, a single start vector sees one copy of each value
  const unchecked = symmetricEigs(apply, n, 4, { which: 'smallest', verify: false });
  assert.ok(unchecked.values[1] > 1.005, `unchecked: ${Array.from(unchecked.values)}`);
  // deflation: leaving out e_0 and e_1
  const e0 = new Float64Array(n);
  e0[0] = 1;
  const e1 = new Float64Array(n);
  e1[1] = 1;
  assertClose(symmetricEigs(apply, n, 2, { which: 'smallest', deflate: [e0, e1] }).values, [1, 1.01], 1e-9, 'deflated');
  assert.throws(
    () => symmetricEigs(apply, n, 5, { which: 'smallest', maxMatvecs: 3, verify: false }),
    (e: unknown) => e instanceof SparseError && e.code === 'no-convergence',
  );
});

test('graph spectra of a larger kNN graph: Lanczos against dense (N = 1200)', () => {
  const rng = new Rng(21);
  const n = 1200;
  const x = new Float64Array(n * 6);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  checkSpectra(knnGraph(x, n, 6, 5), 17, 'kNN 1200');
});

test('vector kernels: WebAssembly SIMD and JS agree (Gram–Schmidt pass, level-1 operations, graph operators), odd lengths included', () => {
  const rng = new Rng(31);
  const { g } = randomGraph(rng, [203], 3, true);
  const n = g.n; // odd
  const deg = g.rowSums();
  const ops = [
    { matrix: g, alpha: 1, diag: deg, beta: -1 },
    { matrix: g, alpha: 0, beta: 1, scale: inverseSqrtDegrees(deg) },
    { matrix: g, alpha: -1, diag: deg, beta: 1 },
  ];
  const closures = [laplacianOperator(g, deg), normalizedAdjacencyOperator(g, deg)];
  const results: Record<string, number[]> = {};
  for (const backend of ['wasm-simd', 'js'] as const) {
    const used = setVectorBackend(backend);
    const out: number[] = [];
    for (let o = 0; o < ops.length; o++) {
      const rows = 7;
      const ws = vectorWorkspace(rows * n + rows + 8, ops[o]);
      const H = ws.heap;
      const r2 = new Rng(5);
      for (let i = 0; i < rows * n; i++) H[i] = r2.normal();
      // y = op x against the JS closures / the definition
      ws.apply(0, n);
      const want = new Float64Array(n);
      if (o < 2) closures[o](H.subarray(0, n), want);
      else {
        closures[0](H.subarray(0, n), want);
        for (let i = 0; i < n; i++) want[i] = -want[i];
      }
      for (let i = 0; i < n; i++) assert.ok(Math.abs(H[n + i] - want[i]) < 1e-12 * (1 + Math.abs(want[i])), `${used} op ${o} row ${i}`);
      // one Gram–Schmidt pass of row 6 against rows 0..5 (4 + 2: both code paths)
      ws.gs(0, 6, n, 6 * n, rows * n);
      out.push(ws.dot(0, 6 * n, n), ws.nrm2sq(6 * n, n));
      ws.axpy(6 * n, 0, 0.5, n);
      ws.scal(6 * n, 3, n);
      out.push(...Array.from(H.subarray(6 * n, 7 * n)), ...Array.from(H.subarray(rows * n, rows * n + 6)));
    }
    results[used] = out;
  }
  setVectorBackend('wasm-simd');
  if (results['wasm-simd'] && results.js) {
    const a = results['wasm-simd'];
    const b = results.js;
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-10 * (1 + Math.abs(b[i])), `entry ${i}: ${a[i]} vs ${b[i]}`);
  }
  // the Lanczos results agree too
  const spectra = (['js', 'wasm-simd'] as const).map((bk) => {
    setVectorBackend(bk);
    return Array.from(laplacianSmallest(g, 9, { denseRows: 0 }).values);
  });
  setVectorBackend('wasm-simd');
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(spectra[0][i] - spectra[1][i]) < 1e-9, `λ_${i}`);
});

test('symmetricEigs: a JS operator and the equivalent graph operator give the same pairs', () => {
  const { g } = randomGraph(new Rng(32), [500], 2, true);
  const deg = g.rowSums();
  const u = new Float64Array(g.n).fill(1 / Math.sqrt(g.n));
  const a = symmetricEigs(laplacianOperator(g, deg), g.n, 6, { which: 'smallest', deflate: [u] });
  const b = symmetricEigs({ matrix: g, alpha: 1, diag: deg, beta: -1 }, g.n, 6, { which: 'smallest', deflate: [u] });
  assertClose(a.values, b.values, 1e-10, 'λ');
  checkSpectra(g, 6, 'weighted 500');
});
