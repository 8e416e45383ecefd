/**
 * Graph mode's numbers as the editor shows them (docs/theory.md §7): the CodeLens title, the
 * lens and status-bar tooltip, and the hovers on `embedding`, `methods.vicreg.invariance`,
 * `methods.vicreg.variance`, `graph.knn.k` and `graph`. Pure (no `vscode`): the hovers are
 * Markdown strings, unit-tested in Node. Every sentence goes through the translator `t` the host
 * passes (`vscode.l10n.t`; English by default), docs/architecture.md §2 "Localisation".
 */
import { formatNumber } from '../core/format/format';
import type { GraphAnalysis, GraphRecommendation } from '../core/theories/spectralEmbedding/types';
import { vicregFacts } from '../preview/panelModel';

/** 3 significant figures. */
const f3 = (x: number): string => formatNumber(x, 3);

/** A translator with `{0}` placeholders: `vscode.l10n.t` in the host, {@link english} in Node. */
export type Localize = (message: string, ...args: (string | number | boolean)[]) => string;

/** The untranslated message with its `{n}` placeholders filled in. */
export const english: Localize = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

const edges = (n: number, t: Localize): string => (n === 1 ? t('1 edge') : t('{0} edges', n));
const components = (n: number, t: Localize): string => (n === 1 ? t('1 connected component') : t('{0} connected components', n));
const dimensions = (n: number, t: Localize): string => (n === 1 ? t('1 dimension') : t('{0} dimensions', n));

/** `vicreg, low invariance`, `simclr`, `any method`. */
export function graphRecommendationText(r: GraphRecommendation, t: Localize = english): string {
  const method = r.method === 'any' ? t('any method') : r.method;
  return r.invariance ? t('{0}, {1} invariance', method, r.invariance) : method;
}

/** `3/8 (collapse)` or `8/8`. */
function rankOf(rank: number, bound: number, t: Localize): string {
  return rank < bound ? t('{0}/{1} (collapse)', rank, bound) : `${rank}/${bound}`;
}

