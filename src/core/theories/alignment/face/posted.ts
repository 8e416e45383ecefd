/**
 * P1's result as the worker posts it to the editor: the engine's result without the full
 * per-component spectra (thinned for display, plus summary statistics for the hovers) and
 * without the d × d solution matrices (their spectra and objectives only).
 */
import { pick, thinIndices } from '../../../numerics/thin';
import type { PostOptions } from '../../face';
import type { AlignmentEngineResult } from '../result';
import { importantScores, noiseScores } from '../thresholds';
import type { ResolvedSpectra } from '../types';
import type { ProbeResult } from '../data/probe';
import { resolveAlpha } from '../alpha';

/** Values listed in {@link SpectrumStats.head}. */
export const STATS_HEAD = 5;

/** Summary of one evaluated per-component spectrum (for hovers). */
export interface SpectrumStats {
  count: number;
  /** The first values (up to {@link STATS_HEAD}). */
  head: number[];
  sum: number;
  min: number;
  max: number;
}

export interface BlockStats {
  variance: SpectrumStats;
  augmentation: SpectrumStats;
}

/**
 * Spectra THINNED for display (`thinIndices`). `index` holds 1-based component indices in the
 * shared basis Q: important components are 1..k, noise components k+1..d. Within a block the
 * arrays share one index array.
 */
export interface PanelSpectra {
  important: { index: number[]; c: number[]; theta: number[] };
  noise: { index: number[]; gamma: number[]; theta: number[] };
  /** True when at least one block was decimated. */
  thinned: boolean;
  /** Sizes before thinning: k important, d - k noise components. */
  total: { k: number; noise: number };
}

/** Per-component RC and JE scores (docs/theory.md §4.2) of one block, sharing one index array. */
export interface PanelScoreBlock {
  /** 1-based component indices, as in {@link PanelSpectra}. */
  index: number[];
  rc: number[];
  je: number[];
}

/** Per-component scores at the spec's alpha (thinned like the spectra). */
export interface PanelScores {
  alpha: number;
  important: PanelScoreBlock;
  noise: PanelScoreBlock;
  thinned: boolean;
}

/** Data mode: the spectra and objectives of the closed-form solutions (the matrices stay in the worker). */
export interface SolutionSummary {
  problem: string;
  reconstruction: { phi: number[]; objective: number };
  jointEmbedding: { omega: number[]; objective: number };
  discrepancy?: NonNullable<AlignmentEngineResult['solutions']>['discrepancy'];
  /** With your own views and labels: the linear probe's test accuracies (docs/theory.md A10). */
  probe?: ProbeResult;
}

/**
 * What the worker posts for an alignment result: the engine's fields minus the full `spectra`
 * typed arrays (replaced by thinned series and statistics) and the solution matrices, and
 * `atAlpha.components` never included (per-component scores travel thinned in `scores`).
 */
export interface AlignmentPostedResult extends Omit<AlignmentEngineResult, 'spectra' | 'solutions'> {
  /** Thinned spectra for display. */
  spectra?: PanelSpectra;
  /** Statistics of the four full spectra (signal.variance = c, noise.variance = λΓ, ...). */
  spectrumStats?: { signal: BlockStats; noise: BlockStats };
  /** Thinned per-component scores at alpha (only with `detail`). */
  scores?: PanelScores;
  /** Data mode: the spectra and objectives of the closed-form solutions. */
  solutionSummary?: SolutionSummary;
}

export function postAlignment(result: AlignmentEngineResult, options: PostOptions): AlignmentPostedResult {
  // `prepared` (data mode's matrices, kept for a simulation in this thread) and `rowSampler`
  // (its lazy sample of data read in blocks) are non-enumerable and never posted; they are
  // named here so that `rest` cannot carry them.
  const { spectra, solutions, prepared: _prepared, rowSampler: _rowSampler, ...rest } = result;
  void _prepared;
  void _rowSampler;
  const out: AlignmentPostedResult = rest;
  if (solutions) {
    out.solutionSummary = {
      problem: solutions.problem,
      reconstruction: { phi: solutions.reconstruction.phi, objective: solutions.reconstruction.objective },
      jointEmbedding: { omega: solutions.jointEmbedding.omega, objective: solutions.jointEmbedding.objective },
      ...(solutions.discrepancy ? { discrepancy: solutions.discrepancy } : {}),
      ...(solutions.probe ? { probe: solutions.probe } : {}),
    };
  }
  if (out.atAlpha && out.atAlpha.components) {
    const { components: _dropped, ...atAlpha } = out.atAlpha;
    void _dropped;
    out.atAlpha = atAlpha;
  }
  if (!spectra) return out;
  out.spectra = thinSpectra(spectra, options.maxPoints);
  out.spectrumStats = {
    signal: { variance: stats(spectra.c), augmentation: stats(spectra.thetaImportant) },
    noise: { variance: stats(spectra.gamma), augmentation: stats(spectra.thetaNoise) },
  };
  const alpha = result.atAlpha?.alpha ?? (result.spec ? resolveAlpha(result.spec, { alpha: options.alpha }) : options.alpha);
  if (options.detail && alpha !== undefined) out.scores = thinScores(spectra, alpha, options.maxPoints);
  return out;
}

/** 1-based indices (noise components follow the k important ones, as in PanelSpectra). */
function oneBased(index: number[], offset: number): number[] {
  return index.map((i) => i + 1 + offset);
}

function thinSpectra(s: ResolvedSpectra, maxPoints: number): PanelSpectra {
  const k = s.c.length;
  const imp = thinIndices([s.c, s.thetaImportant], maxPoints);
  const noi = thinIndices([s.gamma, s.thetaNoise], maxPoints);
  return {
    important: { index: oneBased(imp, 0), c: pick(s.c, imp), theta: pick(s.thetaImportant, imp) },
    noise: { index: oneBased(noi, k), gamma: pick(s.gamma, noi), theta: pick(s.thetaNoise, noi) },
    thinned: imp.length < k || noi.length < s.gamma.length,
    total: { k, noise: s.gamma.length },
  };
}

function thinScores(s: ResolvedSpectra, alpha: number, maxPoints: number): PanelScores {
  const k = s.c.length;
  const imp = importantScores(s);
  const noi = noiseScores(s, alpha);
  const ii = thinIndices([imp.rc, imp.je], maxPoints);
  const ni = thinIndices([noi.rc, noi.je], maxPoints);
  return {
    alpha,
    important: { index: oneBased(ii, 0), rc: pick(imp.rc, ii), je: pick(imp.je, ii) },
    noise: { index: oneBased(ni, k), rc: pick(noi.rc, ni), je: pick(noi.je, ni) },
    thinned: ii.length < k || ni.length < s.gamma.length,
  };
}

function stats(values: Float64Array): SpectrumStats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, head: Array.from(values.subarray(0, STATS_HEAD)), sum, min, max };
}
