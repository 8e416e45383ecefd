/**
 * The linear regime Z = XW (X after data.center) of graph mode:
 * - VICReg = LPP with a covariance constraint (docs/theory.md §7.5 (c)): C = XᵀHX/N (H the
 *   centring; + εI with `regularize`), L_x = XᵀLX/N, μ = the K smallest eigenvalues of
 *   C^-1/2 L_x C^-1/2, σ_k from μ_k as on the graph, W = C^-1/2 U_K diag(√σ), gram = WWᵀ.
 *   Solved as the generalized problem L_x w = μ C w (C-orthonormal w = C^-1/2 u).
 * - SimCLR = the linear spectral-contrastive solution (docs/theory.md §7.6): thin SVD
 *   X = USVᵀ, the top-K eigenpairs (λ, F) of Uᵀ(D^-1/2 G D^-1/2)U, λ⁺ = max(λ, 0),
 *   gram = V S^-1 F diag(λ⁺) Fᵀ S^-1 Vᵀ.
 *   U is never formed: X = QR and QᵀAQ come from {@link rangeProjection} (Cholesky of the
 *   column-scaled XᵀX when it is well conditioned, Cholesky QR twice or Householder QR
 *   otherwise), then R = U_R S Vᵀ (Jacobi SVD, D × D) and Uᵀ A U = U_Rᵀ (QᵀAQ) U_R;
 *   directions with s ≤ max(N, D) ε s_1 are outside X's range and dropped.
 * Products with G go through the cliques for views and labels graphs (graphBuild.ts).
 */
import {
  Matrix,
  generalizedSymmetricEigen,
  gram,
  matmul,
  matmulTransA,
  qr,
  reduceSymmetric,
  solveLower,
  svd,
  symmetricEigen,
  symmetricEigenvalues,
  symmetrize,
  tryCholesky,
} from '../../numerics/dense';
import { laplacianRows, normalizedAdjacencyRows, type PairGraph } from './graphBuild';
import { contrastiveRank, userScale } from './representation';
import { vicregFiniteB, vicregHinge } from './vicreg';
import type { SimclrLinear, VicregLinear } from './types';

const EPS = 2.220446049250313e-16;

/** Relative gap below which the K-th and the (K+1)-th eigenvalues count as one (the eigensolvers' accuracy is ~1e-12 relative). */
export const CUT_TIE = 1e-9;

/**
 * Is the subspace of the first K eigenvectors unique: the K-th eigenvalue apart from the
 * (K+1)-th (`values` ordered, at least K + 1 of them; with K only, nothing is cut)? When they
 * tie, any K directions of the tied eigenspace are optimal, and a solution built from them (a
 * Gram W Wᵀ) is one of many (docs/theory.md §7.5 (c)); its eigenvalues and rank are unique.
 */
