/**
 * The positive-pair graph G over the N rows (docs/theory.md §7.2), one builder per kind:
 * - views: G = I_n ⊗ (11ᵀ − I_V), consecutive groups of V rows are one sample;
 * - labels: G_ij = 1[y_i = y_j], i ≠ j, built class by class (dense within a class:
 *   Σ_c s_c (s_c − 1) entries, refused above {@link MAX_GRAPH_ENTRIES});
 * - knn: each row's k nearest other rows (Euclidean, ties to the lower index), symmetrised
 *   by "or", weight 1 (numerics/sparse/knn.ts);
 * - edges: explicit 0-based pairs [i, j, w?] inline or from a file "i,j[,w]" (a CSV with an
 *   optional header, or an m × 2 / m × 3 array), w > 0 (default 1), symmetrised as
 *   G + Gᵀ with duplicates summed; self-loops are errors. Extreme weights are scaled by a
 *   power of four first (docs/theory.md §7.10).
 * Checks against N and the limits become located problems.
 */
import { ArrayTooLargeError, DataFileError, readEdgeList } from '../../io/readArray';
import { CsrMatrix, SparseError, connectedComponents, inverseSqrtDegrees, knnGraph, type Components } from '../../numerics/sparse';
import { problem, type Problem } from '../../problems/problems';
import type { GraphRelationSpec as GraphRelation, GraphSpec, Span } from '../../spec/model';
import { readReferencedFile, type SpecFileAccess as GraphFileAccess } from '../../spec/referencedFiles';
import type { GraphRows } from './rows';
import type { GraphKind } from './types';

/** Most stored entries (ordered pairs) of G: the labels graph's Σ class_size², the views graph's N (V − 1), the knn graph's N k. */
export const MAX_GRAPH_ENTRIES = 50_000_000;
/** Most brute-force distance work N² D of the knn graph (about a minute; used only when the k-d tree does not prune, numerics/sparse/knn.ts). */
export const MAX_KNN_WORK = 1e12;

export interface PairGraph {
  kind: GraphKind;
  /** G: symmetric, non-negative, no self-loops; the user's weights times 2^weightExponent (docs/theory.md §7.10). */
  g: CsrMatrix;
  /** d_i = Σ_j G_ij */
  degrees: Float64Array;
  components: Components;
  /**
   * Views and labels graphs: G is a disjoint union of unit-weight cliques and this is every
   * row's clique (products with G then take O(N) per column); `size` when every clique is
   * `size` consecutive rows (views).
   */
  cliques?: { id: Int32Array; count: number; size?: number };
  /**
   * Explicit weights are scaled by an even power of two (exactly, so every result is the
   * unscaled one's, bit for bit, while nothing under- or overflows): G = 2^e G_user. Absent: e = 0.
   */
  weightExponent?: number;
}

type Report = (code: string, message: string, at: Span, severity?: 'error' | 'warning') => undefined;
type Built = { kind: GraphKind; g: CsrMatrix; cliques?: PairGraph['cliques']; weightExponent?: number } | undefined;

/** Builds G for the spec's relation; undefined (with problems) when it cannot be built. */
export function buildGraph(spec: GraphSpec, rows: GraphRows, files: GraphFileAccess, problems: Problem[]): PairGraph | undefined {
  const rel = spec.graph;
  const report: Report = (code, message, at, severity = 'error') => {
    problems.push(problem(code, severity, message, at.start, at.end));
    return undefined;
  };
  let built: Built;
  switch (rel.kind) {
    case 'views':
      built = viewsGraph(rel, rows, report);
      break;
    case 'labels':
      built = labelsGraph(rel, rows, report);
      break;
    case 'knn':
      built = knnRelation(rel, rows, report);
      break;
    case 'edges':
      built = inlineEdgesGraph(rel, rows.N, report);
      break;
    case 'edges-file':
      built = fileEdgesGraph(rel, rows.N, files, problems, report);
      break;
  }
  if (!built) return undefined;
  const { g } = built;
  return { ...built, degrees: g.rowSums(), components: connectedComponents(g) };
}

