/**
 * Joint-embedding SSL (docs/theory.md §2.4, P1 Thm 3.2): S^{-1/2} G S^{-1/2} = Q Ω Q^T,
 * W = Q_k^T S^{-1/2} (U = I).
 *
 * Computed as the Cholesky-reduced generalized problem G w = ω S w: with S = L L^T and
 * K = L^{-1} G L^{-T} = Y Ω Y^T, W = Y_k^T L^{-1}. Since S^{-1/2} = U^T L^{-1} with U
 * orthogonal, Q = U^T Y and Q_k^T S^{-1/2} = Y_k^T L^{-1}: the same W (up to the sign /
 * rotation freedom U of the theorem), without the eigendecomposition of S. All d values
 * of ω come from one tridiagonalisation of K; the top-k vectors from inverse iteration
 * (small d: full QL).
 */
import { Matrix, matmulTransA } from '../../../numerics/dense/matrix';
import { reduceSymmetric, solveLowerTrans } from '../../../numerics/dense/factor';
import { symmetricEigenTopK } from '../../../numerics/dense/eigen';
import { checkK, checkMoments, choleskyOfS, Lazy, withLazy } from './common';
import type { Moments } from './moments';

export interface JointEmbeddingSolution {
  w: Matrix;
  omega: Float64Array;
  gram: Matrix;
  objective: number;
}

export function solveJointEmbedding(m: Moments, k: number): JointEmbeddingSolution {
  checkMoments(m);
  const d = m.d;
  checkK(k, d);
  const l = choleskyOfS(m.s);
  const kmat = reduceSymmetric(m.g, l); // L^{-1} G L^{-T}
  const e = symmetricEigenTopK(kmat, k);
  // ω ∈ [0, 1] because 0 ⪯ G ⪯ S; clip only the roundoff
  const omega = new Float64Array(d);
  for (let j = 0; j < d; j++) omega[j] = Math.min(1, Math.max(0, e.values[j]));
  const wt = solveLowerTrans(l, e.vectors); // W^T = L^{-T} Y_k  (d x k)
  const w = wt.transpose();
  let sum = 0;
  for (let j = 0; j < k; j++) sum += omega[j];
  // (V-JE), A15: value with the 1/n convention = 2 (k - Σ_{j<=k} ω_j)
  const objective = 2 * (k - sum);
  // W^T W (d x d) computed when first read
  return withLazy<JointEmbeddingSolution>({ w, omega, gram: new Lazy(() => matmulTransA(w, w)), objective });
}
