/**
 * Graph mode's analysis (docs/theory.md §7): reads the rows, builds G, and computes the
 * VICReg / SimCLR / Barlow Twins closed forms, G's agreement with the labels and the
 * recommendation (types.ts pins the result).
 *
 *   files.ts           every file through the host's `readFile` (none in an untrusted workspace)
 *   rows.ts            the N × D rows (.npy/.npz/.csv, n × V × D read as nV rows) and the labels
 *   graphBuild.ts      G per kind: views, labels, knn, edges (inline or a file)
 *   representation.ts  the Laplacian's and D^-1/2 G D^-1/2's spectra; VICReg and SimCLR on the graph
 *   linear.ts          Z = XW: VICReg (LPP with a covariance constraint) and SimCLR
 *   barlow.ts          Barlow Twins as CCA of two views
 *   pairAgreement.ts   G against the labels
 *   recommendation.ts  which method, which invariance weight
 * The eigenvalues come from numerics/sparse (per connected component: exact trivial pairs,
 * closed forms for cliques, dense for small components, thick-restart Lanczos or shift-invert
 * through a sparse Cholesky factor otherwise; docs/theory.md §7.10).
 *
 * User-input failures are located problems; numerical failures too (`not-positive-definite`
 * for a singular covariance, with `regularize`; `no-convergence`, `limit-exceeded`).
 */
import { formatNumber } from '../../format/format';
import { LinalgError } from '../../numerics/dense';
import { SparseError } from '../../numerics/sparse';
import { problem, type Problem } from '../../problems/problems';
import { GRAPH_DEFAULTS, type GraphSpec, type Span } from '../../spec/model';
import { linearBarlow } from './barlow';
import type { SpecFileAccess as GraphFileAccess } from '../../spec/referencedFiles';
import { buildGraph, type PairGraph } from './graphBuild';
import { linearSimclr, linearVicreg } from './linear';
import { pairAgreement } from './pairAgreement';
import { recommend, type ContrastiveRank } from './recommendation';
import { laplacianSpectrum, simclrRepresentation, vicregRepresentation } from './representation';
import { invarianceSweep as sweep, laplacianPairs } from './sweep';
import { centerColumns, loadRows } from './rows';
import type { BarlowLinear, GraphAnalysis, GraphRecommendation, PairAlignment, SimclrLinear, VicregLinear, VicregRepresentation } from './types';

export type { GraphFileAccess };

/**
 * The analysis of a parsed, error-free graph-mode spec; undefined when a problem (pushed to
 * `problems`) stops it. A singular covariance only drops the linear solution it concerns.
 */
