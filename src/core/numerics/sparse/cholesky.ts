/**
 * Sparse Cholesky factorisation M = P̃ᵀ R Rᵀ P̃ of a shifted graph matrix M = L + σ E (L = D_G − G
 * the Laplacian, E = I or E = D_G; σ > 0, so M is symmetric positive definite on a connected
 * graph), and solves with it: the inner step of the shift-invert eigensolver of graph mode
 * (docs/theory.md §7.10).
 *
 * - ordering.ts's nested dissection permutes the rows, followed by a postorder of the
 *   elimination tree (the same fill; it makes every supernode a run of consecutive columns);
 * - the symbolic analysis (supernodes.ts) computes the column counts first, stopped as soon
 *   as the factor would exceed the caller's entry budget (so an unaffordable factor costs
 *   about as much work as the budget, never the fill), then the supernodes and their rows;
 * - the numeric factorisation is multifrontal (Duff & Reid 1983; Liu, SIAM Review 34 (1992)):
 *   supernode by supernode in postorder, the frontal matrix (M's columns of the supernode plus
 *   the update matrices its children left) is partially factored densely (frontal.ts), the
 *   supernode's columns of R kept, and the update matrix of the rows below passed up on a stack;
 * - R is stored by supernode: a dense lower-triangular diagonal block, then the rows below as
 *   a dense block, row after row (each row's entries contiguous).
 * Backward stable: the computed factor is the exact factor of M + δM with |δM| ≲ c ε |R||Rᵀ|,
 * so the eigenvalues of the computed inverse are those of a matrix within O(ε ‖M‖) of M.
 */
import type { CsrMatrix } from './csr';
import { SparseError } from './csr';
import { nestedDissection } from './ordering';
import { columnCounts, eliminationTree, postorder, supernodePartition, supernodeRows } from './supernodes';
import { partialCholesky } from './frontal';

export interface CholeskySymbolic {
  n: number;
  /** perm[p]: the row of M at position p; inverse[row] = p */
  perm: Int32Array;
  inverse: Int32Array;
  /** supernode J: columns first[J] .. first[J+1]−1, parent supernode, rows rows[rowPtr[J] .. rowPtr[J+1]) (its columns first) */
  first: Int32Array;
  superParent: Int32Array;
  rowPtr: Int32Array;
  rows: Int32Array;
  /** where supernode J's values start (see {@link CholeskyFactor}) */
  valPtr: Float64Array;
  /** entries of the factor (explicit zeros of merged supernodes included), and the multiply-adds of the factorisation */
  entries: number;
  flops: number;
  /** largest front (order m) and most doubles the stack of update matrices holds at once */
  maxFront: number;
  maxStack: number;
}

export interface CholeskyFactor {
  symbolic: CholeskySymbolic;
  /**
   * Supernode J with s columns and m rows: from valPtr[J], its diagonal block row by row
   * (row r holds columns 0..r: s(s+1)/2 values), then rows s..m−1 of s values each.
   */
  values: Float64Array;
}

/**
 * The ordering and symbolic analysis of the pattern of g (with a full diagonal); undefined when
 * the factorisation would hold more than `maxEntries` doubles (the factor's entries, its largest
 * front and its stack of update matrices).
 */
export function analyzeCholesky(g: CsrMatrix, maxEntries: number): CholeskySymbolic | undefined {
  const n = g.n;
  const nd = nestedDissection(g);
  const ndInverse = invert(nd);
  const ndParent = eliminationTree(g, nd, ndInverse);
  // postorder the tree: the permutation, its inverse and the tree relabelled
  const post = postorder(ndParent);
  const where = invert(post);
  const perm = new Int32Array(n);
  const parent = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    perm[k] = nd[post[k]];
    const p = ndParent[post[k]];
    parent[k] = p < 0 ? -1 : where[p];
  }
  const inverse = invert(perm);
  const counts = columnCounts(g, perm, inverse, parent, maxEntries);
  if (!counts) return undefined;
  const first = supernodePartition(parent, counts);
  const st = supernodeRows(g, perm, inverse, parent, first);
  const ns = first.length - 1;
  const valPtr = new Float64Array(ns + 1);
  let flops = 0;
  for (let J = 0; J < ns; J++) {
    const s = first[J + 1] - first[J];
    const m = st.rowPtr[J + 1] - st.rowPtr[J];
    valPtr[J + 1] = valPtr[J] + (s * (s + 1)) / 2 + (m - s) * s;
    // Σ over the supernode's columns of (entries of the column)²
    for (let c = 0; c < s; c++) flops += (m - c) * (m - c);
  }
  const entries = valPtr[ns];
  if (entries > maxEntries) return undefined;
  const { maxFront, maxStack } = frontSizes(first, st.rowPtr, st.parent);
  // the numeric factorisation also holds the largest front (order m, m² doubles) and the stack of update matrices
  if (entries + maxFront * maxFront + maxStack > maxEntries) return undefined;
  return { n, perm, inverse, first, superParent: st.parent, rowPtr: st.rowPtr, rows: st.rows, valPtr, entries, flops, maxFront, maxStack };
}

