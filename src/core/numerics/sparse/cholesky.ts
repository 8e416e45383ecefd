/**
 * Sparse Cholesky factorisation M = P̃ᵀ R Rᵀ P̃ of a shifted graph matrix M = L + σ E (L = D_G − G
 * the Laplacian, E = I or E = D_G; σ > 0, so M is symmetric positive definite on a connected
 * graph), and solves with it: the inner step of the shift-invert eigensolver of graph mode
 * (docs/theory.md §7.10).
 *
 * - ordering.ts's nested dissection permutes the rows (P̃);
 * - the symbolic analysis is the elimination tree (Liu's algorithm with path compression)
 *   and the column counts of the factor, row subtree by row subtree, stopped as soon as the
 *   factor would exceed the caller's entry budget (so an unaffordable factor costs about as
 *   much work as the budget, never the fill);
 * - the numeric factorisation is the up-looking algorithm (Davis, "Direct Methods for Sparse
 *   Linear Systems", SIAM 2006, §4.5): row k of the factor from a sparse triangular solve over
 *   the elimination-tree reach of row k of M. Columns are stored with increasing rows, the
 *   diagonal first.
 * Backward stable: the computed factor is the exact factor of M + δM with |δM| ≲ c ε |R||Rᵀ|,
 * so the eigenvalues of the computed inverse are those of a matrix within O(ε ‖M‖) of M.
 */
import type { CsrMatrix } from './csr';
import { SparseError } from './csr';
import { nestedDissection } from './ordering';

export interface CholeskySymbolic {
  n: number;
  /** perm[p]: the row of M at position p; inverse[row] = p */
  perm: Int32Array;
  inverse: Int32Array;
  /** elimination tree of the permuted matrix (−1 at roots) */
  parent: Int32Array;
  /** column pointers of the factor (n + 1) */
  colPtr: Int32Array;
  /** entries of the factor, and the multiply-adds of the factorisation */
  entries: number;
  flops: number;
}

export interface CholeskyFactor {
  symbolic: CholeskySymbolic;
  rowIdx: Int32Array;
  values: Float64Array;
}

/**
 * The ordering and symbolic analysis of the pattern of g (with a full diagonal); undefined when
 * the factor would have more than `maxEntries` entries.
 */
export function analyzeCholesky(g: CsrMatrix, maxEntries: number): CholeskySymbolic | undefined {
  const n = g.n;
  const perm = nestedDissection(g);
  const inverse = new Int32Array(n);
  for (let p = 0; p < n; p++) inverse[perm[p]] = p;
  const parent = eliminationTree(g, perm, inverse);
  const counts = columnCounts(g, perm, inverse, parent, maxEntries);
  if (!counts) return undefined;
  const colPtr = new Int32Array(n + 1);
  let flops = 0;
  for (let j = 0; j < n; j++) {
    colPtr[j + 1] = colPtr[j] + counts[j];
    flops += counts[j] * counts[j];
  }
  return { n, perm, inverse, parent, colPtr, entries: colPtr[n], flops };
}

