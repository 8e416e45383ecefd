/**
 * Pure mapping from what the worker posts ({@link SerializableEngineResult}, plus the
 * latest simulation of the document) to what the panel renders ({@link PanelModel}).
 * No `vscode` import: unit-tested in Node (test/unit/panelModel.test.ts).
 */
import { computeLineStarts, offsetToLineColumn, type Problem } from '../core/problems/problems';
import type { GraphAnalysis, VicregRepresentation } from '../core/theories/spectralEmbedding/types';
import type { SerializableAlignmentResult, SerializableEngineResult, SerializableGraphResult } from '../shared/workerProtocol';
import type { AlignmentPanelModel, GraphPanelModel, PanelModel, PanelProbe, PanelProblem, PanelSimulation, SigmaSweep } from '../shared/webviewProtocol';

/** The card lists at most this many problems (a broken spec can have hundreds). */
export const MAX_PANEL_PROBLEMS = 50;

const SEVERITY_RANK: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Problems for the card: no hints, the most severe first (stable by offset), capped. */
export function panelProblems(problems: readonly Problem[], lineStarts: readonly number[]): PanelProblem[] {
  return problems
    .filter((p) => p.severity !== 'hint')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => SEVERITY_RANK[a.p.severity] - SEVERITY_RANK[b.p.severity] || a.p.start - b.p.start || a.i - b.i)
    .slice(0, MAX_PANEL_PROBLEMS)
    .map(({ p }) => {
      const offset = Number.isInteger(p.start) && p.start >= 0 ? p.start : undefined;
      return {
        severity: p.severity,
        code: p.code,
        message: p.message,
        line: offset === undefined ? 1 : offsetToLineColumn(lineStarts as number[], offset).line,
        ...(offset === undefined ? {} : { offset }),
      };
    });
}

export interface PanelModelInput {
  result: SerializableEngineResult;
  /** The text the result was computed from (for the problems' line numbers); or its line starts. */
  text?: string;
  lineStarts?: readonly number[];
  /** The latest simulation of the same document, if any. */
  simulation?: PanelSimulation | null;
}

/** SerializableEngineResult (+ simulation) -> PanelModel, tagged by the result's theory. */
export function toPanelModel(input: PanelModelInput): PanelModel {
  const lineStarts = input.lineStarts ?? computeLineStarts(input.text ?? '');
  const result = input.result;
  return result.theory === 'spectralEmbedding' ? toGraphPanelModel(result, lineStarts) : toAlignmentPanelModel(result, lineStarts, input.simulation);
}

function toAlignmentPanelModel(
  result: SerializableAlignmentResult,
  lineStarts: readonly number[],
  simulation: PanelSimulation | null | undefined,
): AlignmentPanelModel {
  const name = result.spec?.name;
  const model: AlignmentPanelModel = {
    theory: 'alignment',
    ...(typeof name === 'string' && name.length > 0 ? { name } : {}),
    dimensions: result.dimensions ?? { d: 0, k: 0, latent: 0 },
    thresholds: result.thresholds ?? null,
    atAlpha: result.atAlpha ?? null,
    recommendation: result.recommendation ?? null,
    problems: panelProblems(result.problems, lineStarts),
    spectra: result.spectra ?? null,
    scores: result.scores ?? null,
    curve: result.curve ?? null,
  };
  if (simulation) model.simulation = simulation;
  const summary = result.solutionSummary;
  if (summary) model.solutions = true;
  if (summary?.probe) model.probe = panelProbe(summary.probe);
  return model;
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
  };
}

function toGraphPanelModel(result: SerializableGraphResult, lineStarts: readonly number[]): GraphPanelModel {
  const name = result.spec?.name;
  const a = result.analysis;
  const strip = <T extends { gram: unknown }>(x: T | null | undefined): Omit<T, 'gram'> | null => {
    if (!x) return null;
    const { gram: _gram, ...rest } = x;
    return rest;
  };
  return {
    theory: 'spectralEmbedding',
    ...(typeof name === 'string' && name.length > 0 ? { name } : {}),
    dimensions: a?.dimensions ?? null,
    graph: a?.graph ?? null,
    representation: { vicreg: a?.representation.vicreg ?? null, simclr: a?.representation.simclr ?? null },
    linear: { vicreg: strip(a?.linear.vicreg), simclr: strip(a?.linear.simclr), barlow: strip(a?.linear.barlow) },
    alignment: a?.alignment ?? null,
    recommendation: a?.recommendation ?? null,
    sigmaSweep: a ? sigmaSweep(a) : null,
    problems: panelProblems(result.problems, lineStarts),
  };
}