function invert(p: Int32Array): Int32Array {
  const q = new Int32Array(p.length);
  for (let k = 0; k < p.length; k++) q[p[k]] = k;
  return q;
}

/** Doubles of the update matrix a supernode of s columns and m rows passes up (its lower triangle, row by row). */
function updateSize(m: number, s: number): number {
  return ((m - s) * (m - s + 1)) / 2;
}

/** The largest front, and the most doubles the stack of update matrices holds (children stay on it while their parent assembles). */
function frontSizes(first: Int32Array, rowPtr: Int32Array, parent: Int32Array): { maxFront: number; maxStack: number } {
  const ns = first.length - 1;
  // postorder: a supernode's children are the topmost updates when it is reached
  const pending = new Float64Array(ns);
  let stack = 0;
  let maxStack = 0;
  let maxFront = 0;
  for (let J = 0; J < ns; J++) {
    const s = first[J + 1] - first[J];
    const m = rowPtr[J + 1] - rowPtr[J];
    maxFront = Math.max(maxFront, m);
    stack -= pending[J];
    const u = updateSize(m, s);
    stack += u;
    maxStack = Math.max(maxStack, stack);
    if (parent[J] >= 0) pending[parent[J]] += u;
    else stack -= u;
  }
  return { maxFront, maxStack };
}

/** Children of every supernode, ascending (the order their updates were pushed). */
function childLists(parent: Int32Array): { head: Int32Array; next: Int32Array } {
  const ns = parent.length;
  const head = new Int32Array(ns).fill(-1);
  const next = new Int32Array(ns).fill(-1);
  for (let J = ns - 1; J >= 0; J--) {
    const p = parent[J];
    if (p < 0) continue;
    next[J] = head[p];
    head[p] = J;
  }
  return { head, next };
}

/** The numeric factorisation's workspace: the front, the update stack, each row's position in the current front. */
interface FrontWork {
  front: Float64Array;
  stack: Float64Array;
  top: number;
  relpos: Int32Array;
  rel: Int32Array;
}

/**
 * The numeric factor of M = L + σ E with E = I (`shiftDegrees` false) or E = D_G, on the
 * symbolic analysis of g's pattern. Throws `not-positive-definite` (a SparseError
 * 'no-convergence') when a pivot is not positive, which only roundoff on an ill-scaled
 * graph can cause.
 */
export function factorShiftedLaplacian(g: CsrMatrix, degrees: Float64Array, sigma: number, shiftDegrees: boolean, sym: CholeskySymbolic): CholeskyFactor {
  const { first, rowPtr, rows, valPtr, perm } = sym;
  const ns = first.length - 1;
  const values = new Float64Array(sym.entries);
  const w: FrontWork = {
    front: new Float64Array(sym.maxFront * sym.maxFront),
    stack: new Float64Array(sym.maxStack),
    top: 0,
    relpos: new Int32Array(sym.n),
    rel: new Int32Array(sym.maxFront),
  };
  const children = childLists(sym.superParent);
  for (let J = 0; J < ns; J++) {
    const s = first[J + 1] - first[J];
    const r0 = rowPtr[J];
    const m = rowPtr[J + 1] - r0;
    const F = w.front;
    for (let t = 0; t < m; t++) w.relpos[rows[r0 + t]] = t;
    for (let i = 0; i < m; i++) F.fill(0, i * m, i * m + i + 1);
    assembleColumns(g, degrees, sigma, shiftDegrees, sym, J, m, w);
    extendAdd(sym, children, J, m, w);
    const bad = partialCholesky(F, m, s);
    if (bad >= 0) {
      throw new SparseError(
        'no-convergence',
        `the shifted Laplacian L + ${sigma} ${shiftDegrees ? 'D' : 'I'} lost positive definiteness at row ${perm[first[J] + bad]}`,
      );
    }
    // the supernode's columns of R: the diagonal block's lower triangle, then s values per row below
    let o = valPtr[J];
    for (let r = 0; r < m; r++) {
      const len = Math.min(r + 1, s);
      values.set(F.subarray(r * m, r * m + len), o);
      o += len;
    }
    // the update matrix, pushed for the parent (none at a root)
    if (sym.superParent[J] < 0) continue;
    const base = w.top;
    for (let a = 0; a < m - s; a++) w.stack.set(F.subarray((s + a) * m + s, (s + a) * m + s + a + 1), base + (a * (a + 1)) / 2);
    w.top += updateSize(m, s);
  }
  return { symbolic: sym, values };
}

