/**
 * P1's panel model (docs/architecture.md §2 "Analysis panel"): what the webview's alignment
 * section draws, built from the posted result and the document's latest simulation, and the
 * check the webview runs on every model it receives (shape, not every number: the numbers come
 * from the extension's own worker and are only drawn or shown as text).
 */
import type { PanelContext, PanelModelBase } from '../../face';
import type { PairedComparison, ProbeResult } from '../data/probe';
import type { StrengthWhatIf } from '../data/viewsAnalysis';
import type { ImportantRule, ViewsFit } from '../data/viewsFit';
import { POOR_FIT_RESIDUAL, PROBE_SIGNIFICANCE } from '../viewsCuts';
import type { SimulatedParadigm, SimulationResult } from '../simulation';
import type { AtAlpha, Dimensions, NoiseScalingCurve, Recommendation, Thresholds } from '../types';
import type { AlignmentPostedResult, PanelScores, PanelSpectra } from './posted';

/** The alignment theory's charts, in display order. */
export const ALIGNMENT_CHART_IDS = ['probe', 'strength', 'thresholds', 'spectrum', 'scores', 'scaling', 'convergence'] as const;

/**
 * Optional: the deciding margins as alpha varies, `minImportant - maxNoise` per paradigm
 * (positive = recovers). Not drawn by the current panel; exported with the JSON.
 */
export interface AlphaSweep {
  alpha: number[];
  reconstruction: number[];
  jointEmbedding: number[];
}

/** Finite-n experiment (docs/theory.md §6.1 / §8.3, paper Fig. 3): metric vs n per paradigm x alpha. */
export interface PanelSimulation {
  /** e.g. `probe-gap` or `subspace-angle`. */
  metric: string;
  n: number[];
  series: { paradigm: SimulatedParadigm; alpha: number; mean: number[]; spread: number[] }[];
}

/**
 * Data mode with your own views and labels: the test accuracy of a linear probe on each
 * encoder (a seeded split of the samples, about 80% train and 20% test; docs/theory.md A10).
 * `supervised` is absent when the supervised solution was not computed.
 */
export type PanelProbe = ProbeResult;

/**
 * P1's model fitted to your views (docs/theory.md §6.4) as the panel shows it: the engine's
 * `fit` without the important directions themselves (latent × d numbers the panel does not
 * draw), with the cut above which the fit is called poor (§6.4.5).
 */
export interface PanelViewsFit extends Omit<ViewsFit, 'important'> {
  important: { dimension: number; rule: ImportantRule; labelDirections: number };
  /** Above this residual the thresholds are a rough guide (docs/theory.md §6.4.5). */
  poorFitResidual: number;
  /** The paired probe comparison's significance level (docs/theory.md §6.4.9). */
  significance: number;
}

/** The what-if of the augmentation's strength s (docs/theory.md §6.4.8), as the engine gives it. */
export type PanelStrength = StrengthWhatIf;

/** What the panel renders for a spec of the alignment theory (P1: spectral and data mode). */
export interface AlignmentPanelModel extends PanelModelBase {
  theory: 'alignment';
  dimensions: Dimensions;
  /** null when the problem is not in the paper's form (data mode with a general covariance). */
  thresholds: Thresholds | null;
  /** null when the spec gives no alpha; `components` may be absent or thinned. */
  atAlpha: AtAlpha | null;
  recommendation: Recommendation | null;
  /** Thinned spectra; null when unavailable (e.g. data mode). */
  spectra: PanelSpectra | null;
  /** Per-component scores at alpha; when absent the panel falls back to `atAlpha.components`. */
  scores?: PanelScores | null;
  curve: NoiseScalingCurve | null;
  alphaSweep?: AlphaSweep | null;
  simulation?: PanelSimulation | null;
  /** Data mode with views and labels: the linear probe of each encoder on the data. */
  probe?: PanelProbe | null;
  /** Data mode: the solution matrices exist, so the panel offers "Solutions (.npz)". */
  solutions?: boolean;
  /** Data mode with your own views: P1's model fitted to them (docs/theory.md §6.4). */
  fit?: PanelViewsFit | null;
  /** Data mode with your own views: the strength what-if (docs/theory.md §6.4.8). */
  strength?: PanelStrength | null;
}

