/**
 * Factorisations: Cholesky (with a typed not-PD error), triangular solves, SPD inverse
 * square root (docs/theory.md §1), thin Householder QR, SVD (one-sided Jacobi on the QR
 * factor: high relative accuracy, so small singular values are accurate), pseudo-inverse,
 * and the Cholesky-reduced generalized symmetric eigenproblem (docs/theory.md §2.4).
 */
import { LinalgError, Matrix, assertFinite, matmul, symmetrize, transposeInto } from './matrix';
import { giveScratch, takeScratch } from './scratch';
import { gemmTN, operand } from './blas';
import { kernelsWithHeap } from './kernels';
import { symmetricEigen, symmetricEigenTopK, symmetricEigenvalues, takeColumns } from './eigen';

const EPS = 2.220446049250313e-16;

/** Relative tolerance for "positive definite": eigenvalues/pivots <= spdTolerance(d) * max|diag| count as zero. */
export function spdTolerance(d: number): number {
  return 64 * Math.max(1, d) * EPS;
}

function requireSquare(a: Matrix, what: string): void {
  if (a.rows !== a.cols) throw new LinalgError('dimension-mismatch', `${what}: expected a square matrix, got ${a.rows} x ${a.cols}`);
}

export interface CholeskyFailure {
  pivot: number;
  value: number;
  tolerance: number;
}

/** Block size of the blocked Cholesky and triangular solves (the rest is gemmTN). */
const NB = 48;

/**
 * R = L_bb^{-1} R for the nb x nb diagonal block of L (row stride n) at (b0, b0) and an
 * nb x len right-hand side, with the kernel `trsml`: the block and R are copied into the
 * kernel heap; `load` writes R (rows of len) at H[x..], `store` reads the solution back.
 * The blocked Cholesky panel and the blocked forward substitution both end here.
 */
function solveDiagonalBlock(
  L: Float64Array,
  n: number,
  b0: number,
  nb: number,
  len: number,
  load: (H: Float64Array, x: number) => void,
  store: (H: Float64Array, x: number) => void,
): void {
  const ker = kernelsWithHeap(nb * nb + nb * len);
  const H = ker.heap();
  for (let i = 0; i < nb; i++) for (let j = 0; j <= i; j++) H[i * nb + j] = L[(b0 + i) * n + b0 + j];
  const x = nb * nb;
  load(H, x);
  ker.trsml(0, nb, x, len, nb, len);
  store(H, x);
}

/**
 * Lower Cholesky factor, or the failing pivot (no throw). Reads the lower triangle of a.
 * Right-looking blocked: each NB-wide diagonal block and the panel below it are factored
 * in scalar code, the trailing update A22 -= L21 L21^T (almost all of the d^3/6 work) is
 * a symmetric gemmTN. A failing pivot reports the same Schur complement value as the
 * unblocked algorithm (up to roundoff).
 */
export function tryCholesky(a: Matrix, rtol?: number): { l: Matrix } | { fail: CholeskyFailure } {
  requireSquare(a, 'cholesky');
  assertFinite(a, 'cholesky input');
  const n = a.rows;
  const A = a.data;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * n + i]));
  const tol = (rtol ?? spdTolerance(n)) * maxDiag;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) L.set(A.subarray(i * n, i * n + i + 1), i * n);
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    const nb = k1 - k0;
    // diagonal block (contributions of columns < k0 were subtracted by earlier trailing updates)
    for (let i = k0; i < k1; i++) {
      const ri = i * n;
      for (let j = k0; j <= i; j++) {
        const rj = j * n;
        let s = L[ri + j];
        for (let p = k0; p < j; p++) s -= L[ri + p] * L[rj + p];
        if (j === i) {
          if (!(s > tol)) return { fail: { pivot: i, value: s, tolerance: tol } };
          L[ri + i] = Math.sqrt(s);
        } else {
          L[ri + j] = s / L[rj + j];
        }
      }
    }
    if (k1 < n) {
      // panel: L21 = A21 L11^{-T}, i.e. L21^T = L11^{-1} A21^T (kernel trsml on a transposed copy)
      const m = n - k1;
      solveDiagonalBlock(
        L,
        n,
        k0,
        nb,
        m,
        (H, x) => {
          for (let r = 0; r < m; r++) {
            const ro = (k1 + r) * n + k0;
            for (let j = 0; j < nb; j++) H[x + j * m + r] = L[ro + j];
          }
        },
        (H, x) => {
          for (let r = 0; r < m; r++) {
            const ro = (k1 + r) * n + k0;
            for (let j = 0; j < nb; j++) L[ro + j] = H[x + j * m + r];
          }
        },
      );
      const l21t = operand(L, n, k1, k0, nb, m, true); // L[k1.., k0..k1)^T
      gemmTN(-1, l21t, l21t, L, k1 * n + k1, n, { accumulate: true, mirror: false, transOut: true });
    }
  }
  return { l: new Matrix(n, n, L) };
}

