/**
 * Shift-invert for the bottom of a connected graph's spectra (docs/theory.md §7.10): the
 * smallest eigenvalues of L = D_G − G are the largest of (L + σI)^-1, and the largest of
 * D^-1/2 G D^-1/2 = I − N (N the normalised Laplacian) are the largest of
 * (N + σI)^-1 = D^1/2 (L + σD)^-1 D^1/2. Thick-restart Lanczos (lanczos.ts, with its check for
 * missed copies of repeated eigenvalues) runs on that inverse, applied through the sparse
 * Cholesky factor of L + σI or L + σD (cholesky.ts), on the complement of the trivial vector
 * (1 or D^1/2 1). Inverting turns clustered small eigenvalues (λ_k ≈ (πk/N)² on a path) into
 * well separated large ones, so a few dozen solves suffice where Lanczos on L would need
 * millions of products.
 *
 * The Ritz vectors found are then used once more: a Rayleigh–Ritz step with the operator itself
 * (Vᵀ L V, or Vᵀ D^-1/2 G D^-1/2 V) gives the eigenvalues, accurate to about ε ‖L‖ absolutely
 * rather than through 1/θ − σ.
 */
import { Matrix } from '../dense/matrix';
import { symmetricEigen } from '../dense/eigen';
import { laplacianOperator, normalizedAdjacencyOperator, type CsrMatrix } from './csr';
import { factorShiftedLaplacian, solvePermuted, type CholeskyFactor, type CholeskySymbolic } from './cholesky';
import { symmetricEigs } from './lanczos';

/** σ relative to the bound 2 max d_i of ‖L‖ (‖N‖ ≤ 2): small enough that σ never hides the smallest wanted eigenvalue, large enough for a stable factorisation. */
export const SHIFT_RELATIVE = 1e-9;

export interface ComponentPairs {
  values: Float64Array;
  vectors?: Float64Array[];
  /** solves with the factor (each costs about 4 × its entries multiply-adds) */
  matvecs: number;
}

/**
 * The `want` smallest eigenpairs of L (kind 'laplacian', ascending) or largest of
 * D^-1/2 G D^-1/2 ('normalized-adjacency', descending) of a connected graph g with degrees
 * `deg`, besides the trivial one, by shift-invert Lanczos with the factor of `sym`.
 */
export function shiftInvertPairs(
  g: CsrMatrix,
  deg: Float64Array,
  want: number,
  laplacian: boolean,
  sym: CholeskySymbolic,
  opts: { vectors: boolean; tol: number; seed: number },
): ComponentPairs {
  const s = g.n;
  let maxDeg = 0;
  for (let i = 0; i < s; i++) maxDeg = Math.max(maxDeg, deg[i]);
  // the trivial eigenvector u, and the diagonal scaling around the inverse (normalised case)
  const u = new Float64Array(s);
  let scale: Float64Array | undefined;
  if (laplacian) u.fill(1 / Math.sqrt(s));
  else {
    let tot = 0;
    for (let i = 0; i < s; i++) tot += deg[i];
    for (let i = 0; i < s; i++) u[i] = Math.sqrt(deg[i] / tot);
    scale = new Float64Array(s);
    for (let i = 0; i < s; i++) scale[i] = Math.sqrt(deg[i]);
  }
  const factor = stableFactor(g, deg, laplacian ? 2 * maxDeg : 2, !laplacian, sym);
  const { perm } = sym;
  const work = new Float64Array(s);
  const inverse = (x: Float64Array, y: Float64Array): void => {
    if (scale) for (let p = 0; p < s; p++) work[p] = scale[perm[p]] * x[perm[p]];
    else for (let p = 0; p < s; p++) work[p] = x[perm[p]];
    solvePermuted(factor, work);
    if (scale) for (let p = 0; p < s; p++) y[perm[p]] = scale[perm[p]] * work[p];
    else for (let p = 0; p < s; p++) y[perm[p]] = work[p];
  };
  const r = symmetricEigs(inverse, s, want, { which: 'largest', deflate: [u], vectors: true, tol: opts.tol, seed: opts.seed });
  const op = laplacian ? laplacianOperator(g, deg) : normalizedAdjacencyOperator(g, deg);
  const rr = rayleighRitz(op, s, r.vectors!, laplacian, opts.vectors);
  return { ...rr, matvecs: r.matvecs };
}

/** The factor of L + σE, σ raised a hundredfold (at most twice) if roundoff made a pivot non-positive. */
function stableFactor(g: CsrMatrix, deg: Float64Array, norm: number, shiftDegrees: boolean, sym: CholeskySymbolic): CholeskyFactor {
  let sigma = SHIFT_RELATIVE * norm;
  for (let attempt = 0; ; attempt++) {
    try {
      return factorShiftedLaplacian(g, deg, sigma, shiftDegrees, sym);
    } catch (e) {
      if (attempt >= 2) throw e;
      sigma *= 100;
    }
  }
}

/**
 * Rayleigh–Ritz with the operator on the span of `basis` (orthonormal): eigenvalues of
 * Vᵀ A V, ascending for the Laplacian, descending for the normalised adjacency, and the
 * rotated vectors when wanted.
 */
function rayleighRitz(
  op: (x: Float64Array, y: Float64Array) => void,
  n: number,
  basis: Float64Array[],
  ascending: boolean,
  wantVectors: boolean,
): { values: Float64Array; vectors?: Float64Array[] } {
  const m = basis.length;
  const av = basis.map((v) => {
    const y = new Float64Array(n);
    op(v, y);
    return y;
  });
  const h = new Matrix(m, m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b <= a; b++) {
      let sum = 0;
      const x = basis[a];
      const y = av[b];
      for (let i = 0; i < n; i++) sum += x[i] * y[i];
      h.data[a * m + b] = sum;
      h.data[b * m + a] = sum;
    }
  // symmetricEigen: descending
  const e = symmetricEigen(h);
  const order = Array.from({ length: m }, (_, i) => (ascending ? m - 1 - i : i));
  const values = Float64Array.from(order, (i) => e.values[i]);
  if (!wantVectors) return { values };
  const vectors = order.map((c) => {
    const v = new Float64Array(n);
    for (let a = 0; a < m; a++) {
      const w = e.vectors.data[a * m + c];
      if (w === 0) continue;
      const x = basis[a];
      for (let i = 0; i < n; i++) v[i] += w * x[i];
    }
    return v;
  });
  return { values, vectors };
}
