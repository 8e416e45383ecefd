/**
 * Linear Barlow Twins as CCA of the two views with shared weights (docs/theory.md §7.7):
 * view 1 = rows 0, 2, 4, …, view 2 = rows 1, 3, 5, … (graph.views = 2), each centred by its
 * own mean; S = (S_aa + S_bb)/2, G_s = (S_ab + S_ba)/2 (all /n; + εI on S with
 * `regularize`); the correlations are the K largest generalized eigenvalues of (G_s, S) and
 * W = S^-1/2 Q_K (the S-orthonormal generalized eigenvectors), gram = WWᵀ. This is exactly
 * P1's joint-embedding solver on the moments (S, G_s) (docs/theory.md §2.4).
 */
import { Matrix, generalizedSymmetricEigen, matmul, symmetrize } from '../../numerics/dense';
import { gemmTN, operand } from '../../numerics/dense/blas';
import { uniqueAtCut } from './linear';
import type { BarlowLinear } from './types';

/** Threshold of the Barlow rank: #{correlation > 1e-9}. */
export const BARLOW_RANK_TOLERANCE = 1e-9;

/**
 * The two views' moments S and G_s from the column-centred rows `xc` (N × D): the views are
 * read in place (row stride 2D) and centred by their own means through a rank-one
 * correction, S_aa = X_aᵀX_a/n − δ_a δ_aᵀ with δ_a the view's mean of xc (small: xc is
 * centred overall, so little cancels).
 */
export function barlowMoments(xc: Float64Array, N: number, D: number, regularize?: number): { s: Matrix; g: Matrix } {
  const n = N / 2;
  const da = new Float64Array(D);
  const db = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const oa = 2 * i * D;
    for (let t = 0; t < D; t++) {
      da[t] += xc[oa + t];
      db[t] += xc[oa + D + t];
    }
  }
  for (let t = 0; t < D; t++) {
    da[t] /= n;
    db[t] /= n;
  }
  const va = operand(xc, 2 * D, 0, 0, n, D, false); // rows 0, 2, 4, …
  const vb = operand(xc, 2 * D, 0, D, n, D, false); // rows 1, 3, 5, …
  const saa = new Float64Array(D * D);
  const sbb = new Float64Array(D * D);
  const sab = new Float64Array(D * D);
  gemmTN(1 / n, va, va, saa, 0, D);
  gemmTN(1 / n, vb, vb, sbb, 0, D);
  gemmTN(1 / n, va, vb, sab, 0, D);
  const s = new Matrix(D, D);
  const g = new Matrix(D, D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      const o = i * D + j;
      s.data[o] = 0.5 * (saa[o] - da[i] * da[j] + sbb[o] - db[i] * db[j]);
      g.data[o] = 0.5 * (sab[o] - da[i] * db[j] + sab[j * D + i] - da[j] * db[i]);
    }
    if (regularize !== undefined) s.data[i * D + i] += regularize;
  }
  return { s: symmetrize(s), g: symmetrize(g) };
}

/** Linear Barlow Twins / CCA on the column-centred rows (throws LinalgError 'not-positive-definite' when S is singular). */
export function linearBarlow(xc: Float64Array, N: number, D: number, K: number, regularize?: number): BarlowLinear {
  const { s, g } = barlowMoments(xc, N, D, regularize);
  // one more than K, to tell whether the cut after the K-th correlation is unique
  const e = generalizedSymmetricEigen(g, s, Math.min(K + 1, D));
  const correlations = Array.from(e.values.subarray(0, K), (v) => Math.min(1, Math.max(-1, v)));
  const W = new Matrix(D, K); // wᵀ S w = 1
  const cols = e.vectors.cols;
  for (let i = 0; i < D; i++) for (let k = 0; k < K; k++) W.data[i * K + k] = e.vectors.data[i * cols + k];
  return {
    correlations,
    gram: symmetrize(matmul(W, W.transpose())).toArray(),
    rank: correlations.filter((c) => c > BARLOW_RANK_TOLERANCE).length,
    unique: uniqueAtCut(e.values, K),
  };
}
