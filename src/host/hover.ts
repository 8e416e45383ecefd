/**
 * Hovers (docs/architecture.md §2): on `alpha` (key or value) the two thresholds, their squares,
 * whether each paradigm recovers at the spec's alpha, the recommendation and the regime;
 * on a spectrum of `signal` / `noise` (its value, or the block's key) the family and its
 * parameters, the count, the first values, the sum, the minimum and the maximum of the
 * evaluated spectrum (statistics the worker computes on the full arrays). In graph mode
 * (key or value): on `embedding` the rank of every method against K; on
 * `methods.vicreg.invariance` / `variance` the cut a/(4g), how many σ_k = 1 and the weight
 * that makes every σ_k = 1; on `graph.knn.k` and on `graph` the graph and its Laplacian.
 */
import * as vscode from 'vscode';
import { formatNumber as f } from '../core/format/format';
import { regimeSentence, requirement } from '../core/theories/alignment/recommendation';
import type { Span, SpectrumSpec } from '../core/spec/model';
import type { SerializableEngineResult, SerializableGraphResult, SpectrumStats } from '../shared/workerProtocol';
import { formatThreshold } from './codeLens';
import { hoverDoc } from '../core/spec/languageService';
import { engineFileName, isSpecDocument, offsetRange, SPEC_SELECTOR } from './documents';
import { embeddingHover, graphKeyHover, invarianceHover, keySpanBefore, knnHover, varianceHover } from './graphSummary';
import type { HostDeps, SolverClient } from './solverClient';

const contains = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end && s.end > s.start;

const sameSpan = (a: Span, b: Span | undefined): boolean => !!b && a.start === b.start && a.end === b.end;

const PART_LABEL = {
  signal: {
    variance: () => vscode.l10n.t('c_i, the signal variances'),
    augmentation: () => vscode.l10n.t('λ^Θ_i, the augmentation variances on the signal'),
  },
  noise: {
    variance: () => vscode.l10n.t('λ^Γ_j, the noise variances'),
    augmentation: () => vscode.l10n.t('λ^Θ_j, the augmentation variances on the noise'),
  },
} as const;

/** `power_law {first: 3e5, exponent: 1, offset: 0}`, `list of 3 values`, ... */
export function describeSpectrum(s: SpectrumSpec): string {
  const scale = s.scale !== undefined && s.scale !== 1 ? vscode.l10n.t(', scale {0}', f(s.scale, 4)) : '';
  switch (s.kind) {
    case 'flat':
      return vscode.l10n.t('flat {0}', f(s.value, 4)) + scale;
    case 'list':
      return (s.values.length === 1 ? vscode.l10n.t('explicit list of 1 value') : vscode.l10n.t('explicit list of {0} values', s.values.length)) + scale;
    case 'power_law':
      return vscode.l10n.t('power_law (first {0}, exponent {1}, offset {2})', f(s.first, 4), f(s.exponent, 4), f(s.offset, 4)) + scale;
    case 'exponential':
      return vscode.l10n.t('exponential (first {0}, rate {1})', f(s.first, 4), f(s.rate, 4)) + scale;
    case 'uniform':
      return vscode.l10n.t('uniform in [{0}, {1}), seed {2}', f(s.low, 4), f(s.high, 4), s.seed) + scale;
    case 'file':
      return vscode.l10n.t('file `{0}`', s.path) + scale;
  }
}

export function statsMarkdown(st: SpectrumStats): string {
  const more = st.count > st.head.length ? ', …' : '';
  const first = st.head.map((v) => f(v, 4)).join(', ') + more;
  return (
    (st.count === 1 ? vscode.l10n.t('1 component; first values: {0}', first) : vscode.l10n.t('{0} components; first values: {1}', st.count, first)) +
    '  \n' +
    vscode.l10n.t('sum {0} · min {1} · max {2}', f(st.sum, 4), f(st.min, 4), f(st.max, 4))
  );
}

export function alphaHover(result: SerializableEngineResult): vscode.MarkdownString | undefined {
  if (result.theory !== 'alignment') return undefined;
  const t = result.thresholds;
  const spec = result.spec;
  if (!spec) return undefined;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(
    vscode.l10n.t(
      '**alpha = {0}**: alignment of the augmentation with the noise (docs/theory.md §3)',
      spec.alpha !== undefined ? f(spec.alpha, 4) : vscode.l10n.t('(not set)'),
    ) + '\n\n',
  );
  if (!t) {
    md.appendMarkdown(
      result.thresholds === null
        ? vscode.l10n.t("No closed-form thresholds: the problem is not in the paper's diagonal form.")
        : vscode.l10n.t('No thresholds yet.'),
    );
    return md;
  }
  const at = result.atAlpha;
  const status = (recovers: boolean | undefined, alpha2: number): string =>
    recovers === undefined
      ? vscode.l10n.t('needs {0}', requirement(alpha2))
      : recovers
        ? vscode.l10n.t('✓ recovers')
        : vscode.l10n.t('✗ does not recover (needs {0})', requirement(alpha2));
  const last = at ? vscode.l10n.t('at α = {0}', f(at.alpha, 4)) : vscode.l10n.t('requirement');
  md.appendMarkdown(vscode.l10n.t('| | threshold | squared | {0} |', last) + '\n|---|---|---|---|\n');
  md.appendMarkdown(
    vscode.l10n.t(
      '| Reconstruction | α_RC = {0} | α²_RC = {1} | {2} |',
      formatThreshold(t.alpha2RC),
      f(t.alpha2RC, 4),
      status(at?.recovers.reconstruction, t.alpha2RC),
    ) + '\n',
  );
  md.appendMarkdown(
    vscode.l10n.t(
      '| Joint-embedding | α_JE = {0} | α²_JE = {1} | {2} |',
      formatThreshold(t.alpha2JE),
      f(t.alpha2JE, 4),
      status(at?.recovers.jointEmbedding, t.alpha2JE),
    ) + '\n\n',
  );
  if (result.recommendation) md.appendMarkdown(vscode.l10n.t('**Recommendation: {0}.**', result.recommendation.paradigm) + ' ');
  md.appendMarkdown(regimeSentence(t));
  return md;
}

