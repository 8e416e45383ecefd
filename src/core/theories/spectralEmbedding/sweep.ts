/**
 * VICReg's representation on the graph scored against the labels as the invariance weight
 * varies (docs/theory.md §7.9.5). Z(g) = √N U_K diag(√σ(g)) changes with g only by rescaling
 * its directions, and a least-squares probe is blind to rescaling (it refits any invertible
 * scaling away), so the sweep is scored by leave-one-out k-NN accuracy, whose distances
 * rescaling changes: shrinking the directions off the class span (a high g on an aligned G)
 * brings rows of one class together.
 */
import { Rng } from '../../numerics/rng';
import { laplacianSmallest } from '../../numerics/sparse';
import type { PairGraph } from './graphBuild';
import { userScale } from './representation';
import type { InvarianceSweep } from './types';
import { vicregKnee, vicregSigma } from './vicreg';

/** k of the k-NN vote at most (smaller when a class has fewer rows). */
export const SWEEP_NEIGHBOURS = 5;
/** Rows scored at most (a seeded uniform sample beyond). */
export const SWEEP_MAX_ROWS = 500;
const POINTS_PER_DECADE = 3;

/**
 * The K smallest eigenpairs of L on the complement of the constant vector: the K + 1
 * smallest, centred and orthonormalised in order (a null vector of a component becomes a
 * contrast of components; one direction, the constant's, is dropped).
 */
export function laplacianPairs(pg: PairGraph, K: number): { values: number[]; vectors: Float64Array[] } {
  const n = pg.g.n;
  const r = laplacianSmallest(pg.g, Math.min(n, K + 1), { components: pg.components, degrees: pg.degrees, vectors: true });
  const values: number[] = [];
  const vectors: Float64Array[] = [];
  r.vectors!.forEach((v0, t) => {
    if (vectors.length >= K) return;
    const v = Float64Array.from(v0);
    const before = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    let mean = 0;
    for (let i = 0; i < n; i++) mean += v[i] / n;
    for (let i = 0; i < n; i++) v[i] -= mean;
    for (const u of vectors) {
      let d = 0;
      for (let i = 0; i < n; i++) d += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (!(norm > 1e-8 * Math.max(before, 1e-300))) return;
    for (let i = 0; i < n; i++) v[i] /= norm;
    vectors.push(v);
    values.push(userScale(pg, Math.max(0, r.values[t])));
  });
  return { values, vectors };
}

/** The sweep's weights: log-spaced, covering the spec's g and every knee a/(4λ_k) a decade on each side, the spec's g included. */
export function sweepGrid(lambda: readonly number[], a: number, g: number): number[] {
  const knees = lambda.filter((l) => l > 0).map((l) => vicregKnee(a, l));
  const lo = Math.floor(Math.log10(Math.min(g, ...knees))) - 1;
  const hi = Math.ceil(Math.log10(Math.max(g, ...knees))) + 1;
  const grid: number[] = [];
  for (let p = lo * POINTS_PER_DECADE; p <= hi * POINTS_PER_DECADE; p++) grid.push(Number((10 ** (p / POINTS_PER_DECADE)).toPrecision(3)));
  if (!grid.includes(g)) grid.push(g);
  return grid.sort((x, y) => x - y);
}

/** Leave-one-out k-NN accuracy of Z(g) on the labels, at every g of the grid (docs/theory.md §7.9.5). */
export function invarianceSweep(pairs: { values: number[]; vectors: Float64Array[] }, labels: Float64Array, a: number, g: number, seed = 0): InvarianceSweep {
  const n = labels.length;
  const rows = sampleRows(n, seed);
  const K = pairs.vectors.length;
  const m = rows.length;
  // the rows' coordinates in the eigenbasis (m × K)
  const u = new Float64Array(m * K);
  rows.forEach((i, r) => pairs.vectors.forEach((v, k) => (u[r * K + k] = v[i])));
  const y = rows.map((i) => labels[i]);
  const k = neighbours(y);
  const grid = sweepGrid(pairs.values, a, g);
  // the distinct weight vectors σ(g) (many g share one), scored together in one pass over the pairs
  const keys = grid.map((gi) => pairs.values.map((l) => vicregSigma(l, a, gi)));
  const distinct = [...new Map(keys.map((w) => [w.join(','), w])).values()];
  const acc = knnAccuracies(u, m, K, distinct, y, k);
  const byKey = new Map(distinct.map((w, i) => [w.join(','), acc[i]]));
  const knn = keys.map((w) => byKey.get(w.join(','))!);
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (knn[i] > knn[best]) best = i;
  return { g: grid, knn, k, rows: m, best: grid[best] };
}

/** k = min(5, the smallest class's size − 1), at least 1: a row's own class can win the vote. */
function neighbours(y: number[]): number {
  const sizes = new Map<number, number>();
  for (const v of y) sizes.set(v, (sizes.get(v) ?? 0) + 1);
  return Math.max(1, Math.min(SWEEP_NEIGHBOURS, Math.min(...sizes.values()) - 1));
}

/** All rows, or a seeded uniform sample of SWEEP_MAX_ROWS of them in increasing order. */
function sampleRows(n: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= SWEEP_MAX_ROWS) return all;
  const rng = new Rng(seed);
  for (let i = 0; i < SWEEP_MAX_ROWS; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, SWEEP_MAX_ROWS).sort((p, q) => p - q);
}

