/**
 * From sufficient statistics (sufficient.ts) to the moments of docs/theory.md §2.1 and to
 * P1's pipeline (§6.1), without the data: centring, the empirical moments of given views,
 * the parametric augmentations (through the Gram matrix alone), the PCA basis and the
 * pipeline's clean and corrupted moments in that basis.
 */
import { LinalgError, Matrix, symmetricEigen, takeColumns, topSymmetricEigen, matmul } from '../../../numerics/dense';
import { empiricalMoments, momentsFromGram, type Augmentation, type Moments } from '../solvers';
import type { SufficientStats } from './sufficient';

/**
 * Σ_i (a_i − s)(b_i − t)ᵀ from A = Σ a bᵀ (p × q), Σ a, Σ b and the shifts s, t:
 * A − (Σa) tᵀ − s (Σb)ᵀ + n s tᵀ; symmetric inputs give an exactly symmetric result.
 */
export function shifted(
  A: Float64Array,
  p: number,
  q: number,
  sumA: Float64Array,
  sumB: Float64Array,
  s: Float64Array | undefined,
  t: Float64Array | undefined,
  n: number,
  symmetric = false,
): Float64Array {
  const out = Float64Array.from(A);
  if (!s && !t) return out;
  for (let i = 0; i < p; i++) {
    for (let j = symmetric ? i : 0; j < q; j++) {
      let v = out[i * q + j];
      if (t) v -= sumA[i] * t[j];
      if (s) v -= s[i] * sumB[j];
      if (s && t) v += n * s[i] * t[j];
      out[i * q + j] = v;
      if (symmetric) out[j * q + i] = v;
    }
  }
  return out;
}

function scaled(a: Float64Array, rows: number, cols: number, s: number): Matrix {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = s * a[i];
  return new Matrix(rows, cols, out);
}

/** The column means of the clean data (the centring shift), or undefined without centring. */
export function centringShift(stats: SufficientStats, center: boolean): Float64Array | undefined {
  if (!center) return undefined;
  return stats.sumX.map((v) => v / stats.n);
}

/** gx = (1/n) Σ (x − μ)(x − μ)ᵀ (μ = 0 without centring). */
export function gramFromStats(stats: SufficientStats, mu: Float64Array | undefined): Matrix {
  const { n, d } = stats;
  return scaled(shifted(stats.xtx, d, d, stats.sumX, stats.sumX, mu, mu, n, true), d, d, 1 / n);
}

export interface GeneralMoments {
  moments: Moments;
  /** (1/n) Yᵀ X̄ (ℓ × d), when the data have targets. */
  yx?: Matrix;
}

/**
 * The moments of the general problem (docs/theory.md §2.1): the views' empirical moments
 * when `aug` is undefined (the statistics must hold views), else the parametric
 * augmentation from the Gram matrix. `mu` centres the clean data and every view.
 */
export function generalMoments(
  stats: SufficientStats,
  aug: Augmentation | undefined,
  mu: Float64Array | undefined,
  regularize: number | undefined,
): GeneralMoments {
  const { n, d } = stats;
  const gx = gramFromStats(stats, mu);
  let moments: Moments;
  let yxbar: Float64Array | undefined;
  const t = stats.targets;
  if (!aug) {
    const v = stats.views;
    if (!v) throw new LinalgError('dimension-mismatch', 'no augmentation and no view statistics');
    let traceXtX = 0;
    for (let i = 0; i < d; i++) traceXtX += gx.data[i * d + i];
    // docs/theory.md §2.1 with x̄_i the mean of the views: Σ = (1/n) scatter, G = (1/n) X̄ᵀX̄, cross = (1/n) XᵀX̄
    const sigma = scaled(v.scatter, d, d, 1 / n);
    const g = scaled(shifted(v.xbtxb, d, d, v.sumXbar, v.sumXbar, mu, mu, n, true), d, d, 1 / n);
    const cross = scaled(shifted(v.xtxb, d, d, stats.sumX, v.sumXbar, mu, mu, n), d, d, 1 / n);
    moments = empiricalMoments(n, sigma, g, cross, traceXtX, regularize);
    if (t) yxbar = t.ytxb && shifted(t.ytxb, t.width, d, t.sumY, v.sumXbar, undefined, mu, n);
  } else {
    moments = momentsFromGram(gx, n, aug, regularize);
    if (t) yxbar = shifted(t.ytx, t.width, d, t.sumY, stats.sumX, undefined, mu, n);
  }
  if (!t || !yxbar) return { moments };
  // (1/n) Yᵀ X̄ = (xbarScale / n) Yᵀ X for the parametric families (M4)
  return { moments, yx: scaled(yxbar, t.width, d, moments.xbarScale / n) };
}

/** The PCA step of P1's pipeline (docs/theory.md §6.1) from the statistics. */
export interface StatsPca {
  /** The top-k eigenvectors of the covariance (features × k). */
  basis: Matrix;
  /** c_i, clipped at 0. */
  c: Float64Array;
  explainedVariance: number;
  /** (1/n) X_pᵀ X_p = V_kᵀ Cov V_k (k × k), the clean second moment in PCA coordinates. */
  gp: Matrix;
  mu?: Float64Array;
}

