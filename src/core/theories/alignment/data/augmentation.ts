/**
 * Σ of a data-mode problem (docs/theory.md §2.1) from the spec's augmentation: for P1's
 * pipeline (diagonal in PCA coordinates) and for a general problem (matrices, or spectra
 * as diagonals), and the one-line description used in the solutions' `problem`.
 */
import type { ResolvedSpectra } from '../types';
import { LinalgError, Matrix } from '../../../numerics/dense';
import { problem, type Problem } from '../../../problems/problems';
import type { Augmentation } from '../solvers';
import type { DataSpec, SpectrumSpec } from '../../../spec/model';
import { evaluateSpectrum, type SpectrumContext } from '../spectra';

export function describeAugmentation(spec: DataSpec, alpha: number): string {
  const a = spec.augmentation;
  if (!a || a.kind === 'additive') return `additive augmentation Θ + α²Γ with α = ${alpha}`;
  if (a.kind === 'masking') return `Bernoulli masking with keep probability ${a.keep}`;
  if (a.kind === 'views') return 'your own augmented views';
  return 'an explicit augmentation covariance';
}

/** Σ of the pipeline: additive diag(θ) + α² diag(0, γ), masking, or an explicit covariance. */
export function pipelineAugmentation(spec: DataSpec, spectra: ResolvedSpectra, alpha: number, d: number): Augmentation {
  const a = spec.augmentation;
  if (a?.kind === 'masking') return { kind: 'masking', keep: a.keep };
  if (a?.kind === 'covariance') {
    if (a.matrix.length !== d)
      throw new LinalgError(
        'dimension-mismatch',
        `augmentation.covariance is ${a.matrix.length} × ${a.matrix.length} but the pipeline has d = ${d} (pca + noise.count).`,
      );
    return { kind: 'covariance', sigma: Matrix.fromArray(a.matrix) };
  }
  const k = spectra.c.length;
  const theta = new Float64Array(d);
  theta.set(spectra.thetaImportant, 0);
  theta.set(spectra.thetaNoise, k);
  const gamma = new Float64Array(d);
  gamma.set(spectra.gamma, k);
  return { kind: 'additive', theta: Matrix.diag(theta), gamma: Matrix.diag(gamma), alpha };
}

/** Σ of a general problem from the spec's augmentation (matrices, or spectra as diagonals). */
export function generalAugmentation(spec: DataSpec, alpha: number, d: number, ctx: SpectrumContext, problems: Problem[]): Augmentation | undefined {
  const a = spec.augmentation!;
  if (a.kind === 'masking') return { kind: 'masking', keep: a.keep };
  // views have empirical moments (data/streamed.ts), not a Σ of this form
  if (a.kind === 'views') throw new LinalgError('dimension-mismatch', 'augmentation.views has no parametric Σ');
  const sizeError = (what: string, got: number) => {
    problems.push(problem('dimension-mismatch', 'error', `${what} is ${got} × ${got} but the data have d = ${d} features.`, a.span.start, a.span.end));
    return undefined;
  };
  if (a.kind === 'covariance') {
    if (a.matrix.length !== d) return sizeError('augmentation.covariance', a.matrix.length);
    return { kind: 'covariance', sigma: Matrix.fromArray(a.matrix) };
  }
  const part = (name: 'theta' | 'gamma', v: number[][] | SpectrumSpec | undefined): Matrix | undefined | null => {
    if (v === undefined) return new Matrix(d, d);
    if (Array.isArray(v)) return v.length === d ? Matrix.fromArray(v) : (sizeError(`augmentation.additive.${name}`, v.length), null);
    const r = evaluateSpectrum(v, d, ctx, `augmentation.additive.${name}`);
    problems.push(...r.problems);
    return r.values ? Matrix.diag(r.values) : null;
  };
  const theta = part('theta', a.theta);
  const gamma = part('gamma', a.gamma);
  if (!theta || !gamma) return undefined;
  return { kind: 'additive', theta, gamma, alpha };
}
