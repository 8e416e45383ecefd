/**
 * P1's linear pipeline on data (docs/theory.md §6.1): PCA of the prepared features to
 * `data.pca` important components, `data.noise.count` appended noise coordinates with the
 * spec's spectra, and the augmentation of the important components. In PCA coordinates
 * every covariance is diagonal (Q = I), so the thresholds of §4 apply.
 */
import type { ResolvedSpectra } from '../types';
import { gram, matmul, Matrix } from '../../../numerics/dense';
import { topComponents } from './fromStats';
import type { Problem } from '../../../problems/problems';
import { LIMITS, type DataSourceSpec, type DataSpec, type SpectrumSpec } from '../../../spec/model';
import { evaluateSpectrum, type SpectrumContext } from '../spectra';
import { report } from './loadData';

/** The pipeline of a prepared data set. */
export interface PipelineData {
  /** Clean data in PCA coordinates (samples x pca). */
  xp: Matrix;
  spectra: ResolvedSpectra;
  explainedVariance: number;
}

/** The pipeline of `spec` (which has `data.pca`) on the prepared features `x`. */
export function buildPipeline(spec: DataSpec, x: Matrix, ctx: SpectrumContext, problems: Problem[]): PipelineData | undefined {
  const data = spec.data;
  const k = data.pca!;
  if (k > x.cols) {
    report(problems, 'out-of-range', `data.pca: ${k} components requested but the data have ${x.cols} features.`, data.span);
    return undefined;
  }
  const noise = noiseSpectra(data, ctx, problems);
  if (!noise || !withinPipelineLimits(k + noise.gamma.length, x.rows, data, problems)) return undefined;
  const { xp, c, explainedVariance } = principalComponents(x, k, data, problems);
  const thetaImportant = importantAugmentation(spec, k, ctx, problems);
  if (!thetaImportant) return undefined;
  return { xp, spectra: { c, thetaImportant, gamma: noise.gamma, thetaNoise: noise.thetaNoise }, explainedVariance };
}

/**
 * The pipeline creates d = pca + noise.count coordinates for every sample (the clean and the
 * corrupted data, n × d each): the value limit of the dense solvers counts them all (the
 * dimension limit is checked by noiseSpectra).
 */
function withinPipelineLimits(d: number, rows: number, data: DataSourceSpec, problems: Problem[]): boolean {
  const at = data.noise?.span ?? data.span;
  if (rows * d > LIMITS.maxDataValues) {
    report(
      problems,
      'limit-exceeded',
      `data: the pipeline's data would hold ${rows} samples × d = ${d} coordinates = ${rows * d} values, over the limit of ${LIMITS.maxDataValues}; lower data.noise.count or data.pca, or use fewer samples.`,
      at,
    );
    return false;
  }
  return true;
}

/**
 * The top k principal components of x: their variances c and the PCA coordinates X V_k,
 * whose second moment is diag(c) (A5: uncentred moments of the centred data).
 */
function principalComponents(x: Matrix, k: number, data: DataSourceSpec, problems: Problem[]): { xp: Matrix; c: Float64Array; explainedVariance: number } {
  const { basis, c, explainedVariance } = topComponents(gram(x, 1 / x.rows), k);
  const xp = matmul(x, basis);
  if (c[k - 1] <= 1e-12 * (c[0] || 1)) {
    report(
      problems,
      'zero-signal-variance',
      `data.pca: principal component ${k} has variance ${c[k - 1].toPrecision(3)}: the data have fewer than ${k} non-degenerate directions, so the thresholds are infinite (docs/theory.md §4.5). Lower 'pca'.`,
      data.span,
      'warning',
    );
  }
  return { xp, c, explainedVariance };
}

/** λΓ and λΘ of the appended noise coordinates (none without `data.noise`). */
export function noiseSpectra(data: DataSourceSpec, ctx: SpectrumContext, problems: Problem[]): { gamma: Float64Array; thetaNoise: Float64Array } | undefined {
  const noise = data.noise;
  if (!noise) return { gamma: new Float64Array(0), thetaNoise: new Float64Array(0) };
  const m = noise.count;
  const tooMany = (count: number): boolean => {
    const d = (data.pca ?? 0) + count;
    if (d <= LIMITS.maxDataDimension) return false;
    report(
      problems,
      'limit-exceeded',
      `data: d = pca + noise.count = ${d} coordinates, over the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`,
      noise.span,
    );
    return true;
  };
  if (tooMany(m)) return undefined;
  const gv = evaluateSpectrum(noise.variance, m, ctx, 'data.noise.variance');
  const tv = evaluateSpectrum(noise.augmentation, m, ctx, 'data.noise.augmentation');
  problems.push(...gv.problems, ...tv.problems);
  if (!gv.values || !tv.values || tooMany(gv.values.length)) return undefined;
  return { gamma: gv.values, thetaNoise: tv.values };
}

/**
 * λΘ of the important components: the additive augmentation's theta as a spectrum over
 * the pca components (0 without one). Γ is data.noise.variance, so a gamma here conflicts.
 */
export function importantAugmentation(spec: DataSpec, k: number, ctx: SpectrumContext, problems: Problem[]): Float64Array | undefined {
  let thetaImportant: Float64Array = new Float64Array(k);
  const aug = spec.augmentation;
  if (aug?.kind !== 'additive') return thetaImportant;
  if (aug.theta !== undefined) {
    if (Array.isArray(aug.theta)) {
      report(
        problems,
        'dimension-mismatch',
        'augmentation.additive.theta: with data.pca the augmentation of the important components is a spectrum over the pca components (a number, a list or a family), not a matrix.',
        aug.span,
      );
      return undefined;
    }
    const tv = evaluateSpectrum(aug.theta as SpectrumSpec, k, ctx, 'augmentation.additive.theta');
    problems.push(...tv.problems);
    if (!tv.values) return undefined;
    thetaImportant = tv.values;
  }
  if (aug.gamma !== undefined) {
    report(problems, 'conflicting-keys', 'augmentation.additive.gamma: with data.pca the noise covariance Γ is data.noise.variance; remove gamma.', aug.span);
    return undefined;
  }
  return thetaImportant;
}