/** The series of a simulation, as the worker posts them and the panel draws them. */
export function postSimulation(r: SimulationResult): PanelSimulation {
  return { metric: r.metric, n: r.n, series: r.series.map((s) => ({ paradigm: s.paradigm, alpha: s.alpha, mean: s.mean, spread: s.spread })) };
}

export function alignmentPanelModel(result: AlignmentPostedResult, context: PanelContext): AlignmentPanelModel {
  const name = result.spec?.name;
  const model: AlignmentPanelModel = {
    theory: 'alignment',
    ...(typeof name === 'string' && name.length > 0 ? { name } : {}),
    dimensions: result.dimensions ?? { d: 0, k: 0, latent: 0 },
    thresholds: result.thresholds ?? null,
    atAlpha: result.atAlpha ?? null,
    recommendation: result.recommendation ?? null,
    problems: context.problems,
    spectra: result.spectra ?? null,
    scores: result.scores ?? null,
    curve: result.curve ?? null,
  };
  if (context.simulation) model.simulation = context.simulation as PanelSimulation;
  const summary = result.solutionSummary;
  if (summary) model.solutions = true;
  if (summary?.probe) model.probe = panelProbe(summary.probe);
  if (result.fit) model.fit = panelFit(result.fit);
  if (result.strength) model.strength = result.strength;
  return model;
}

/** The fit without its basis, with the cuts the panel states (docs/theory.md §6.4.5, §6.4.9). */
export function panelFit(fit: ViewsFit): PanelViewsFit {
  const { important, ...rest } = fit;
  return {
    ...rest,
    important: { dimension: important.dimension, rule: important.rule, labelDirections: important.labelDirections },
    poorFitResidual: POOR_FIT_RESIDUAL,
    significance: PROBE_SIGNIFICANCE,
  };
}

