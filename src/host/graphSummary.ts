/**
 * Graph mode's numbers as the editor shows them (docs/theory.md §7): the CodeLens title, the
 * lens and status-bar tooltip, and the hovers on `embedding`, `methods.vicreg.invariance`,
 * `methods.vicreg.variance`, `graph.knn.k` and `graph`. Pure (no `vscode`): the hovers are
 * Markdown strings, unit-tested in Node.
 */
import { formatNumber } from '../core/format/format';
import type { GraphAnalysis, GraphRecommendation } from '../core/theories/spectralEmbedding/types';
import { vicregFacts } from '../preview/panelModel';

/** 3 significant figures. */
const f3 = (x: number): string => formatNumber(x, 3);

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `vicreg, low invariance`, `simclr`, `any method`. */
export function graphRecommendationText(r: GraphRecommendation): string {
  return `${r.method === 'any' ? 'any method' : r.method}${r.invariance ? `, ${r.invariance} invariance` : ''}`;
}

/** `3/8 (collapse)` or `8/8`. */
function rankOf(rank: number, bound: number): string {
  return `${rank}/${bound}${rank < bound ? ' (collapse)' : ''}`;
}

/** `VICReg rank 8/8 · SimCLR rank 3/8 (collapse) · vicreg, low invariance` */
export function graphLensTitle(a: GraphAnalysis): string {
  const K = a.dimensions.K;
  const parts: string[] = [];
  if (a.representation.vicreg) parts.push(`VICReg rank ${rankOf(a.representation.vicreg.rank, K)}`);
  if (a.representation.simclr) parts.push(`SimCLR rank ${rankOf(a.representation.simclr.rank, K)}`);
  if (a.linear.barlow) parts.push(`Barlow rank ${rankOf(a.linear.barlow.rank, Math.min(a.dimensions.D, K))}`);
  parts.push(graphRecommendationText(a.recommendation));
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

function pairAgreementText(a: GraphAnalysis): string | undefined {
  const al = a.alignment;
  if (!al) return undefined;
  return `pair agreement ${f3(al.pairAgreement)} (${al.aligned ? 'aligned with the labels, ≥ 0.9' : 'misaligned with the labels, < 0.9'})`;
}

/** Plain-text summary (the lens and status-bar tooltips). */
export function graphTooltip(a: GraphAnalysis): string {
  const { N, D, K } = a.dimensions;
  const g = a.graph;
  const lines = [`${g.kind} graph on N = ${N} rows (D = ${D}): ${plural(g.edges, 'edge')}, ${plural(g.components, 'connected component')}; K = ${K}`];
  const v = a.representation.vicreg;
  if (v && a.weights) {
    const x = vicregFacts(v, a.weights);
    lines.push(`VICReg (a = ${f3(x.variance)}, g = ${f3(x.invariance)}): a/(4g) = ${f3(x.cut)}, σ_k = 1 on ${x.full} of ${K} directions; rank ${v.rank}/${K}`);
  } else if (v) lines.push(`VICReg: rank ${v.rank}/${K}`);
  const s = a.representation.simclr;
  if (s) {
    lines.push(
      `SimCLR: ${s.rank} positive eigenvalue${s.rank === 1 ? '' : 's'} of D^-1/2 G D^-1/2 among the top ${K}; rank ${s.rank}/${K}` +
        (s.rank < K ? ` (collapse: ${plural(K - s.rank, 'dimension')} exactly 0)` : ''),
    );
  }
  const l = a.linear;
  const lb = Math.min(D, K);
  const linear = [l.vicreg ? `VICReg ${l.vicreg.rank}` : '', l.simclr ? `SimCLR ${l.simclr.rank}` : '', l.barlow ? `Barlow Twins ${l.barlow.rank}` : ''].filter(
    Boolean,
  );
  if (linear.length) lines.push(`linear ranks (of min(D, K) = ${lb}): ${linear.join(', ')}`);
  const pa = pairAgreementText(a);
  if (pa) lines.push(pa.charAt(0).toUpperCase() + pa.slice(1));
  lines.push('', `Recommendation: ${graphRecommendationText(a.recommendation)}. ${a.recommendation.reason}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Hovers (Markdown)

/** On `embedding`: K and what each method does with it. */
export function embeddingHover(a: GraphAnalysis): string {
  const { D, K } = a.dimensions;
  const lb = Math.min(D, K);
  const out = [`**embedding: K = ${K}**, the representation dimension (docs/theory.md §7.5, §7.6)\n`];
  const rows: string[] = [];
  const row = (name: string, rank: number, bound: number, what: string): void => {
    rows.push(`| ${name} | ${rank}/${bound}${rank < bound ? ` (collapse: ${plural(bound - rank, 'dimension')} 0)` : ''} | ${what} |`);
  };
  const r = a.representation;
  const l = a.linear;
  if (r.vicreg) row('VICReg', r.vicreg.rank, K, `σ_k > 0 on every direction (smallest ${f3(Math.min(...r.vicreg.sigma, 1))})`);
  if (r.simclr) row('SimCLR', r.simclr.rank, K, `positive eigenvalues of D^-1/2 G D^-1/2: ${head(r.simclr.eigenvalues, 4)}`);
  if (l.vicreg) row('VICReg, linear', l.vicreg.rank, lb, `μ_k: ${head(l.vicreg.mu, 4)}`);
  if (l.simclr) row('SimCLR, linear', l.simclr.rank, lb, `λ⁺: ${head(l.simclr.eigenvalues, 4)}`);
  if (l.barlow) row('Barlow Twins, linear', l.barlow.rank, lb, `correlations: ${head(l.barlow.correlations, 4)}`);
  if (rows.length) out.push('| method | rank | from |\n|---|---|---|\n' + rows.join('\n') + '\n');
  if (r.simclr && r.simclr.rank < K) {
    out.push(
      `SimCLR's kernel has only ${r.simclr.rank} positive eigenvalue${r.simclr.rank === 1 ? '' : 's'} among its top ${K}: the other ${plural(K - r.simclr.rank, 'dimension')} of its representation are exactly 0 (dimensional collapse). VICReg keeps all ${K}.`,
    );
  } else if (r.simclr) out.push(`No method collapses at K = ${K}.`);
  return out.join('\n');
}

