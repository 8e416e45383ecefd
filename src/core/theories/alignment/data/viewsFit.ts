/**
 * P1's model fitted to your data and your own views (docs/theory.md §6.4, an extension of
 * this project): from the sufficient statistics alone (sufficient.ts; streamed rows and
 * moments files alike) it finds the important subspace, the spectra of §3 in a fitted basis,
 * the alignment α̂ of the augmentation with the data's non-label variance, an interval for
 * α̂ and how far the measured moments are from P1's shared-diagonal form.
 *
 *   C = (1/n) XᵀX (the data, centred like the analysis), Σ = the views' scatter (§2.1),
 *   B = Σ_c p_c m_c m_cᵀ (class means m_c), W = C − B;
 *   important: the top Fisher directions of (B, W), then, if the labels give fewer than
 *   `latent`, the directions the views leave most invariant (smallest Σ against C);
 *   basis F = [U₁E₁ | U₂E₂], C diagonalised within each block;
 *   c_i, λΓ_j = diag(FᵀCF); λΘ_i, A_j = diag(FᵀΣF); A_j = θ_noise + α² λΓ_j by least squares.
 */
import { generalizedSymmetricEigen, LinalgError, matmul, Matrix, qr, symmetricEigen } from '../../../numerics/dense';
import { Rng } from '../../../numerics/rng';
import type { ResolvedSpectra } from '../types';
import { centringShift, gramFromStats } from './fromStats';
import type { SufficientStats } from './sufficient';

/** How the important subspace was chosen (docs/theory.md §6.4.2). */
export type ImportantRule = 'labels' | 'labels+invariance' | 'invariance';

/** The fitted model (`analyze --json` `fit`; docs/theory.md §6.4). */
export interface ViewsFit {
  /** α̂, the fitted alignment of the augmentation with the non-label variance (§6.4.4). */
  alpha: number;
  /** A 95% interval for α̂ from the regression's standard error (§6.4.6). */
  alphaInterval: [number, number];
  /** α̂² and its standard error (the regression's slope). */
  alpha2: number;
  alpha2StandardError: number;
  /** max(off-diagonal mass of Σ, of C) in the fitted basis: 0 exactly in P1's form (§6.4.5). */
  residual: number;
  /** The relative off-diagonal mass of the augmentation's Σ and the data's C in the fitted basis. */
  offDiagonal: { augmentation: number; data: number };
  /** ‖A − θ_noise − α²λΓ‖ / ‖A‖ over the noise directions: how well one level θ_noise fits (§6.4.4). */
  levelResidual: number;
  important: {
    dimension: number;
    /** latent × d: row i is the i-th important direction (unit length), by decreasing c_i. */
    basis: number[][];
    rule: ImportantRule;
    /** How many of the directions the labels chose (Fisher directions). */
    labelDirections: number;
  };
  /** The mean of the measured λΘ_i over the important directions (the thresholds use each λΘ_i). */
  thetaImportant: number;
  /** θ_noise, the fitted augmentation variance on the noise directions besides α²λΓ_j. */
  thetaNoise: number;
}

/** What the rest of the views analysis needs besides the JSON fields. */
export interface ViewsFitResult {
  fit: ViewsFit;
  /** The spectra of docs/theory.md §3 in the fitted basis (θ_noise flat on the noise block). */
  spectra: ResolvedSpectra;
}

/** 95% normal quantile. */
const Z95 = 1.959963984540054;
/**
 * Shrinkage of W (Fisher) and C (the invariance rule) by this fraction of their mean variance:
 * a ratio of two tiny variances (a nearly constant pixel) does not make a direction important.
 */
const RIDGE = 1e-3;
/** Fisher ratios below this fraction of the largest carry no label information (beyond rank B). */
const FISHER_RANK_TOLERANCE = 1e-9;

