/**
 * The pieces of the sparse Cholesky factorisation of graph mode's shift-invert solver
 * (docs/theory.md §7.10), each against an independent check:
 * - vertex separators (separator.ts): removing the separator leaves no edge between the two
 *   sides, both sides are non-empty and within the balance limit, and on paths, rings and
 *   grids the separator has the optimal size (one row, two rows, the shorter grid line), on a
 *   planar kNN graph O(√N) rows;
 * - the nested-dissection ordering (ordering.ts) is a permutation, also of disconnected graphs;
 * - the supernodal multifrontal factor (supernodes.ts, frontal.ts, cholesky.ts) reassembled
 *   densely: R Rᵀ equals P (L + σE) Pᵀ to 1e-12 relative on grids and random weighted graphs,
 *   with fronts large enough for the blocked dense path;
 * - fill: nested dissection's factor of a 150 × 150 grid has no more entries than that of an
 *   exact minimum-degree ordering (implemented here, independently of minimumDegree.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsrMatrix, analyzeCholesky, factorShiftedLaplacian, knnGraph, nestedDissection, type CholeskyFactor } from '../../src/core/numerics/sparse';
import { MAX_SIDE, vertexSeparator, type WeightedGraph } from '../../src/core/numerics/sparse/separator';
import { minimumDegree } from '../../src/core/numerics/sparse/minimumDegree';
import { columnCounts, eliminationTree } from '../../src/core/numerics/sparse/supernodes';
import { Rng } from '../../src/core/numerics/rng';

function fromEdges(n: number, edges: (emit: (i: number, j: number, w?: number) => void) => void): CsrMatrix {
  const I: number[] = [];
  const J: number[] = [];
  const W: number[] = [];
  edges((i, j, w = 1) => {
    I.push(i);
    J.push(j);
    W.push(w);
  });
  return CsrMatrix.fromCoo(n, I, J, W, 'max');
}

const grid = (a: number, b: number) =>
  fromEdges(a * b, (e) => {
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) {
        if (j + 1 < b) e(i * b + j, i * b + j + 1);
        if (i + 1 < a) e(i * b + j, (i + 1) * b + j);
      }
  });
const path = (n: number) =>
  fromEdges(n, (e) => {
    for (let i = 0; i + 1 < n; i++) e(i, i + 1);
  });
const ring = (n: number) =>
  fromEdges(n, (e) => {
    for (let i = 0; i < n; i++) e(i, (i + 1) % n);
  });

/** A connected random graph: a random tree plus about n d / 2 random edges, weights in [0.5, 1.5). */
function randomGraph(n: number, d: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  return fromEdges(n, (e) => {
    for (let i = 1; i < n; i++) e(i, Math.floor(rng.next() * i), 0.5 + rng.next());
    for (let t = 0; t < (n * d) / 2; t++) {
      const i = Math.floor(rng.next() * n);
      const j = Math.floor(rng.next() * n);
      if (i !== j) e(i, j, 0.5 + rng.next());
    }
  });
}

function weighted(g: CsrMatrix): WeightedGraph {
  return { n: g.n, xadj: g.rowPtr, adj: g.col, ew: new Int32Array(g.col.length).fill(1), vw: new Int32Array(g.n).fill(1), total: g.n };
}

/** Sizes of side 0, side 1 and the separator, after checking that no edge joins the two sides. */
function checkSeparator(g: CsrMatrix, side: Int8Array, what: string): [number, number, number] {
  const sizes: [number, number, number] = [0, 0, 0];
  for (let v = 0; v < g.n; v++) {
    assert.ok(side[v] === 0 || side[v] === 1 || side[v] === 2, `${what}: side of ${v} is ${side[v]}`);
    sizes[side[v]]++;
    for (let p = g.rowPtr[v]; p < g.rowPtr[v + 1]; p++) {
      const u = g.col[p];
      assert.ok(!(side[v] !== 2 && side[u] !== 2 && side[u] !== side[v]), `${what}: edge ${v}–${u} joins the two sides`);
    }
  }
  assert.ok(sizes[0] > 0 && sizes[1] > 0, `${what}: sides ${sizes[0]} and ${sizes[1]}`);
  for (const s of [0, 1]) assert.ok(sizes[s] <= MAX_SIDE * g.n, `${what}: side ${s} holds ${sizes[s]} of ${g.n} rows`);
  return sizes;
}

/** The k-nearest-neighbour graph of n uniform points in the unit square. */
function planeKnn(n: number, k: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  return knnGraph(
    Float64Array.from({ length: 2 * n }, () => rng.next()),
    n,
    2,
    k,
  );
}