/**
 * Leave-one-out accuracy of the k-NN vote for each weight vector w, with squared distances
 * Σ_k w_k (u_ik − u_jk)²: the majority label of the k nearest other rows (ties in distance to
 * the lower row, ties in the vote to the label of the nearer row). One pass over the pairs
 * serves every w.
 */
function knnAccuracies(u: Float64Array, m: number, K: number, ws: number[][], y: number[], k: number): number[] {
  const kk = Math.min(k, m - 1);
  const W = ws.length;
  if (kk < 1) return ws.map(() => 0);
  const w = Float64Array.from(ws.flat());
  const nd = new Float64Array(W * kk);
  const ni = new Int32Array(W * kk);
  const diff = new Float64Array(K);
  const labels = Float64Array.from(y);
  const correct = new Array<number>(W).fill(0);
  for (let i = 0; i < m; i++) {
    nd.fill(Infinity);
    ni.fill(-1);
    const ui = i * K;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const uj = j * K;
      for (let q = 0; q < K; q++) {
        const t = u[ui + q] - u[uj + q];
        diff[q] = t * t;
      }
      for (let c = 0, wc = 0, o = 0; c < W; c++, wc += K, o += kk) {
        let d = 0;
        for (let q = 0; q < K; q++) d += w[wc + q] * diff[q];
        if (d >= nd[o + kk - 1]) continue; // not among the kk nearest (ties keep the lower row)
        let p = kk - 1;
        while (p > 0 && nd[o + p - 1] > d) {
          nd[o + p] = nd[o + p - 1];
          ni[o + p] = ni[o + p - 1];
          p--;
        }
        nd[o + p] = d;
        ni[o + p] = j;
      }
    }
    for (let c = 0; c < W; c++) if (vote(ni, c * kk, kk, labels) === y[i]) correct[c]++;
  }
  return correct.map((v) => v / m);
}

/** The majority label among the kk neighbours at `o` (nearest first); a tie goes to the label seen first. */
function vote(ni: Int32Array, o: number, kk: number, y: Float64Array): number {
  let best = y[ni[o]];
  let bestCount = 0;
  for (let a = 0; a < kk; a++) {
    if (ni[o + a] < 0) continue;
    const label = y[ni[o + a]];
    let count = 0;
    for (let b = 0; b <= a; b++) if (ni[o + b] >= 0 && y[ni[o + b]] === label) count++;
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}