/**
 * Fits P1's model to the statistics of data with views (docs/theory.md §6.4). Throws
 * LinalgError for a problem it cannot fit (fewer than 2 noise directions).
 */
export function fitViews(stats: SufficientStats, latent: number, center: boolean): ViewsFitResult {
  const v = stats.views;
  if (!v) throw new LinalgError('dimension-mismatch', 'the statistics hold no views');
  const { n, d } = stats;
  const m = d - latent;
  if (m < 2)
    throw new LinalgError(
      'dimension-mismatch',
      `the fit needs at least 2 directions outside the important subspace to measure α (d − latent = ${m}); lower latent`,
    );
  const mu = centringShift(stats, center);
  const c = gramFromStats(stats, mu);
  const sigma = scaledCopy(v.scatter, d, 1 / n);
  const chosen = importantSubspace(stats, c, sigma, latent, mu);
  const f = fittedBasis(chosen.u1, c);
  const sf = congruence(f.basis, sigma);
  const cf = congruence(f.basis, c);
  const thetaI = new Float64Array(latent);
  for (let i = 0; i < latent; i++) thetaI[i] = Math.max(0, sf.data[i * d + i]);
  const a = new Float64Array(m);
  for (let j = 0; j < m; j++) a[j] = Math.max(0, sf.data[(latent + j) * d + latent + j]);
  const reg = levelRegression(f.gamma, a);
  const offS = offDiagonalMass(sf);
  const offC = offDiagonalMass(cf);
  const fit: ViewsFit = {
    alpha: Math.sqrt(reg.slope),
    alphaInterval: [Math.sqrt(Math.max(0, reg.slope - Z95 * reg.slopeError)), Math.sqrt(reg.slope + Z95 * reg.slopeError)],
    alpha2: reg.slope,
    alpha2StandardError: reg.slopeError,
    residual: Math.max(offS, offC),
    offDiagonal: { augmentation: offS, data: offC },
    levelResidual: reg.relativeResidual,
    important: { dimension: latent, basis: basisRows(f.basis, latent), rule: chosen.rule, labelDirections: chosen.labelDirections },
    thetaImportant: mean(thetaI),
    thetaNoise: reg.intercept,
  };
  return { fit, spectra: { c: f.c, thetaImportant: thetaI, gamma: f.gamma, thetaNoise: new Float64Array(m).fill(reg.intercept) } };
}

function scaledCopy(a: Float64Array, d: number, s: number): Matrix {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) out[i] = s * a[i];
  return new Matrix(d, d, out);
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : 0;
}

/** Mᵀ A M for an orthonormal basis M (d × d) and a symmetric A, symmetrised. */
function congruence(basis: Matrix, a: Matrix): Matrix {
  const out = matmul(basis.transpose(), matmul(a, basis));
  const d = out.rows;
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (out.data[i * d + j] + out.data[j * d + i]);
      out.data[i * d + j] = s;
      out.data[j * d + i] = s;
    }
  return out;
}

/** ‖A − diag A‖_F / ‖A‖_F (0 for a zero matrix). */
export function offDiagonalMass(a: Matrix): number {
  const d = a.rows;
  let off = 0;
  let all = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const x = a.data[i * d + j] ** 2;
      all += x;
      if (i !== j) off += x;
    }
  return all > 0 ? Math.sqrt(off / all) : 0;
}

function ridged(a: Matrix, scale: number): Matrix {
  const out = a.clone();
  const d = a.rows;
  let tr = 0;
  for (let i = 0; i < d; i++) tr += a.data[i * d + i];
  const eps = RIDGE * scale * Math.max(tr / d, Number.MIN_VALUE);
  for (let i = 0; i < d; i++) out.data[i * d + i] += eps;
  return out;
}

/**
 * The important subspace (docs/theory.md §6.4.2): with one-hot labels the Fisher directions
 * of the between-class scatter B against the within-class W = C − B, as many as carry label
 * information (at most `latent`); the rest (all of them without labels) the directions the
 * views leave most invariant relative to the data, orthogonal to the first. Orthonormal columns (d × latent).
 */
