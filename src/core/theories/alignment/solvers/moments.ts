/**
 * Augmentation moments (docs/theory.md §2.1, M1–M4). All second moments are *uncentred*
 * averages over samples (docs/theory.md §1). Only the first two moments of the augmentation
 * matter (P1 Remark 4.1), so an augmentation is described by Xbar = xbarScale * X and Σ.
 */
import { LinalgError, Matrix, add, assertFinite, gram, symmetrize } from '../../../numerics/dense/matrix';

export type Augmentation =
  { kind: 'additive'; theta: Matrix; gamma: Matrix; alpha: number } | { kind: 'masking'; keep: number } | { kind: 'covariance'; sigma: Matrix };

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
 * (docs/theory.md §2.5, A7: opt-in S + eps I). `consumeGram`: the caller gives `gramOfX`
 * up, and its storage may become one of the moments.
 */
export function augmentationMoments(x: Matrix, aug: Augmentation, opts?: { regularize?: number; gramOfX?: Matrix; consumeGram?: boolean }): Moments {
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
  return momentsFromGram(gx, n, aug, opts?.regularize, opts?.gramOfX === undefined || opts.consumeGram === true);
}

/**
 * Moments of `aug` from gx = (1/n) X^T X alone (docs/theory.md §2.1, M1–M4): what the
 * streamed and the moments-file analyses use, since for these augmentations X enters
 * only through its Gram matrix. `regularize: eps` adds eps I to S (§2.5). With `consume`,
 * gx's storage may be overwritten (it becomes the cross moment of masking).
 */
export function momentsFromGram(gx: Matrix, n: number, aug: Augmentation, regularize?: number, consume = false): Moments {
  const d = gx.rows;
  let traceXtX = 0;
  for (let i = 0; i < d; i++) traceXtX += gx.data[i * d + i];
  const { sigma, g, cross, xbarScale, s } = augmentedParts(aug, gx, d, consume);
  return finishMoments(n, d, sigma, g, cross, traceXtX, xbarScale, regularize, s);
}

/**
 * Empirical moments of given augmented views (docs/theory.md §2.1 with the expectations over
 * τ replaced by the views' means): Σ, G = (1/n) X̄^T X̄ and the cross moment (1/n) X^T X̄ as
 * computed from the views, traceXtX = (1/n) Tr(X^T X) of the clean samples.
 */
export function empiricalMoments(n: number, sigma: Matrix, g: Matrix, cross: Matrix, traceXtX: number, regularize?: number): Moments {
  const d = g.rows;
  checkSquare(sigma, d, 'Σ of the views');
  checkSquare(cross, d, 'the cross moment of the views');
  return finishMoments(n, d, symmetrize(sigma), g, cross, traceXtX, 1, regularize);
}

function finishMoments(
  n: number,
  d: number,
  sigma: Matrix,
  g: Matrix,
  cross: Matrix,
  traceXtX: number,
  xbarScale: number,
  regularize: number | undefined,
  sum?: Matrix,
): Moments {
  const s = sum ?? add(g, sigma); // (M3) S = G + Σ
  const eps = regularize;
  if (eps !== undefined) {
    if (!Number.isFinite(eps) || eps < 0) throw new LinalgError('not-finite', `regularize must be a finite non-negative number, got ${eps}`);
    for (let i = 0; i < d; i++) s.data[i * d + i] += eps;
  }
  return { n, d, sigma, g, s, cross, traceXtX, xbarScale };
}

/** (M4) Σ, G = (1/n) Xbar^T Xbar and the cross moment (1/n) X^T Xbar of one augmentation, from gx = (1/n) X^T X. */
function augmentedParts(aug: Augmentation, gx: Matrix, d: number, consume: boolean): Pick<Moments, 'sigma' | 'g' | 'cross' | 'xbarScale'> & { s?: Matrix } {
  switch (aug.kind) {
    case 'additive': {
      checkSquare(aug.theta, d, 'Theta');
      checkSquare(aug.gamma, d, 'Gamma');
      if (!Number.isFinite(aug.alpha)) throw new LinalgError('not-finite', `alpha is ${aug.alpha}`);
      // (M4) additive: Xbar = X, Σ = Θ + α² Γ
      const sigma = symmetrize(add(aug.theta, aug.gamma, aug.alpha * aug.alpha));
      return { sigma, xbarScale: 1, g: gx.clone(), cross: gx.clone() }; // (1/n) X^T Xbar with Xbar = X
    }
    case 'masking': {
      const p = aug.keep;
      if (!Number.isFinite(p)) throw new LinalgError('not-finite', `masking keep probability is ${p}`);
      if (p < 0 || p > 1) throw new LinalgError('dimension-mismatch', `masking keep probability ${p} is outside [0, 1]`);
      // (M4) masking: Xbar = p X, Σ = p(1-p) diag((1/n) Σ_i x_ij²); G = (1/n) Xbar^T Xbar,
      // cross = (1/n) X^T Xbar and (M3) S = G + Σ in one pass over gx (Σ is zero off the diagonal)
      const x = gx.data;
      const sd = new Float64Array(d * d);
      const gd = new Float64Array(d * d);
      const cd = consume ? x : new Float64Array(d * d); // cross in place of gx when the caller gives it up
      const ss = new Float64Array(d * d);
      const p2 = p * p;
      const q = p * (1 - p);
      for (let i = 0; i < d; i++) {
        const r = i * d;
        const sv = q * x[r + i];
        for (let j = r; j < r + d; j++) {
          const v = x[j];
          const gv = p2 * v;
          gd[j] = gv;
          cd[j] = p * v;
          ss[j] = gv + 0;
        }
        sd[r + i] = sv;
        ss[r + i] = gd[r + i] + sv;
      }
      return { xbarScale: p, g: new Matrix(d, d, gd), cross: new Matrix(d, d, cd), sigma: new Matrix(d, d, sd), s: new Matrix(d, d, ss) };
    }
    case 'covariance': {
      checkSquare(aug.sigma, d, 'Sigma');
      return { sigma: symmetrize(aug.sigma), xbarScale: 1, g: gx.clone(), cross: gx.clone() };
    }
    default: {
      const never: never = aug;
      throw new LinalgError('dimension-mismatch', `unknown augmentation ${JSON.stringify(never)}`);
    }
  }
}
