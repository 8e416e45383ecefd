/**
 * Supervised learning with augmentation (docs/theory.md §2.2, P1 eq. 46):
 * V* = (1/n) Y^T Xbar S^{-1}. When S is singular within tolerance (A7: clean problem with
 * α = 0 and λ^Θ_j = 0 on a noise direction) the minimum-norm solution
 * (1/n) Y^T Xbar S^+ is returned and `singular` is true.
 */
import { LinalgError, Matrix, assertFinite, matmul, matmulTransA } from '../../../numerics/dense/matrix';
import { pinv, solveLower, solveLowerTrans, spdTolerance } from '../../../numerics/dense/factor';
import { checkMoments, factorS } from './common';
import type { Moments } from './moments';

export function solveSupervised(x: Matrix, y: Matrix, m: Moments): { v: Matrix; singular: boolean } {
  checkMoments(m);
  if (x.rows !== y.rows) throw new LinalgError('dimension-mismatch', `X has ${x.rows} rows, Y has ${y.rows}`);
  if (x.cols !== m.d) throw new LinalgError('dimension-mismatch', `X has ${x.cols} columns, the moments are for d = ${m.d}`);
  assertFinite(x, 'data matrix X');
  assertFinite(y, 'targets Y');
  const n = x.rows;
  // (1/n) Y^T Xbar = (xbarScale/n) Y^T X   (ℓ x d)
  return solveSupervisedFromCross(matmulTransA(y, x, m.xbarScale / n), m);
}

/** V* = yx S^{-1} from the cross moment yx = (1/n) Y^T Xbar (ℓ x d) alone (streamed and moments-file analyses). */
export function solveSupervisedFromCross(yx: Matrix, m: Moments): { v: Matrix; singular: boolean } {
  checkMoments(m);
  if (yx.cols !== m.d) throw new LinalgError('dimension-mismatch', `Y^T Xbar has ${yx.cols} columns, the moments are for d = ${m.d}`);
  assertFinite(yx, 'Y^T Xbar');
  const r = factorS(m.s);
  if ('l' in r) {
    // V^T = S^{-1} (Y^T Xbar / n)^T (S symmetric)
    const vt = solveLowerTrans(r.l, solveLower(r.l, yx.transpose()));
    return { v: vt.transpose(), singular: false };
  }
  const sp = pinv(m.s, spdTolerance(m.d));
  return { v: matmul(yx, sp), singular: true };
}