test('vertex separators: no edge between the sides, both within the balance limit, optimal on paths, rings and grids, O(√N) on a planar kNN graph', () => {
  // [graph, largest separator allowed]: the optimum on paths, rings and grids (the shorter grid line)
  const cases: [string, CsrMatrix, number][] = [
    ['path 1000', path(1000), 1],
    ['ring 1000', ring(1000), 2],
    ['grid 50 × 50', grid(50, 50), 50],
    ['grid 30 × 80', grid(30, 80), 30],
    ['kNN of 4000 points in the plane, k = 8', planeKnn(4000, 8, 5), Math.round(1.5 * Math.sqrt(4000))],
  ];
  for (const [what, g, most] of cases) {
    for (const seed of [1, 2, 3]) {
      const side = vertexSeparator(weighted(g), new Rng(seed));
      assert.ok(side, `${what}: a separator was found`);
      const [, , sep] = checkSeparator(g, side, `${what}, seed ${seed}`);
      assert.ok(sep <= most, `${what}, seed ${seed}: separator of ${sep} rows (at most ${most})`);
    }
  }
  // random graphs are expanders: a separator holds a fixed share of the rows, and on some seeds
  // the coarsest graph is nearly complete and none is found; any that is returned is valid
  for (const [n, d, graphSeed] of [
    [2000, 6, 1],
    [3000, 3, 2],
  ]) {
    const g = randomGraph(n, d, graphSeed);
    let found = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const side = vertexSeparator(weighted(g), new Rng(seed));
      if (!side) continue;
      checkSeparator(g, side, `random n = ${n}, d = ${d}, seed ${seed}`);
      found++;
    }
    assert.ok(found > 0, `random n = ${n}, d = ${d}: a separator on some seed`);
  }
});

test('nested dissection and minimum degree are permutations (connected, disconnected, isolated rows)', () => {
  const identity = (n: number) => Array.from({ length: n }, (_, k) => k);
  const sorted = (p: Int32Array) => Array.from(p).sort((a, b) => a - b);
  // two grids, a path and 30 isolated rows, interleaved by a shuffle of the labels
  const n = 40 * 40 + 25 * 30 + 500 + 30;
  const rng = new Rng(9);
  const label = Int32Array.from(identity(n));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [label[i], label[j]] = [label[j], label[i]];
  }
  const pieces = fromEdges(n, (e) => {
    const add = (g: CsrMatrix, at: number) => {
      for (let i = 0; i < g.n; i++) for (let p = g.rowPtr[i]; p < g.rowPtr[i + 1]; p++) e(label[at + i], label[at + g.col[p]]);
    };
    add(grid(40, 40), 0);
    add(grid(25, 30), 1600);
    add(path(500), 2350);
  });
  for (const [what, g] of [
    ['pieces', pieces],
    ['grid 120 × 90', grid(120, 90)],
    ['random n = 5000', randomGraph(5000, 8, 4)],
    ['path 7', path(7)],
  ] as const) {
    const perm = nestedDissection(g);
    assert.deepEqual(sorted(perm), identity(g.n), `${what}: nested dissection`);
    assert.deepEqual(Array.from(nestedDissection(g)), Array.from(perm), `${what}: deterministic`);
  }
  const small = randomGraph(300, 5, 6);
  assert.deepEqual(sorted(minimumDegree(weighted(small))), identity(300), 'minimum degree');
});

/** The factor as a dense n × n lower-triangular matrix in the ordering's positions. */
function denseFactor(f: CholeskyFactor): Float64Array {
  const { n, first, rowPtr, rows, valPtr } = f.symbolic;
  const R = new Float64Array(n * n);
  for (let J = 0; J + 1 < first.length; J++) {
    const s = first[J + 1] - first[J];
    const m = rowPtr[J + 1] - rowPtr[J];
    let o = valPtr[J];
    for (let r = 0; r < m; r++) {
      const row = rows[rowPtr[J] + r];
      for (let c = 0; c < Math.min(r + 1, s); c++) R[row * n + first[J] + c] = f.values[o++];
    }
  }
  return R;
}

/** max |R Rᵀ − P M Pᵀ| / max |M| over the lower triangle, M = L + σE. */
function reassemblyError(g: CsrMatrix, f: CholeskyFactor, sigma: number, shiftDegrees: boolean): number {
  const n = g.n;
  const deg = g.rowSums();
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    M[i * n + i] = deg[i] + sigma * (shiftDegrees ? deg[i] : 1);
    for (let p = g.rowPtr[i]; p < g.rowPtr[i + 1]; p++) M[i * n + g.col[p]] -= g.val[p];
  }
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(M[i]));
  const R = denseFactor(f);
  const perm = f.symbolic.perm;
  let err = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let k = 0; k <= j; k++) t += R[i * n + k] * R[j * n + k];
      err = Math.max(err, Math.abs(t - M[perm[i] * n + perm[j]]));
    }
  return err / scale;
}

