/**
 * Reconstruction SSL (docs/theory.md §2.3, P1 Thm 3.1). C = S, A = cross C^{-1/2}, A = R Φ P^T,
 * E = P_k^T C^{-1/2} (T = I), D = R_k Φ_k, M = D E.
 *
 * Computed without C^{-1/2}: with C = L L^T, C^{-1/2} = L^{-T} U for the orthogonal
 * U = L^T C^{-1/2}, so A = B U with B = cross L^{-T}. Then A and B have the same singular
 * values, P = U^T P_B, and E = P_k^T C^{-1/2} = P_{B,k}^T L^{-1}, D = B P_{B,k}: the
 * same E, D and M (up to the sign/rotation freedom of the singular vectors). Saves the
 * full eigendecomposition of C.
 * - small d (<= 160): one-sided Jacobi SVD of B (accurate small φ);
 * - larger d: eigenvalues of B^T B (φ² = eigenvalues, docs/theory.md §2.3 "unified view") via
 *   one tridiagonalisation, top-k vectors by inverse iteration (O(d² k)).
 */
import { Matrix, gramOfRows, matmul, matmulTransA } from '../../../numerics/dense/matrix';
import { qr, solveLower, solveLowerTrans, svd } from '../../../numerics/dense/factor';
import { symmetricEigenTopK } from '../../../numerics/dense/eigen';
import { checkK, checkMoments, choleskyOfS, Lazy, withLazy } from './common';
import type { Moments } from './moments';

export interface ReconstructionSolution {
  e: Matrix;
  dec: Matrix;
  map: Matrix;
  phi: Float64Array;
  rowProjector: Matrix;
  objective: number;
}

const SVD_MAX_D = 160;

export function solveReconstruction(m: Moments, k: number): ReconstructionSolution {
  checkMoments(m);
  const d = m.d;
  checkK(k, d);
  const l = choleskyOfS(m.s);
  // Bᵀ = L^{-1} crossᵀ, kept as it is solved (B itself is never formed at large d)
  const bt = solveLower(l, m.cross, false, true);
  let phi: Float64Array;
  let pk: Matrix; // d x k right singular vectors of B
  let sumTop = 0;
  if (d <= SVD_MAX_D) {
    const r = svd(bt.transpose());
    phi = r.s;
    const out = new Float64Array(d * k);
    for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) out[i * k + j] = r.v.data[i * d + j];
    pk = new Matrix(d, k, out);
    for (let j = 0; j < k; j++) sumTop += phi[j] * phi[j];
  } else {
    const e = symmetricEigenTopK(gramOfRows(bt), k); // BᵀB = Bᵀ (Bᵀ)ᵀ
    phi = new Float64Array(d);
    for (let j = 0; j < d; j++) phi[j] = Math.sqrt(Math.max(0, e.values[j]));
    for (let j = 0; j < k; j++) sumTop += Math.max(0, e.values[j]);
    pk = e.vectors;
  }
  const dec = matmulTransA(bt, pk); // D = B P_k = R_k Φ_k
  const et = solveLowerTrans(l, pk); // E^T = L^{-T} P_k
  const e = et.transpose();
  // (V-RC): (1/n) Tr(X^T X) - Σ_{j<=k} φ_j²
  const objective = m.traceXtX - sumTop;
  return withLazy<ReconstructionSolution>({
    e,
    dec,
    map: new Lazy(() => matmul(dec, e)),
    phi,
    // row space projector E^T (E E^T)^{-1} E = Q Q^T with E^T = Q R (stable form)
    rowProjector: new Lazy(() => {
      const q = qr(et).q;
      return matmul(q, q.transpose());
    }),
    objective,
  });
}