export class SpecHoverProvider implements vscode.HoverProvider {
  constructor(private readonly solver: SolverClient) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!isSpecDocument(doc)) return undefined;
    return this.resultHover(doc, position) ?? definitionHover(doc, position);
  }

  /** Hovers with the numbers a key drives (from the analysis of exactly this version). */
  private resultHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const latest = this.solver.latestFor(doc); // spans are only valid for the analysed version
    const spec = latest?.result.spec;
    if (!latest || !spec) return undefined;
    const offset = doc.offsetAt(position);
    const result = latest.result;
    if (result.theory === 'spectralEmbedding') return graphHover(doc, offset, result);
    for (const span of [spec.alphaKeySpan, spec.alphaSpan]) {
      if (contains(span, offset)) {
        const md = alphaHover(result);
        return md ? new vscode.Hover(md, offsetRange(doc, span.start, span.end)) : undefined;
      }
    }
    if (result.theory !== 'alignment' || spec.mode !== 'spectral' || !result.spectrumStats) return undefined;
    for (const name of ['signal', 'noise'] as const) {
      const block = spec[name];
      const stats = result.spectrumStats[name];
      if (contains(block.keySpan, offset)) {
        const md = new vscode.MarkdownString(vscode.l10n.t('**{0}**: {1} components', name, stats.variance.count) + '\n\n');
        for (const part of ['variance', 'augmentation'] as const) {
          md.appendMarkdown(`*${name}.${part}* (${PART_LABEL[name][part]()}): ${describeSpectrum(block[part])}  \n${statsMarkdown(stats[part])}\n\n`);
        }
        return new vscode.Hover(md, offsetRange(doc, block.keySpan.start, block.keySpan.end));
      }
      for (const part of ['variance', 'augmentation'] as const) {
        const s = block[part];
        // An omitted augmentation (flat 0) carries the block key's span, handled above.
        if (sameSpan(s.span, block.keySpan) || !contains(s.span, offset)) continue;
        const md = new vscode.MarkdownString(`**${name}.${part}**: ${PART_LABEL[name][part]()}\n\n${describeSpectrum(s)}  \n${statsMarkdown(stats[part])}`);
        return new vscode.Hover(md, offsetRange(doc, s.span.start, s.span.end));
      }
    }
    return undefined;
  }
}

/**
 * The definition's documentation of the key (or the value's key) under the cursor, for every
 * key and spectrum family (src/core/spec/languageService.ts), also while the text has errors.
 */
export function definitionHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const h = hoverDoc(doc.getText(), doc.offsetAt(position), engineFileName(doc));
  return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), offsetRange(doc, h.start, h.end)) : undefined;
}

/** Graph mode's hovers: the key or the value under the cursor, with the numbers it drives. */
function graphHover(doc: vscode.TextDocument, offset: number, result: SerializableGraphResult): vscode.Hover | undefined {
  const spec = result.spec;
  const a = result.analysis;
  if (!spec || spec.mode !== 'graph' || !a) return undefined;
  const text = doc.getText();
  const hover = (md: string | undefined, ...spans: (Span | undefined)[]): vscode.Hover | undefined => {
    const span = spans.find((s) => contains(s, offset));
    return md && span ? new vscode.Hover(new vscode.MarkdownString(md), offsetRange(doc, span.start, span.end)) : undefined;
  };
  /** The span of `key` written before a value, searched within `block`. */
  const keyOf = (key: string, value: Span | undefined, block: Span | undefined): Span | undefined =>
    value ? keySpanBefore(text, value.start, key, block?.start ?? Math.max(0, value.start - 200)) : undefined;
  const candidates: [() => string | undefined, ...(Span | undefined)[]][] = [
    [() => embeddingHover(a, vscode.l10n.t), spec.embeddingKeySpan, spec.embeddingSpan],
    [() => graphKeyHover(a, vscode.l10n.t), spec.graphKeySpan],
  ];
  const vicreg = spec.methods.vicreg;
  if (vicreg) {
    candidates.push([() => invarianceHover(a, vscode.l10n.t), keyOf('invariance', vicreg.invarianceSpan, vicreg.span), vicreg.invarianceSpan]);
    candidates.push([() => varianceHover(a, vscode.l10n.t), keyOf('variance', vicreg.varianceSpan, vicreg.span), vicreg.varianceSpan]);
  }
  const g = spec.graph;
  if (g.kind === 'knn') candidates.push([() => knnHover(a, g.k, vscode.l10n.t), keyOf('k', g.valueSpan, g.span), g.valueSpan]);
  for (const [md, ...spans] of candidates) {
    if (!spans.some((s) => contains(s, offset))) continue;
    return hover(md(), ...spans);
  }
  return undefined;
}

export function registerHover(deps: HostDeps): vscode.Disposable {
  return vscode.languages.registerHoverProvider(SPEC_SELECTOR, new SpecHoverProvider(deps.solver));
}
