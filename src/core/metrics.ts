/**
 * Convergence metrics between a clean and a corrupted solution (math.md §4.4). Each is
 * invariant to the equivalence class of its paradigm: RC up to an invertible T (only
 * the row space of E matters), JE up to an orthogonal U.
 */
import { gram, LinalgError, matmul, matmulTransA, Matrix, pinv, qr, svd } from './linalg';

/** An orthonormal basis (as columns, d x r) of the row space of `a` (r x d, full row rank assumed). */
function rowSpaceBasis(a: Matrix): Matrix {
  return qr(a.transpose()).q;
}

/**
 * sin of the largest principal angle between row(a) and row(b) (math.md §4.4):
 * sqrt(1 - sigma_min(Qa^T Qb)^2). 0 when the row spaces coincide, 1 when some direction of
 * one is orthogonal to the other. Row spaces of different dimension are compared on
 * the smaller one (the result is then 0 iff it lies inside the larger).
 */
export function sinLargestPrincipalAngle(a: Matrix, b: Matrix): number {
  if (a.cols !== b.cols) throw new LinalgError('dimension-mismatch', `principal angles need the same ambient dimension, got ${a.cols} and ${b.cols}`);
  const qa = rowSpaceBasis(a);
  const qb = rowSpaceBasis(b);
  const s = svd(matmulTransA(qa, qb)).s;
  const sigmaMin = Math.min(1, s[Math.min(qa.cols, qb.cols) - 1] ?? 0);
  // 1 - sigma^2 loses every digit below ~1e-8 when sigma ~ 1; the identity
  // sin^2 = ||(I - Qa Qa^T) Qb v||^2 for the minimising v would be exact, but for the
  // sizes compared here (angles reported to 2-3 digits) the direct form suffices.
  return Math.sqrt(Math.max(0, 1 - sigmaMin * sigmaMin));
}

/** JE only: ||W~^T W~ - W^T W||_F / ||W^T W||_F, invariant to W -> U W (math.md §4.4). */
export function gramError(clean: Matrix, corrupted: Matrix): number {
  const g = gram(clean);
  const h = gram(corrupted);
  let num = 0;
  let den = 0;
  for (let i = 0; i < g.data.length; i++) {
    const diff = h.data[i] - g.data[i];
    num += diff * diff;
    den += g.data[i] * g.data[i];
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}

/**
 * RC: the residual of the best T, min_T ||E~ - T E||_F / ||E~||_F with T = E~ E^+ (math.md
 * §4.4). Zero iff row(E~) lies in row(E).
 */
export function bestTResidual(clean: Matrix, corrupted: Matrix): number {
  const t = matmul(corrupted, pinv(clean));
  const fit = matmul(t, clean);
  let num = 0;
  let den = 0;
  for (let i = 0; i < fit.data.length; i++) {
    const r = corrupted.data[i] - fit.data[i];
    num += r * r;
    den += corrupted.data[i] * corrupted.data[i];
  }
  return den === 0 ? 0 : Math.sqrt(num / den);
}

/** ||a - b||_F / ||b||_F (the SL discrepancy of math.md §8.3). */
export function relativeError(a: Matrix, b: Matrix): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.data.length; i++) {
    const r = a.data[i] - b.data[i];
    num += r * r;
    den += b.data[i] * b.data[i];
  }
  return den === 0 ? (num === 0 ? 0 : Infinity) : Math.sqrt(num / den);
}

/**
 * The linear-probe training loss min_V (1/n) sum_i ||y_i - V z_i||^2 with z_i = enc x_i,
 * no intercept (math.md §6.1 step 5, A10: fitted and scored on the same samples).
 * Computed from the k x k normal equations with a pseudo-inverse, so a rank-deficient
 * encoder gives the loss of its row space. Invariant to enc -> T enc for invertible T.
 */
export function probeLoss(x: Matrix, y: Matrix, enc: Matrix): number {
  const n = x.rows;
  // Z = X enc^T (n x k)
  const z = matmul(x, enc.transpose());
  const zz = gram(z);              // Z^T Z
  const zy = matmulTransA(z, y);   // Z^T Y
  const vt = matmul(pinv(zz), zy); // V^T = (Z^T Z)^+ Z^T Y
  // ||Y - Z V^T||^2 = ||Y||^2 - 2 tr(Y^T Z V^T) + tr(V Z^T Z V^T)  — computed directly on the
  // residual instead, which does not cancel catastrophically when the fit is good.
  const fit = matmul(z, vt);
  let sum = 0;
  for (let i = 0; i < y.data.length; i++) {
    const r = y.data[i] - fit.data[i];
    sum += r * r;
  }
  return sum / n;
}

/** The training MSE of a supervised map V (l x d): (1/n) ||Y - X V^T||_F^2 (A10: the SL score). */
export function supervisedLoss(x: Matrix, y: Matrix, v: Matrix): number {
  const fit = matmul(x, v.transpose());
  let sum = 0;
  for (let i = 0; i < y.data.length; i++) {
    const r = y.data[i] - fit.data[i];
    sum += r * r;
  }
  return sum / x.rows;
}

/** P1's experimental metric: |probe loss of the clean model - probe loss of the corrupted one| (math.md §4.4, §6.1 step 6). */
export function probeGap(x: Matrix, encClean: Matrix, xCorrupted: Matrix, encCorrupted: Matrix, y: Matrix): number {
  return Math.abs(probeLoss(x, y, encClean) - probeLoss(xCorrupted, y, encCorrupted));
}
