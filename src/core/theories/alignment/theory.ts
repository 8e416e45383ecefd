/**
 * P1 as a {@link Theory}: joint-embedding vs reconstruction in spectral mode (per-component
 * spectra, docs/theory.md §3–§5) and in data mode (the closed-form solvers of §2 on data).
 */
import { problem, type Problem } from '../../problems/problems';
import { LIMITS, type DataSpec, type SpectralSpec } from '../../spec/model';
import type { EngineOptions, Theory } from '../theory';
import { alignmentFace } from './face/face';
import type { AlignmentPanelModel } from './face/panel';
import type { AlignmentPostedResult } from './face/posted';
import { analyzeData, type DataAnalysis } from './data/dataMode';
import { alphaUnusedFinding, recommendViews, viewsFinding } from './viewsAdvice';
import { resolveAlpha, alphaValueSpan } from './alpha';
import { invalidAlphaFixes, theoryFindings } from './findings';
import { recommend } from './recommendation';
import type { AlignmentEngineResult } from './result';
import { simulationData, simulateAlignment, simulationNotice, simulationRefusal } from './simulateSpec';
import type { SimulationResult } from './simulation';
import { resolveSpectra } from './spectra';
import { computeThresholds, noiseScalingCurve, scoresAtAlpha } from './thresholds';

export const alignmentTheory: Theory<SpectralSpec | DataSpec, AlignmentEngineResult, SimulationResult, AlignmentPostedResult, AlignmentPanelModel> = {
  id: 'alignment',
  modes: ['spectral', 'data'],
  analyze(spec, options, problems) {
    const result: AlignmentEngineResult = { theory: 'alignment', problems, spec, mode: spec.mode };
    if (spec.mode === 'spectral') analyzeSpectral(spec, options, result);
    else analyzeDataMode(spec, options, result);
    reportSimulationRefusal(spec, result);
    return result;
  },
  repair: repairInvalidAlpha,
  simulate: simulateAlignment,
  face: alignmentFace,
};

/**
 * A negative top-level α in spectral mode: its error gets one fix per paradigm, the
 * smallest valid α at which it recovers (findings.ts). Spectral specs only: their
 * thresholds are cheap and need no data file besides a spectrum file.
 */
function repairInvalidAlpha(spec: SpectralSpec | DataSpec, options: EngineOptions, problems: Problem[]): void {
  // the top-level alpha's error: parseSpec offers a spec for repair only when it is the only error
  const bad = problems.filter((p) => p.code === 'negative-alpha' && !p.fixes);
  if (spec.mode !== 'spectral' || !bad.length) return;
  const resolved = resolveSpectra(spec, { baseDir: options.baseDir, readFile: options.readFile });
  const spectra = resolved.spectra;
  if (!spectra || resolved.problems.some((p) => p.severity === 'error')) return;
  const d = spectra.c.length + spectra.gamma.length;
  const latent = spec.latent ?? spectra.c.length;
  if (latent > d) return;
  const t = computeThresholds(spectra, latent);
  for (const p of bad) {
    const fixes = invalidAlphaFixes(t, { start: p.start, end: p.end });
    if (fixes.length) p.fixes = fixes;
  }
}

function analyzeSpectral(spec: SpectralSpec, options: EngineOptions, result: AlignmentEngineResult): void {
  const resolved = resolveSpectra(spec, { baseDir: options.baseDir, readFile: options.readFile });
  result.problems.push(...resolved.problems);
  const spectra = resolved.spectra;
  if (!spectra || resolved.problems.some((p: Problem) => p.severity === 'error')) return;
  const k = spectra.c.length;
  const d = k + spectra.gamma.length;
  const latent = spec.latent ?? k;
  if (latent > d) {
    // the parser checks latent <= d when both counts are written; a file's length is known only now
    const span = spec.latentSpan ?? spec.span;
    const from = (b: SpectralSpec['signal']) =>
      b.countFromFile ? ` (from '${b.variance.kind === 'file' ? b.variance.path : b.augmentation.kind === 'file' ? b.augmentation.path : 'a file'}')` : '';
    result.problems.push(
      problem(
        'out-of-range',
        'error',
        `latent: must be between 1 and d = ${d} (${k} signal${from(spec.signal)} + ${d - k} noise${from(spec.noise)} components), got ${latent}.`,
        span.start,
        span.end,
      ),
    );
    return;
  }
  result.dimensions = { d, k, latent };
  result.spectra = spectra;
  const thresholds = computeThresholds(spectra, latent);
  result.thresholds = thresholds;
  const alpha = resolveAlpha(spec, options);
  result.atAlpha = alpha === undefined ? null : scoresAtAlpha(spectra, alpha, latent, componentOutput(spec, d, options, result.problems));
  result.recommendation = recommend(thresholds, alpha);
  if (options.curve) result.curve = noiseScalingCurve(spectra, latent);
  // findings are about the spec's own α: none for an α given from outside (--alpha)
  result.problems.push(...theoryFindings(spec, thresholds, options.alpha === undefined ? alpha : undefined, alphaValueSpan(spec)));
}