export function analyzeGraph(spec: GraphSpec, files: GraphFileAccess, problems: Problem[]): GraphAnalysis | undefined {
  const report = (code: string, message: string, at: Span, severity: 'error' | 'warning' | 'info' = 'error') =>
    problems.push(problem(code, severity, message, at.start, at.end));
  const rows = loadRows(spec, files, problems);
  if (!rows) return undefined;
  const { N, D } = rows;
  const K = spec.embedding;
  if (!embeddingFits(K, N, D, spec.embeddingSpan, report)) return undefined;
  const pg = buildGraph(spec, rows, files, problems);
  if (!pg) return undefined;

  const m = spec.methods;
  const a = m.vicreg?.variance ?? GRAPH_DEFAULTS.variance;
  const g = m.vicreg?.invariance ?? GRAPH_DEFAULTS.invariance;
  const twoViews = spec.graph.kind === 'views' && spec.graph.views === 2;
  const dataSpan = spec.data.fileSpan ?? spec.data.span;
  const solve = <T>(what: string, matrix: string, fn: () => T): T | null => solveOrReport(what, matrix, fn, spec.regularize, dataSpan, report);
  // one N × D scratch for the products with L and D^-1/2 G D^-1/2 (fresh pages are slow to fault in)
  let scratchCache: Float64Array | undefined;
  const scratch = (): Float64Array => (scratchCache ??= new Float64Array(N * D));
  const b = m.vicreg?.covariance;
  try {
    // with labels and VICReg the eigenvectors too, for the invariance sweep (sweep.ts)
    const pairs = rows.labels && m.vicreg ? laplacianPairs(pg, K) : undefined;
    const laplacian = pairs ? [0, ...pairs.values] : laplacianSpectrum(pg, K);
    if (!overflowFree(laplacian, 'the Laplacian', spec, report)) return undefined;
    const vicreg = m.vicreg ? vicregRepresentation(laplacian, K, a, g, b) : null;
    const simclr = m.simclr ? simclrRepresentation(pg, K) : null;
    // SimCLR's linear solution uses X as given; VICReg and Barlow Twins then use H X, made in
    // place (the rows are owned here and not needed uncentred afterwards)
    const linSimclr: SimclrLinear | null = m.simclr ? linearSimclr(rows.x, N, D, pg, K, undefined, scratch()) : null;
    if ((m.vicreg || (m.barlow && twoViews)) && !spec.data.center) centerColumns(rows.x, N, D);
    const linVicreg: VicregLinear | null = m.vicreg
      ? solve('Linear VICReg', 'the covariance C = XᵀHX/N of the rows', () => linearVicreg(rows.x, N, D, pg, K, a, g, spec.regularize, scratch(), b))
      : null;
    if (linVicreg && !overflowFree(linVicreg.mu, 'linear VICReg (μ)', spec, report)) return undefined;
    const linBarlow: BarlowLinear | null =
      m.barlow && twoViews
        ? solve('Linear Barlow Twins', "the views' covariance S = (S_aa + S_bb)/2", () => linearBarlow(rows.x, N, D, K, spec.regularize))
        : null;
    const { alignment, recommendation } = advise(pg, rows.labels, laplacian, { K, N, D, a, g, b }, vicreg, [
      ...(simclr ? [{ method: 'SimCLR', regime: 'representation', rank: simclr.rank } as const] : []),
      ...(linSimclr ? [{ method: 'SimCLR', regime: 'linear', rank: linSimclr.rank } as const] : []),
      ...(linBarlow ? [{ method: 'Barlow Twins', regime: 'linear', rank: linBarlow.rank } as const] : []),
    ]);
    const invarianceSweep = pairs && rows.labels ? sweep(pairs, rows.labels, a, g) : null;
    reportTiesAtCut(K, { vicreg: linVicreg, simclr: linSimclr, barlow: linBarlow }, spec.embeddingSpan ?? spec.span, report);
    const edges = pg.g.nnz / 2;
    if (edges === 0)
      report(
        'empty-graph',
        'G has no pairs: every row is its own component, so the Laplacian is 0 and the methods have nothing to align.',
        spec.graph.span,
        'warning',
      );
    return {
      dimensions: { N, D, K },
      graph: { kind: pg.kind, edges, components: pg.components.count, laplacian },
      representation: { vicreg, simclr },
      linear: { vicreg: linVicreg, simclr: linSimclr, barlow: linBarlow },
      alignment,
      recommendation,
      invarianceSweep,
      weights: m.vicreg ? { variance: a, invariance: g, ...(b !== undefined ? { covariance: b } : {}) } : null,
    };
  } catch (e) {
    if (e instanceof SparseError && (e.code === 'limit-exceeded' || e.code === 'no-convergence')) {
      report(e.code, `Graph mode: ${e.message}.`, spec.graph.span);
      return undefined;
    }
    if (e instanceof LinalgError && (e.code === 'no-convergence' || e.code === 'not-finite')) {
      report(e.code, `Graph mode: ${e.message}.`, dataSpan);
      return undefined;
    }
    throw e;
  }
}

type Report = (code: string, message: string, at: Span, severity?: 'error' | 'warning' | 'info') => void;

/** K < N (besides the constant direction) and K ≤ D, or a located error on `embedding`. */
function embeddingFits(K: number, N: number, D: number, at: Span, report: Report): boolean {
  if (K >= N) {
    report('out-of-range', `embedding: K = ${K} must be < N = ${N} (the rows of the data: at most N − 1 directions besides the constant one).`, at);
    return false;
  }
  if (K > D) {
    report('out-of-range', `embedding: K = ${K} must be ≤ D = ${D} (the feature columns of the data).`, at);
    return false;
  }
  return true;
}

