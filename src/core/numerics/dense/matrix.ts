/**
 * Dense row-major matrices on Float64Array, and the level-3 kernels the closed-form
 * solvers of docs/theory.md §2 need (Gram X^T X, a^T b, products). No dependencies; never
 * imports `vscode`.
 *
 * Kernel design (speed matters: the Gram (1/n) X^T X of an n x d data matrix is the
 * single largest cost of a solve, n d^2 multiply-adds):
 * - X^T Y is a sum of outer products of *rows*, so a row-major X is streamed once per
 *   row chunk; each chunk is packed into panels of 4 columns interleaved by row
 *   (panel[4 i + t] = X[i0 + i, 4 p + t]) so the inner kernel reads two contiguous
 *   streams and keeps a 4x4 block of C in registers.
 * - The Gram computes only panel pairs p <= q (upper triangle) and mirrors.
 * The packing and the micro-kernel live in blas.ts and kernels.ts.
 */
import { gemmTN, operand } from './blas';

export type LinalgErrorCode = 'not-positive-definite' | 'not-finite' | 'dimension-mismatch' | 'no-convergence';

export class LinalgError extends Error {
  readonly code: LinalgErrorCode;
  constructor(code: LinalgErrorCode, message: string) {
    super(message);
    this.name = 'LinalgError';
    this.code = code;
  }
}

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new LinalgError('dimension-mismatch', `invalid matrix shape ${rows} x ${cols}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new LinalgError('dimension-mismatch', `data has ${data.length} entries, a ${rows} x ${cols} matrix needs ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  static fromArray(a: number[][]): Matrix {
    const rows = a.length;
    const cols = rows > 0 ? a[0].length : 0;
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const r = a[i];
      if (!r || r.length !== cols) {
        throw new LinalgError('dimension-mismatch', `ragged array: row ${i} has ${r ? r.length : 0} entries, row 0 has ${cols}`);
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j];
    }
    return m;
  }

  static diag(values: ArrayLike<number>): Matrix {
    const n = values.length;
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = values[i];
    return m;
  }

  toArray(): number[][] {
    const { rows, cols, data } = this;
    const out: number[][] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const row: number[] = new Array(cols);
      const o = i * cols;
      for (let j = 0; j < cols; j++) row[j] = data[o + j];
      out[i] = row;
    }
    return out;
  }

  transpose(): Matrix {
    return new Matrix(this.cols, this.rows, transposeInto(this, new Float64Array(this.rows * this.cols)));
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  row(i: number): Float64Array {
    return this.data.slice(i * this.cols, (i + 1) * this.cols);
  }

  col(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }
}

/** Throws LinalgError('not-finite') when any entry is NaN or ±Infinity. */
export function assertFinite(a: Matrix, what: string): void {
  const x = a.data;
  for (let i = 0; i < x.length; i++) {
    // x - x is NaN for NaN and ±Infinity, 0 otherwise (cheaper than Number.isFinite)
    if (x[i] - x[i] !== 0) {
      const r = Math.floor(i / Math.max(1, a.cols));
      const c = i - r * a.cols;
      throw new LinalgError('not-finite', `${what} has a non-finite entry ${x[i]} at (${r}, ${c})`);
    }
  }
}

function checkSame(a: Matrix, b: Matrix, op: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new LinalgError('dimension-mismatch', `${op}: ${a.rows} x ${a.cols} vs ${b.rows} x ${b.cols}`);
  }
}

/** a b, through the packed product of blas.ts (op(A) = a^T read by rows of a). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new LinalgError('dimension-mismatch', `matmul: ${a.rows} x ${a.cols} times ${b.rows} x ${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  gemmTN(1, operand(a.data, a.cols, 0, 0, a.cols, a.rows, true), operand(b.data, b.cols, 0, 0, b.rows, b.cols, false), out, 0, b.cols);
  return new Matrix(a.rows, b.cols, out);
}

/** scale * a^T b for a (n x p), b (n x q); a === b gives the symmetric (half-work) product. */
export function matmulTransA(a: Matrix, b: Matrix, scale = 1): Matrix {
  if (a.rows !== b.rows) throw new LinalgError('dimension-mismatch', `matmulTransA: ${a.rows} x ${a.cols} vs ${b.rows} x ${b.cols}`);
  const opA = operand(a.data, a.cols, 0, 0, a.rows, a.cols, false);
  const opB = a === b ? opA : operand(b.data, b.cols, 0, 0, b.rows, b.cols, false);
  const out = new Float64Array(a.cols * b.cols);
  gemmTN(scale, opA, opB, out, 0, b.cols);
  return new Matrix(a.cols, b.cols, out);
}

