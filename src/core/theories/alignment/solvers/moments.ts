/**
 * Augmentation moments (docs/theory.md §2.1, M1–M4). All second moments are *uncentred*
 * averages over samples (docs/theory.md §1). Only the first two moments of the augmentation
 * matter (P1 Remark 4.1), so an augmentation is described by Xbar = xbarScale * X and Σ.
 */
import { LinalgError, Matrix, add, assertFinite, gram, scale, symmetrize } from '../../../numerics/dense/matrix';

export type Augmentation =
  | { kind: 'additive'; theta: Matrix; gamma: Matrix; alpha: number }
  | { kind: 'masking'; keep: number }
  | { kind: 'covariance'; sigma: Matrix };

export interface Moments {
  n: number;
  d: number;
  sigma: Matrix;
  g: Matrix;
  s: Matrix;
  cross: Matrix;
  traceXtX: number;
  xbarScale: number;
}

function checkSquare(m: Matrix, d: number, what: string): void {
  if (m.rows !== d || m.cols !== d) {
    throw new LinalgError('dimension-mismatch', `${what} is ${m.rows} x ${m.cols}, expected ${d} x ${d} (the data have ${d} columns)`);
  }
  assertFinite(m, what);
}

/**
 * Moments of X (n x d) under `aug`. `gramOfX`, when given, must be (1/n) X^T X (it is
 * trusted, only its shape and finiteness are checked); `regularize: eps` adds eps I to S
 * (docs/theory.md §2.5, A7: opt-in S + eps I).
 */
export function augmentationMoments(x: Matrix, aug: Augmentation, opts?: { regularize?: number; gramOfX?: Matrix }): Moments {
  const n = x.rows;
  const d = x.cols;
  if (n < 1 || d < 1) throw new LinalgError('dimension-mismatch', `data matrix is ${n} x ${d}; need at least one sample and one feature`);
  assertFinite(x, 'data matrix X');
  let gx: Matrix;
  if (opts?.gramOfX) {
    checkSquare(opts.gramOfX, d, 'gramOfX');
    gx = opts.gramOfX;
  } else {
    gx = gram(x, 1 / n); // (1/n) X^T X, symmetric-aware
  }
  let traceXtX = 0;
  for (let i = 0; i < d; i++) traceXtX += gx.data[i * d + i];

  let sigma: Matrix;
  let g: Matrix;
  let cross: Matrix;
  let xbarScale: number;
  switch (aug.kind) {
    case 'additive': {
      checkSquare(aug.theta, d, 'Theta');
      checkSquare(aug.gamma, d, 'Gamma');
      if (!Number.isFinite(aug.alpha)) throw new LinalgError('not-finite', `alpha is ${aug.alpha}`);
      // (M4) additive: Xbar = X, Σ = Θ + α² Γ
      sigma = symmetrize(add(aug.theta, aug.gamma, aug.alpha * aug.alpha));
      xbarScale = 1;
      g = gx.clone();
      cross = gx.clone(); // (1/n) X^T Xbar with Xbar = X
      break;
    }
    case 'masking': {
      const p = aug.keep;
      if (!Number.isFinite(p)) throw new LinalgError('not-finite', `masking keep probability is ${p}`);
      if (p < 0 || p > 1) throw new LinalgError('dimension-mismatch', `masking keep probability ${p} is outside [0, 1]`);
      // (M4) masking: Xbar = p X, Σ = p(1-p) diag((1/n) Σ_i x_ij²)
      xbarScale = p;
      g = scale(gx, p * p); // (1/n) Xbar^T Xbar
      cross = scale(gx, p); // (1/n) X^T Xbar
      const sd = new Float64Array(d * d);
      for (let j = 0; j < d; j++) sd[j * d + j] = p * (1 - p) * gx.data[j * d + j];
      sigma = new Matrix(d, d, sd);
      break;
    }
    case 'covariance': {
      checkSquare(aug.sigma, d, 'Sigma');
      sigma = symmetrize(aug.sigma);
      xbarScale = 1;
      g = gx.clone();
      cross = gx.clone();
      break;
    }
    default: {
      const never: never = aug;
      throw new LinalgError('dimension-mismatch', `unknown augmentation ${JSON.stringify(never)}`);
    }
  }
  const s = add(g, sigma); // (M3) S = G + Σ
  const eps = opts?.regularize;
  if (eps !== undefined) {
    if (!Number.isFinite(eps) || eps < 0) throw new LinalgError('not-finite', `regularize must be a finite non-negative number, got ${eps}`);
    for (let i = 0; i < d; i++) s.data[i * d + i] += eps;
  }
  return { n, d, sigma, g, s, cross, traceXtX, xbarScale };
}
