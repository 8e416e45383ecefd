/**
 * Symmetric eigensolvers (docs/theory.md §1: M^{-1/2} via the symmetric eigendecomposition;
 * §2.3/§2.4 need all eigenvalues and the top-k eigenvectors).
 *
 * - Householder tridiagonalisation A = Q T Q^T working on the *upper* triangle of a
 *   row-major copy, so every inner loop (symmetric mat-vec, rank-2 update, reflector
 *   application) runs over contiguous memory. 4/3 d^3 flops.
 * - Implicit QL with Wilkinson-type shifts (tql2 of EISPACK/JAMA) on T, either values
 *   only (O(d^2)) or with rotations accumulated into the rows of Z^T (contiguous).
 * - Top-k: inverse iteration on T at the QL eigenvalues (re-orthogonalised within
 *   clusters, as LAPACK's dstein), back-transformed by the stored reflectors: O(d^2 k)
 *   after the reduction. The result is verified (residual, orthogonality) and the full
 *   QL path is used when the check fails.
 */
import { LinalgError, Matrix, assertFinite, isExactlySymmetric, matmul, matmulTransA, symmetrize } from './matrix';
import { kernelsWithHeap } from './kernels';

const EPS = 2.220446049250313e-16;

export interface Tridiagonal {
  n: number;
  d: Float64Array; // diagonal
  e: Float64Array; // e[i] couples i and i+1; e[n-1] = 0
  /** Reflector j (j = 0..n-3) is stored in row j, columns j+1..n-1 of `v`. */
  v: Float64Array;
  beta: Float64Array;
}

function hypot2(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/** Householder vector for step k from row k (cols k+1..n-1), stored in place; sets d[k], e[k], beta[k]. */
function makeReflector(a: Float64Array, n: number, k: number, d: Float64Array, e: Float64Array, beta: Float64Array): number {
  const rk = k * n;
  const s0 = rk + k + 1;
  d[k] = a[rk + k];
  let scale = 0;
  for (let j = s0; j < rk + n; j++) {
    const t = Math.abs(a[j]);
    if (t > scale) scale = t;
  }
  // The input is scaled to max|a| ~ 1 (prepare): a row below 2^-500 is zero to working
  // precision, and treating it as such keeps 1/scale and alpha^2 below from overflowing and
  // underflowing into NaN (subnormal rows, e.g. noise variances that underflowed; docs/architecture.md §6).
  if (scale < 2 ** -500) {
    e[k] = 0;
    beta[k] = 0;
    return 0;
  }
  let ss = 0;
  const inv = 1 / scale;
  for (let j = s0; j < rk + n; j++) {
    const t = a[j] * inv;
    ss += t * t;
  }
  const alpha = scale * Math.sqrt(ss);
  const x0 = a[s0];
  const ek = x0 >= 0 ? -alpha : alpha;
  e[k] = ek;
  a[s0] = x0 - ek; // v = x - ek e1
  const b = 1 / (alpha * (alpha + Math.abs(x0)));
  beta[k] = b;
  return b;
}

/**
 * Householder reduction of the symmetric n x n row-major `a` (only the upper triangle is
 * read; `a` is overwritten). Step k: v from row k, p = beta A22 v, w = p - (beta p.v/2) v,
 * A22 -= v w^T + w v^T. The rank-2 update of step k is fused with the symmetric mat-vec
 * of step k+1 (one pass over the trailing triangle per step instead of two: the
 * reduction is memory-bound at d ~ 800). The fused pass over each row is the `trirow`
 * kernel (WebAssembly SIMD when available), on a copy of `a` in the kernel heap.
 */
export function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const beta = new Float64Array(Math.max(0, n));
  // the reduction runs in the kernel heap: the matrix at 0, the vectors p and q after it
  // (the fused row kernel of kernels.ts works on heap offsets)
  const nn = n * n;
  const ker = kernelsWithHeap(nn + 2 * n);
  const H = ker.heap();
  H.set(a.subarray(0, nn), 0);
  let p = nn;
  let q = nn + n;
  H.fill(0, nn, nn + 2 * n);
  if (n >= 3) {
    const b0 = makeReflector(H, n, 0, d, e, beta);
    if (b0 !== 0) {
      for (let i = 1; i < n; i++) {
        const ri = i * n;
        const vi = H[i];
        let acc = H[ri + i] * vi;
        for (let j = i + 1; j < n; j++) {
          const aij = H[ri + j];
          acc += aij * H[j];
          H[p + j] += aij * vi;
        }
        H[p + i] += acc;
      }
    }
  }
  for (let k = 0; k < n - 2; k++) {
    const rk = k * n;
    const k1 = k + 1;
    const r1 = k1 * n;
    const b = beta[k];
    if (b !== 0) {
      let pv = 0;
      for (let i = k1; i < n; i++) {
        H[p + i] *= b;
        pv += H[p + i] * H[rk + i];
      }
      const K = 0.5 * b * pv;
      for (let i = k1; i < n; i++) H[p + i] -= K * H[rk + i]; // w
      const v1 = H[rk + k1];
      const w1 = H[p + k1];
      for (let j = k1; j < n; j++) H[r1 + j] -= v1 * H[p + j] + w1 * H[rk + j];
    }
    const next = k + 1 < n - 2;
    const b2 = next ? makeReflector(H, n, k1, d, e, beta) : 0;
    if (b2 !== 0) H.fill(0, q + k1 + 1, q + n);
    if (b !== 0 && b2 !== 0) {
      // rows i > k+1: a_ij -= v_i w_j + w_i v_j (j >= i), and q += A u on the updated rows
      ker.trisweep(0, n, k1 + 1, rk, r1, p, q);
    } else {
      for (let i = k1 + 1; i < n; i++) {
        const ri = i * n;
        if (b !== 0) {
          const vi = H[rk + i];
          const wi = H[p + i];
          for (let j = i; j < n; j++) H[ri + j] -= vi * H[p + j] + wi * H[rk + j];
        } else if (b2 !== 0) {
          const ui = H[r1 + i];
          let acc = H[ri + i] * ui;
          for (let j = i + 1; j < n; j++) {
            const aij = H[ri + j];
            acc += aij * H[r1 + j];
            H[q + j] += aij * ui;
          }
          H[q + i] += acc;
        }
      }
    }
    const t = p;
    p = q;
    q = t;
  }
  if (n >= 2) {
    d[n - 2] = H[(n - 2) * n + n - 2];
    e[n - 2] = H[(n - 2) * n + n - 1];
    beta[n - 2] = 0;
  }
  if (n >= 1) d[n - 1] = H[nn - 1];
  if (n >= 1) e[n - 1] = 0;
  a.set(H.subarray(0, nn));
  return { n, d, e, v: a, beta };
}

