/**
 * Convergence metrics between a clean and a corrupted solution (docs/theory.md §4.4). Each is
 * invariant to the equivalence class of its paradigm: RC up to an invertible T (only
 * the row space of E matters), JE up to an orthogonal U.
 */
import { gram, LinalgError, matmul, matmulTransA, Matrix, pinv, qr, svd } from '../../numerics/dense';

/** ||a - b||_F^2 and ||b||_F^2 over the raw storage (same shapes). */
function squaredDiff(a: Matrix, b: Matrix): { diff: number; ref: number } {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < a.data.length; i++) {
    const r = a.data[i] - b.data[i];
    diff += r * r;
    ref += b.data[i] * b.data[i];
  }
  return { diff, ref };
}

/** An orthonormal basis (as columns, d x r) of the row space of `a` (r x d, full row rank assumed). */
function rowSpaceBasis(a: Matrix): Matrix {
  return qr(a.transpose()).q;
}

/**
 * sin of the largest principal angle between row(a) and row(b) (docs/theory.md §4.4):
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

/** JE only: ||W~^T W~ - W^T W||_F / ||W^T W||_F, invariant to W -> U W (docs/theory.md §4.4). */
export function gramError(clean: Matrix, corrupted: Matrix): number {
  return relativeError(gram(corrupted), gram(clean));
}

/**
 * RC: the residual of the best T, min_T ||E~ - T E||_F / ||E~||_F with T = E~ E^+ (docs/theory.md
 * §4.4). Zero iff row(E~) lies in row(E).
 */
export function bestTResidual(clean: Matrix, corrupted: Matrix): number {
  const fit = matmul(matmul(corrupted, pinv(clean)), clean);
  const { diff, ref } = squaredDiff(fit, corrupted);
  return ref === 0 ? 0 : Math.sqrt(diff / ref);
}

/** ||a - b||_F / ||b||_F (the SL discrepancy of docs/theory.md §8.3). */
export function relativeError(a: Matrix, b: Matrix): number {
  const { diff, ref } = squaredDiff(a, b);
  return ref === 0 ? (diff === 0 ? 0 : Infinity) : Math.sqrt(diff / ref);
}

/**
 * The linear-probe training loss min_V (1/n) sum_i ||y_i - V z_i||^2 with z_i = enc x_i,
 * no intercept (docs/theory.md §6.1 step 5, A10: fitted and scored on the same samples).
 * Computed from the k x k normal equations with a pseudo-inverse, so a rank-deficient
 * encoder gives the loss of its row space. Invariant to enc -> T enc for invertible T.
 */
export function probeLoss(x: Matrix, y: Matrix, enc: Matrix): number {
  const n = x.rows;
  // Z = X enc^T (n x k)
  const z = matmul(x, enc.transpose());
  const zz = gram(z); // Z^T Z
  const zy = matmulTransA(z, y); // Z^T Y
  const vt = matmul(pinv(zz), zy); // V^T = (Z^T Z)^+ Z^T Y
  // ||Y - Z V^T||^2 = ||Y||^2 - 2 tr(Y^T Z V^T) + tr(V Z^T Z V^T)  — computed directly on the
  // residual instead, which does not cancel catastrophically when the fit is good.
  return squaredDiff(matmul(z, vt), y).diff / n;
}

/** The training MSE of a supervised map V (l x d): (1/n) ||Y - X V^T||_F^2 (A10: the SL score). */
export function supervisedLoss(x: Matrix, y: Matrix, v: Matrix): number {
  return squaredDiff(matmul(x, v.transpose()), y).diff / x.rows;
}

/** P1's experimental metric: |probe loss of the clean model - probe loss of the corrupted one| (docs/theory.md §4.4, §6.1 step 6). */
export function probeGap(x: Matrix, encClean: Matrix, xCorrupted: Matrix, encCorrupted: Matrix, y: Matrix): number {
  return Math.abs(probeLoss(x, y, encClean) - probeLoss(xCorrupted, y, encCorrupted));
}