export function cholesky(a: Matrix): Matrix {
  const r = tryCholesky(a);
  if ('fail' in r) {
    const f = r.fail;
    throw new LinalgError(
      'not-positive-definite',
      `matrix is not positive definite: pivot ${f.pivot} is ${f.value.toExponential(3)} <= tolerance ${f.tolerance.toExponential(3)}`,
    );
  }
  return r.l;
}

/**
 * X = L^{-1} B (L lower, n x n; B n x m). Blocked forward substitution: for each block
 * row, X_i -= L_{i,<i} X_{<i} is one gemmTN, then a scalar solve with the NB x NB
 * diagonal block. With `upperOnly`, block row i computes only columns >= its first row
 * (enough for the upper triangle, which only needs those columns of earlier block rows;
 * the other entries are left as they were in B).
 */
export function solveLower(l: Matrix, b: Matrix, upperOnly = false, transB = false): Matrix {
  const n = l.rows;
  const m = transB ? b.rows : b.cols;
  if ((transB ? b.cols : b.rows) !== n)
    throw new LinalgError('dimension-mismatch', `solveLower: ${n} x ${n} vs ${b.rows} x ${b.cols}${transB ? ' (transposed)' : ''}`);
  // with transB the right-hand side is b^T, transposed into the working copy
  return solveLowerInPlace(l, transB ? b.transpose().data : b.data.slice(), m, upperOnly);
}

/** `solveLower` on X (n x m, row-major), overwritten with L^{-1} X: the working copy is the caller's (a scratch array, say). */
function solveLowerInPlace(l: Matrix, X: Float64Array, m: number, upperOnly = false): Matrix {
  const n = l.rows;
  const L = l.data;
  for (let i0 = 0; i0 < n; i0 += NB) {
    const i1 = Math.min(n, i0 + NB);
    const c0 = upperOnly ? Math.min(i0, m) : 0;
    if (c0 >= m) break;
    if (i0 > 0) {
      // (X_i[:, c0..])^T -= X_{<i}[:, c0..]^T L_{i,<i}^T
      gemmTN(-1, operand(X, m, 0, c0, i0, m - c0, false), operand(L, n, i0, 0, i0, i1 - i0, true), X, i0 * m + c0, m, { accumulate: true, transOut: true });
    }
    // X_i[:, c0..] = L_ii^{-1} X_i[:, c0..]
    const nb = i1 - i0;
    const len = m - c0;
    solveDiagonalBlock(
      L,
      n,
      i0,
      nb,
      len,
      (H, x) => {
        for (let i = 0; i < nb; i++) H.set(X.subarray((i0 + i) * m + c0, (i0 + i + 1) * m), x + i * len);
      },
      (H, x) => {
        for (let i = 0; i < nb; i++) X.set(H.subarray(x + i * len, x + (i + 1) * len), (i0 + i) * m + c0);
      },
    );
  }
  return new Matrix(n, m, X);
}

/** J L^T J (J the reversal permutation) per factor L: lower triangular again. */
const reversedTransposes = new WeakMap<Matrix, Matrix>();
function reversedTranspose(l: Matrix): Matrix {
  let r = reversedTransposes.get(l);
  if (!r) {
    const n = l.rows;
    const L = l.data;
    const R = new Float64Array(n * n);
    // R[i][j] = L[n-1-j][n-1-i], in tiles (one of the two sides is strided)
    const T = 32;
    for (let i0 = 0; i0 < n; i0 += T) {
      for (let j0 = 0; j0 <= i0; j0 += T) {
        for (let i = i0; i < Math.min(n, i0 + T); i++) {
          const ri = i * n;
          const li = n - 1 - i;
          for (let j = j0; j < Math.min(i + 1, j0 + T); j++) R[ri + j] = L[(n - 1 - j) * n + li];
        }
      }
    }
    r = new Matrix(n, n, R);
    reversedTransposes.set(l, r);
  }
  return r;
}

