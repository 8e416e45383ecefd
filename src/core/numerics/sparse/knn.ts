/**
 * Exact k-nearest-neighbour graphs (Euclidean; ties to the lower index), graph mode's
 * `knn` relation (docs/theory.md §7.2, §7.10).
 *
 * Two exact searches, chosen per data set (`nearestNeighbors`):
 * - a k-d tree over the rows rotated onto their principal axes (so that data of low intrinsic
 *   dimension in many coordinates, a curved surface in D = 16, is split along the directions
 *   it fills): nodes split at the median of their widest coordinate and keep their bounding
 *   boxes; a query descends nearer child first and skips a subtree whose box is farther than
 *   its current k-th best;
 * - a blocked brute force: the squared distances ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j of the
 *   column-centred data, each pair once (j > i, offered to both rows), with the dot products
 *   of 4 rows × 4 columns in registers (vectorKernels.ts, WebAssembly SIMD) and only the
 *   pairs that can enter a row's k best written out.
 * The tree is built first and tried on a spread of {@link PROBE_QUERIES} queries; when they
 * scan more than {@link TREE_MAX_SHARE} of the rows on average (data that fill many
 * dimensions; the brute force scans half of them per row, four at a time in SIMD registers),
 * the brute force does the whole search instead.
 *
 * Both ways the rotated or expanded distances only filter: a candidate is skipped (a subtree
 * pruned) only when that distance exceeds the row's current k-th best by more than a bound
 * on its rounding error, and every candidate that passes has its distance recomputed
 * directly, Σ_t (x_it − x_jt)², on the original values. So the k best by (distance, index) are
 * exact up to the rounding of that direct sum, and equal distances keep the lower index.
 */
import { Matrix } from '../dense/matrix';
import { symmetricEigen } from '../dense/eigen';
import { CsrMatrix, SparseError } from './csr';
import { knnKernel } from './vectorKernels';

/** Rows per call of the candidate kernel (a multiple of 4). */
const ROW_BLOCK = 64;
const UNIT_ROUNDOFF = 1.1102230246251565e-16;

/** From this many rows the k-d tree is tried. */
export const TREE_MIN_ROWS = 2000;
/** Queries of the tree's trial, and the largest share of the rows they may measure on average for the tree to be kept. */
export const PROBE_QUERIES = 256;
export const TREE_MAX_SHARE = 1 / 8;

/**
 * The k nearest other rows of every row of x (n × d, row-major): n × k indices, each row
 * sorted by (distance, index). The k-d tree when its trial says it prunes well, else the
 * blocked brute force (`method` forces one, for tests). The brute force is refused
 * (`limit-exceeded`) when its n² d exceeds `maxBruteWork`.
 */
export function nearestNeighbors(x: Float64Array, n: number, d: number, k: number, method?: 'tree' | 'brute', maxBruteWork = Infinity): Int32Array {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new SparseError('dimension-mismatch', `k = ${k} nearest neighbours need 1 <= k <= n - 1 = ${n - 1}`);
  if (x.length !== n * d) throw new SparseError('dimension-mismatch', `nearestNeighbors: ${x.length} values for ${n} × ${d}`);
  if (method === 'brute' || (method === undefined && n < TREE_MIN_ROWS)) return bruteNeighbors(x, n, d, k);
  const tree = buildTree(x, n, d);
  if (method === undefined) {
    const queries = Math.min(PROBE_QUERIES, n);
    if (probeTree(tree, x, n, d, k, queries, TREE_MAX_SHARE * n) > TREE_MAX_SHARE * n) {
      if (n * n * d > maxBruteWork) {
        throw new SparseError(
          'limit-exceeded',
          `the exact neighbours of N = ${n} rows in D = ${d} fill too many dimensions for the k-d tree, and the brute force takes N² D = ${(n * n * d).toExponential(2)} operations, over the limit of ${maxBruteWork.toExponential(0)}`,
        );
      }
      return bruteNeighbors(x, n, d, k);
    }
  }
  const out = new Int32Array(n * k);
  const search = treeSearch(tree, x, d, k);
  for (let p = 0; p < n; p++) search(p, out);
  return out;
}

/** Leaf size of the k-d tree. */
const LEAF = 16;

/**
 * The k-d tree over the rotated rows: nodes split at the median of their widest rotated
 * coordinate, each keeps its bounding box; `y` holds the rotated rows in tree order (a leaf's
 * rows are contiguous), `perm` the original row of each position.
 */