function viewsGraph(rel: Extract<GraphRelation, { kind: 'views' }>, rows: GraphRows, report: Report): Built {
  const { N } = rows;
  const V = rel.views;
  if (N % V !== 0)
    return report(
      'dimension-mismatch',
      `graph.views: ${V} views per sample do not divide the N = ${N} rows of the data (consecutive groups of ${V} rows are one sample).`,
      rel.valueSpan,
    );
  if (rows.groups !== undefined && rows.groups !== V) {
    return report(
      'dimension-mismatch',
      `graph.views: ${V} views per sample, but the data file holds ${N / rows.groups} samples × ${rows.groups} views (an n × V × D array); set views: ${rows.groups}.`,
      rel.valueSpan,
    );
  }
  if (N * (V - 1) > MAX_GRAPH_ENTRIES)
    return report('limit-exceeded', `graph.views: G would hold N (V − 1) = ${N * (V - 1)} entries, over the limit of ${MAX_GRAPH_ENTRIES}.`, rel.valueSpan);
  const id = new Int32Array(N);
  for (let i = 0; i < N; i++) id[i] = Math.floor(i / V);
  const cliques = { id, count: N / V, size: V };
  return { kind: 'views', g: cliqueGraph(N, id, cliques.count), cliques };
}

function labelsGraph(rel: Extract<GraphRelation, { kind: 'labels' }>, rows: GraphRows, report: Report): Built {
  const { N } = rows;
  if (!rows.labels)
    return report('missing-field', 'graph.labels: G_ij = 1[y_i = y_j] needs labels: add data.labels ({column: -1} or {file: labels.npy}).', rel.span);
  const distinct = [...new Set(rows.labels)].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, c) => [v, c]));
  const id = new Int32Array(N);
  const size = new Float64Array(distinct.length);
  for (let i = 0; i < N; i++) {
    id[i] = index.get(rows.labels[i])!;
    size[id[i]]++;
  }
  let entries = 0;
  let largest = 0;
  for (const s of size) {
    entries += s * s;
    largest = Math.max(largest, s);
  }
  if (entries > MAX_GRAPH_ENTRIES) {
    return report(
      'limit-exceeded',
      `graph.labels: the label graph is dense within each class and would hold Σ class_size² = ${entries} entries (largest class ${largest} rows), over the limit of ${MAX_GRAPH_ENTRIES}; use graph.knn or explicit edges.`,
      rel.span,
    );
  }
  const cliques = { id, count: distinct.length };
  return { kind: 'labels', g: cliqueGraph(N, id, distinct.length), cliques };
}

function knnRelation(rel: Extract<GraphRelation, { kind: 'knn' }>, rows: GraphRows, report: Report): Built {
  const { N, D } = rows;
  const k = rel.k;
  if (k >= N) return report('out-of-range', `graph.knn.k: ${k} must be < N = ${N} (each row has N - 1 other rows).`, rel.valueSpan);
  if (N * k > MAX_GRAPH_ENTRIES)
    return report('limit-exceeded', `graph.knn: N k = ${N * k} neighbour entries, over the limit of ${MAX_GRAPH_ENTRIES}.`, rel.valueSpan);
  try {
    return { kind: 'knn', g: knnGraph(rows.x, N, D, k, MAX_KNN_WORK) };
  } catch (e) {
    if (e instanceof SparseError && e.code === 'limit-exceeded') return report('limit-exceeded', `graph.knn: ${e.message}.`, rel.span);
    throw e;
  }
}

function inlineEdgesGraph(rel: Extract<GraphRelation, { kind: 'edges' }>, N: number, report: Report): Built {
  const m = rel.edges.length;
  const I = new Float64Array(m);
  const J = new Float64Array(m);
  const W = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const [i, j, w] = rel.edges[r];
    for (const v of [i, j])
      if (v >= N) return report('out-of-range', `graph.edges[${r}]: row index ${v} is not below N = ${N} (0-based rows of the data).`, rel.span);
    if (i === j) return report('self-loop', `graph.edges[${r}]: a self-loop (i = j = ${i}) is not a positive pair; remove it.`, rel.span);
    I[r] = i;
    J[r] = j;
    W[r] = w;
  }
  return weightedGraph(N, I, J, W);
}