/**
 * X = L^{-T} B (L lower, n x n; B n x m). L^T is upper triangular; with the reversal J,
 * L^{-T} = J (J L^T J)^{-1} J and J L^T J is lower, so this is the blocked forward
 * substitution on reversed rows (the reversed factor is kept per L: JE and RC share it).
 */
export function solveLowerTrans(l: Matrix, b: Matrix): Matrix {
  const n = l.rows;
  const m = b.cols;
  if (b.rows !== n) throw new LinalgError('dimension-mismatch', `solveLowerTrans: ${n} x ${n} vs ${b.rows} x ${b.cols}`);
  const reverseRows = (a: Float64Array, out: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) out.set(a.subarray((n - 1 - i) * m, (n - i) * m), i * m);
    return out;
  };
  const work = reverseRows(b.data, takeScratch(n * m));
  const x = reverseRows(solveLowerInPlace(reversedTranspose(l), work, m).data, new Float64Array(n * m));
  giveScratch(work);
  return new Matrix(n, m, x);
}

/**
 * X = B L^{-T} (B r x n), as X^T = L^{-1} B^T (blocked forward substitution). With
 * `lowerOnly` (B square and B L^{-T} symmetric expected) only the lower triangle of X
 * (the upper of X^T) is computed and the rest is mirrored from it.
 */
export function rightSolveLowerTrans(b: Matrix, l: Matrix, lowerOnly = false): Matrix {
  const n = l.rows;
  if (b.cols !== n) throw new LinalgError('dimension-mismatch', `rightSolveLowerTrans: ${b.rows} x ${b.cols} vs ${n} x ${n}`);
  if (!lowerOnly) {
    // X^T in a scratch array, transposed into the result
    const work = takeScratch(n * b.rows);
    transposeInto(b, work);
    const x = solveLowerInPlace(l, work, b.rows).transpose();
    giveScratch(work);
    return x;
  }
  const xt = solveLower(l, b, lowerOnly, true);
  // X^T is valid on and above its diagonal: X = (X^T)^T is valid on and below; mirror
  const Z = xt.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) Z[i * n + j] = Z[j * n + i];
  return xt;
}

/**
 * L^{-1} A L^{-T} for symmetric A (docs/theory.md §2.4 Cholesky reduction), symmetric result:
 * Y = L^{-1} A, then K = L^{-1} Y^T (= Y L^{-T} since K is symmetric), upper triangle
 * only: d^3/2 + d^3/6 multiply-adds.
 */
export function reduceSymmetric(a: Matrix, l: Matrix): Matrix {
  requireSquare(a, 'reduceSymmetric');
  const n = l.rows;
  if (a.rows !== n) throw new LinalgError('dimension-mismatch', `reduceSymmetric: ${n} x ${n} vs ${a.rows} x ${a.cols}`);
  // Y = L^{-1} A in a scratch array (dead once K is formed from it)
  const work = takeScratch(n * n);
  work.set(a.data);
  const k = rightSolveLowerTrans(solveLowerInPlace(l, work, n), l, true);
  giveScratch(work);
  return k;
}

export function solveSPD(a: Matrix, b: Matrix): Matrix {
  assertFinite(b, 'solveSPD right-hand side');
  const l = cholesky(a);
  return solveLowerTrans(l, solveLower(l, b));
}

/** Unique SPD inverse square root V diag(w^{-1/2}) V^T (docs/theory.md §1). */
export function invSqrtSPD(a: Matrix): Matrix {
  requireSquare(a, 'invSqrtSPD');
  const { values, vectors } = symmetricEigen(a);
  const n = a.rows;
  const maxAbs = values.length ? Math.max(Math.abs(values[0]), Math.abs(values[n - 1])) : 0;
  const tol = spdTolerance(n) * maxAbs;
  const minv = n ? values[n - 1] : 1;
  if (!(minv > tol)) {
    throw new LinalgError(
      'not-positive-definite',
      `matrix is not positive definite (smallest eigenvalue ${minv.toExponential(3)} <= tolerance ${tol.toExponential(3)})`,
    );
  }
  const V = vectors.data;
  const sc = new Float64Array(n * n); // V diag(w^{-1/4}) so that out = sc sc^T
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sc[i * n + j] = V[i * n + j] / Math.sqrt(Math.sqrt(values[j]));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += sc[i * n + p] * sc[j * n + p];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return new Matrix(n, n, out);
}

