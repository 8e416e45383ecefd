/**
 * Exact k-nearest-neighbour graphs (Euclidean; ties to the lower index), graph mode's
 * `knn` relation (docs/theory.md §7.2).
 *
 * Up to {@link TREE_MAX_DIMENSION} coordinates a k-d tree (measured: it wins clearly up to 6,
 * ties with the brute force at 8). Above, a blocked brute force: the squared distances
 * ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j of the column-centred data, each pair once (j > i, offered to
 * both rows), with the dot products of 4 rows × 4 columns in registers (vectorKernels.ts,
 * WebAssembly SIMD) and only the pairs that can enter a row's k best written out. That
 * expansion is only a filter: a candidate j is skipped when its distance exceeds row i's
 * current k-th best by more than a bound on the rounding error of the expansion, and every
 * candidate that passes has its distance recomputed directly, Σ_t (x_it − x_jt)², on the
 * original values.
 * Both ways the k best by (distance, index) are exact up to the rounding of that direct sum,
 * and equal distances keep the lower index.
 */
import { CsrMatrix, SparseError } from './csr';
import { knnKernel } from './vectorKernels';

/** Rows per call of the candidate kernel (a multiple of 4). */
const ROW_BLOCK = 64;
const UNIT_ROUNDOFF = 1.1102230246251565e-16;

/** Up to this dimension (and from {@link TREE_MIN_ROWS} rows) a k-d tree replaces the brute force. */
export const TREE_MAX_DIMENSION = 6;
export const TREE_MIN_ROWS = 2000;

/**
 * The k nearest other rows of every row of x (n × d, row-major): n × k indices, each row
 * sorted by (distance, index). A k-d tree in low dimension, else the blocked brute force
 * (`method` forces one, for tests).
 */
export function nearestNeighbors(x: Float64Array, n: number, d: number, k: number, method?: 'tree' | 'brute'): Int32Array {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new SparseError('dimension-mismatch', `k = ${k} nearest neighbours need 1 <= k <= n - 1 = ${n - 1}`);
  if (x.length !== n * d) throw new SparseError('dimension-mismatch', `nearestNeighbors: ${x.length} values for ${n} × ${d}`);
  const tree = method === 'tree' || (method === undefined && d <= TREE_MAX_DIMENSION && n >= TREE_MIN_ROWS);
  return tree ? treeNeighbors(x, n, d, k) : bruteNeighbors(x, n, d, k);
}

/** Leaf size of the k-d tree. */
const LEAF = 12;

/**
 * k-d tree search: nodes split at the median of their widest coordinate, each node keeps its
 * bounding box, and a subtree is skipped only when the squared distance to its box exceeds
 * the current k-th best (strictly: an equal distance may still hold a lower index). The box
 * bound and the direct distances round the same way (monotone), so no candidate is lost.
 */
function treeNeighbors(x: Float64Array, n: number, d: number, k: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  // nodes: [start, end) of perm, children, box (lo, hi per coordinate)
  const maxNodes = 2 * Math.ceil(n / (LEAF / 2)) + 1;
  const start = new Int32Array(maxNodes);
  const end = new Int32Array(maxNodes);
  const left = new Int32Array(maxNodes).fill(-1);
  const right = new Int32Array(maxNodes).fill(-1);
  const lo = new Float64Array(maxNodes * d);
  const hi = new Float64Array(maxNodes * d);
  let count = 0;
  const stack: number[] = [];
  const make = (s: number, e: number): number => {
    const id = count++;
    start[id] = s;
    end[id] = e;
    for (let t = 0; t < d; t++) {
      let a = Infinity;
      let b = -Infinity;
      for (let p = s; p < e; p++) {
        const v = x[perm[p] * d + t];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[id * d + t] = a;
      hi[id * d + t] = b;
    }
    return id;
  };
  stack.push(make(0, n));
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
    selectByKey(perm, s, e, mid, x, d, axis, keys);
    left[id] = make(s, mid);
    right[id] = make(mid, e);
    stack.push(left[id], right[id]);
  }
  const hd = new Float64Array(k);
  const hi2 = new Int32Array(k);
  const out = new Int32Array(n * k);
  const order = new Int32Array(k);
  const nodeStack = new Int32Array(maxNodes);
  const nodeBound = new Float64Array(maxNodes);
  for (let i = 0; i < n; i++) {
    const qo = i * d;
    let size = 0;
    let worst = Infinity;
    let top = 0;
    nodeStack[top] = 0;
    nodeBound[top++] = 0;
    while (top > 0) {
      top--;
      const id = nodeStack[top];
      if (size === k && nodeBound[top] > worst) continue;
      if (left[id] < 0) {
        for (let p = start[id]; p < end[id]; p++) {
          const j = perm[p];
          if (j === i) continue;
          const yo = j * d;
          let dist = 0;
          for (let t = 0; t < d; t++) {
            const z = x[qo + t] - x[yo + t];
            dist += z * z;
          }
          if (size < k) {
            heapPush(hd, hi2, 0, size, dist, j);
            size++;
            if (size === k) worst = hd[0];
          } else if (dist < hd[0] || (dist === hd[0] && j < hi2[0])) {
            heapReplaceTop(hd, hi2, 0, k, dist, j);
            worst = hd[0];
          }
        }
        continue;
      }
      // push the farther child first, so the nearer is searched first
      const bl = boxDistance(x, qo, lo, hi, left[id], d);
      const br = boxDistance(x, qo, lo, hi, right[id], d);
      const [far, fb, near, nb] = bl <= br ? [right[id], br, left[id], bl] : [left[id], bl, right[id], br];
      if (!(size === k && fb > worst)) {
        nodeStack[top] = far;
        nodeBound[top++] = fb;
      }
      if (!(size === k && nb > worst)) {
        nodeStack[top] = near;
        nodeBound[top++] = nb;
      }
    }
    for (let q = 0; q < k; q++) order[q] = q;
    order.sort((p, q) => hd[p] - hd[q] || hi2[p] - hi2[q]);
    for (let q = 0; q < k; q++) out[i * k + q] = hi2[order[q]];
  }
  return out;
}

/** Squared distance from row qo of x to node id's box (0 inside). */
function boxDistance(x: Float64Array, qo: number, lo: Float64Array, hi: Float64Array, id: number, d: number): number {
  let s = 0;
  const o = id * d;
  for (let t = 0; t < d; t++) {
    const v = x[qo + t];
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
export function knnGraph(x: Float64Array, n: number, d: number, k: number): CsrMatrix {
  const nbrs = nearestNeighbors(x, n, d, k);
  const rows = new Int32Array(n * k);
  for (let i = 0; i < n; i++) rows.fill(i, i * k, (i + 1) * k);
  return CsrMatrix.fromCoo(n, rows, nbrs, undefined, 'max');
}
