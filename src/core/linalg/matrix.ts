/**
 * Dense row-major matrices on Float64Array, and the level-3 kernels the closed-form
 * solvers of math.md §2 need (Gram X^T X, a^T b, products). No dependencies; never
 * imports `vscode`.
 *
 * Kernel design (speed matters: the Gram (1/n) X^T X of an n x d data matrix is the
 * single largest cost of a solve, n d^2 multiply-adds):
 * - X^T Y is a sum of outer products of *rows*, so a row-major X is streamed once per
 *   row chunk; each chunk is packed into panels of 4 columns interleaved by row
 *   (panel[4 i + t] = X[i0 + i, 4 p + t]) so the inner kernel reads two contiguous
 *   streams and keeps a 4x4 block of C in registers.
 * - The Gram computes only panel pairs p <= q (upper triangle) and mirrors.
 */

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
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  transpose(): Matrix {
    const { rows: m, cols: n, data: a } = this;
    const t = new Float64Array(m * n);
    const B = 32; // blocked to keep both access patterns in cache
    for (let ii = 0; ii < m; ii += B) {
      const ie = Math.min(m, ii + B);
      for (let jj = 0; jj < n; jj += B) {
        const je = Math.min(n, jj + B);
        for (let i = ii; i < ie; i++) {
          const ro = i * n;
          for (let j = jj; j < je; j++) t[j * m + i] = a[ro + j];
        }
      }
    }
    return new Matrix(n, m, t);
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

/** a b (i-k-j order, 4 rows of a at a time so each row of b is reused from registers/L1). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new LinalgError('dimension-mismatch', `matmul: ${a.rows} x ${a.cols} times ${b.rows} x ${b.cols}`);
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const A = a.data;
  const B = b.data;
  const C = new Float64Array(m * n);
  const KB = 128;
  for (let kk = 0; kk < k; kk += KB) {
    const ke = Math.min(k, kk + KB);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = kk; p < ke; p++) {
        const a0 = A[i * k + p];
        const a1 = A[(i + 1) * k + p];
        const a2 = A[(i + 2) * k + p];
        const a3 = A[(i + 3) * k + p];
        const bo = p * n;
        for (let j = 0; j < n; j++) {
          const bv = B[bo + j];
          C[c0 + j] += a0 * bv;
          C[c1 + j] += a1 * bv;
          C[c2 + j] += a2 * bv;
          C[c3 + j] += a3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = i * n;
      for (let p = kk; p < ke; p++) {
        const a0 = A[i * k + p];
        if (a0 === 0) continue;
        const bo = p * n;
        for (let j = 0; j < n; j++) C[c0 + j] += a0 * B[bo + j];
      }
    }
  }
  return new Matrix(m, n, C);
}

/** Rows per packed chunk: a 4-column panel of KC rows is 8 KB (stays in L1). */
const KC = 256;

/** Packs rows [i0, i0+kc) of the n x c row-major x into ceil(c/4) panels of kc x 4 (zero padded). */
function packPanels(x: Float64Array, c: number, i0: number, kc: number, out: Float64Array): void {
  const np = (c + 3) >> 2;
  const full = c >> 2;
  for (let i = 0; i < kc; i++) {
    const ro = (i0 + i) * c;
    let o = 4 * i;
    const stride = 4 * kc;
    for (let p = 0; p < full; p++) {
      const s = ro + 4 * p;
      out[o] = x[s];
      out[o + 1] = x[s + 1];
      out[o + 2] = x[s + 2];
      out[o + 3] = x[s + 3];
      o += stride;
    }
    if (full < np) {
      for (let t = 0; t < 4; t++) out[o + t] = 4 * full + t < c ? x[ro + 4 * full + t] : 0;
    }
  }
}

/**
 * C[4p.., 4q..] += panelA_p^T panelB_q over kc rows; C is the padded (4 np) x (4 nq) buffer.
 * 4x4 register block, hand unrolled.
 */
function kernel4x4(pa: Float64Array, ao: number, pb: Float64Array, bo: number, kc: number, C: Float64Array, co: number, ldc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = ao + 4 * kc;
  for (; ao < end; ao += 4, bo += 4) {
    const a0 = pa[ao], a1 = pa[ao + 1], a2 = pa[ao + 2], a3 = pa[ao + 3];
    const b0 = pb[bo], b1 = pb[bo + 1], b2 = pb[bo + 2], b3 = pb[bo + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  let o = co;
  C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += ldc;
  C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += ldc;
  C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += ldc;
  C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
}

/**
 * Accumulates into the padded buffer C (ldc = 4 nq) the panel products for panel
 * pairs (p, q) with p in [p0, p1) and, when `upper`, q >= p. Exported for the worker
 * split of the Gram (gramParallel.ts).
 */
export function accumulatePanels(
  pa: Float64Array, pb: Float64Array, kc: number, np: number, nq: number,
  C: Float64Array, upper: boolean, p0 = 0, p1 = np,
): void {
  const ldc = 4 * nq;
  const stride = 4 * kc;
  void np;
  for (let p = p0; p < p1; p++) {
    const ao = p * stride;
    for (let q = upper ? p : 0; q < nq; q++) {
      kernel4x4(pa, ao, pb, q * stride, kc, C, 4 * p * ldc + 4 * q, ldc);
    }
  }
}

/** scale * a^T b for a (n x p), b (n x q): packed, cache-blocked over row chunks. */
export function matmulTransA(a: Matrix, b: Matrix, scale = 1): Matrix {
  if (a.rows !== b.rows) throw new LinalgError('dimension-mismatch', `matmulTransA: ${a.rows} x ${a.cols} vs ${b.rows} x ${b.cols}`);
  const n = a.rows;
  const pc = a.cols;
  const qc = b.cols;
  const np = (pc + 3) >> 2;
  const nq = (qc + 3) >> 2;
  const C = new Float64Array(16 * np * nq);
  const pa = new Float64Array(4 * KC * np);
  const pb = a === b ? pa : new Float64Array(4 * KC * nq);
  for (let i0 = 0; i0 < n; i0 += KC) {
    const kc = Math.min(KC, n - i0);
    packPanels(a.data, pc, i0, kc, pa);
    if (pb !== pa) packPanels(b.data, qc, i0, kc, pb);
    accumulatePanels(pa, pb, kc, np, nq, C, false);
  }
  const out = new Float64Array(pc * qc);
  const ldc = 4 * nq;
  for (let i = 0; i < pc; i++) for (let j = 0; j < qc; j++) out[i * qc + j] = scale * C[i * ldc + j];
  return new Matrix(pc, qc, out);
}

/** scale * x^T x (symmetric: only panel pairs p <= q are computed, then mirrored). */
export function gram(x: Matrix, scale = 1): Matrix {
  const n = x.rows;
  const d = x.cols;
  const np = (d + 3) >> 2;
  const C = new Float64Array(16 * np * np);
  const pa = new Float64Array(4 * KC * np);
  for (let i0 = 0; i0 < n; i0 += KC) {
    const kc = Math.min(KC, n - i0);
    packPanels(x.data, d, i0, kc, pa);
    accumulatePanels(pa, pa, kc, np, np, C, true);
  }
  return symmetricFromPaddedUpper(C, d, np, scale);
}

/** Reads the upper triangle of a padded (4np x 4np) buffer into a d x d symmetric matrix. */
export function symmetricFromPaddedUpper(C: Float64Array, d: number, np: number, scale: number): Matrix {
  const ldc = 4 * np;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    // entries (i, j) with j >= i lie in blocks with q >= p: (i, j) itself is computed
    // when floor(j/4) >= floor(i/4), which holds for j >= i.
    for (let j = i; j < d; j++) {
      const v = scale * C[i * ldc + j];
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return new Matrix(d, d, out);
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

/** (a + a^T) / 2 for a square a. */
export function symmetrize(a: Matrix): Matrix {
  if (a.rows !== a.cols) throw new LinalgError('dimension-mismatch', `expected a square matrix, got ${a.rows} x ${a.cols}`);
  const n = a.rows;
  const x = a.data;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = x[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (x[i * n + j] + x[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return new Matrix(n, n, out);
}