/**
 * Householder QR of the transposed storage: `at` (n x m) holds the columns of A as rows.
 * Returns R (n x n) and the reflectors (in `at`, row k from column k, with beta[k]).
 */
function householderQRRows(at: Float64Array, n: number, m: number): { r: Float64Array; beta: Float64Array } {
  const beta = new Float64Array(n);
  const R = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * m;
    let scale = 0;
    for (let i = k; i < m; i++) scale = Math.max(scale, Math.abs(at[rk + i]));
    if (scale === 0) {
      beta[k] = 0;
      R[k * n + k] = 0;
    } else {
      let ss = 0;
      for (let i = k; i < m; i++) {
        const t = at[rk + i] / scale;
        ss += t * t;
      }
      const alpha = scale * Math.sqrt(ss);
      const x0 = at[rk + k];
      const rkk = x0 >= 0 ? -alpha : alpha;
      at[rk + k] = x0 - rkk;
      const b = 1 / (alpha * (alpha + Math.abs(x0)));
      beta[k] = b;
      R[k * n + k] = rkk;
      for (let j = k + 1; j < n; j++) {
        const rj = j * m;
        let dot = 0;
        for (let i = k; i < m; i++) dot += at[rk + i] * at[rj + i];
        dot *= b;
        if (dot !== 0) for (let i = k; i < m; i++) at[rj + i] -= dot * at[rk + i];
      }
    }
    for (let j = k + 1; j < n; j++) R[k * n + j] = at[j * m + k];
  }
  return { r: R, beta };
}

/** Thin Householder QR (m >= n): q (m x n) with orthonormal columns, r upper triangular with r_ii >= 0. */
export function qr(a: Matrix): { q: Matrix; r: Matrix } {
  const m = a.rows;
  const n = a.cols;
  if (m < n) throw new LinalgError('dimension-mismatch', `qr: needs rows >= cols, got ${m} x ${n}`);
  assertFinite(a, 'qr input');
  const at = a.transpose().data; // n x m
  const { r, beta } = householderQRRows(at, n, m);
  // Q^T rows: start from e_j (j < n) as rows of qt (n x m), apply H_{n-1} .. H_0
  const qt = new Float64Array(n * m);
  for (let j = 0; j < n; j++) qt[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const b = beta[k];
    if (b === 0) continue;
    const rk = k * m;
    for (let j = 0; j < n; j++) {
      const rj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += at[rk + i] * qt[rj + i];
      dot *= b;
      if (dot !== 0) for (let i = k; i < m; i++) qt[rj + i] -= dot * at[rk + i];
    }
  }
  // make diag(R) >= 0
  for (let k = 0; k < n; k++) {
    if (r[k * n + k] < 0) {
      for (let j = k; j < n; j++) r[k * n + j] = -r[k * n + j];
      for (let i = 0; i < m; i++) qt[k * m + i] = -qt[k * m + i];
    }
  }
  return { q: new Matrix(n, m, qt).transpose(), r: new Matrix(n, n, r) };
}

/** The plane rotation (c, s) of the rows at offsets oi and oj (len entries each) of x. */
function rotateRows(x: Float64Array, oi: number, oj: number, len: number, c: number, s: number): void {
  for (let q = 0; q < len; q++) {
    const a = x[oi + q];
    const b = x[oj + q];
    x[oi + q] = c * a - s * b;
    x[oj + q] = s * a + c * b;
  }
}

/**
 * One-sided Jacobi (Hestenes) on the rows of `xt` (p rows of length len): orthogonalises
 * the rows, accumulating the rotations into the rows of `vt` (p x p). Rotations are
 * skipped when |x_i.x_j| <= eps sqrt(|x_i|^2 |x_j|^2) (relative criterion: high relative
 * accuracy of the singular values).
 */
