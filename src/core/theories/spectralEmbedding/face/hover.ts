/**
 * Graph mode's hovers with numbers (docs/theory.md §7): on `embedding` the rank of every method
 * against K; on `methods.vicreg.invariance` / `variance` the cut a/(4g), how many σ_k = 1 and
 * the weight that makes every σ_k = 1; on `graph.knn.k` and on `graph` the graph and its
 * Laplacian. Markdown strings, unit-tested in Node.
 */
import type { Span } from '../../../spec/model';
import { english, type HoverAnswer, type Localize } from '../../face';
import type { GraphAnalysis, SpectralEmbeddingEngineResult } from '../types';
import { adviceLines, components, dimensions, edges, f3, graphRecommendationText, head, pairAgreementText } from './summary';
import { vicregFacts } from './vicregFacts';

const contains = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end && s.end > s.start;

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
  if (r.simclr) row('SimCLR', r.simclr.rank, K, t('positive eigenvalues of D^(−1/2) G D^(−1/2): {0}', head(r.simclr.eigenvalues, 4)));
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
  // the advised weight and the amount of data, when the advice turns on them (docs/theory.md §7.9)
  const advice = adviceLines(a, t);
  if (advice.length) out.push('', `${advice.join('; ')} (docs/theory.md §7.9).`);
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

/** Graph mode's hovers: the key or the value under the cursor, with the numbers it drives. */
export function graphHover(result: SpectralEmbeddingEngineResult, text: string, offset: number, t: Localize): HoverAnswer | undefined {
  const spec = result.spec;
  const a = result.analysis;
  if (!spec || spec.mode !== 'graph' || !a) return undefined;
  const hover = (md: string | undefined, ...spans: (Span | undefined)[]): HoverAnswer | undefined => {
    const span = spans.find((s) => contains(s, offset));
    return md && span ? { markdown: md, start: span.start, end: span.end } : undefined;
  };
  /** The span of `key` written before a value, searched within `block`. */
  const keyOf = (key: string, value: Span | undefined, block: Span | undefined): Span | undefined =>
    value ? keySpanBefore(text, value.start, key, block?.start ?? Math.max(0, value.start - 200)) : undefined;
  const candidates: [() => string | undefined, ...(Span | undefined)[]][] = [
    [() => embeddingHover(a, t), spec.embeddingKeySpan, spec.embeddingSpan],
    [() => graphKeyHover(a, t), spec.graphKeySpan],
  ];
  const vicreg = spec.methods.vicreg;
  if (vicreg) {
    candidates.push([() => invarianceHover(a, t), keyOf('invariance', vicreg.invarianceSpan, vicreg.span), vicreg.invarianceSpan]);
    candidates.push([() => varianceHover(a, t), keyOf('variance', vicreg.varianceSpan, vicreg.span), vicreg.varianceSpan]);
  }
  const g = spec.graph;
  if (g.kind === 'knn') candidates.push([() => knnHover(a, g.k, t), keyOf('k', g.valueSpan, g.span), g.valueSpan]);
  for (const [md, ...spans] of candidates) {
    if (!spans.some((s) => contains(s, offset))) continue;
    return hover(md(), ...spans);
  }
  return undefined;
}
