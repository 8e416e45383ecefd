/**
 * Text in, problems and analysis out (the engine behind the CLI, the worker and the
 * editor). Never throws on user input: failures become problems.
 */
import type { EngineOptions, EngineResult } from './engine';
import { problem, type Problem } from './problems';
import { parseSpec } from './spec/parseSpec';
import { resolveSpectra } from './spec/spectra';
import type { DataSpec, SpectralSpec } from './spec/model';
import { analyzeData } from './dataMode';
import { computeThresholds, noiseScalingCurve, scoresAtAlpha } from './thresholds';
import { recommend } from './recommendation';
import { theoryFindings } from './findings';

export function analyzeText(text: string, options: EngineOptions): EngineResult {
  try {
    return analyzeUnsafe(text, options);
  } catch (err) {
    // Defence in depth: an engine bug must never crash the host, the worker or the CLI.
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [problem('internal-error', 'error', `Internal error while analysing the spec: ${message}`, 0, 0)] };
  }
}

function analyzeUnsafe(text: string, options: EngineOptions): EngineResult {
  const parsed = parseSpec(text, { fileName: options.fileName, baseDir: options.baseDir });
  const problems: Problem[] = [...parsed.problems];
  const spec = parsed.spec;
  const result: EngineResult = { problems, spec, mode: spec?.mode };
  if (!spec || problems.some((p) => p.severity === 'error')) return finish(result);
  if (spec.mode === 'spectral') analyzeSpectral(spec, options, result);
  else analyzeDataMode(spec, options, result);
  return finish(result);
}

function analyzeSpectral(spec: SpectralSpec, options: EngineOptions, result: EngineResult): void {
  const resolved = resolveSpectra(spec, { baseDir: options.baseDir, readFile: options.readFile });
  result.problems.push(...resolved.problems);
  const spectra = resolved.spectra;
  if (!spectra || resolved.problems.some((p) => p.severity === 'error')) return;
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

function analyzeDataMode(spec: DataSpec, options: EngineOptions, result: EngineResult): void {
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

function finish(result: EngineResult): EngineResult {
  result.problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return result;
}
