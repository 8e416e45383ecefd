/**
 * P1 as a {@link Theory}: joint-embedding vs reconstruction in spectral mode (per-component
 * spectra, docs/theory.md §3–§5) and in data mode (the closed-form solvers of §2 on data).
 */
import type { Problem } from '../../problems/problems';
import type { DataSpec, SpectralSpec } from '../../spec/model';
import type { EngineOptions, Theory } from '../theory';
import { analyzeData } from './data/dataMode';
import { theoryFindings } from './findings';
import { recommend } from './recommendation';
import type { AlignmentEngineResult } from './result';
import { simulateAlignment } from './simulateSpec';
import type { SimulationResult } from './simulation';
import { resolveSpectra } from './spectra';
import { computeThresholds, noiseScalingCurve, scoresAtAlpha } from './thresholds';

export const alignmentTheory: Theory<SpectralSpec | DataSpec, AlignmentEngineResult, SimulationResult> = {
  id: 'alignment',
  modes: ['spectral', 'data'],
  analyze(spec, options, problems) {
    const result: AlignmentEngineResult = { theory: 'alignment', problems, spec, mode: spec.mode };
    if (spec.mode === 'spectral') analyzeSpectral(spec, options, result);
    else analyzeDataMode(spec, options, result);
    return result;
  },
  simulate: simulateAlignment,
};

function analyzeSpectral(spec: SpectralSpec, options: EngineOptions, result: AlignmentEngineResult): void {
  const resolved = resolveSpectra(spec, { baseDir: options.baseDir, readFile: options.readFile });
  result.problems.push(...resolved.problems);
  const spectra = resolved.spectra;
  if (!spectra || resolved.problems.some((p: Problem) => p.severity === 'error')) return;
  const k = spectra.c.length;
  const d = k + spectra.gamma.length;
  const latent = spec.latent ?? k;
  result.dimensions = { d, k, latent };
  result.spectra = spectra;
  const thresholds = computeThresholds(spectra, latent);
  result.thresholds = thresholds;
  const alpha = options.alpha ?? spec.alpha;
  result.atAlpha = alpha === undefined ? null : scoresAtAlpha(spectra, alpha, latent, options.components === true);
  result.recommendation = recommend(thresholds, alpha);
  if (options.curve) result.curve = noiseScalingCurve(spectra, latent);
  result.problems.push(...theoryFindings(spec, thresholds, spectra, options.alpha === undefined ? spec.alpha : undefined));
}

function analyzeDataMode(spec: DataSpec, options: EngineOptions, result: AlignmentEngineResult): void {
  const data = analyzeData(spec, { baseDir: options.baseDir, readFile: options.readFile }, options.alpha);
  result.problems.push(...data.problems);
  result.thresholds = data.thresholds ?? null;
  if (data.dimensions) result.dimensions = data.dimensions;
  if (data.solutions) result.solutions = data.solutions;
  if (data.pipeline) result.pipeline = data.pipeline;
  const t = data.thresholds;
  if (!t || !data.spectra || !data.dimensions) return;
  // P1's pipeline is in the paper's form: the spectral analysis of §4 applies as is.
  const latent = data.dimensions.latent;
  result.spectra = data.spectra;
  const alpha = options.alpha ?? (spec.augmentation?.kind === 'additive' ? spec.augmentation.alpha : spec.alpha);
  result.atAlpha = alpha === undefined ? null : scoresAtAlpha(data.spectra, alpha, latent, options.components === true);
  result.recommendation = recommend(t, alpha);
  if (options.curve) result.curve = noiseScalingCurve(data.spectra, latent);
  result.problems.push(...theoryFindings(spec, t, data.spectra, options.alpha === undefined ? alpha : undefined));
}