function analyzeDataMode(spec: DataSpec, options: EngineOptions, result: AlignmentEngineResult): void {
  const { baseDir, readFile, fileSize, readRange, onProgress, streamData } = options;
  const data = analyzeData(spec, { baseDir, readFile, fileSize, readRange, onProgress, streamData }, options.alpha);
  result.problems.push(...data.problems);
  result.thresholds = data.thresholds ?? null;
  if (data.dimensions) result.dimensions = data.dimensions;
  if (data.solutions) result.solutions = data.solutions;
  if (data.pipeline) result.pipeline = data.pipeline;
  if (data.prepared) keepInThread(result, 'prepared', data.prepared);
  if (data.rowSampler) keepInThread(result, 'rowSampler', data.rowSampler);
  const t = data.thresholds;
  if (!t || !data.spectra || !data.dimensions) return;
  const latent = data.dimensions.latent;
  result.spectra = data.spectra;
  if (data.viewsFit) {
    analyzeViewsFit(spec, options, result, data);
    return;
  }
  // P1's pipeline is in the paper's form: the spectral analysis of §4 applies as is.
  const alpha = resolveAlpha(spec, options);
  result.atAlpha = alpha === undefined ? null : scoresAtAlpha(data.spectra, alpha, latent, options.components === true);
  result.recommendation = recommend(t, alpha);
  if (options.curve) result.curve = noiseScalingCurve(data.spectra, latent);
  result.problems.push(...theoryFindings(spec, t, options.alpha === undefined ? alpha : undefined, alphaValueSpan(spec)));
}

/** Your own views: the thresholds, scores and recommendation of P1's model fitted to them (docs/theory.md §6.4). */
function analyzeViewsFit(spec: DataSpec, options: EngineOptions, result: AlignmentEngineResult, data: DataAnalysis): void {
  const fit = data.viewsFit!;
  const t = data.thresholds!;
  const latent = data.dimensions!.latent;
  result.fit = fit;
  if (data.strength) result.strength = data.strength;
  const alpha = resolveAlpha(spec, options, fit.alpha)!;
  result.atAlpha = scoresAtAlpha(data.spectra!, alpha, latent, options.components === true);
  result.recommendation = recommendViews(t, fit, alpha, data.solutions?.probe, options.alpha !== undefined);
  if (options.curve) result.curve = noiseScalingCurve(data.spectra!, latent);
  const finding = viewsFinding(spec, fit, t);
  if (finding) result.problems.push(finding);
  const unused = options.alpha === undefined ? alphaUnusedFinding(spec, fit) : undefined;
  if (unused) result.problems.push(unused);
}

/**
 * Whether the per-component scores are written out (`analyze --components`): about 2 lines
 * and 50 bytes of text per component, so above LIMITS.maxComponentOutput components the
 * output (hundreds of MB, built as one string) is refused before it is built, with a
 * located error on the larger block; the rest of the analysis is reported as usual.
 */
function componentOutput(spec: SpectralSpec, d: number, options: EngineOptions, problems: Problem[]): boolean {
  if (options.components !== true) return false;
  if (d <= LIMITS.maxComponentOutput) return true;
  const block = spec.noise.count >= spec.signal.count ? spec.noise : spec.signal;
  const span = block.countSpan ?? block.keySpan ?? block.span;
  const megabytes = Math.ceil((d * 50) / 1e6);
  problems.push(
    problem(
      'limit-exceeded',
      'error',
      `Per-component scores (--components) for d = ${d} components would be about ${megabytes} MB of output; they are written for at most ${LIMITS.maxComponentOutput} components. Analyse without --components (the thresholds and the deciding scores do not need them), or lower the counts.`,
      span.start,
      span.end,
    ),
  );
  return false;
}

/**
 * Keeps the prepared data (or the sampler of data read in blocks) for `simulate` on a
 * non-enumerable field: it never leaves the thread that analysed.
 */
function keepInThread<K extends 'prepared' | 'rowSampler'>(result: AlignmentEngineResult, key: K, value: NonNullable<AlignmentEngineResult[K]>): void {
  Object.defineProperty(result, key, { value, enumerable: false, configurable: true, writable: false });
}

/**
 * What `simulate` would refuse (simulateSpec.ts), as a problem of the analysis on the
 * `simulate` block, so that `sslexp check` and the editor report it before a run. A too
 * large d stays a warning, as the parser reports it when the counts are written (then it
 * is not reported twice): the closed-form analysis still runs.
 */
function reportSimulationRefusal(spec: SpectralSpec | DataSpec, result: AlignmentEngineResult): void {
  const refusal = simulationRefusal(spec, result.dimensions, simulationData(result));
  if (!refusal) {
    // data read in one pass whose repeats must share one sample of rows: said before a run
    const notice = simulationNotice(spec, result.dimensions, simulationData(result));
    if (notice) result.problems.push(notice);
    return;
  }
  if (refusal.code === 'simulation-too-large') {
    if (result.problems.some((p) => p.code === 'simulation-too-large')) return;
    refusal.severity = 'warning';
  }
  result.problems.push(refusal);
}