/** The probe's accuracies and split sizes, copied field by field (nothing else crosses to the webview). */
function panelProbe(p: PanelProbe): PanelProbe {
  return {
    ...(p.supervised !== undefined ? { supervised: p.supervised } : {}),
    reconstruction: p.reconstruction,
    jointEmbedding: p.jointEmbedding,
    train: p.train,
    test: p.test,
    seed: p.seed,
    ...(p.intervals ? { intervals: p.intervals } : {}),
    ...(p.paired ? { paired: p.paired } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// The webview's check of a model

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isNullOrRecord = (x: unknown): boolean => x === null || isRecord(x);
const isOptionalNullOrRecord = (x: unknown): boolean => x === undefined || isNullOrRecord(x);
const isShortString = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;
const isAccuracy = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;

const isNumber = (x: unknown): x is number => typeof x === 'number';
const MAX_SERIES = 4096;
/** [lo, hi] with lo ≤ hi (hi may be Infinity: an interval without an upper end). */
const isInterval = (x: unknown, within: (v: unknown) => boolean = isNumber): boolean =>
  Array.isArray(x) && x.length === 2 && within(x[0]) && within(x[1]) && (x[0] as number) <= (x[1] as number);
const isSeries = (x: unknown, item: (v: unknown) => boolean): boolean => Array.isArray(x) && x.length <= MAX_SERIES && x.every(item);
const isNullableAccuracy = (x: unknown): boolean => x === null || isAccuracy(x);

function isProbeIntervals(x: unknown): boolean {
  return (
    isRecord(x) &&
    (x.supervised === undefined || isInterval(x.supervised, isAccuracy)) &&
    isInterval(x.reconstruction, isAccuracy) &&
    isInterval(x.jointEmbedding, isAccuracy)
  );
}

function isPaired(x: unknown): x is PairedComparison {
  return (
    isRecord(x) &&
    isNumber(x.difference) &&
    isInterval(x.interval) &&
    isCount(x.reconstructionOnly) &&
    isCount(x.jointEmbeddingOnly) &&
    isNumber(x.pValue) &&
    x.pValue >= 0 &&
    x.pValue <= 1
  );
}

/** Accuracies in [0, 1], sample counts and the seed as non-negative integers, the intervals and the paired comparison, nothing else. */
function isPanelProbe(p: unknown): boolean {
  return (
    isRecord(p) &&
    Object.keys(p).every((k) => ['supervised', 'reconstruction', 'jointEmbedding', 'train', 'test', 'seed', 'intervals', 'paired'].includes(k)) &&
    (p.intervals === undefined || isProbeIntervals(p.intervals)) &&
    (p.paired === undefined || isPaired(p.paired)) &&
    (p.supervised === undefined || isAccuracy(p.supervised)) &&
    isAccuracy(p.reconstruction) &&
    isAccuracy(p.jointEmbedding) &&
    isCount(p.train) &&
    isCount(p.test) &&
    isCount(p.seed)
  );
}

const RULES: readonly string[] = ['labels', 'labels+invariance', 'invariance'];

/** The numbers of a {@link PanelViewsFit} and its rule. */
function isPanelFit(x: unknown): boolean {
  if (!isRecord(x)) return false;
  const imp = x.important;
  const off = x.offDiagonal;
  return (
    ['alpha', 'alpha2', 'alpha2StandardError', 'residual', 'levelResidual', 'thetaImportant', 'thetaNoise', 'poorFitResidual', 'significance'].every((k) =>
      isNumber(x[k]),
    ) &&
    isInterval(x.alphaInterval) &&
    isRecord(off) &&
    isNumber(off.augmentation) &&
    isNumber(off.data) &&
    isRecord(imp) &&
    isCount(imp.dimension) &&
    isCount(imp.labelDirections) &&
    typeof imp.rule === 'string' &&
    RULES.includes(imp.rule)
  );
}

/** The what-if's series, all as long as `scale`; accuracies in [0, 1] or null. */
function isPanelStrength(x: unknown): boolean {
  if (!isRecord(x) || !isSeries(x.scale, isNumber)) return false;
  const n = (x.scale as number[]).length;
  const same = (v: unknown, item: (y: unknown) => boolean): boolean => isSeries(v, item) && (v as unknown[]).length === n;
  const isNullableNumber = (v: unknown): boolean => v === null || isNumber(v);
  const pair = (v: unknown, item: (y: unknown) => boolean): boolean => isRecord(v) && same(v.reconstruction, item) && same(v.jointEmbedding, item);
  const probe = x.probe;
  const cross = x.crossing;
  return (
    same(x.alpha, isNumber) &&
    same(x.alpha2RC, isNumber) &&
    same(x.alpha2JE, isNumber) &&
    pair(x.recovers, (v) => typeof v === 'boolean') &&
    pair(x.objective, isNullableNumber) &&
    isRecord(cross) &&
    isNullableNumber(cross.reconstruction) &&
    isNullableNumber(cross.jointEmbedding) &&
    (probe === null || (pair(probe, isNullableAccuracy) && same((probe as Record<string, unknown>).supervised, isNullableAccuracy)))
  );
}

/** The shape of an {@link AlignmentPanelModel} (its theory tag and common fields are checked by the protocol). */
export function isAlignmentPanelModel(m: Record<string, unknown>): boolean {
  const d = m.dimensions;
  const r = m.recommendation;
  return (
    isRecord(d) &&
    isCount(d.d) &&
    isCount(d.k) &&
    isCount(d.latent) &&
    isNullOrRecord(m.thresholds) &&
    isNullOrRecord(m.atAlpha) &&
    (r === null || (isRecord(r) && isShortString(r.paradigm, 256) && isShortString(r.reason, 64 * 1024))) &&
    isNullOrRecord(m.spectra) &&
    isNullOrRecord(m.curve) &&
    isOptionalNullOrRecord(m.scores) &&
    isOptionalNullOrRecord(m.alphaSweep) &&
    isOptionalNullOrRecord(m.simulation) &&
    (m.probe === undefined || m.probe === null || isPanelProbe(m.probe)) &&
    (m.solutions === undefined || typeof m.solutions === 'boolean') &&
    (m.fit === undefined || m.fit === null || isPanelFit(m.fit)) &&
    (m.strength === undefined || m.strength === null || isPanelStrength(m.strength))
  );
}