function importantSubspace(
  stats: SufficientStats,
  c: Matrix,
  sigma: Matrix,
  latent: number,
  mu: Float64Array | undefined,
): { u1: Matrix; rule: ImportantRule; labelDirections: number } {
  const d = stats.d;
  const b = betweenClass(stats, mu);
  let fisher: Matrix | undefined;
  if (b) {
    const w = c.clone();
    for (let i = 0; i < d * d; i++) w.data[i] -= b.data[i];
    const e = generalizedSymmetricEigen(b, ridged(w, 1), latent);
    let r = 0;
    while (r < latent && e.values[r] > FISHER_RANK_TOLERANCE * Math.max(e.values[0], 0)) r++;
    if (r > 0) fisher = qr(takeCols(e.vectors, r)).q;
  }
  const r = fisher?.cols ?? 0;
  if (r === latent) return { u1: fisher!, rule: 'labels', labelDirections: r };
  const rest = invariantDirections(c, sigma, fisher, latent - r);
  const u1 = fisher ? qr(hstack(fisher, rest)).q : rest;
  return { u1, rule: fisher ? 'labels+invariance' : 'invariance', labelDirections: r };
}

/** B = Σ_c (n_c/n) m_c m_cᵀ with the class means m_c of the (centred) data; undefined without one-hot labels or with one class. */
function betweenClass(stats: SufficientStats, mu: Float64Array | undefined): Matrix | undefined {
  const t = stats.targets;
  if (!t?.classes || t.classes.length < 2) return undefined;
  const d = stats.d;
  const b = new Matrix(d, d);
  const mc = new Float64Array(d);
  for (let q = 0; q < t.width; q++) {
    const count = t.sumY[q];
    if (!(count > 0)) continue;
    for (let j = 0; j < d; j++) mc[j] = t.ytx[q * d + j] / count - (mu ? mu[j] : 0);
    const p = count / stats.n;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b.data[i * d + j] += p * mc[i] * mc[j];
  }
  return b;
}

/**
 * The `count` directions with the smallest wᵀΣw / wᵀCw in the orthogonal complement of
 * `exclude` (the whole space when undefined), as orthonormal columns (d × count).
 */
function invariantDirections(c: Matrix, sigma: Matrix, exclude: Matrix | undefined, count: number): Matrix {
  const p = exclude ? complement(exclude) : Matrix.identity(c.rows);
  const cp = congruenceRect(p, c);
  const sp = congruenceRect(p, sigma);
  for (let i = 0; i < sp.data.length; i++) sp.data[i] = -sp.data[i];
  const e = generalizedSymmetricEigen(sp, ridged(cp, 1), count); // the top of −Σ against C: the smallest ratios
  return qr(matmul(p, takeCols(e.vectors, count))).q;
}

/** Pᵀ A P for P with orthonormal columns (d × q). */
function congruenceRect(p: Matrix, a: Matrix): Matrix {
  const out = matmul(p.transpose(), matmul(a, p));
  const q = out.rows;
  for (let i = 0; i < q; i++)
    for (let j = i + 1; j < q; j++) {
      const s = 0.5 * (out.data[i * q + j] + out.data[j * q + i]);
      out.data[i * q + j] = s;
      out.data[j * q + i] = s;
    }
  return out;
}

/** An orthonormal basis (d × (d − r)) of the orthogonal complement of the orthonormal columns of u (d × r). */
function complement(u: Matrix): Matrix {
  const d = u.rows;
  const r = u.cols;
  // QR of [u | a seeded Gaussian block]: the last d − r columns of Q span the complement
  const rng = new Rng(0x5eed);
  const a = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a.data[i * d + j] = j < r ? u.data[i * r + j] : rng.normal();
  const q = qr(a).q;
  const out = new Matrix(d, d - r);
  for (let i = 0; i < d; i++) for (let j = r; j < d; j++) out.data[i * (d - r) + j - r] = q.data[i * d + j];
  return out;
}