test('supernodal factor: R Rᵀ = P (L + σE) Pᵀ to 1e-12 relative (grids, random weighted graphs, large fronts)', () => {
  const cases: [string, CsrMatrix, number][] = [
    ['grid 24 × 24', grid(24, 24), 1e-3],
    ['random n = 600, d = 8', randomGraph(600, 8, 7), 0.5],
    ['random n = 700, d = 16', randomGraph(700, 16, 8), 1e-2],
  ];
  let blocked = false;
  for (const [what, g, sigma] of cases) {
    const sym = analyzeCholesky(g, 1e8)!;
    // a front of order ≥ 300 runs the panel path of frontal.ts (several panels of 64 columns)
    blocked ||= sym.maxFront >= 300;
    // the budget counts the factor, its largest front and the update stack
    const doubles = sym.entries + sym.maxFront * sym.maxFront + sym.maxStack;
    assert.ok(analyzeCholesky(g, doubles), `${what}: analysed within ${doubles} doubles`);
    assert.equal(analyzeCholesky(g, doubles - 1), undefined, `${what}: refused below ${doubles} doubles`);
    for (const shiftDegrees of [false, true]) {
      const err = reassemblyError(g, factorShiftedLaplacian(g, g.rowSums(), sigma, shiftDegrees, sym), sigma, shiftDegrees);
      assert.ok(err <= 1e-12, `${what}, E = ${shiftDegrees ? 'D' : 'I'}: relative error ${err}`);
    }
  }
  assert.ok(blocked, 'a front large enough for the blocked path');
});

/** Entries of the factor (diagonal included) under the ordering perm. */
function fill(g: CsrMatrix, perm: Int32Array): number {
  const inverse = new Int32Array(g.n);
  perm.forEach((r, k) => (inverse[r] = k));
  const counts = columnCounts(g, perm, inverse, eliminationTree(g, perm, inverse), Infinity)!;
  return counts.reduce((a, b) => a + b, 0);
}

/** Exact minimum degree on the explicit elimination graph (ties: the lowest index); a reference, not fast. */
function referenceMinimumDegree(g: CsrMatrix): Int32Array {
  const n = g.n;
  const adj: Set<number>[] = [];
  for (let i = 0; i < n; i++) adj.push(new Set(Array.from(g.col.subarray(g.rowPtr[i], g.rowPtr[i + 1])).filter((j) => j !== i)));
  // a binary heap of keys degree · n + v; entries whose degree is stale are skipped
  const heap: number[] = [];
  const push = (key: number) => {
    let i = heap.push(key) - 1;
    for (let p = (i - 1) >> 1; i > 0 && heap[p] > key; i = p, p = (i - 1) >> 1) heap[i] = heap[p];
    heap[i] = key;
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (!heap.length) return top;
    let i = 0;
    for (let c = 1; c < heap.length; i = c, c = 2 * i + 1) {
      if (c + 1 < heap.length && heap[c + 1] < heap[c]) c++;
      if (heap[c] >= last) break;
      heap[i] = heap[c];
    }
    heap[i] = last;
    return top;
  };
  for (let v = 0; v < n; v++) push(adj[v].size * n + v);
  const done = new Uint8Array(n);
  const order = new Int32Array(n);
  for (let t = 0; t < n;) {
    const key = pop();
    const v = key % n;
    if (done[v] || Math.floor(key / n) !== adj[v].size) continue;
    order[t++] = v;
    done[v] = 1;
    const nbrs = [...adj[v]];
    for (const u of nbrs) {
      adj[u].delete(v);
      for (const w of nbrs) if (w !== u) adj[u].add(w);
      push(adj[u].size * n + u);
    }
  }
  return order;
}

test('fill: nested dissection of a 150 × 150 grid has no more factor entries than exact minimum degree', () => {
  const g = grid(150, 150);
  const nd = fill(g, nestedDissection(g));
  const md = fill(g, referenceMinimumDegree(g));
  assert.ok(nd <= md, `nested dissection ${nd} entries, minimum degree ${md}`);
  // and far below the band ordering's (every row of a 150-wide band filled)
  const natural = fill(
    g,
    Int32Array.from({ length: g.n }, (_, k) => k),
  );
  assert.ok(nd < natural / 2, `nested dissection ${nd}, natural order ${natural}`);
});
