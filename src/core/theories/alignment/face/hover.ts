/**
 * P1's hovers with numbers (docs/architecture.md §2): on `alpha` (key or value) the two
 * thresholds, their squares, whether each paradigm recovers at the spec's α, the
 * recommendation and the regime; on a spectrum of `signal` / `noise` (its value, or the
 * block's key) the family and its parameters, the count, the first values, the sum, the
 * minimum and the maximum of the evaluated spectrum (statistics the worker computed on the
 * full arrays). Markdown strings, unit-tested in Node.
 */
import { formatNumber as f } from '../../../format/format';
import type { Span, SpectrumSpec } from '../../../spec/model';
import type { HoverAnswer, Localize } from '../../face';
import { regimeSentence, requirement } from '../recommendation';
import type { AlignmentPostedResult, SpectrumStats } from './posted';
import { formatThreshold } from './summary';
import { fitParagraph, viewsHover } from './viewsText';

const contains = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end && s.end > s.start;

const sameSpan = (a: Span, b: Span | undefined): boolean => !!b && a.start === b.start && a.end === b.end;

const PART_LABEL = {
  signal: {
    variance: (t: Localize) => t('c_i, the signal variances'),
    augmentation: (t: Localize) => t('λ^Θ_i, the augmentation variances on the signal'),
  },
  noise: {
    variance: (t: Localize) => t('λ^Γ_j, the noise variances'),
    augmentation: (t: Localize) => t('λ^Θ_j, the augmentation variances on the noise'),
  },
} as const;

/** `power_law (first 3e+5, exponent 1, offset 0)`, `explicit list of 3 values`, ... */
export function describeSpectrum(s: SpectrumSpec, t: Localize): string {
  const scale = s.scale !== undefined && s.scale !== 1 ? t(', scale {0}', f(s.scale, 4)) : '';
  switch (s.kind) {
    case 'flat':
      return t('flat {0}', f(s.value, 4)) + scale;
    case 'list':
      return (s.values.length === 1 ? t('explicit list of 1 value') : t('explicit list of {0} values', s.values.length)) + scale;
    case 'power_law':
      return t('power_law (first {0}, exponent {1}, offset {2})', f(s.first, 4), f(s.exponent, 4), f(s.offset, 4)) + scale;
    case 'exponential':
      return t('exponential (first {0}, rate {1})', f(s.first, 4), f(s.rate, 4)) + scale;
    case 'uniform':
      return t('uniform in [{0}, {1}), seed {2}', f(s.low, 4), f(s.high, 4), s.seed) + scale;
    case 'file':
      return t('file `{0}`', s.path) + scale;
  }
}

export function statsMarkdown(st: SpectrumStats, t: Localize): string {
  const more = st.count > st.head.length ? ', …' : '';
  const first = st.head.map((v) => f(v, 4)).join(', ') + more;
  return (
    (st.count === 1 ? t('1 component; first values: {0}', first) : t('{0} components; first values: {1}', st.count, first)) +
    '  \n' +
    t('sum {0} · min {1} · max {2}', f(st.sum, 4), f(st.min, 4), f(st.max, 4))
  );
}

/** On `alpha`: the thresholds, whether each paradigm recovers, the recommendation and the regime. */
export function alphaHover(result: AlignmentPostedResult, t: Localize): string | undefined {
  const th = result.thresholds;
  const spec = result.spec;
  if (!spec) return undefined;
  let md =
    t('**alpha = {0}**: alignment of the augmentation with the noise (docs/theory.md §3)', spec.alpha !== undefined ? f(spec.alpha, 4) : t('(not set)')) +
    '\n\n';
  if (!th) {
    return md + (result.thresholds === null ? t("No closed-form thresholds: the problem is not in the paper's diagonal form.") : t('No thresholds yet.'));
  }
  const at = result.atAlpha;
  const status = (recovers: boolean | undefined, alpha2: number): string =>
    recovers === undefined ? t('needs {0}', requirement(alpha2)) : recovers ? t('✓ recovers') : t('✗ does not recover (needs {0})', requirement(alpha2));
  const last = at ? t('at α = {0}', f(at.alpha, 4)) : t('requirement');
  md += t('| | threshold | squared | {0} |', last) + '\n|---|---|---|---|\n';
  md +=
    t(
      '| Reconstruction | α_RC = {0} | α²_RC = {1} | {2} |',
      formatThreshold(th.alpha2RC, t),
      f(th.alpha2RC, 4),
      status(at?.recovers.reconstruction, th.alpha2RC),
    ) + '\n';
  md +=
    t(
      '| Joint-embedding | α_JE = {0} | α²_JE = {1} | {2} |',
      formatThreshold(th.alpha2JE, t),
      f(th.alpha2JE, 4),
      status(at?.recovers.jointEmbedding, th.alpha2JE),
    ) + '\n\n';
  if (result.fit) md += fitParagraph(result, t) + '\n\n';
  if (result.recommendation) md += t('**Recommendation: {0}.**', result.recommendation.paradigm) + ' ';
  return md + regimeSentence(th);
}

/** On a spectral block's key or one of its spectra: the family and the statistics of the evaluated values. */
function spectrumHover(result: AlignmentPostedResult, offset: number, t: Localize): HoverAnswer | undefined {
  const spec = result.spec;
  if (!spec || spec.mode !== 'spectral' || !result.spectrumStats) return undefined;
  for (const name of ['signal', 'noise'] as const) {
    const block = spec[name];
    const stats = result.spectrumStats[name];
    if (contains(block.keySpan, offset)) {
      let md = t('**{0}**: {1} components', name, stats.variance.count) + '\n\n';
      for (const part of ['variance', 'augmentation'] as const) {
        md += `*${name}.${part}* (${PART_LABEL[name][part](t)}): ${describeSpectrum(block[part], t)}  \n${statsMarkdown(stats[part], t)}\n\n`;
      }
      return { markdown: md, start: block.keySpan.start, end: block.keySpan.end };
    }
    for (const part of ['variance', 'augmentation'] as const) {
      const s = block[part];
      // An omitted augmentation (flat 0) carries the block key's span, handled above.
      if (sameSpan(s.span, block.keySpan) || !contains(s.span, offset)) continue;
      const markdown = `**${name}.${part}**: ${PART_LABEL[name][part](t)}\n\n${describeSpectrum(s, t)}  \n${statsMarkdown(stats[part], t)}`;
      return { markdown, start: s.span.start, end: s.span.end };
    }
  }
  return undefined;
}

export function alignmentHover(result: AlignmentPostedResult, _text: string, offset: number, t: Localize): HoverAnswer | undefined {
  const spec = result.spec;
  if (!spec) return undefined;
  for (const span of [spec.alphaKeySpan, spec.alphaSpan]) {
    if (contains(span, offset)) {
      const markdown = alphaHover(result, t);
      return markdown ? { markdown, start: span.start, end: span.end } : undefined;
    }
  }
  const aug = spec.mode === 'data' ? spec.augmentation : undefined;
  if (aug?.kind === 'views' && result.fit && (contains(aug.span, offset) || contains(aug.fileSpan, offset))) {
    const markdown = viewsHover(result, t);
    const at = contains(aug.fileSpan, offset) ? aug.fileSpan : aug.span;
    return markdown ? { markdown, start: at.start, end: at.end } : undefined;
  }
  return spectrumHover(result, offset, t);
}