function jacobiRows(xt: Float64Array, p: number, len: number, vt: Float64Array): void {
  const norms = new Float64Array(p);
  const tol = EPS * Math.max(1, Math.sqrt(len));
  for (let sweep = 0; sweep < 80; sweep++) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      const o = i * len;
      for (let q = 0; q < len; q++) s += xt[o + q] * xt[o + q];
      norms[i] = s;
    }
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      const oi = i * len;
      for (let j = i + 1; j < p; j++) {
        const a = norms[i];
        const b = norms[j];
        if (a === 0 || b === 0) continue;
        const oj = j * len;
        let g = 0;
        for (let q = 0; q < len; q++) g += xt[oi + q] * xt[oj + q];
        if (Math.abs(g) <= tol * Math.sqrt(a) * Math.sqrt(b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateRows(xt, oi, oj, len, c, s);
        rotateRows(vt, i * p, j * p, p, c, s);
        norms[i] = a - t * g;
        norms[j] = b + t * g;
      }
    }
    if (!rotated) return;
  }
  throw new LinalgError('no-convergence', `svd: one-sided Jacobi did not converge in 80 sweeps (${p} columns)`);
}

/** Completes the rows of `u` (count x len) whose flag is set to an orthonormal set (Gram-Schmidt on unit vectors). */
function completeOrthonormal(u: Float64Array, count: number, len: number, missing: boolean[]): void {
  let cand = 0;
  for (let r = 0; r < count; r++) {
    if (!missing[r]) continue;
    for (;;) {
      if (cand >= len) throw new LinalgError('no-convergence', 'svd: could not complete the singular vectors');
      const v = new Float64Array(len);
      v[cand++] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let q = 0; q < count; q++) {
          if (q === r || (missing[q] && q > r)) continue;
          const o = q * len;
          let dot = 0;
          for (let i = 0; i < len; i++) dot += u[o + i] * v[i];
          for (let i = 0; i < len; i++) v[i] -= dot * u[o + i];
        }
      }
      let nrm = 0;
      for (let i = 0; i < len; i++) nrm += v[i] * v[i];
      nrm = Math.sqrt(nrm);
      if (nrm > 0.5) {
        for (let i = 0; i < len; i++) u[r * len + i] = v[i] / nrm;
        break;
      }
    }
  }
}

/**
 * Thin SVD a = u diag(s) v^T with p = min(m, n): u m x p, s descending (length p),
 * v n x p, both with orthonormal columns (also for rank-deficient a).
 * Method: thin QR a = Q R (m >= n), one-sided Jacobi on the rows of R (i.e. on R^T,
 * Drmač–Veselić preconditioning: few sweeps), u = Q V', v = normalised rows.
 */
export function svd(a: Matrix): { u: Matrix; s: Float64Array; v: Matrix } {
  assertFinite(a, 'svd input');
  if (a.rows < a.cols) {
    const t = svd(a.transpose());
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows;
  const n = a.cols;
  if (n === 0) return { u: new Matrix(m, 0), s: new Float64Array(0), v: new Matrix(0, 0) };
  // scale to max |a| = 1 (no overflow in squared norms)
  let mx = 0;
  for (let i = 0; i < a.data.length; i++) mx = Math.max(mx, Math.abs(a.data[i]));
  if (mx === 0) {
    const u = new Float64Array(m * n);
    for (let i = 0; i < n; i++) u[i * n + i] = 1;
    return { u: new Matrix(m, n, u), s: new Float64Array(n), v: Matrix.identity(n) };
  }
  const { q, r } = qr(
    mx === 1
      ? a
      : new Matrix(
          m,
          n,
          a.data.map((x) => x / mx),
        ),
  );
  // X = R^T; its columns are the rows of R: xt = R (n x n, rows)
  const xt = r.data.slice();
  const vt = new Float64Array(n * n); // rows: columns of V' (R^T V' = U' S)
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  jacobiRows(xt, n, n, vt);
  const sv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += xt[i * n + j] * xt[i * n + j];
    sv[i] = Math.sqrt(s);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => sv[j] - sv[i] || i - j);
  // a = Q R = Q (U' S V'^T)^T = (Q V') S U'^T: left vectors Q V', right vectors U' = xt rows / s
  const right = new Float64Array(n * n); // rows = right singular vectors (sorted)
  const missing: boolean[] = [];
  const s = new Float64Array(n);
  const vSorted = new Float64Array(n * n); // rows = V' columns (sorted)
  for (let c = 0; c < n; c++) {
    const src = order[c];
    s[c] = sv[src] * mx;
    const zero = !(sv[src] > 0);
    missing.push(zero);
    for (let j = 0; j < n; j++) {
      right[c * n + j] = zero ? 0 : xt[src * n + j] / sv[src];
      vSorted[c * n + j] = vt[src * n + j];
    }
  }
  if (missing.some((x) => x)) completeOrthonormal(right, n, n, missing);
  const vOut = new Matrix(n, n, right).transpose();
  const uOut = matmul(q, new Matrix(n, n, vSorted).transpose());
  return { u: uOut, s, v: vOut };
}