interface KdTree {
  perm: Int32Array;
  y: Float64Array;
  start: Int32Array;
  end: Int32Array;
  left: Int32Array;
  right: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  nodes: number;
  /** ‖x_i − μ‖ per original row, and their maximum (the rounding margin of the rotation) */
  radius: Float64Array;
  maxRadius: number;
}

/**
 * The rows centred and rotated onto the principal axes of the data, y_i = Qᵀ(x_i − μ): the same
 * distances up to rounding, but the widest coordinates first, so that a tree over data of low
 * intrinsic dimension in many coordinates (a curved surface in D = 16) splits along the
 * directions the data actually fill.
 */
function principalRotation(x: Float64Array, n: number, d: number): { y: Float64Array; radius: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += x[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  const c = new Matrix(d, d);
  const z = new Float64Array(d);
  const radius = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let t = 0; t < d; t++) {
      z[t] = x[i * d + t] - mean[t];
      r += z[t] * z[t];
    }
    radius[i] = Math.sqrt(r);
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) c.data[a * d + b] += z[a] * z[b];
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) c.data[b * d + a] = c.data[a * d + b];
  const q = symmetricEigen(c).vectors.data; // columns: principal axes, widest first
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) z[t] = x[i * d + t] - mean[t];
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += z[t] * q[t * d + a];
      y[i * d + a] = s;
    }
  }
  return { y, radius };
}

function buildTree(x: Float64Array, n: number, d: number): KdTree {
  const { y: rotated, radius } = principalRotation(x, n, d);
  let maxRadius = 0;
  for (let i = 0; i < n; i++) maxRadius = Math.max(maxRadius, radius[i]);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const maxNodes = 2 * Math.ceil(n / (LEAF / 2)) + 1;
  const start = new Int32Array(maxNodes);
  const end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d);
  const hi = new Float64Array(maxNodes * d);
  let count = 0;
  const make = (s: number, e: number): number => {
    const id = count++;
    start[id] = s;
    end[id] = e;
    for (let t = 0; t < d; t++) {
      let a = Infinity;
      let b = -Infinity;
      for (let p = s; p < e; p++) {
        const v = rotated[perm[p] * d + t];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[id * d + t] = a;
      hi[id * d + t] = b;
    }
    return id;
  };
  const stack = [make(0, n)];
  const keys = new Float64Array(n);
  while (stack.length) {
    const id = stack.pop()!;
    const s = start[id];
    const e = end[id];
    if (e - s <= LEAF) continue;
    let axis = 0;
    let width = -1;
    for (let t = 0; t < d; t++) {
      const w = hi[id * d + t] - lo[id * d + t];
      if (w > width) {
        width = w;
        axis = t;
      }
    }
    if (!(width > 0)) continue; // all points equal: a leaf
    const mid = (s + e) >> 1;
    selectByKey(perm, s, e, mid, rotated, d, axis, keys);
    left[id] = make(s, mid);
    right[id] = make(mid, e);
    stack.push(left[id], right[id]);
  }
  // the rotated rows in tree order
  const y = new Float64Array(n * d);
  for (let p = 0; p < n; p++) y.set(rotated.subarray(perm[p] * d, perm[p] * d + d), p * d);
  return { perm, y, start, end, left, right, lo, hi, nodes: count, radius, maxRadius };
}

/** Mean work of a query (in rotated distances), over a spread of `queries` positions; Infinity once over `budget`. */
function probeTree(tree: KdTree, x: Float64Array, n: number, d: number, k: number, queries: number, budget: number): number {
  const search = treeSearch(tree, x, d, k);
  const scratch = new Int32Array(n * k);
  let total = 0;
  for (let q = 0; q < queries; q++) {
    total += search(Math.floor(((q + 0.5) * n) / queries), scratch);
    if (total > budget * queries) return Infinity;
  }
  return total / queries;
}

/**
 * k-d tree search over the principal-axis rotation (module comment). Rotated distances
 * differ from the direct ones by rounding only: |‖y_i − y_j‖ − ‖x_i − x_j‖| ≤ γ (‖x_i − x_j‖ +
 * ‖x_i − μ‖ + ‖x_j − μ‖) with γ = 64 d ε generously. So a subtree is skipped, and a row is not
 * even measured directly, only when its rotated (box) distance exceeds the current k-th best
 * direct distance by more than that margin; the k best are chosen on direct distances.
 */