/** scale * x^T x (symmetric: only panel pairs p <= q are computed, then mirrored). */
export function gram(x: Matrix, scale = 1): Matrix {
  return matmulTransA(x, x, scale);
}

/**
 * scale * y y^T for y (p x n) without forming y^T: the symmetric product of the transposed
 * operand, with the same packed panels (and sums) as gram(y^T).
 */
export function gramOfRows(y: Matrix, scale = 1): Matrix {
  const op = operand(y.data, y.cols, 0, 0, y.cols, y.rows, true);
  const out = new Float64Array(y.rows * y.rows);
  gemmTN(scale, op, op, out, 0, y.rows);
  return new Matrix(y.rows, y.rows, out);
}

/**
 * True when a is square and a[i][j] === a[j][i] for all i, j (and no entry is so large that
 * (x + x) / 2 would overflow), so that symmetrize(a) would return a's values unchanged.
 */
export function isExactlySymmetric(a: Matrix): boolean {
  if (a.rows !== a.cols) return false;
  const n = a.rows;
  const x = a.data;
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let j0 = i0; j0 < n; j0 += T) {
      const j1 = Math.min(n, j0 + T);
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        for (let j = Math.max(j0, i); j < j1; j++) {
          const v = x[ri + j];
          if (v !== x[j * n + i] || !(Math.abs(v) < 2 ** 1023)) return false;
        }
      }
    }
  }
  return true;
}

export function add(a: Matrix, b: Matrix, sb = 1): Matrix {
  checkSame(a, b, 'add');
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + sb * b.data[i];
  return new Matrix(a.rows, a.cols, out);
}

export function scale(a: Matrix, s: number): Matrix {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s * a.data[i];
  return new Matrix(a.rows, a.cols, out);
}

/** Frobenius norm, scaled to avoid overflow/underflow. */
export function frobenius(a: Matrix): number {
  let mx = 0;
  const x = a.data;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v > mx) mx = v;
  }
  if (mx === 0 || !Number.isFinite(mx)) return mx;
  let s = 0;
  const inv = 1 / mx;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * inv;
    s += v * v;
  }
  return mx * Math.sqrt(s);
}

/** a^T (cols x rows, row-major) into `out`; returns out. */
export function transposeInto(a: Matrix, out: Float64Array): Float64Array {
  const { rows: m, cols: n, data: x } = a;
  const B = 32; // blocked to keep both access patterns in cache
  for (let ii = 0; ii < m; ii += B) {
    const ie = Math.min(m, ii + B);
    for (let jj = 0; jj < n; jj += B) {
      const je = Math.min(n, jj + B);
      for (let i = ii; i < ie; i++) {
        const ro = i * n;
        for (let j = jj; j < je; j++) out[j * m + i] = x[ro + j];
      }
    }
  }
  return out;
}

/** (a + a^T) / 2 for a square a. */
export function symmetrize(a: Matrix): Matrix {
  if (a.rows !== a.cols) throw new LinalgError('dimension-mismatch', `expected a square matrix, got ${a.rows} x ${a.cols}`);
  return new Matrix(a.rows, a.cols, symmetrizeInto(a, new Float64Array(a.rows * a.cols)));
}

/** `symmetrize` into `out` (n x n, row-major, every entry written); returns out. */
export function symmetrizeInto(a: Matrix, out: Float64Array): Float64Array {
  const n = a.rows;
  const x = a.data;
  const T = 32; // tiles: the transposed side is read and written with a stride
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let j0 = i0; j0 < n; j0 += T) {
      const j1 = Math.min(n, j0 + T);
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        if (j0 === i0) out[ri + i] = x[ri + i];
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const v = 0.5 * (x[ri + j] + x[j * n + i]);
          out[ri + j] = v;
          out[j * n + i] = v;
        }
      }
    }
  }
  return out;
}