// ---------------------------------------------------------------------------------------
// VICReg's σ_k and the invariance weight (docs/theory.md §7.5 (b)): shared by the panel
// model, the hover and the CodeLens tooltip.

/** σ_k of VICReg (hinge variance, b → ∞) for one eigenvalue: 1 while λ ≤ a/(4g), else (a/(4gλ))². */
export function vicregSigma(lambda: number, variance: number, invariance: number): number {
  if (!(lambda > 0)) return 1;
  const r = variance / (4 * invariance * lambda);
  return r >= 1 ? 1 : r * r;
}

/** σ_k = 1 up to rounding. */
const isFull = (sigma: number): boolean => sigma >= 1 - 1e-9;

/** What the weights (a, g) do to VICReg's directions, for hovers and the panel. */
export interface VicregFacts {
  variance: number;
  invariance: number;
  /** a/(4g) */
  cut: number;
  K: number;
  /** Directions with σ_k = 1. */
  full: number;
  /** The smallest σ_k (1 when K = 0). */
  minSigma: number;
  /** The largest λ_k (0 when K = 0). */
  maxLambda: number;
  /** The largest g with every σ_k = 1: a/(4 max λ_k); Infinity when every λ_k is 0. */
  gAllFull: number;
  /** The smallest a with every σ_k = 1 at the spec's g: 4 g max λ_k. */
  aAllFull: number;
}

export function vicregFacts(vicreg: VicregRepresentation, weights: { variance: number; invariance: number }): VicregFacts {
  const { variance: a, invariance: g } = weights;
  const lambdas = vicreg.eigenvalues;
  const maxLambda = lambdas.reduce((m, v) => (v > m ? v : m), 0);
  return {
    variance: a,
    invariance: g,
    cut: a / (4 * g),
    K: vicreg.sigma.length,
    full: vicreg.sigma.filter(isFull).length,
    minSigma: vicreg.sigma.reduce((m, v) => (v < m ? v : m), 1),
    maxLambda,
    gAllFull: maxLambda > 0 ? a / (4 * maxLambda) : Infinity,
    aAllFull: 4 * g * maxLambda,
  };
}

/** Distinct curves drawn at most (more distinct λ are subsampled, evenly by index). */
export const MAX_SIGMA_CURVES = 12;
const SWEEP_POINTS_PER_DECADE = 20;

/** σ_k as g varies, on a log grid covering the spec's g and every direction's knee a/(4λ_k). */
export function sigmaSweep(a: GraphAnalysis): SigmaSweep | null {
  const v = a.representation.vicreg;
  const w = a.weights;
  if (!v || !w || !(w.variance > 0) || !(w.invariance > 0)) return null;
  const facts = vicregFacts(v, w);
  // Group directions by eigenvalue (relative tolerance), ascending like the eigenvalues.
  const groups: { lambda: number; directions: number[] }[] = [];
  v.eigenvalues.forEach((lambda, i) => {
    const last = groups[groups.length - 1];
    if (last && Math.abs(lambda - last.lambda) <= 1e-9 * Math.max(1, Math.abs(lambda), Math.abs(last.lambda))) last.directions.push(i + 1);
    else groups.push({ lambda, directions: [i + 1] });
  });
  let chosen = groups;
  if (groups.length > MAX_SIGMA_CURVES) {
    const pick = new Set<number>();
    for (let j = 0; j < MAX_SIGMA_CURVES; j++) pick.add(Math.round((j * (groups.length - 1)) / (MAX_SIGMA_CURVES - 1)));
    chosen = [...pick].sort((x, y) => x - y).map((j) => groups[j]);
  }
  const knees = groups.filter((x) => x.lambda > 0).map((x) => w.variance / (4 * x.lambda));
  const lo = Math.min(w.invariance, ...knees);
  const hi = Math.max(w.invariance, ...knees);
  const from = Math.floor(Math.log10(lo)) - 1;
  const to = Math.ceil(Math.log10(hi)) + 1;
  const n = (to - from) * SWEEP_POINTS_PER_DECADE + 1;
  const g = Array.from({ length: n }, (_, i) => 10 ** (from + i / SWEEP_POINTS_PER_DECADE));
  return {
    variance: w.variance,
    invariance: w.invariance,
    cut: facts.cut,
    full: facts.full,
    gAllFull: facts.gAllFull,
    g,
    curves: chosen.map((c) => ({ lambda: c.lambda, directions: c.directions, sigma: g.map((gi) => vicregSigma(c.lambda, w.variance, gi)) })),
    capped: chosen.length < groups.length,
  };
}