/** A searcher: the k nearest other rows of the row at tree position p, into out; returns its work in rotated distances (rows scanned, two per inner node). */
function treeSearch(tree: KdTree, x: Float64Array, d: number, k: number): (p: number, out: Int32Array) => number {
  const { perm, y, start, end, left, right, lo, hi, nodes, radius, maxRadius } = tree;
  const gamma = 64 * d * UNIT_ROUNDOFF;
  const hd = new Float64Array(k);
  const hi2 = new Int32Array(k);
  const order = new Int32Array(k);
  const nodeStack = new Int32Array(nodes + 1);
  const nodeBound = new Float64Array(nodes + 1);
  return (pq, out) => {
    const i = perm[pq];
    const qo = i * d;
    const yo = pq * d;
    const margin = gamma * (radius[i] + maxRadius);
    let size = 0;
    let thr = Infinity; // rotated squared distances above this cannot enter
    let work = 0;
    const update = (): void => {
      thr = size < k ? Infinity : (Math.sqrt(hd[0]) * (1 + gamma) + margin) ** 2;
    };
    let top = 0;
    nodeStack[top] = 0;
    nodeBound[top++] = 0;
    while (top > 0) {
      top--;
      const id = nodeStack[top];
      if (nodeBound[top] > thr) continue;
      if (left[id] < 0) {
        work += end[id] - start[id];
        for (let p = start[id]; p < end[id]; p++) {
          if (p === pq) continue;
          const po = p * d;
          let dy = 0;
          for (let t = 0; t < d; t++) {
            const z = y[yo + t] - y[po + t];
            dy += z * z;
          }
          if (dy > thr) continue;
          const j = perm[p];
          const jo = j * d;
          let dist = 0;
          for (let t = 0; t < d; t++) {
            const z = x[qo + t] - x[jo + t];
            dist += z * z;
          }
          if (size < k) {
            heapPush(hd, hi2, 0, size, dist, j);
            size++;
            update();
          } else if (dist < hd[0] || (dist === hd[0] && j < hi2[0])) {
            heapReplaceTop(hd, hi2, 0, k, dist, j);
            update();
          }
        }
        continue;
      }
      // push the farther child first, so the nearer is searched first
      work += 2;
      const bl = boxDistance(y, yo, lo, hi, left[id], d);
      const br = boxDistance(y, yo, lo, hi, right[id], d);
      const [far, fb, near, nb] = bl <= br ? [right[id], br, left[id], bl] : [left[id], bl, right[id], br];
      if (fb <= thr) {
        nodeStack[top] = far;
        nodeBound[top++] = fb;
      }
      if (nb <= thr) {
        nodeStack[top] = near;
        nodeBound[top++] = nb;
      }
    }
    for (let q = 0; q < k; q++) order[q] = q;
    order.sort((a, b) => hd[a] - hd[b] || hi2[a] - hi2[b]);
    for (let q = 0; q < k; q++) out[i * k + q] = hi2[order[q]];
    return work;
  };
}

/** Squared distance from the rotated row at offset qo to node id's box (0 inside). */
function boxDistance(y: Float64Array, qo: number, lo: Float64Array, hi: Float64Array, id: number, d: number): number {
  let s = 0;
  const o = id * d;
  for (let t = 0; t < d; t++) {
    const v = y[qo + t];
    const a = lo[o + t];
    const b = hi[o + t];
    if (v < a) {
      const z = v - a;
      s += z * z;
    } else if (v > b) {
      const z = v - b;
      s += z * z;
    }
  }
  return s;
}

/** Reorders perm[s..e) so that perm[mid] has the median coordinate `axis` (quickselect). */
function selectByKey(perm: Int32Array, s: number, e: number, mid: number, x: Float64Array, d: number, axis: number, keys: Float64Array): void {
  for (let p = s; p < e; p++) keys[p] = x[perm[p] * d + axis];
  let l = s;
  let r = e - 1;
  while (l < r) {
    const pivot = keys[(l + r) >> 1];
    let i = l;
    let j = r;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const tk = keys[i];
        keys[i] = keys[j];
        keys[j] = tk;
        const tp = perm[i];
        perm[i] = perm[j];
        perm[j] = tp;
        i++;
        j--;
      }
    }
    if (mid <= j) r = j;
    else if (mid >= i) l = i;
    else return;
  }
}

