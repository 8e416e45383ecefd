/** Graph mode in `sslexp analyze`: the pinned JSON document and the readable text. */
import { formatNumber as f } from '../../../format/format';
import type { CliContext } from '../../face';
import type { GraphAnalysis, InvarianceSweep, SpectralEmbeddingEngineResult } from '../types';
import { vicregCut, type VicregFiniteB } from '../vicreg';

/** `analyze --json` of a graph-mode spec besides `file` and `problems` (docs/theory.md §7; keys pinned by the CLI tests). */
export function graphAnalysisJson(r: SpectralEmbeddingEngineResult): Record<string, unknown> {
  const a = r.analysis;
  return {
    mode: r.mode ?? null,
    name: r.spec?.name ?? null,
    dimensions: a?.dimensions ?? null,
    graph: a?.graph ?? null,
    representation: a?.representation ?? null,
    linear: a?.linear ?? null,
    alignment: a?.alignment ?? null,
    recommendation: a?.recommendation ?? null,
    invarianceSweep: a?.invarianceSweep ?? null,
  };
}

/** Values listed on one line at most. */
const LIST_HEAD = 8;

/**
 * A list to 3 significant figures (`0, 0.198, 0.403`); beyond `n` values its head and its
 * last two values (`0, 0, 0, 0, 0, 0, …, 100, 100 (16 values)`). Rounding noise of an
 * eigensolver (|x| ≤ 1e-12 of the list's largest) is written as 0.
 */
export function listHead(values: readonly number[], n = LIST_HEAD): string {
  if (values.length === 0) return '(none)';
  const scale = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 1);
  const fmt = (v: number): string => f(Math.abs(v) <= 1e-12 * scale ? 0 : v, 3);
  if (values.length <= n) return values.map(fmt).join(', ');
  const tail = Math.max(0, Math.min(2, n - 1));
  const last = tail ? `, ${values.slice(-tail).map(fmt).join(', ')}` : '';
  return `${values
    .slice(0, Math.max(1, n - tail))
    .map(fmt)
    .join(', ')}, …${last} (${values.length} values)`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `3/8 (collapse: 5 dimensions are 0)` or `8/8`. */
function rank(r: number, bound: number): string {
  return `${r}/${bound}${r < bound ? ` (collapse: ${plural(bound - r, 'dimension')} ${bound - r === 1 ? 'is' : 'are'} 0)` : ''}`;
}

/** VICReg at the spec's finite covariance weight b (docs/theory.md §7.9.4). */
function finiteBText(fb: VicregFiniteB | undefined, K: number): string[] {
  if (!fb) return [];
  return [`    at b = ${f(fb.covariance, 4)}: rank ${rank(fb.rank, K)}, loss ${f(fb.loss, 6)} (the b → ∞ closed form: ${f(fb.limitLoss, 6)})`];
}

/** The invariance sweep scored by k-NN (docs/theory.md §7.9.5), as a short table of g and accuracy. */
function sweepText(sw: InvarianceSweep): string[] {
  const cells = sw.g.map((g, i) => `${f(g, 3)}: ${f(100 * sw.knn[i], 3)}%`);
  return [
    `  invariance sweep (leave-one-out ${sw.k}-NN accuracy of VICReg's representation on ${sw.rows} rows; best at g = ${f(sw.best, 3)}):`,
    `    ${cells.join(', ')}`,
  ];
}

/** How the spec builds G, as the text names it. */
function graphKindText(r: SpectralEmbeddingEngineResult, a: GraphAnalysis, safeText: (s: string) => string): string {
  const g = r.spec?.graph;
  switch (g?.kind) {
    case 'views':
      return `views graph (${g.views} views per sample)`;
    case 'labels':
      return 'labels graph (G_ij = 1 when y_i = y_j)';
    case 'knn':
      return `knn graph (k = ${g.k})`;
    case 'edges':
      return `edges graph (${plural(g.edges.length, 'pair')} listed)`;
    case 'edges-file':
      return `edges graph (pairs from ${safeText(g.path)})`;
    default:
      return `${a.graph.kind} graph`;
  }
}