/** On `methods.vicreg.invariance`: the cut a/(4g), how many σ_k = 1, the g that makes every σ_k = 1. */
export function invarianceHover(a: GraphAnalysis): string | undefined {
  const v = a.representation.vicreg;
  if (!v || !a.weights) return undefined;
  const x = vicregFacts(v, a.weights);
  const K = x.K;
  const out = [
    `**invariance: g = ${f3(x.invariance)}**, VICReg's invariance weight (docs/theory.md §7.5 (b))\n`,
    `With variance a = ${f3(x.variance)}: the cut **a/(4g) = ${f3(x.cut)}**. σ_k = 1 on **${x.full} of ${K}** directions (λ_k ≤ ${f3(x.cut)}); ` +
      (x.full < K ? `the other ${K - x.full} shrink to (a/(4gλ_k))², the smallest to ${f3(x.minSigma)}.` : 'none is shrunk.'),
    '',
    Number.isFinite(x.gAllFull)
      ? `Every σ_k = 1 for **g ≤ a/(4 max λ_k) = ${f3(x.gAllFull)}** (max λ_k = ${f3(x.maxLambda)}).`
      : 'Every λ_k is 0: every σ_k = 1 whatever g.',
    '',
    'A larger g trusts G more (it shrinks the directions of high Laplacian energy); a smaller g relies on G less. VICReg never drops a direction (σ_k > 0).',
  ];
  if (a.recommendation.method === 'vicreg' && a.recommendation.invariance) out.push('', `**Recommendation: ${graphRecommendationText(a.recommendation)}.**`);
  return out.join('\n');
}

/** On `methods.vicreg.variance`: the same cut seen from a. */
export function varianceHover(a: GraphAnalysis): string | undefined {
  const v = a.representation.vicreg;
  if (!v || !a.weights) return undefined;
  const x = vicregFacts(v, a.weights);
  return [
    `**variance: a = ${f3(x.variance)}**, VICReg's hinge variance weight (docs/theory.md §7.5 (b))\n`,
    `With invariance g = ${f3(x.invariance)}: the cut **a/(4g) = ${f3(x.cut)}**; σ_k = 1 on **${x.full} of ${x.K}** directions, the smallest σ_k is ${f3(x.minSigma)}.`,
    '',
    x.maxLambda > 0 ? `Every σ_k = 1 for **a ≥ 4g·max λ_k = ${f3(x.aAllFull)}** (max λ_k = ${f3(x.maxLambda)}).` : 'Every λ_k is 0: every σ_k = 1 whatever a.',
  ].join('\n');
}

/** On `graph.knn.k`: the graph it builds and its Laplacian. */
export function knnHover(a: GraphAnalysis, k: number): string {
  const g = a.graph;
  const out = [
    `**k = ${k}** nearest other rows per row (Euclidean, ties to the lower index), symmetrised by "or", weight 1 (docs/theory.md §7.2)\n`,
    `On N = ${a.dimensions.N} rows: **${plural(g.edges, 'edge')}**, **${plural(g.components, 'connected component')}**.  `,
    `Laplacian λ_0..${g.laplacian.length - 1} = ${head(g.laplacian, 8)}`,
  ];
  const pa = pairAgreementText(a);
  if (pa) out.push('', pa.charAt(0).toUpperCase() + pa.slice(1) + '.');
  out.push(
    '',
    g.components > 1
      ? `${g.components} components give ${g.components} zero eigenvalues: the first ${g.components - 1} VICReg directions only separate the components. A larger k connects them.`
      : 'A connected graph has one zero eigenvalue (the constant direction, which no method uses).',
  );
  return out.join('\n');
}

/** On the `graph` key: the relation and its spectrum. */
export function graphKeyHover(a: GraphAnalysis): string {
  const g = a.graph;
  const out = [
    `**graph: ${g.kind}**: the positive-pair relation G over N = ${a.dimensions.N} rows (docs/theory.md §7.2)\n`,
    `${plural(g.edges, 'edge')}, ${plural(g.components, 'connected component')}.  `,
    `Laplacian L = D_G − G, smallest eigenvalues: ${head(g.laplacian, 8)}`,
  ];
  const pa = pairAgreementText(a);
  if (pa) out.push('', pa.charAt(0).toUpperCase() + pa.slice(1) + '.');
  out.push('', `**Recommendation: ${graphRecommendationText(a.recommendation)}.** ${a.recommendation.reason}`);
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