/** `VICReg rank 8/8 · SimCLR rank 3/8 (collapse) · vicreg, low invariance` */
export function graphLensTitle(a: GraphAnalysis, t: Localize = english): string {
  const K = a.dimensions.K;
  const parts: string[] = [];
  if (a.representation.vicreg) parts.push(t('VICReg rank {0}', rankOf(a.representation.vicreg.rank, K, t)));
  if (a.representation.simclr) parts.push(t('SimCLR rank {0}', rankOf(a.representation.simclr.rank, K, t)));
  if (a.linear.barlow) parts.push(t('Barlow rank {0}', rankOf(a.linear.barlow.rank, Math.min(a.dimensions.D, K), t)));
  parts.push(graphRecommendationText(a.recommendation, t));
  return parts.join(' · ');
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
function pairAgreementText(a: GraphAnalysis, t: Localize): string | undefined {
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
        ? t('SimCLR: 1 positive eigenvalue of D^-1/2 G D^-1/2 among the top {0}; rank 1/{0}', K)
        : t('SimCLR: {0} positive eigenvalues of D^-1/2 G D^-1/2 among the top {1}; rank {0}/{1}', s.rank, K)) +
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

// ---------------------------------------------------------------------------------------
// Hovers (Markdown)

/** On `embedding`: K and what each method does with it. */
export function embeddingHover(a: GraphAnalysis, t: Localize = english): string {
  const { D, K } = a.dimensions;
  const lb = Math.min(D, K);
  const out = [t('**embedding: K = {0}**, the representation dimension (docs/theory.md §7.5, §7.6)', K) + '\n'];
  const rows: string[] = [];
  const row = (name: string, rank: number, bound: number, what: string): void => {
    rows.push(`| ${name} | ${rank}/${bound}${rank < bound ? ' ' + t('(collapse: {0} 0)', dimensions(bound - rank, t)) : ''} | ${what} |`);
  };
  const r = a.representation;
  const l = a.linear;
  if (r.vicreg) row('VICReg', r.vicreg.rank, K, t('σ_k > 0 on every direction (smallest {0})', f3(Math.min(...r.vicreg.sigma, 1))));
  if (r.simclr) row('SimCLR', r.simclr.rank, K, t('positive eigenvalues of D^-1/2 G D^-1/2: {0}', head(r.simclr.eigenvalues, 4)));
  if (l.vicreg) row(t('VICReg, linear'), l.vicreg.rank, lb, `μ_k: ${head(l.vicreg.mu, 4)}`);
  if (l.simclr) row(t('SimCLR, linear'), l.simclr.rank, lb, `λ⁺: ${head(l.simclr.eigenvalues, 4)}`);
  if (l.barlow) row(t('Barlow Twins, linear'), l.barlow.rank, lb, t('correlations: {0}', head(l.barlow.correlations, 4)));
  if (rows.length) out.push(t('| method | rank | from |') + '\n|---|---|---|\n' + rows.join('\n') + '\n');
  if (r.simclr && r.simclr.rank < K) {
    out.push(
      r.simclr.rank === 1
        ? t(
            "SimCLR's kernel has only 1 positive eigenvalue among its top {0}: the other {1} of its representation are exactly 0 (dimensional collapse). VICReg keeps all {0}.",
            K,
            dimensions(K - 1, t),
          )
        : t(
            "SimCLR's kernel has only {0} positive eigenvalues among its top {1}: the other {2} of its representation are exactly 0 (dimensional collapse). VICReg keeps all {1}.",
            r.simclr.rank,
            K,
            dimensions(K - r.simclr.rank, t),
          ),
    );
  } else if (r.simclr) out.push(t('No method collapses at K = {0}.', K));
  return out.join('\n');
}

/** On `methods.vicreg.invariance`: the cut a/(4g), how many σ_k = 1, the g that makes every σ_k = 1. */
export function invarianceHover(a: GraphAnalysis, t: Localize = english): string | undefined {
  const v = a.representation.vicreg;
  if (!v || !a.weights) return undefined;
  const x = vicregFacts(v, a.weights);
  const K = x.K;
  const out = [
    t("**invariance: g = {0}**, VICReg's invariance weight (docs/theory.md §7.5 (b))", f3(x.invariance)) + '\n',
    t('With variance a = {0}: the cut **a/(4g) = {1}**. σ_k = 1 on **{2} of {3}** directions (λ_k ≤ {1});', f3(x.variance), f3(x.cut), x.full, K) +
      ' ' +
      (x.full < K ? t('the other {0} shrink to (a/(4gλ_k))², the smallest to {1}.', K - x.full, f3(x.minSigma)) : t('none is shrunk.')),
    '',
    Number.isFinite(x.gAllFull)
      ? t('Every σ_k = 1 for **g ≤ a/(4 max λ_k) = {0}** (max λ_k = {1}).', f3(x.gAllFull), f3(x.maxLambda))
      : t('Every λ_k is 0: every σ_k = 1 whatever g.'),
    '',
    t('A larger g trusts G more (it shrinks the directions of high Laplacian energy); a smaller g relies on G less. VICReg never drops a direction (σ_k > 0).'),
  ];
  if (a.recommendation.method === 'vicreg' && a.recommendation.invariance)
    out.push('', t('**Recommendation: {0}.**', graphRecommendationText(a.recommendation, t)));
  return out.join('\n');
}

/** On `methods.vicreg.variance`: the same cut seen from a. */
export function varianceHover(a: GraphAnalysis, t: Localize = english): string | undefined {
  const v = a.representation.vicreg;
  if (!v || !a.weights) return undefined;
  const x = vicregFacts(v, a.weights);
  return [
    t("**variance: a = {0}**, VICReg's hinge variance weight (docs/theory.md §7.5 (b))", f3(x.variance)) + '\n',
    t(
      'With invariance g = {0}: the cut **a/(4g) = {1}**; σ_k = 1 on **{2} of {3}** directions, the smallest σ_k is {4}.',
      f3(x.invariance),
      f3(x.cut),
      x.full,
      x.K,
      f3(x.minSigma),
    ),
    '',
    x.maxLambda > 0
      ? t('Every σ_k = 1 for **a ≥ 4g·max λ_k = {0}** (max λ_k = {1}).', f3(x.aAllFull), f3(x.maxLambda))
      : t('Every λ_k is 0: every σ_k = 1 whatever a.'),
  ].join('\n');
}

/** On `graph.knn.k`: the graph it builds and its Laplacian. */
export function knnHover(a: GraphAnalysis, k: number, t: Localize = english): string {
  const g = a.graph;
  const out = [
    t('**k = {0}** nearest other rows per row (Euclidean, ties to the lower index), symmetrised by "or", weight 1 (docs/theory.md §7.2)', k) + '\n',
    t('On N = {0} rows: **{1}**, **{2}**.', a.dimensions.N, edges(g.edges, t), components(g.components, t)) + '  ',
    t('Laplacian λ_0..{0} = {1}', g.laplacian.length - 1, head(g.laplacian, 8)),
  ];
  const pa = pairAgreementText(a, t);
  if (pa) out.push('', pa + '.');
  out.push(
    '',
    g.components > 1
      ? t(
          '{0} components give {0} zero eigenvalues: the first {1} VICReg directions only separate the components. A larger k connects them.',
          g.components,
          g.components - 1,
        )
      : t('A connected graph has one zero eigenvalue (the constant direction, which no method uses).'),
  );
  return out.join('\n');
}

/** On the `graph` key: the relation and its spectrum. */
export function graphKeyHover(a: GraphAnalysis, t: Localize = english): string {
  const g = a.graph;
  const out = [
    t('**graph: {0}**: the positive-pair relation G over N = {1} rows (docs/theory.md §7.2)', g.kind, a.dimensions.N) + '\n',
    `${edges(g.edges, t)}, ${components(g.components, t)}.  `,
    t('Laplacian L = D_G − G, smallest eigenvalues: {0}', head(g.laplacian, 8)),
  ];
  const pa = pairAgreementText(a, t);
  if (pa) out.push('', pa + '.');
  out.push('', t('**Recommendation: {0}.** {1}', graphRecommendationText(a.recommendation, t), a.recommendation.reason));
  return out.join('\n');
}

/**
 * The span of `key` written just before a value (`k: 5`, `"k": 5`): the key's last
 * occurrence in [from, valueStart) followed only by quotes, spaces and the colon.
 */
export function keySpanBefore(text: string, valueStart: number, key: string, from: number): { start: number; end: number } | undefined {
  const window = text.slice(Math.max(0, from), valueStart);
  const re = new RegExp(`(["']?)\\b${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:\\s*$`);
  const m = re.exec(window);
  if (!m) return undefined;
  const start = Math.max(0, from) + m.index + m[1].length;
  return { start, end: start + key.length };
}