/** The blocked brute force (module comment). */
function bruteNeighbors(x: Float64Array, n: number, d: number, k: number): Int32Array {
  // column blocks of about 256 KB of the transposed data, rows 64 at a time
  const cb = Math.max(64, Math.floor(32768 / d) & ~3);
  const kern = knnKernel(n, d, ROW_BLOCK * cb);
  const { rows, xr, xt, low, thr, cand } = kern;
  // centred copies (row-major and transposed) and their squared norms (the expansion loses
  // less to cancellation there)
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += x[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = x[i * d + t] - mean[t];
      xr[i * d + t] = v;
      xt[t * rows + i] = v;
      s += v * v;
    }
    sq[i] = s;
  }
  // |expansion − direct distance| <= c (‖x_i‖² + ‖x_j‖²) (centred norms), generously; row i
  // skips j when low_j − 2 g_ij > thr_i with low_j = (1 − c) ‖x_j‖²; padding never passes
  const c = (4 * d + 32) * UNIT_ROUNDOFF;
  for (let i = 0; i < rows; i++) {
    low[i] = i < n ? (1 - c) * sq[i] : Infinity;
    thr[i] = i < n ? Infinity : -Infinity;
  }
  // per-row max-heaps of (distance, index), worst at the root
  const hd = new Float64Array(n * k);
  const hi = new Int32Array(n * k);
  const size = new Int32Array(n);
  /** Offers j to row i's heap; returns row i's new threshold. */
  const offer = (i: number, j: number, dist: number): number => {
    const ho = i * k;
    const m = size[i];
    if (m < k) {
      heapPush(hd, hi, ho, m, dist, j);
      size[i] = m + 1;
      if (m + 1 < k) return Infinity;
    } else if (dist < hd[ho] || (dist === hd[ho] && j < hi[ho])) {
      heapReplaceTop(hd, hi, ho, k, dist, j);
    }
    return hd[ho] - sq[i] + c * sq[i];
  };
  // each pair once (j > i), offered to both rows; the kernel's candidates are tested again
  // with the thresholds as they are now
  for (let i0 = 0; i0 < rows; i0 += ROW_BLOCK) {
    const i1 = Math.min(rows, i0 + ROW_BLOCK);
    for (let j0 = i0; j0 < rows; j0 += cb) {
      const count = kern.run(i0, i1, j0, Math.min(rows, j0 + cb));
      for (let q = 0; q < count; q++) {
        const i = cand[3 * q];
        const j = cand[3 * q + 1];
        const g2 = 2 * cand[3 * q + 2];
        const toI = low[j] - g2 <= thr[i];
        const toJ = low[i] - g2 <= thr[j];
        if (!toI && !toJ) continue;
        // the direct distance on the original values
        const xo = i * d;
        const yo = j * d;
        let dist = 0;
        for (let t = 0; t < d; t++) {
          const z = x[xo + t] - x[yo + t];
          dist += z * z;
        }
        if (toI) thr[i] = offer(i, j, dist);
        if (toJ) thr[j] = offer(j, i, dist);
      }
    }
  }
  // sort every row by (distance, index)
  const out = new Int32Array(n * k);
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const ho = i * k;
    for (let q = 0; q < k; q++) order[q] = q;
    order.sort((p, q) => hd[ho + p] - hd[ho + q] || hi[ho + p] - hi[ho + q]);
    for (let q = 0; q < k; q++) out[ho + q] = hi[ho + order[q]];
  }
  return out;
}

/** (a, ia) worse than (b, ib): larger distance, or equal distance and larger index. */
function worse(a: number, ia: number, b: number, ib: number): boolean {
  return a > b || (a === b && ia > ib);
}

function heapPush(hd: Float64Array, hi: Int32Array, o: number, m: number, dist: number, j: number): void {
  let p = m;
  while (p > 0) {
    const parent = (p - 1) >> 1;
    if (!worse(dist, j, hd[o + parent], hi[o + parent])) break;
    hd[o + p] = hd[o + parent];
    hi[o + p] = hi[o + parent];
    p = parent;
  }
  hd[o + p] = dist;
  hi[o + p] = j;
}

function heapReplaceTop(hd: Float64Array, hi: Int32Array, o: number, k: number, dist: number, j: number): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= k) break;
    const r = l + 1;
    let c = l;
    if (r < k && worse(hd[o + r], hi[o + r], hd[o + l], hi[o + l])) c = r;
    if (!worse(hd[o + c], hi[o + c], dist, j)) break;
    hd[o + p] = hd[o + c];
    hi[o + p] = hi[o + c];
    p = c;
  }
  hd[o + p] = dist;
  hi[o + p] = j;
}

/**
 * The kNN graph: G_ij = 1 when j is among the k nearest other rows of i or i among those
 * of j (symmetrised by "or"), from {@link nearestNeighbors}.
 */
export function knnGraph(x: Float64Array, n: number, d: number, k: number, maxBruteWork = Infinity): CsrMatrix {
  const nbrs = nearestNeighbors(x, n, d, k, undefined, maxBruteWork);
  const rows = new Int32Array(n * k);
  for (let i = 0; i < n; i++) rows.fill(i, i * k, (i + 1) * k);
  return CsrMatrix.fromCoo(n, rows, nbrs, undefined, 'max');
}