/**
 * Implicit QL on (d, e) in place (e[i] couples i, i+1). When `zt` (n x n, rows) is given,
 * the rotations are applied to its rows: row i of zt ends as the eigenvector for d[i].
 * Eigenvalues are left unsorted.
 */
export function tql(d: Float64Array, e: Float64Array, n: number, zt?: Float64Array): void {
  if (n === 0) return;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const maxIter = 60 * n + 60;
  let total = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        if (++total > maxIter) throw new LinalgError('no-convergence', `symmetric eigensolver: QL iteration did not converge (eigenvalue ${l} of ${n})`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot2(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (zt) {
            const o0 = i * n;
            const o1 = o0 + n;
            for (let q = 0; q < n; q++) {
              const zh = zt[o1 + q];
              const zi = zt[o0 + q];
              zt[o1 + q] = s * zi + c * zh;
              zt[o0 + q] = c * zi - s * zh;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Applies Q = H_0 ... H_{n-3} to each row r of `rows` (count x n): r <- Q r, i.e. the
 * rows are vectors in the tridiagonal basis and come back in the original basis.
 */
export function backTransformRows(t: Tridiagonal, rows: Float64Array, count: number): void {
  const { n, v, beta } = t;
  const RB = 16; // rows per block: the reflector stays in L1 across the block
  const nn = n * n;
  const ker = kernelsWithHeap(nn + RB * n);
  const H = ker.heap();
  H.set(v.subarray(0, nn), 0);
  for (let r0 = 0; r0 < count; r0 += RB) {
    const r1 = Math.min(count, r0 + RB);
    H.set(rows.subarray(r0 * n, r1 * n), nn);
    for (let j = n - 3; j >= 0; j--) {
      const b = beta[j];
      if (b === 0) continue;
      ker.reflect(j * n + j + 1, b, nn + j + 1, n, r1 - r0, n - j - 1);
    }
    rows.set(H.subarray(nn, nn + (r1 - r0) * n), r0 * n);
  }
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v > m) m = v;
  }
  return m;
}

function prepare(a: Matrix, what: string): { work: Float64Array; n: number; s: number } {
  if (a.rows !== a.cols) throw new LinalgError('dimension-mismatch', `${what}: expected a square matrix, got ${a.rows} x ${a.cols}`);
  assertFinite(a, what);
  const sym = symmetrize(a);
  const mx = maxAbs(sym.data);
  // power-of-two scaling to max|a| ~ 1: exact, so e.g. diagonal inputs come back exactly
  const s = mx > 0 ? 2 ** Math.round(Math.log2(mx)) : 0;
  const work = sym.data;
  if (s > 0 && s !== 1) {
    const inv = 1 / s;
    for (let i = 0; i < work.length; i++) work[i] *= inv;
  }
  return { work, n: a.rows, s };
}

function sortDescending(values: Float64Array): Int32Array {
  const idx = Int32Array.from({ length: values.length }, (_, i) => i);
  idx.sort((i, j) => values[j] - values[i] || i - j);
  return idx;
}

/** All eigenvalues, descending (no vectors): tridiagonalisation + QL, 4/3 d^3 + O(d^2). */
export function symmetricEigenvalues(a: Matrix): Float64Array {
  const { work, n, s } = prepare(a, 'symmetricEigenvalues');
  if (s === 0) return new Float64Array(n);
  const t = tridiagonalize(work, n);
  tql(t.d, t.e, n);
  const out = Float64Array.from(t.d).sort().reverse();
  for (let i = 0; i < n; i++) out[i] *= s;
  return out;
}

/** Full eigendecomposition: values descending, orthonormal eigenvectors as columns. */
export function symmetricEigen(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const { work, n, s } = prepare(a, 'symmetricEigen');
  if (s === 0) return { values: new Float64Array(n), vectors: Matrix.identity(n) };
  const t = tridiagonalize(work, n);
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  tql(t.d, t.e, n, zt);
  backTransformRows(t, zt, n);
  const order = sortDescending(t.d);
  const values = new Float64Array(n);
  const vec = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c];
    values[c] = t.d[src] * s;
    const so = src * n;
    for (let r = 0; r < n; r++) vec[r * n + c] = zt[so + r];
  }
  return { values, vectors: new Matrix(n, n, vec) };
}

/**
 * Inverse iteration on the tridiagonal (d, e) for eigenvalue `lambda`: returns a unit
 * vector, orthogonalised against `against` (rows of `basis`, each length n).
 */
function inverseIteration(
  d: Float64Array,
  e: Float64Array,
  n: number,
  lambda: number,
  tnorm: number,
  basis: Float64Array,
  against: number[],
  seed: number,
  out: Float64Array,
): void {
  // LU with partial pivoting of T - lambda I (tridiagonal -> U with 2 superdiagonals)
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const mult = new Float64Array(n);
  const swap = new Uint8Array(n);
  const tiny = EPS * tnorm || EPS;
  let ca = d[0] - lambda;
  let cb = n > 1 ? e[0] : 0;
  let cc = 0;
  for (let i = 0; i < n - 1; i++) {
    const sub = e[i];
    const dn = d[i + 1] - lambda;
    const en = i + 1 < n - 1 ? e[i + 1] : 0;
    if (Math.abs(ca) >= Math.abs(sub)) {
      const piv = ca === 0 ? tiny : ca;
      const m = sub / piv;
      u0[i] = piv;
      u1[i] = cb;
      u2[i] = cc;
      mult[i] = m;
      swap[i] = 0;
      ca = dn - m * cb;
      cb = en - m * cc;
      cc = 0;
    } else {
      const m = ca / sub;
      u0[i] = sub;
      u1[i] = dn;
      u2[i] = en;
      mult[i] = m;
      swap[i] = 1;
      ca = cb - m * dn;
      cb = cc - m * en;
      cc = 0;
    }
  }
  u0[n - 1] = ca === 0 ? tiny : ca;
  for (let i = 0; i < n; i++) if (Math.abs(u0[i]) < tiny) u0[i] = u0[i] < 0 ? -tiny : tiny;
  // deterministic pseudo-random start
  let st = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
    out[i] = st / 4294967296 - 0.5;
  }
  for (let it = 0; it < 4; it++) {
    // orthogonalise against the cluster (modified Gram-Schmidt)
    for (const r of against) {
      const ro = r * n;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += basis[ro + i] * out[i];
      for (let i = 0; i < n; i++) out[i] -= dot * basis[ro + i];
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += out[i] * out[i];
    nrm = Math.sqrt(nrm);
    if (nrm === 0) {
      out[(seed + it) % n] = 1;
      continue;
    }
    for (let i = 0; i < n; i++) out[i] /= nrm;
    if (it === 3) break;
    // solve (T - lambda I) x = out
    for (let i = 0; i < n - 1; i++) {
      if (swap[i]) {
        const t = out[i];
        out[i] = out[i + 1];
        out[i + 1] = t - mult[i] * out[i];
      } else {
        out[i + 1] -= mult[i] * out[i];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      let v = out[i];
      if (i + 1 < n) v -= u1[i] * out[i + 1];
      if (i + 2 < n) v -= u2[i] * out[i + 2];
      out[i] = v / u0[i];
    }
    // rescale to avoid overflow on the next pass
    const mx = maxAbs(out);
    if (mx > 0) for (let i = 0; i < n; i++) out[i] /= mx;
  }
}

/**
 * All eigenvalues (descending) and the eigenvectors of the k largest (d x k columns).
 * Uses the full QL path for small d or k > d/4; otherwise inverse iteration on the
 * tridiagonal, verified, with the full path as fallback.
 */
export function symmetricEigenTopK(a: Matrix, k: number): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  if (a.rows !== a.cols) throw new LinalgError('dimension-mismatch', `symmetric eigensolver: expected a square matrix, got ${a.rows} x ${a.cols}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new LinalgError('dimension-mismatch', `requested ${k} eigenvectors of a ${n} x ${n} matrix`);
  const full = (): { values: Float64Array; vectors: Matrix } => {
    const r = symmetricEigen(a);
    return { values: r.values, vectors: takeColumns(r.vectors, k) };
  };
  if (n <= 48 || k > n / 4) return full();
  const { work, s } = prepare(a, 'symmetricEigen');
  if (s === 0) return { values: new Float64Array(n), vectors: takeColumns(Matrix.identity(n), k) };
  const t = tridiagonalize(work, n);
  const d0 = Float64Array.from(t.d);
  const e0 = Float64Array.from(t.e);
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d0[i]) + Math.abs(e0[i]) + (i > 0 ? Math.abs(e0[i - 1]) : 0));
  // deflate negligible couplings so blocks are handled independently by the LU
  for (let i = 0; i < n - 1; i++) if (Math.abs(e0[i]) <= EPS * (Math.abs(d0[i]) + Math.abs(d0[i + 1]))) e0[i] = 0;
  const dv = Float64Array.from(t.d);
  const ev = Float64Array.from(t.e);
  tql(dv, ev, n);
  const values = Float64Array.from(dv).sort().reverse();
  const rows = new Float64Array(k * n);
  const vec = new Float64Array(n);
  const clusterTol = 1e-3 * tnorm;
  for (let j = 0; j < k; j++) {
    const against: number[] = [];
    for (let i = j - 1; i >= 0 && values[i] - values[j] <= clusterTol; i--) against.push(i);
    inverseIteration(d0, e0, n, values[j], tnorm, rows, against, j + 1, vec);
    rows.set(vec, j * n);
  }
  backTransformRows(t, rows, k);
  const out = new Float64Array(n * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) out[i * k + j] = rows[j * n + i];
  const vectors = new Matrix(n, k, out);
  // verify: residual ||A v - lambda v|| and orthonormality, relative to ||A|| (scaled to max|a| = 1)
  const av = matmul(isExactlySymmetric(a) ? a : symmetrize(a), vectors).data;
  const inv = 1 / s;
  const tolRes = 1e3 * n * EPS * Math.max(1, tnorm);
  const res = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = av[i * k + j] * inv - values[j] * out[i * k + j];
      res[j] += r * r;
    }
  }
  for (let j = 0; j < k; j++) if (!(Math.sqrt(res[j]) <= tolRes)) return full();
  const vtv = matmulTransA(vectors, vectors).data;
  for (let j = 0; j < k; j++) {
    for (let q = 0; q <= j; q++) {
      if (!(Math.abs(vtv[q * k + j] - (q === j ? 1 : 0)) <= 1e3 * n * EPS)) return full();
    }
  }
  for (let i = 0; i < n; i++) values[i] *= s;
  return { values, vectors };
}

/** Top-k eigenpairs, values descending; vectors d x k. */
export function topSymmetricEigen(a: Matrix, k: number): { values: Float64Array; vectors: Matrix } {
  const r = symmetricEigenTopK(a, k);
  return { values: r.values.slice(0, k), vectors: r.vectors };
}

/** [m, 0]: m (r x k) widened to r x cols with zero columns on the right. */
export function padColumns(m: Matrix, cols: number): Matrix {
  if (cols === m.cols) return m;
  const out = new Float64Array(m.rows * cols);
  for (let i = 0; i < m.rows; i++) out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * cols);
  return new Matrix(m.rows, cols, out);
}

export function takeColumns(m: Matrix, k: number): Matrix {
  if (k === m.cols) return m;
  const out = new Float64Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = m.data[i * m.cols + j];
  return new Matrix(m.rows, k, out);
}