function fileEdgesGraph(rel: Extract<GraphRelation, { kind: 'edges-file' }>, N: number, files: GraphFileAccess, problems: Problem[], report: Report): Built {
  const at = rel.pathSpan;
  const read = readReferencedFile(rel.path, rel.resolved, files, at, 'graph mode cannot be analysed');
  if ('problem' in read) {
    problems.push(read.problem);
    return undefined;
  }
  let list;
  try {
    list = readEdgeList(read.bytes, rel.path, undefined, { maxValues: (3 * MAX_GRAPH_ENTRIES) / 2, what: 'values of an edge list' });
  } catch (e) {
    if (e instanceof DataFileError)
      return report(e instanceof ArrayTooLargeError ? 'limit-exceeded' : 'file-parse-error', `Cannot read '${rel.path}': ${e.message}`, at);
    throw e;
  }
  if (2 * list.count > MAX_GRAPH_ENTRIES)
    return report('limit-exceeded', `'${rel.path}' lists ${list.count} pairs, over the limit of ${MAX_GRAPH_ENTRIES / 2}.`, at);
  for (let r = 0; r < list.count; r++) {
    const i = list.i[r];
    const j = list.j[r];
    const where = `'${rel.path}', pair ${r + 1}`;
    for (const v of [i, j]) {
      if (!Number.isInteger(v) || v < 0) return report('file-parse-error', `${where}: row index ${v} is not a non-negative integer (0-based rows).`, at);
      if (v >= N) return report('out-of-range', `${where}: row index ${v} is not below N = ${N} (0-based rows of the data).`, at);
    }
    if (i === j) return report('self-loop', `${where}: a self-loop (i = j = ${i}) is not a positive pair; remove it.`, at);
    if (list.w) {
      const w = list.w[r];
      if (!(w > 0) || w === Infinity) return report('invalid-value', `${where}: the weight ${w} must be a finite number > 0.`, at);
    }
  }
  return list.w ? weightedGraph(N, list.i, list.j, list.w) : { kind: 'edges', g: CsrMatrix.fromCoo(N, list.i, list.j, undefined, 'sum') };
}

/** Weights are used as given while the largest is in [2^-64, 2^64). */
const WEIGHT_RANGE_EXPONENT = 64;

/**
 * G = Σ over the pairs of w (e_i e_jᵀ + e_j e_iᵀ), duplicates summed. When the largest weight
 * is outside [2^-64, 2^64), every weight is first multiplied by 4^m so that the largest lies in
 * [1/4, 1) (docs/theory.md §7.10): no sum of
 * duplicates or degree overflows, no subnormal weight loses its digits, and (a power of four)
 * every result, square roots of degrees included, is the unscaled one times a power of two.
 * A weight so much smaller than the largest that it would underflow to 0 is kept as the
 * smallest positive double, so that the pair stays an edge.
 */
function weightedGraph(N: number, I: ArrayLike<number>, J: ArrayLike<number>, W: Float64Array): Built {
  let wmax = 0;
  for (let r = 0; r < W.length; r++) wmax = Math.max(wmax, W[r]);
  const e = wmax > 0 ? binaryExponent(wmax) : 0;
  const m = e >= -WEIGHT_RANGE_EXPONENT && e < WEIGHT_RANGE_EXPONENT ? 0 : -Math.floor(e / 2) - 1;
  if (m !== 0) for (let r = 0; r < W.length; r++) W[r] = Math.max(timesPowerOfTwo(W[r], 2 * m), Number.MIN_VALUE);
  return { kind: 'edges', g: CsrMatrix.fromCoo(N, I, J, W, 'sum'), ...(m !== 0 ? { weightExponent: 2 * m } : {}) };
}

/** ⌊log2 x⌋ for a positive finite x (subnormals included). */
export function binaryExponent(x: number): number {
  let e = Math.floor(Math.log2(x));
  // log2 rounds: correct by one either way
  if (timesPowerOfTwo(1, e) > x) e--;
  else if (timesPowerOfTwo(1, e + 1) <= x) e++;
  return e;
}

/** x 2^e, exact unless the result under- or overflows (in steps, as 2^e alone may not be a double). */
export function timesPowerOfTwo(x: number, e: number): number {
  let y = x;
  let left = e;
  while (left > 1000) {
    y *= 2 ** 1000;
    left -= 1000;
  }
  while (left < -1000) {
    y *= 2 ** -1000;
    left += 1000;
  }
  return y * 2 ** left;
}

