/**
 * Square sparse matrices in compressed sparse row form: the pair graphs G of graph mode
 * (docs/theory.md §7.2), their Laplacians L = D_G − G and normalised adjacencies
 * D_G^-1/2 G D_G^-1/2 as operators. Column indices are sorted within each row and unique.
 * Pure TypeScript on typed arrays; imports nothing above numerics/.
 */

/** How {@link CsrMatrix.fromCoo} combines the entries (i, j) and (j, i). */
export type Symmetrize =
  /** as given: (i, j) only */
  | 'none'
  /** G + Gᵀ: every entry (i, j, w) also adds w at (j, i); duplicates summed */
  | 'sum'
  /** every entry also at (j, i); duplicates combined by max (for 0/1 weights: "or") */
  | 'max';

export class SparseError extends Error {
  readonly code: 'dimension-mismatch' | 'limit-exceeded' | 'no-convergence' | 'invalid-value';
  constructor(code: SparseError['code'], message: string) {
    super(message);
    this.name = 'SparseError';
    this.code = code;
  }
}

/** Most stored entries of a CSR matrix (32-bit row pointers). */
export const MAX_NONZEROS = 2 ** 31 - 1;

export class CsrMatrix {
  /** rows = columns */
  readonly n: number;
  /** row i holds entries rowPtr[i] .. rowPtr[i+1]-1 */
  readonly rowPtr: Int32Array;
  /** column of each entry, increasing within a row */
  readonly col: Int32Array;
  readonly val: Float64Array;

  constructor(n: number, rowPtr: Int32Array, col: Int32Array, val: Float64Array) {
    if (rowPtr.length !== n + 1) throw new SparseError('dimension-mismatch', `CSR: rowPtr has ${rowPtr.length} entries, expected ${n + 1}`);
    const nnz = rowPtr[n];
    if (col.length < nnz || val.length < nnz) throw new SparseError('dimension-mismatch', `CSR: ${nnz} entries but col/val have ${col.length}/${val.length}`);
    this.n = n;
    this.rowPtr = rowPtr;
    this.col = col.length === nnz ? col : col.slice(0, nnz);
    this.val = val.length === nnz ? val : val.slice(0, nnz);
  }

  get nnz(): number {
    return this.rowPtr[this.n];
  }

  /**
   * From coordinate triplets (0-based, any order, duplicates allowed): two stable counting
   * sorts (by column, then by row) give sorted rows in O(entries + n); duplicates are then
   * combined (summed, or max with `symmetrize: 'max'`). `vals` undefined means weight 1.
   */
  static fromCoo(n: number, rows: ArrayLike<number>, cols: ArrayLike<number>, vals: ArrayLike<number> | undefined, symmetrize: Symmetrize = 'none'): CsrMatrix {
    const m = rows.length;
    if (cols.length !== m || (vals && vals.length !== m)) throw new SparseError('dimension-mismatch', 'fromCoo: rows, cols and vals differ in length');
    const both = symmetrize !== 'none';
    let total = 0;
    for (let e = 0; e < m; e++) {
      const i = rows[e];
      const j = cols[e];
      if (!(i >= 0 && i < n && j >= 0 && j < n) || i !== Math.floor(i) || j !== Math.floor(j))
        throw new SparseError('dimension-mismatch', `fromCoo: entry ${e} (${i}, ${j}) outside 0..${n - 1}`);
      total += both && i !== j ? 2 : 1;
    }
    if (total > MAX_NONZEROS) throw new SparseError('limit-exceeded', `fromCoo: ${total} entries exceed ${MAX_NONZEROS}`);
    const I = new Int32Array(total);
    const J = new Int32Array(total);
    const W = new Float64Array(total);
    let t = 0;
    for (let e = 0; e < m; e++) {
      const i = rows[e];
      const j = cols[e];
      const w = vals ? vals[e] : 1;
      I[t] = i;
      J[t] = j;
      W[t++] = w;
      if (both && i !== j) {
        I[t] = j;
        J[t] = i;
        W[t++] = w;
      }
    }
    // stable counting sort by column, then by row: sorted by (row, column)
    const byCol = countingOrder(J, n, undefined);
    const order = countingOrder(I, n, byCol);
    const rowPtr = new Int32Array(n + 1);
    const col = new Int32Array(total);
    const val = new Float64Array(total);
    const useMax = symmetrize === 'max';
    let out = 0;
    let prevI = -1;
    let prevJ = -1;
    for (let q = 0; q < total; q++) {
      const e = order[q];
      const i = I[e];
      const j = J[e];
      if (i === prevI && j === prevJ) {
        val[out - 1] = useMax ? Math.max(val[out - 1], W[e]) : val[out - 1] + W[e];
        continue;
      }
      col[out] = j;
      val[out] = W[e];
      out++;
      rowPtr[i + 1]++;
      prevI = i;
      prevJ = j;
    }
    for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
    return new CsrMatrix(n, rowPtr, col.slice(0, out), val.slice(0, out));
  }