/** Elimination tree of P M Pᵀ: parent[j] is the first row below j in column j of the factor. */
function eliminationTree(g: CsrMatrix, perm: Int32Array, inverse: Int32Array): Int32Array {
  const n = g.n;
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  const { rowPtr, col } = g;
  for (let k = 0; k < n; k++) {
    const v = perm[k];
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      let i = inverse[col[p]];
      // walk from i < k up to the root, compressing the path onto k
      while (i !== -1 && i < k) {
        const next = ancestor[i];
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  return parent;
}

/**
 * Entries per column of the factor (diagonal included): row k of the factor is the union of
 * the tree paths from each i < k with M_ki ≠ 0 up to k. Undefined once the total passes
 * `maxEntries`.
 */
function columnCounts(g: CsrMatrix, perm: Int32Array, inverse: Int32Array, parent: Int32Array, maxEntries: number): Int32Array | undefined {
  const n = g.n;
  const counts = new Int32Array(n).fill(1);
  const flag = new Int32Array(n).fill(-1);
  const { rowPtr, col } = g;
  let total = n;
  if (total > maxEntries) return undefined;
  for (let k = 0; k < n; k++) {
    flag[k] = k;
    const v = perm[k];
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      let i = inverse[col[p]];
      if (i >= k) continue;
      for (; flag[i] !== k; i = parent[i]) {
        flag[i] = k;
        counts[i]++;
        total++;
      }
    }
    if (total > maxEntries) return undefined;
  }
  return counts;
}

/**
 * The numeric factor of M = L + σ E with E = I (`shiftDegrees` false) or E = D_G, on the
 * symbolic analysis of g's pattern. Throws `not-positive-definite` (a SparseError
 * 'no-convergence') when a pivot is not positive, which only roundoff on an ill-scaled
 * graph can cause.
 */
export function factorShiftedLaplacian(g: CsrMatrix, degrees: Float64Array, sigma: number, shiftDegrees: boolean, sym: CholeskySymbolic): CholeskyFactor {
  const { n, perm, inverse, parent, colPtr } = sym;
  const rowIdx = new Int32Array(sym.entries);
  const values = new Float64Array(sym.entries);
  const next = colPtr.slice(0, n); // next free slot of each column
  const x = new Float64Array(n);
  const flag = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const path = new Int32Array(n);
  const { rowPtr, col, val } = g;
  for (let k = 0; k < n; k++) {
    const v = perm[k];
    // the reach of row k in the tree, in topological order, into stack[top..n)
    let top = n;
    flag[k] = k;
    for (let p = rowPtr[v]; p < rowPtr[v + 1]; p++) {
      const i0 = inverse[col[p]];
      if (i0 >= k) continue;
      x[i0] = -val[p];
      let len = 0;
      for (let i = i0; flag[i] !== k; i = parent[i]) {
        path[len++] = i;
        flag[i] = k;
      }
      while (len > 0) stack[--top] = path[--len];
    }
    let d = degrees[v] + sigma * (shiftDegrees ? degrees[v] : 1);
    for (; top < n; top++) {
      const i = stack[top];
      const lki = x[i] / values[colPtr[i]];
      x[i] = 0;
      const end = next[i];
      for (let q = colPtr[i] + 1; q < end; q++) x[rowIdx[q]] -= values[q] * lki;
      d -= lki * lki;
      rowIdx[end] = k;
      values[end] = lki;
      next[i] = end + 1;
    }
    if (!(d > 0))
      throw new SparseError(
        'no-convergence',
        `the shifted Laplacian L + ${sigma} ${shiftDegrees ? 'D' : 'I'} lost positive definiteness at row ${v} (pivot ${d})`,
      );
    const q = next[k]++;
    rowIdx[q] = k;
    values[q] = Math.sqrt(d);
  }
  return { symbolic: sym, rowIdx, values };
}

/**
 * x = M^-1 b in place for the permuted work vector: `work` holds P b on entry (b at the
 * positions of the ordering) and P M^-1 b on exit.
 */
export function solvePermuted(f: CholeskyFactor, work: Float64Array): void {
  const { colPtr, n } = f.symbolic;
  const { rowIdx, values } = f;
  // R y = b (columns of R, diagonal first)
  for (let j = 0; j < n; j++) {
    const p0 = colPtr[j];
    const yj = work[j] / values[p0];
    work[j] = yj;
    if (yj !== 0) for (let q = p0 + 1; q < colPtr[j + 1]; q++) work[rowIdx[q]] -= values[q] * yj;
  }
  // Rᵀ x = y
  for (let j = n - 1; j >= 0; j--) {
    const p0 = colPtr[j];
    let s = work[j];
    for (let q = p0 + 1; q < colPtr[j + 1]; q++) s -= values[q] * work[rowIdx[q]];
    work[j] = s / values[p0];
  }
}