/** A linear solution, or null with a located error on the data when its covariance is singular. */
function solveOrReport<T>(what: string, matrix: string, fn: () => T, regularize: number | undefined, dataSpan: Span, report: Report): T | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LinalgError && e.code === 'not-positive-definite') {
      const hint =
        regularize === undefined
          ? " Add 'regularize: 1e-8' (an opt-in ε I, docs/theory.md §2.5), or remove constant / collinear feature columns."
          : ` regularize: ${regularize} is not enough; raise it.`;
      report('not-positive-definite', `${what}: ${matrix} is not positive definite, so the linear solution is not defined (${e.message}).${hint}`, dataSpan);
      return null;
    }
    throw e;
  }
}

/** An info problem on `embedding` for each linear solution whose K-th eigenvalue ties with the next (linear.ts `uniqueAtCut`). */
function reportTiesAtCut(
  K: number,
  linear: { vicreg: VicregLinear | null; simclr: SimclrLinear | null; barlow: BarlowLinear | null },
  at: Span,
  report: (code: string, message: string, at: Span, severity?: 'info') => void,
): void {
  const tied = [
    linear.vicreg && !linear.vicreg.unique ? `linear VICReg (μ_${K} = ${formatNumber(linear.vicreg.mu[K - 1], 6)} is repeated)` : '',
    linear.simclr && !linear.simclr.unique ? `linear SimCLR (λ⁺_${K} = ${formatNumber(linear.simclr.eigenvalues[K - 1], 6)} is repeated)` : '',
    linear.barlow && !linear.barlow.unique
      ? `linear Barlow Twins (the ${K}-th correlation ${formatNumber(linear.barlow.correlations[K - 1], 6)} is repeated)`
      : '',
  ].filter(Boolean);
  if (!tied.length) return;
  report(
    'non-unique-solution',
    `embedding: K = ${K} cuts through a repeated eigenvalue of ${tied.join(', ')}: any K directions of that eigenspace are optimal, so the Gram WWᵀ reported is one of many (its eigenvalues and rank are unique); a K that keeps or drops the whole eigenspace gives a unique one.`,
    at,
    'info',
  );
}

/**
 * Explicit weights are analysed scaled (graphBuild.ts, docs/theory.md §7.10) and the results
 * scaled back; false, with a problem on the weights, when a result in the user's units is
 * beyond the largest double.
 */
function overflowFree(values: readonly number[], what: string, spec: GraphSpec, report: (code: string, message: string, at: Span) => void): boolean {
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad === undefined) return true;
  const rel = spec.graph;
  report(
    'limit-exceeded',
    `graph.edges: with these weights ${what} has eigenvalues beyond the largest double (${Number.MAX_VALUE.toExponential(3)}); divide every weight by a common factor (the methods' answers do not change, the eigenvalues scale with it).`,
    rel.kind === 'edges-file' ? rel.pathSpan : rel.span,
  );
  return false;
}

/** G against the labels and the recommendation (docs/theory.md §7.8, §7.9). */
function advise(
  pg: PairGraph,
  labels: Float64Array | undefined,
  laplacian: readonly number[],
  w: { K: number; N: number; D: number; a: number; g: number; b: number | undefined },
  vicreg: VicregRepresentation | null,
  ranks: ContrastiveRank[],
): { alignment: PairAlignment | null; recommendation: GraphRecommendation } {
  const { K, b } = w;
  const alignment = labels ? pairAgreement(pg, labels) : null;
  const classes = labels ? new Set(labels).size : undefined;
  const recommendation = recommend({
    ...w,
    lambda: laplacian.slice(1, K + 1),
    alignment,
    ranks,
    vicregRank: vicreg?.finite?.rank ?? vicreg?.rank ?? K,
    ...(b !== undefined ? { covariance: b } : {}),
    ...(classes !== undefined ? { classes } : {}),
  });
  return { alignment, recommendation };
}