/** Moore–Penrose pseudo-inverse; singular values <= rcond * max are treated as zero (default max(m,n) * 64 eps). */
export function pinv(a: Matrix, rcond?: number): Matrix {
  assertFinite(a, 'pinv input');
  const m = a.rows;
  const n = a.cols;
  const rc = rcond ?? spdTolerance(Math.max(m, n));
  let symmetric = m === n;
  for (let i = 0; symmetric && i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (a.data[i * n + j] !== a.data[j * n + i]) {
        symmetric = false;
        break;
      }
  if (symmetric) {
    const { values, vectors } = symmetricEigen(a);
    let mx = 0;
    for (const v of values) mx = Math.max(mx, Math.abs(v));
    const V = vectors.data;
    const out = new Float64Array(n * n);
    for (let p = 0; p < n; p++) {
      const w = values[p];
      if (!(Math.abs(w) > rc * mx)) continue;
      const iw = 1 / w;
      for (let i = 0; i < n; i++) {
        const c = V[i * n + p] * iw;
        if (c === 0) continue;
        for (let j = 0; j < n; j++) out[i * n + j] += c * V[j * n + p];
      }
    }
    return symmetrize(new Matrix(n, n, out));
  }
  const { u, s, v } = svd(a);
  const p = s.length;
  const smax = p ? s[0] : 0;
  const out = new Float64Array(n * m);
  for (let q = 0; q < p; q++) {
    if (!(s[q] > rc * smax)) continue;
    const is = 1 / s[q];
    for (let i = 0; i < n; i++) {
      const c = v.data[i * p + q] * is;
      if (c === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += c * u.data[j * p + q];
    }
  }
  return new Matrix(n, m, out);
}

/**
 * A w = lambda B w with B SPD: B = L L^T, C = L^{-1} A L^{-T}, C y = lambda y, w = L^{-T} y.
 * Columns are B-orthonormal (w^T B w = 1). With k, only the top k pairs are returned.
 */
export function generalizedSymmetricEigen(a: Matrix, b: Matrix, k?: number): { values: Float64Array; vectors: Matrix } {
  requireSquare(a, 'generalizedSymmetricEigen A');
  requireSquare(b, 'generalizedSymmetricEigen B');
  if (a.rows !== b.rows) throw new LinalgError('dimension-mismatch', `generalizedSymmetricEigen: A is ${a.rows} x ${a.rows}, B is ${b.rows} x ${b.rows}`);
  const n = a.rows;
  const kk = k ?? n;
  if (!Number.isInteger(kk) || kk < 0 || kk > n) throw new LinalgError('dimension-mismatch', `generalizedSymmetricEigen: k = ${kk} outside [0, ${n}]`);
  assertFinite(a, 'generalizedSymmetricEigen A');
  const bs = symmetrize(b);
  const r = tryCholesky(bs);
  if ('fail' in r) {
    const ev = symmetricEigenvalues(bs);
    throw new LinalgError(
      'not-positive-definite',
      `B is not positive definite (smallest eigenvalue ${ev[n - 1].toExponential(3)}; Cholesky pivot ${r.fail.pivot} is ${r.fail.value.toExponential(3)} <= tolerance ${r.fail.tolerance.toExponential(3)})`,
    );
  }
  const l = r.l;
  const c = reduceSymmetric(symmetrize(a), l);
  const e = kk === n ? symmetricEigen(c) : symmetricEigenTopK(c, kk);
  const y = takeColumns(e.vectors, kk);
  return { values: e.values.slice(0, kk), vectors: solveLowerTrans(l, y) };
}