  /** y = A x (y overwritten). */
  multiply(x: Float64Array, y: Float64Array): void {
    const { n, rowPtr, col, val } = this;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const e = rowPtr[i + 1];
      for (let p = rowPtr[i]; p < e; p++) s += val[p] * x[col[p]];
      y[i] = s;
    }
  }

  /** Y = A X for X (n × b, row-major); Y overwritten. */
  multiplyRows(x: Float64Array, b: number, y: Float64Array): void {
    const { n, rowPtr, col, val } = this;
    y.fill(0, 0, n * b);
    for (let i = 0; i < n; i++) {
      const yo = i * b;
      const e = rowPtr[i + 1];
      for (let p = rowPtr[i]; p < e; p++) {
        const a = val[p];
        const xo = col[p] * b;
        for (let t = 0; t < b; t++) y[yo + t] += a * x[xo + t];
      }
    }
  }

  /** Row sums: the (weighted) degrees d_i = Σ_j G_ij. */
  rowSums(): Float64Array {
    const { n, rowPtr, val } = this;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += val[p];
      d[i] = s;
    }
    return d;
  }

  /** The diagonal entries (0 where not stored). */
  diagonal(): Float64Array {
    const { n, rowPtr, col, val } = this;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (col[p] === i) d[i] += val[p];
    return d;
  }

  /** Exactly symmetric (same pattern and values)? */
  isSymmetric(): boolean {
    const { n, rowPtr, col, val } = this;
    for (let i = 0; i < n; i++) {
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const j = col[p];
        const q = this.find(j, i);
        if (q < 0 || val[q] !== val[p]) return false;
      }
    }
    return true;
  }

  /** Index of entry (i, j), or -1 (binary search in row i). */
  find(i: number, j: number): number {
    let lo = this.rowPtr[i];
    let hi = this.rowPtr[i + 1] - 1;
    const col = this.col;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = col[mid];
      if (c === j) return mid;
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The principal submatrix on `nodes` (strictly increasing global indices), re-indexed
   * 0..len-1 in that order. Entries to nodes outside the set are dropped.
   */
  submatrix(nodes: Int32Array): CsrMatrix {
    const len = nodes.length;
    const local = new Map<number, number>();
    // a dense map when cheap, else a hash map
    const dense = this.n <= 8 * len + 1024 ? new Int32Array(this.n).fill(-1) : undefined;
    for (let t = 0; t < len; t++) {
      if (dense) dense[nodes[t]] = t;
      else local.set(nodes[t], t);
    }
    const at = (g: number): number => (dense ? dense[g] : (local.get(g) ?? -1));
    const rowPtr = new Int32Array(len + 1);
    let count = 0;
    for (let t = 0; t < len; t++) {
      const i = nodes[t];
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) if (at(this.col[p]) >= 0) count++;
      rowPtr[t + 1] = count;
    }
    const col = new Int32Array(count);
    const val = new Float64Array(count);
    let o = 0;
    for (let t = 0; t < len; t++) {
      const i = nodes[t];
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) {
        const l = at(this.col[p]);
        if (l >= 0) {
          col[o] = l; // increasing: nodes and the row's columns are both increasing
          val[o++] = this.val[p];
        }
      }
    }
    return new CsrMatrix(len, rowPtr, col, val);
  }

  /** Dense row-major copy (n × n); refused above `maxN` rows. */
  toDense(maxN = 4096): Float64Array {
    const n = this.n;
    if (n > maxN) throw new SparseError('limit-exceeded', `toDense: ${n} rows exceed the dense limit of ${maxN}`);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) a[i * n + this.col[p]] += this.val[p];
    return a;
  }
}

/**
 * Stable counting sort of the entries by `key` (values in [0, n)): the permutation, taking
 * the entries in the order `prior` (default: 0, 1, 2, ...).
 */
function countingOrder(key: Int32Array, n: number, prior: Int32Array | undefined): Int32Array {
  const m = key.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[key[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const out = new Int32Array(m);
  for (let q = 0; q < m; q++) {
    const e = prior ? prior[q] : q;
    out[start[key[e]]++] = e;
  }
  return out;
}

/**
 * Operators of a graph G (symmetric, non-negative, no self-loops): the Laplacian
 * L = D_G − G (docs/theory.md §7.2) and the normalised adjacency D_G^-1/2 G D_G^-1/2
 * (docs/theory.md §7.6; rows of degree 0 are 0).
 */
export function laplacianOperator(g: CsrMatrix, degrees = g.rowSums()): (x: Float64Array, y: Float64Array) => void {
  const { n, rowPtr, col, val } = g;
  return (x, y) => {
    for (let i = 0; i < n; i++) {
      let s = degrees[i] * x[i];
      const e = rowPtr[i + 1];
      for (let p = rowPtr[i]; p < e; p++) s -= val[p] * x[col[p]];
      y[i] = s;
    }
  };
}

/** d^-1/2 with 0 for rows of degree 0. */
export function inverseSqrtDegrees(degrees: Float64Array): Float64Array {
  const out = new Float64Array(degrees.length);
  for (let i = 0; i < degrees.length; i++) out[i] = degrees[i] > 0 ? 1 / Math.sqrt(degrees[i]) : 0;
  return out;
}

export function normalizedAdjacencyOperator(g: CsrMatrix, degrees = g.rowSums()): (x: Float64Array, y: Float64Array) => void {
  const { n, rowPtr, col, val } = g;
  const dh = inverseSqrtDegrees(degrees);
  return (x, y) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const e = rowPtr[i + 1];
      for (let p = rowPtr[i]; p < e; p++) {
        const j = col[p];
        s += val[p] * dh[j] * x[j];
      }
      y[i] = dh[i] * s;
    }
  };
}