/** The same in a few readable lines (like spectral mode's `alignmentText`). */
export function graphAnalysisText(r: SpectralEmbeddingEngineResult, context: CliContext): string[] {
  const { safe: safeText, problems } = context;
  const lines = [`${context.file}${r.spec?.name ? ` — ${safeText(r.spec.name)}` : ''}`];
  const a = r.analysis;
  if (a) {
    const { N, D, K } = a.dimensions;
    const g = a.graph;
    lines.push(`  graph mode: N = ${N} rows × D = ${D} features, K = ${K}`);
    lines.push(`  ${graphKindText(r, a, safeText)}: ${plural(g.edges, 'edge')}, ${plural(g.components, 'connected component')}`);
    lines.push(`  Laplacian λ_0..${Math.max(0, g.laplacian.length - 1)} = ${listHead(g.laplacian)}`);
    const v = a.representation.vicreg;
    if (v) {
      const w = a.weights;
      const weights = w ? ` (a = ${f(w.variance, 4)}, g = ${f(w.invariance, 4)}; a/(4g) = ${f(vicregCut(w.variance, w.invariance), 3)})` : '';
      const full = v.sigma.filter((s) => s >= 1 - 1e-9).length;
      lines.push(`  VICReg${weights}: rank ${rank(v.rank, K)} (b → ∞), σ_k = 1 on ${full} of ${K}`);
      lines.push(`    λ_1..${v.eigenvalues.length} = ${listHead(v.eigenvalues)}`);
      lines.push(`    σ   = ${listHead(v.sigma)}`);
      lines.push(...finiteBText(v.finite, K));
    }
    const s = a.representation.simclr;
    if (s) lines.push(`  SimCLR: rank ${rank(s.rank, K)}; eigenvalues of D^(−1/2) G D^(−1/2) = ${listHead(s.eigenvalues)}`);
    const l = a.linear;
    const lb = Math.min(D, K);
    const linear = [
      l.vicreg ? `VICReg ${l.vicreg.rank} (b → ∞${l.vicreg.finite ? `; ${l.vicreg.finite.rank} at b = ${f(l.vicreg.finite.covariance, 4)}` : ''})` : '',
      l.simclr ? `SimCLR ${l.simclr.rank}` : '',
      l.barlow ? `Barlow Twins ${l.barlow.rank}` : '',
    ].filter(Boolean);
    if (linear.length) lines.push(`  linear ranks (of min(D, K) = ${lb}): ${linear.join(', ')}`);
    if (l.barlow) lines.push(`  Barlow Twins: rank ${rank(l.barlow.rank, lb)}; canonical correlations = ${listHead(l.barlow.correlations)}`);
    if (a.alignment) {
      const al = a.alignment;
      lines.push(
        `  pair agreement: ${f(al.pairAgreement, 4)}, class coverage: ${f(al.classCoverage, 4)} (${al.aligned ? 'aligned with the labels: both ≥ 0.9' : 'not aligned with the labels: not both ≥ 0.9'})`,
      );
    }
    if (a.invarianceSweep) lines.push(...sweepText(a.invarianceSweep));
    const rec = a.recommendation;
    lines.push(
      `  recommendation: ${rec.method === 'any' ? 'any method' : rec.method}${rec.invariance ? `, ${rec.invariance} invariance` : ''}${rec.g !== null ? ` (g = ${f(rec.g, 3)})` : ''}${rec.lowData ? '; low data (N < 10 D)' : ''}`,
    );
    lines.push(`    ${rec.reason}`);
  }
  if (problems.length) {
    lines.push('  problems:');
    for (const q of problems) lines.push(`    ${q.line}:${q.column}: ${q.severity} ${q.code}: ${safeText(q.message)}`);
  }
  return lines;
}