/** G with G_ij = 1 for i ≠ j in the same clique (rows of each clique listed in increasing order). */
function cliqueGraph(N: number, id: Int32Array, count: number): CsrMatrix {
  const size = new Int32Array(count);
  for (let i = 0; i < N; i++) size[id[i]]++;
  const start = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) start[c + 1] = start[c] + size[c];
  const members = new Int32Array(N);
  const cursor = start.slice(0, count);
  for (let i = 0; i < N; i++) members[cursor[id[i]]++] = i;
  const rowPtr = new Int32Array(N + 1);
  for (let i = 0; i < N; i++) rowPtr[i + 1] = rowPtr[i] + size[id[i]] - 1;
  const nnz = rowPtr[N];
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz).fill(1);
  for (let i = 0; i < N; i++) {
    const c = id[i];
    let o = rowPtr[i];
    for (let p = start[c]; p < start[c + 1]; p++) {
      const j = members[p];
      if (j !== i) col[o++] = j;
    }
  }
  return new CsrMatrix(N, rowPtr, col, val);
}

/**
 * Y = L X = D_G X − G X for X (N × b, row-major), into `out` when given. For a union of
 * cliques (G X)_i = S_c − x_i with S_c the clique's row sum, so (L X)_i = s_c x_i − S_c.
 */
export function laplacianRows(pg: PairGraph, x: Float64Array, b: number, out?: Float64Array): Float64Array {
  const N = pg.g.n;
  const y = out ?? new Float64Array(N * b);
  if (pg.cliques) {
    cliqueProduct(pg, x, b, undefined, y);
    return y;
  }
  pg.g.multiplyRows(x, b, y);
  for (let i = 0; i < N; i++) {
    const d = pg.degrees[i];
    const o = i * b;
    for (let t = 0; t < b; t++) y[o + t] = d * x[o + t] - y[o + t];
  }
  return y;
}

/**
 * Y = D^-1/2 G D^-1/2 X for X (N × b, row-major; rows of degree 0 give 0), into `out` when
 * given. For a union of cliques (Y)_i = h_i (T_c − h_i x_i) with h = d^-1/2 and
 * T_c = Σ_{j in c} h_j x_j.
 */
export function normalizedAdjacencyRows(pg: PairGraph, x: Float64Array, b: number, out?: Float64Array): Float64Array {
  const N = pg.g.n;
  const h = inverseSqrtDegrees(pg.degrees);
  const y = out ?? new Float64Array(N * b);
  if (pg.cliques) {
    cliqueProduct(pg, x, b, h, y);
    return y;
  }
  for (let i = 0; i < N; i++) for (let t = 0; t < b; t++) y[i * b + t] = h[i] * x[i * b + t];
  const z = new Float64Array(N * b);
  pg.g.multiplyRows(y, b, z);
  for (let i = 0; i < N; i++) for (let t = 0; t < b; t++) y[i * b + t] = h[i] * z[i * b + t];
  return y;
}

/**
 * Products with a union of cliques: h undefined gives L X (y_i = s_c x_i − S_c), else
 * D^-1/2 G D^-1/2 X (y_i = h_i (T_c − h_i x_i), T_c = Σ_{j in c} h_j x_j). Consecutive
 * cliques (views) are streamed clique by clique; otherwise the clique sums are gathered first.
 */
function cliqueProduct(pg: PairGraph, x: Float64Array, b: number, h: Float64Array | undefined, y: Float64Array): void {
  const { id, count, size } = pg.cliques!;
  const N = id.length;
  const deg = pg.degrees;
  const row = (i: number, sums: Float64Array, so: number): void => {
    const xo = i * b;
    if (h) {
      const hi = h[i];
      for (let t = 0; t < b; t++) y[xo + t] = hi * (sums[so + t] - hi * x[xo + t]);
    } else {
      const s = deg[i] + 1;
      for (let t = 0; t < b; t++) y[xo + t] = s * x[xo + t] - sums[so + t];
    }
  };
  if (size !== undefined) {
    const sum = new Float64Array(b);
    for (let c = 0; c < count; c++) {
      sum.fill(0);
      for (let i = c * size; i < (c + 1) * size; i++) {
        const w = h ? h[i] : 1;
        for (let t = 0; t < b; t++) sum[t] += w * x[i * b + t];
      }
      for (let i = c * size; i < (c + 1) * size; i++) row(i, sum, 0);
    }
    return;
  }
  const sums = new Float64Array(count * b);
  for (let i = 0; i < N; i++) {
    const so = id[i] * b;
    const xo = i * b;
    const w = h ? h[i] : 1;
    for (let t = 0; t < b; t++) sums[so + t] += w * x[xo + t];
  }
  for (let i = 0; i < N; i++) row(i, sums, id[i] * b);
}