/** Adds M's entries in the columns of supernode J (rows at or below the diagonal) into the front. */
function assembleColumns(
  g: CsrMatrix,
  degrees: Float64Array,
  sigma: number,
  shiftDegrees: boolean,
  sym: CholeskySymbolic,
  J: number,
  m: number,
  w: FrontWork,
): void {
  const { perm, inverse, first } = sym;
  const { rowPtr, col, val } = g;
  const F = w.front;
  for (let j = first[J]; j < first[J + 1]; j++) {
    const c = j - first[J];
    const v = perm[j];
    F[c * m + c] += degrees[v] + sigma * (shiftDegrees ? degrees[v] : 1);
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      const i = inverse[col[p]];
      if (i >= j) F[w.relpos[i] * m + c] -= val[p];
    }
  }
}

/** Adds the update matrices of J's children (the top of the stack) into the front and pops them. */
function extendAdd(sym: CholeskySymbolic, children: { head: Int32Array; next: Int32Array }, J: number, m: number, w: FrontWork): void {
  const { first, rowPtr, rows } = sym;
  const F = w.front;
  const { stack, rel, relpos } = w;
  let total = 0;
  for (let C = children.head[J]; C >= 0; C = children.next[C]) total += updateSize(rowPtr[C + 1] - rowPtr[C], first[C + 1] - first[C]);
  let off = w.top - total;
  w.top = off;
  for (let C = children.head[J]; C >= 0; C = children.next[C]) {
    const sc = first[C + 1] - first[C];
    const mu = rowPtr[C + 1] - rowPtr[C] - sc;
    const rc = rowPtr[C] + sc;
    for (let b = 0; b < mu; b++) rel[b] = relpos[rows[rc + b]];
    for (let a = 0; a < mu; a++) {
      const ra = rel[a] * m;
      for (let b = 0; b <= a; b++) F[ra + rel[b]] += stack[off + b];
      off += a + 1;
    }
  }
}

/**
 * x = M^-1 b in place for the permuted work vector: `work` holds P b on entry (b at the
 * positions of the ordering) and P M^-1 b on exit.
 */
export function solvePermuted(f: CholeskyFactor, work: Float64Array): void {
  const { first, rowPtr, rows, valPtr } = f.symbolic;
  const V = f.values;
  const ns = first.length - 1;
  // R y = b, supernode by supernode
  for (let J = 0; J < ns; J++) {
    const fc = first[J];
    const s = first[J + 1] - fc;
    const r0 = rowPtr[J];
    const m = rowPtr[J + 1] - r0;
    let o = valPtr[J];
    for (let r = 0; r < s; r++, o += r) {
      let t = work[fc + r];
      for (let c = 0; c < r; c++) t -= V[o + c] * work[fc + c];
      work[fc + r] = t / V[o + r];
    }
    // two rows at a time: each pass over the supernode's values of x serves both
    let i = s;
    for (; i + 1 < m; i += 2, o += 2 * s) {
      let t0 = 0;
      let t1 = 0;
      const o1 = o + s;
      for (let c = 0; c < s; c++) {
        const x = work[fc + c];
        t0 += V[o + c] * x;
        t1 += V[o1 + c] * x;
      }
      work[rows[r0 + i]] -= t0;
      work[rows[r0 + i + 1]] -= t1;
    }
    if (i < m) {
      let t = 0;
      for (let c = 0; c < s; c++) t += V[o + c] * work[fc + c];
      work[rows[r0 + i]] -= t;
    }
  }
  // Rᵀ x = y, in reverse
  for (let J = ns - 1; J >= 0; J--) {
    const fc = first[J];
    const s = first[J + 1] - fc;
    const r0 = rowPtr[J];
    const m = rowPtr[J + 1] - r0;
    let o = valPtr[J] + (s * (s + 1)) / 2;
    let i = s;
    for (; i + 1 < m; i += 2, o += 2 * s) {
      const y0 = work[rows[r0 + i]];
      const y1 = work[rows[r0 + i + 1]];
      const o1 = o + s;
      for (let c = 0; c < s; c++) work[fc + c] -= V[o + c] * y0 + V[o1 + c] * y1;
    }
    if (i < m) {
      const y = work[rows[r0 + i]];
      for (let c = 0; c < s; c++) work[fc + c] -= V[o + c] * y;
    }
    for (let r = s - 1; r >= 0; r--) {
      const d = valPtr[J] + (r * (r + 1)) / 2;
      const x = work[fc + r] / V[d + r];
      work[fc + r] = x;
      for (let c = 0; c < r; c++) work[fc + c] -= V[d + c] * x;
    }
  }
}
