/**
 * Graph mode's panel model (docs/theory.md §7): what the webview's graph section draws, built
 * from the analysis, and the check the webview runs on every model it receives.
 */
import type { PanelContext, PanelModelBase } from '../../face';
import { vicregKnee, vicregSigma } from '../vicreg';
import type {
  BarlowLinear,
  GraphAnalysis,
  GraphDimensions,
  GraphRecommendation,
  GraphSummary,
  PairAlignment,
  SimclrLinear,
  SimclrRepresentation,
  SpectralEmbeddingEngineResult,
  VicregLinear,
  VicregRepresentation,
} from '../types';
import { vicregFacts } from './vicregFacts';

/** Graph mode's charts, in display order. */
export const GRAPH_CHART_IDS = ['laplacian', 'sigma', 'ranks', 'agreement'] as const;

/** Graph mode's linear solutions without their D × D Gram matrices (the panel does not draw them). */
export interface GraphPanelLinear {
  vicreg: Omit<VicregLinear, 'gram'> | null;
  simclr: Omit<SimclrLinear, 'gram'> | null;
  barlow: Omit<BarlowLinear, 'gram'> | null;
}

/**
 * VICReg's σ_k as the invariance weight g varies at the spec's variance weight a
 * (docs/theory.md §7.5 (b)): σ_k(g) = 1 while g ≤ a/(4λ_k), else (a/(4gλ_k))². Directions
 * sharing one λ share one curve.
 */
export interface SigmaSweep {
  /** VICReg's weights in the spec: a (variance) and g (invariance). */
  variance: number;
  invariance: number;
  /** a/(4g): directions with λ_k at or below it keep σ_k = 1. */
  cut: number;
  /** Directions with σ_k = 1 at the spec's g, out of K. */
  full: number;
  /** The largest g with every σ_k = 1, a/(4 max λ_k) (Infinity when every λ_k is 0). */
  gAllFull: number;
  /** Log-spaced invariance weights, ascending. */
  g: number[];
  /** One curve per distinct λ_k: the 1-based directions sharing it and σ at each g. */
  curves: { lambda: number; directions: number[]; sigma: number[] }[];
  /** True when some distinct λ were left out to keep the chart legible. */
  capped: boolean;
}

/** What the panel renders for a graph-mode spec (P2: which joint-embedding method, docs/theory.md §7). */
export interface GraphPanelModel extends PanelModelBase {
  theory: 'spectralEmbedding';
  /** N rows, D features, K the representation dimension; null when the analysis did not run. */
  dimensions: GraphDimensions | null;
  graph: GraphSummary | null;
  representation: { vicreg: VicregRepresentation | null; simclr: SimclrRepresentation | null };
  linear: GraphPanelLinear;
  /** Pair agreement with the labels; null without labels. */
  alignment: PairAlignment | null;
  recommendation: GraphRecommendation | null;
  /** VICReg's σ_k as g varies; null without VICReg. */
  sigmaSweep: SigmaSweep | null;
}

export function graphPanelModel(result: SpectralEmbeddingEngineResult, context: PanelContext): GraphPanelModel {
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
    problems: context.problems,
  };
}

/** Distinct curves drawn at most (more distinct λ are subsampled, evenly by index). */
export const MAX_SIGMA_CURVES = 12;
const SWEEP_POINTS_PER_DECADE = 20;

/** Directions grouped by eigenvalue (relative tolerance 1e-9), ascending like the eigenvalues. */
function groupByEigenvalue(eigenvalues: readonly number[]): { lambda: number; directions: number[] }[] {
  const groups: { lambda: number; directions: number[] }[] = [];
  eigenvalues.forEach((lambda, i) => {
    const last = groups[groups.length - 1];
    if (last && Math.abs(lambda - last.lambda) <= 1e-9 * Math.max(1, Math.abs(lambda), Math.abs(last.lambda))) last.directions.push(i + 1);
    else groups.push({ lambda, directions: [i + 1] });
  });
  return groups;
}

