/**
 * Graph mode's one-line summary in the editor (docs/theory.md §7): the CodeLens title, the lens
 * and status-bar tooltip and the label. Every sentence goes through the translator `t` the host
 * passes (`vscode.l10n.t`; English by default), docs/architecture.md §2 "Localisation".
 */
import { formatNumber } from '../../../format/format';
import { english, type EditorSummary, type Localize } from '../../face';
import type { GraphAnalysis, GraphRecommendation, SpectralEmbeddingEngineResult } from '../types';
import { vicregFacts } from './vicregFacts';

/** 3 significant figures. */
export const f3 = (x: number): string => formatNumber(x, 3);

export const edges = (n: number, t: Localize): string => (n === 1 ? t('1 edge') : t('{0} edges', n));
export const components = (n: number, t: Localize): string => (n === 1 ? t('1 connected component') : t('{0} connected components', n));
export const dimensions = (n: number, t: Localize): string => (n === 1 ? t('1 dimension') : t('{0} dimensions', n));

/** The methods' own names (the editor capitalises them as their papers do). */
const METHOD_NAME: Record<GraphRecommendation['method'], string> = { vicreg: 'VICReg', simclr: 'SimCLR', barlow: 'Barlow Twins', any: '' };

/** `VICReg, low invariance weight`, `SimCLR`, `any method`. */
export function graphRecommendationText(r: GraphRecommendation, t: Localize = english): string {
  const method = r.method === 'any' ? t('any method') : (METHOD_NAME[r.method] ?? r.method);
  if (r.invariance === 'high') return t('{0}, high invariance weight', method);
  if (r.invariance === 'low') return t('{0}, low invariance weight', method);
  return method;
}

/** `3/8 (collapse)` or `8/8`. */
function rankOf(rank: number, bound: number, t: Localize): string {
  return rank < bound ? t('{0}/{1} (collapse)', rank, bound) : `${rank}/${bound}`;
}

/**
 * `VICReg, low invariance weight · ranks VICReg 8/8, SimCLR 3/8 (collapse)`: the recommendation first,
 * so that a lens cut by a narrow editor still shows it (the tooltip has the rest).
 */
export function graphLensTitle(a: GraphAnalysis, t: Localize = english): string {
  const K = a.dimensions.K;
  const ranks: string[] = [];
  if (a.representation.vicreg) ranks.push(`VICReg ${rankOf(a.representation.vicreg.rank, K, t)}`);
  if (a.representation.simclr) ranks.push(`SimCLR ${rankOf(a.representation.simclr.rank, K, t)}`);
  if (a.linear.barlow) ranks.push(`Barlow ${rankOf(a.linear.barlow.rank, Math.min(a.dimensions.D, K), t)}`);
  const rec = graphRecommendationText(a.recommendation, t);
  return ranks.length ? t('{0} · ranks {1}', rec, ranks.join(', ')) : rec;
}

/**
 * The first values of a list, 3 significant figures: `0, 0.198, 0.403, …`; an
 * eigensolver's rounding noise (|x| ≤ 1e-12 of the list's largest) is written as 0.
 */
export function head(values: readonly number[], n = 6): string {
  const scale = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
  const shown = values
    .slice(0, n)
    .map((v) => f3(Math.abs(v) <= 1e-12 * scale ? 0 : v))
    .join(', ');
  return values.length > n ? `${shown}, …` : shown;
}

/** `Pair agreement 1 (aligned with the labels, ≥ 0.9)` (capitalised: it starts a line or a sentence). */
export function pairAgreementText(a: GraphAnalysis, t: Localize): string | undefined {
  const al = a.alignment;
  if (!al) return undefined;
  return al.aligned
    ? t('Pair agreement {0} (aligned with the labels, ≥ 0.9)', f3(al.pairAgreement))
    : t('Pair agreement {0} (misaligned with the labels, < 0.9)', f3(al.pairAgreement));
}

/** Plain-text summary (the lens and status-bar tooltips). */
export function graphTooltip(a: GraphAnalysis, t: Localize = english): string {
  const { N, D, K } = a.dimensions;
  const g = a.graph;
  const lines = [t('{0} graph on N = {1} rows (D = {2}): {3}, {4}; K = {5}', g.kind, N, D, edges(g.edges, t), components(g.components, t), K)];
  const v = a.representation.vicreg;
  if (v && a.weights) {
    const x = vicregFacts(v, a.weights);
    lines.push(
      t(
        'VICReg (a = {0}, g = {1}): a/(4g) = {2}, σ_k = 1 on {3} of {4} directions; rank {5}/{4}',
        f3(x.variance),
        f3(x.invariance),
        f3(x.cut),
        x.full,
        K,
        v.rank,
      ),
    );
  } else if (v) lines.push(t('VICReg: rank {0}/{1}', v.rank, K));
  const s = a.representation.simclr;
  if (s) {
    lines.push(
      (s.rank === 1
        ? t('SimCLR: 1 positive eigenvalue of D^(−1/2) G D^(−1/2) among the top {0}; rank 1/{0}', K)
        : t('SimCLR: {0} positive eigenvalues of D^(−1/2) G D^(−1/2) among the top {1}; rank {0}/{1}', s.rank, K)) +
        (s.rank < K ? ' ' + t('(collapse: {0} exactly 0)', dimensions(K - s.rank, t)) : ''),
    );
  }
  const l = a.linear;
  const lb = Math.min(D, K);
  const linear = [l.vicreg ? `VICReg ${l.vicreg.rank}` : '', l.simclr ? `SimCLR ${l.simclr.rank}` : '', l.barlow ? `Barlow Twins ${l.barlow.rank}` : ''].filter(
    Boolean,
  );
  if (linear.length) lines.push(t('linear ranks (of min(D, K) = {0}): {1}', lb, linear.join(', ')));
  const pa = pairAgreementText(a, t);
  if (pa) lines.push(pa);
  lines.push('', t('Recommendation: {0}. {1}', graphRecommendationText(a.recommendation, t), a.recommendation.reason));
  return lines.join('\n');
}

export function graphSummary(result: SpectralEmbeddingEngineResult, t: Localize): EditorSummary | undefined {
  const a = result.analysis;
  if (!a) return undefined;
  return { title: graphLensTitle(a, t), tooltip: graphTooltip(a, t), label: graphRecommendationText(a.recommendation, t) };
}