export function uniqueAtCut(values: ArrayLike<number>, K: number): boolean {
  if (values.length <= K || K === 0) return true;
  const a = values[K - 1];
  const b = values[K];
  return Math.abs(a - b) > CUT_TIE * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/**
 * Linear VICReg on the column-centred rows `xc` (H X; not modified). Throws LinalgError
 * 'not-positive-definite' when C is singular. `scratch` (N × D), when given, holds L X.
 */
export function linearVicreg(
  xc: Float64Array,
  N: number,
  D: number,
  pg: PairGraph,
  K: number,
  a: number,
  g: number,
  regularize?: number,
  scratch?: Float64Array,
  covariance?: number,
): VicregLinear {
  const X = new Matrix(N, D, xc);
  const C = gram(X, 1 / N);
  if (regularize !== undefined) for (let i = 0; i < D; i++) C.data[i * D + i] += regularize;
  // L 1 = 0: XᵀLX = (HX)ᵀ L (HX)
  const Lx = symmetrize(matmulTransA(X, new Matrix(N, D, laplacianRows(pg, xc, D, scratch)), 1 / N));
  // the K smallest μ: the top K of (−L_x, C)
  for (let i = 0; i < Lx.data.length; i++) Lx.data[i] = -Lx.data[i];
  // one more than K, to tell whether the cut after μ_K is unique
  const e = generalizedSymmetricEigen(Lx, C, Math.min(K + 1, D));
  const unique = uniqueAtCut(e.values, K);
  const mu = Array.from(e.values.subarray(0, K), (v) => userScale(pg, Math.max(0, -v)));
  const { sigma, rank } = vicregHinge(mu, a, g);
  // A tie at the cut only matters when the K-th direction is kept (σ_K > 0).
  const uniqueGram = unique || sigma[K - 1] === 0;
  // W = [w_k √σ_k]; WWᵀ
  const W = new Matrix(D, K);
  const cols = e.vectors.cols;
  for (let i = 0; i < D; i++) for (let k = 0; k < K; k++) W.data[i * K + k] = e.vectors.data[i * cols + k] * Math.sqrt(sigma[k]);
  return {
    mu,
    sigma,
    gram: symmetrize(matmul(W, W.transpose())).toArray(),
    rank,
    unique: uniqueGram,
    ...(covariance !== undefined ? { finite: vicregFiniteB(mu, a, covariance, g) } : {}),
  };
}

/** Linear SimCLR (spectral-contrastive) solution; `scratch` (N × D), when given, holds the kernel's products. */
export function linearSimclr(x: Float64Array, N: number, D: number, pg: PairGraph, K: number, path?: RangePath, scratch?: Float64Array): SimclrLinear {
  const { qaq, r } = rangeProjection(new Matrix(N, D, x), (y0) => normalizedAdjacencyRows(pg, y0, D, scratch), path);
  const { u: uR, s, v } = svd(r); // r: p × D, p = min(N, D); uR p × p, v D × p
  const p = r.rows;
  const smax = s.length ? s[0] : 0;
  let rk = 0;
  while (rk < s.length && s[rk] > Math.max(N, D) * EPS * smax) rk++;
  // M = U_Rᵀ (QᵀAQ) U_R on the rank-rk range of X
  const ur = new Matrix(p, rk);
  for (let i = 0; i < p; i++) for (let j = 0; j < rk; j++) ur.data[i * rk + j] = uR.data[i * uR.cols + j];
  const m = symmetrize(matmulTransA(ur, matmul(qaq, ur)));
  const e = symmetricEigen(m);
  const kk = Math.min(K, rk);
  const eigenvalues = new Array<number>(K).fill(0);
  for (let k = 0; k < kk; k++) eigenvalues[k] = Math.max(0, e.values[k]);
  // P = V_r S_r^-1 F diag(√λ⁺) (D × kk); gram = P Pᵀ
  const F = new Matrix(rk, kk);
  for (let i = 0; i < rk; i++) for (let k = 0; k < kk; k++) F.data[i * kk + k] = (e.vectors.data[i * rk + k] / s[i]) * Math.sqrt(eigenvalues[k]);
  const vr = new Matrix(D, rk);
  for (let i = 0; i < D; i++) for (let j = 0; j < rk; j++) vr.data[i * rk + j] = v.data[i * v.cols + j];
  const P = matmul(vr, F);
  // a tie at the cut matters only between positive eigenvalues (λ⁺ = 0 adds nothing to the Gram)
  const unique = kk >= rk || !(e.values[kk] > 0) || uniqueAtCut(e.values, kk);
  return { eigenvalues, gram: symmetrize(matmul(P, P.transpose())).toArray(), rank: contrastiveRank(eigenvalues), unique };
}

/** How {@link rangeProjection} reached X's range (chosen automatically; forced in tests). */
export type RangePath = 'cholesky' | 'cholesky-qr2' | 'householder';

/** Largest condition number of the column-scaled X for the one-Cholesky path (its error grows as ε κ²). */
const CHOLESKY_PATH_MAX_CONDITION = 1e4;

/**
 * X = QR (Q: N × p orthonormal, p = min(N, D); R: p × D, upper triangular when N ≥ D) and
 * QᵀAQ for the symmetric operator `apply` (Y = A Y0 on N × D blocks), with X's columns
 * scaled to unit norm first:
 * - 'cholesky' (κ(X_s) ≤ 1e4): R_s = L1ᵀ from X_sᵀX_s = L1L1ᵀ, and QᵀAQ = L1^-1 (X_sᵀAX_s) L1^-T
 *   without forming Q (packed products only; error about ε κ²);
 * - 'cholesky-qr2': Q1 = X_s L1^-T formed, then the same with Q1 (its κ ≈ 1), checked;
 * - 'householder': Householder QR (rank-deficient X, or when the above fail); with N < D the
 *   SVD of X itself (Q = U, R = S Vᵀ).
 */
export function rangeProjection(x: Matrix, apply: (y0: Float64Array) => Float64Array, force?: RangePath): { qaq: Matrix; r: Matrix; path: RangePath } {
  const N = x.rows;
  const D = x.cols;
  const householder = () => {
    if (N < D) {
      // fewer rows than columns: Q = U (N × N) and R = S Vᵀ (N × D) from the SVD of X
      const { u, s, v } = svd(x);
      const r = v.transpose();
      for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) r.data[i * D + j] *= s[i];
      return { qaq: symmetrize(matmulTransA(u, new Matrix(N, N, applyNarrow(u)))), r, path: 'householder' as const };
    }
    const { q, r } = qr(x);
    return { qaq: symmetrize(matmulTransA(q, new Matrix(N, D, apply(q.data)))), r, path: 'householder' as const };
  };
  /** A applied to an N × N block through the N × D `apply` (zero-padded columns). */
  const applyNarrow = (u: Matrix): Float64Array => {
    const pad = new Float64Array(N * D);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) pad[i * D + j] = u.data[i * N + j];
    const y = apply(pad);
    const out = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) out[i * N + j] = y[i * D + j];
    return out;
  };
  if (N < D || force === 'householder') return householder();
  // the column-scaled X_s = X diag(1/c) only through its products: X_sᵀ X_s = S XᵀX S, S = diag(1/c)
  const xtx = gram(x);
  const inv = new Float64Array(D);
  for (let t = 0; t < D; t++) {
    const c2 = xtx.data[t * D + t];
    if (!(c2 > 0)) return householder();
    inv[t] = 1 / Math.sqrt(c2);
  }
  const scaled = (m: Matrix): Matrix => {
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) m.data[i * D + j] *= inv[i] * inv[j];
    return symmetrize(m);
  };
  const a1 = scaled(xtx);
  const c1 = tryCholesky(a1);
  if ('fail' in c1) return householder();
  // R = R_s diag(c) for X = X_s diag(c)
  const withScale = (rs: Matrix): Matrix => {
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) rs.data[i * D + j] /= inv[j];
    return rs;
  };
  const ev = symmetricEigenvalues(a1);
  const cond2 = ev[D - 1] > 0 ? ev[0] / ev[D - 1] : Infinity;
  if (force === 'cholesky' || (force === undefined && cond2 <= CHOLESKY_PATH_MAX_CONDITION ** 2)) {
    const b = scaled(matmulTransA(x, new Matrix(N, D, apply(x.data))));
    return { qaq: reduceSymmetric(b, c1.l), r: withScale(c1.l.transpose()), path: 'cholesky' };
  }
  // Cholesky QR twice: Q1 = X_s L1^-T (κ(Q1) ≈ 1 when κ(X_s) < ε^-1/2), then Q = Q1 L2^-T implicitly
  const li = lowerInverse(c1.l).transpose(); // L1^-T, then S L1^-T: Q1 = X_s L1^-T = X (S L1^-T)
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) li.data[i * D + j] *= inv[i];
  const q1 = matmul(x, li);
  const a2 = gram(q1);
  const c2 = tryCholesky(a2);
  if ('fail' in c2) return householder();
  // Q1 must be close to orthonormal for the second factor to finish the job
  const ev2 = symmetricEigenvalues(a2);
  if (!(ev2[D - 1] > 0 && ev2[0] / ev2[D - 1] <= 1e6)) return householder();
  const b = symmetrize(matmulTransA(q1, new Matrix(N, D, apply(q1.data))));
  // X_s = Q1 L1ᵀ = Q L2ᵀ L1ᵀ
  return { qaq: reduceSymmetric(b, c2.l), r: withScale(matmul(c2.l.transpose(), c1.l.transpose())), path: 'cholesky-qr2' };
}

/** L^-1 for a lower-triangular L (D × D, small). */
function lowerInverse(l: Matrix): Matrix {
  return solveLower(l, Matrix.identity(l.rows));
}