/** PCA of (1/n) X_cᵀ X_c (X_c centred when `center`), as pipeline.ts does on the rows. */
export function pcaFromStats(stats: SufficientStats, k: number, center: boolean): StatsPca {
  const mu = centringShift(stats, center);
  const cov = gramFromStats(stats, mu);
  const { basis, c, explainedVariance } = topComponents(cov, k);
  const gp = matmul(basis.transpose(), matmul(cov, basis));
  symmetrizeInPlace(gp);
  return { basis, c, explainedVariance, gp, ...(mu ? { mu } : {}) };
}

/**
 * The top k eigenpairs of a covariance (features × features): the basis V_k, the variances c
 * (clipped at 0) and the share of the trace they keep. The PCA step of both pipelines (rows
 * in memory, pipeline.ts, and accumulated statistics, above).
 */
export function topComponents(cov: Matrix, k: number): { basis: Matrix; c: Float64Array; explainedVariance: number } {
  const features = cov.rows;
  const top = k === features ? symmetricEigen(cov) : topSymmetricEigen(cov, k);
  let total = 0;
  for (let j = 0; j < features; j++) total += cov.get(j, j);
  const c = new Float64Array(k);
  let kept = 0;
  for (let j = 0; j < k; j++) {
    c[j] = Math.max(0, top.values[j]);
    kept += c[j];
  }
  const basis = takeColumns(top.vectors, k);
  orientColumns(basis);
  return { basis, c, explainedVariance: total > 0 ? kept / total : 1 };
}

/**
 * Fixes the sign of each principal direction (an eigenvector is defined up to its sign): the
 * entry of largest magnitude is positive, the first of them on a tie within 1e-12 of the
 * column's largest. So the PCA coordinates, and every solution expressed in them, are the
 * same whatever eigensolver path produced the basis (in memory or from block statistics, on
 * any of the dense kernels' backends; docs/theory.md §6.1).
 */
export function orientColumns(m: Matrix): void {
  const { rows, cols, data } = m;
  for (let j = 0; j < cols; j++) {
    let big = 0;
    for (let i = 0; i < rows; i++) big = Math.max(big, Math.abs(data[i * cols + j]));
    let lead = 0;
    for (let i = 0; i < rows; i++) {
      if (Math.abs(data[i * cols + j]) >= big * (1 - 1e-12)) {
        lead = data[i * cols + j];
        break;
      }
    }
    if (lead < 0) for (let i = 0; i < rows; i++) data[i * cols + j] = -data[i * cols + j];
  }
}

function symmetrizeInPlace(a: Matrix): void {
  const n = a.rows;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
      a.data[i * n + j] = v;
      a.data[j * n + i] = v;
    }
  }
}

export interface PipelineMoments {
  /** (1/n) gram of the clean pipeline data [X_p, 0] (d × d). */
  cleanGram: Matrix;
  /** (1/n) Yᵀ [X_p, 0] (ℓ × d). */
  cleanYx?: Matrix;
  /** (1/n) gram of the corrupted draw [X_p, ν] and (1/n) Yᵀ [X_p, ν]; absent without the draw's statistics. */
  corruptedGram?: Matrix;
  corruptedYx?: Matrix;
}

/** The pipeline's second moments in PCA coordinates (docs/theory.md §6.1) from the statistics, without a second pass. */
export function pipelineMoments(stats: SufficientStats, pca: StatsPca, m: number): PipelineMoments {
  const { n, d: features } = stats;
  const k = pca.c.length;
  const d = k + m;
  const vk = pca.basis; // features × k
  const mu = pca.mu;
  const cleanGram = new Matrix(d, d);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cleanGram.data[i * d + j] = pca.gp.data[i * k + j];
  const out: PipelineMoments = { cleanGram };
  const t = stats.targets;
  let yxp: Matrix | undefined;
  if (t) {
    // (1/n) Yᵀ X_p = (1/n) (Yᵀ X − (Σ y) μᵀ) V_k
    const yxc = scaled(shifted(t.ytx, t.width, features, t.sumY, stats.sumX, undefined, mu, n), t.width, features, 1 / n);
    yxp = matmul(yxc, vk);
    const y = new Matrix(t.width, d);
    for (let i = 0; i < t.width; i++) for (let j = 0; j < k; j++) y.data[i * d + j] = yxp.data[i * k + j];
    out.cleanYx = y;
  }
  const nz = stats.noise;
  if (!nz || nz.m !== m) return out;
  // (1/n) X_pᵀ ν = (1/n) V_kᵀ (Xᵀ ν − μ (Σ ν)ᵀ)
  const xtn = scaled(shifted(nz.xtn, features, m, stats.sumX, nz.sumN, mu, undefined, n), features, m, 1 / n);
  const xpn = matmul(vk.transpose(), xtn); // k × m
  const g = cleanGram.clone();
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m; j++) {
      g.data[i * d + k + j] = xpn.data[i * m + j];
      g.data[(k + j) * d + i] = xpn.data[i * m + j];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) g.data[(k + i) * d + k + j] = nz.ntn[i * m + j] / n;
  out.corruptedGram = g;
  if (t && yxp && nz.ytn) {
    const y = out.cleanYx!.clone();
    for (let i = 0; i < t.width; i++) for (let j = 0; j < m; j++) y.data[i * d + k + j] = nz.ytn[i * m + j] / n;
    out.corruptedYx = y;
  }
  return out;
}