function takeCols(a: Matrix, k: number): Matrix {
  const out = new Matrix(a.rows, k);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = a.data[i * a.cols + j];
  return out;
}

function hstack(a: Matrix, b: Matrix): Matrix {
  const out = new Matrix(a.rows, a.cols + b.cols);
  const w = out.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * w + j] = a.data[i * a.cols + j];
    for (let j = 0; j < b.cols; j++) out.data[i * w + a.cols + j] = b.data[i * b.cols + j];
  }
  return out;
}

/**
 * The fitted basis F = [U₁E₁ | U₂E₂] (d × d, orthonormal): C diagonalised within the
 * important subspace (c_i, decreasing) and within its complement (λΓ_j, decreasing).
 */
function fittedBasis(u1: Matrix, c: Matrix): { basis: Matrix; c: Float64Array; gamma: Float64Array } {
  const u2 = complement(u1);
  const e1 = symmetricEigen(congruenceRect(u1, c));
  const e2 = symmetricEigen(congruenceRect(u2, c));
  const f1 = matmul(u1, e1.vectors);
  const f2 = matmul(u2, e2.vectors);
  const basis = hstack(f1, f2);
  const clip = (x: Float64Array) => Float64Array.from(x, (v) => Math.max(0, v));
  return { basis, c: clip(e1.values), gamma: clip(e2.values) };
}

/** The first `latent` columns of the basis as rows (JSON). */
function basisRows(basis: Matrix, latent: number): number[][] {
  const d = basis.rows;
  return Array.from({ length: latent }, (_, i) => Array.from({ length: d }, (_, r) => basis.data[r * d + i]));
}

export interface LevelRegression {
  /** θ_noise ≥ 0 */
  intercept: number;
  /** α² ≥ 0 */
  slope: number;
  /** The slope's standard error from the residuals (Infinity with fewer than 3 directions or no spread in λΓ). */
  slopeError: number;
  /** ‖residual‖ / ‖A‖ */
  relativeResidual: number;
}

/**
 * Least squares A_j ≈ θ + a λ_j with θ ≥ 0 and a ≥ 0 (docs/theory.md §6.4.4): the unconstrained
 * fit when it is feasible, else the better of the two one-parameter fits on the boundary.
 */
export function levelRegression(lambda: Float64Array, a: Float64Array): LevelRegression {
  const m = lambda.length;
  let lm = 0;
  let am = 0;
  for (let j = 0; j < m; j++) {
    lm += lambda[j] / m;
    am += a[j] / m;
  }
  let sxx = 0;
  let sxy = 0;
  for (let j = 0; j < m; j++) {
    sxx += (lambda[j] - lm) ** 2;
    sxy += (lambda[j] - lm) * (a[j] - am);
  }
  let slope = sxx > 0 ? sxy / sxx : 0;
  let intercept = am - slope * lm;
  if (slope < 0 || !(sxx > 0)) {
    slope = 0;
    intercept = am;
  } else if (intercept < 0) {
    intercept = 0;
    let ll = 0;
    let la = 0;
    for (let j = 0; j < m; j++) {
      ll += lambda[j] * lambda[j];
      la += lambda[j] * a[j];
    }
    slope = ll > 0 ? la / ll : 0;
  }
  let rss = 0;
  let aa = 0;
  for (let j = 0; j < m; j++) {
    rss += (a[j] - intercept - slope * lambda[j]) ** 2;
    aa += a[j] * a[j];
  }
  const slopeError = m > 2 && sxx > 0 ? Math.sqrt(rss / (m - 2) / sxx) : Infinity;
  return { intercept, slope, slopeError, relativeResidual: aa > 0 ? Math.sqrt(rss / aa) : 0 };
}