/** σ_k as g varies, on a log grid covering the spec's g and every direction's knee a/(4λ_k). */
export function sigmaSweep(a: GraphAnalysis): SigmaSweep | null {
  const v = a.representation.vicreg;
  const w = a.weights;
  if (!v || !w || !(w.variance > 0) || !(w.invariance > 0)) return null;
  const facts = vicregFacts(v, w);
  const groups = groupByEigenvalue(v.eigenvalues);
  let chosen = groups;
  if (groups.length > MAX_SIGMA_CURVES) {
    const pick = new Set<number>();
    for (let j = 0; j < MAX_SIGMA_CURVES; j++) pick.add(Math.round((j * (groups.length - 1)) / (MAX_SIGMA_CURVES - 1)));
    chosen = [...pick].sort((x, y) => x - y).map((j) => groups[j]);
  }
  const knees = groups.filter((x) => x.lambda > 0).map((x) => vicregKnee(w.variance, x.lambda));
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

// ---------------------------------------------------------------------------------------
// The webview's check of a model

const GRAPH_KINDS: readonly string[] = ['views', 'labels', 'knn', 'edges'];
const GRAPH_METHODS: readonly string[] = ['vicreg', 'simclr', 'barlow', 'any'];
const MAX_SERIES_LENGTH = 1_000_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isNumber = (x: unknown): x is number => typeof x === 'number';
const isNumberArray = (x: unknown): x is number[] => Array.isArray(x) && x.length <= MAX_SERIES_LENGTH && x.every(isNumber);

/** `null`, or a record whose listed keys hold number arrays and whose `rank` is a count. */
function isRankedSpectrum(x: unknown, arrays: readonly string[]): boolean {
  return x === null || (isRecord(x) && isCount(x.rank) && arrays.every((k) => isNumberArray(x[k])));
}

function isSigmaSweep(sw: unknown): boolean {
  return (
    sw === null ||
    (isRecord(sw) &&
      isNumber(sw.variance) &&
      isNumber(sw.invariance) &&
      isNumber(sw.cut) &&
      isCount(sw.full) &&
      isNumber(sw.gAllFull) &&
      isNumberArray(sw.g) &&
      typeof sw.capped === 'boolean' &&
      Array.isArray(sw.curves) &&
      sw.curves.every((c: unknown) => isRecord(c) && isNumber(c.lambda) && isNumberArray(c.directions) && isNumberArray(c.sigma)))
  );
}

/** The shape of a {@link GraphPanelModel} (its theory tag and common fields are checked by the protocol). */
export function isGraphPanelModel(m: Record<string, unknown>): boolean {
  const { dimensions: d, graph: g, representation: rep, linear: lin, alignment: al, recommendation: r } = m;
  return (
    (d === null || (isRecord(d) && isCount(d.N) && isCount(d.D) && isCount(d.K))) &&
    (g === null ||
      (isRecord(g) && typeof g.kind === 'string' && GRAPH_KINDS.includes(g.kind) && isCount(g.edges) && isCount(g.components) && isNumberArray(g.laplacian))) &&
    isRecord(rep) &&
    isRankedSpectrum(rep.vicreg, ['eigenvalues', 'sigma']) &&
    isRankedSpectrum(rep.simclr, ['eigenvalues']) &&
    isRecord(lin) &&
    isRankedSpectrum(lin.vicreg, ['mu', 'sigma']) &&
    isRankedSpectrum(lin.simclr, ['eigenvalues']) &&
    isRankedSpectrum(lin.barlow, ['correlations']) &&
    (al === null || (isRecord(al) && isNumber(al.pairAgreement) && typeof al.aligned === 'boolean')) &&
    (r === null ||
      (isRecord(r) &&
        typeof r.method === 'string' &&
        GRAPH_METHODS.includes(r.method) &&
        (r.invariance === null || r.invariance === 'high' || r.invariance === 'low') &&
        typeof r.reason === 'string' &&
        r.reason.length <= 64 * 1024)) &&
    isSigmaSweep(m.sigmaSweep)
  );
}
