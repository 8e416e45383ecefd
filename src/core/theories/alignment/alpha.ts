/**
 * The one rule for which α an analysis of P1's theory is evaluated at (docs/theory.md §5,
 * "Recommendation, findings and the quick fix"), and where that α is written in the spec.
 * The CLI, the worker and the editor features call these instead of reading the spec.
 */
import type { DataSpec, Span, SpectralSpec } from '../../spec/model';

export interface AlphaOptions {
  /** An explicit α (CLI `--alpha`, the panel's what-if): it wins over everything else. */
  alpha?: number;
}

/**
 * The α of an analysis: `options.alpha` first; then, in data mode with an additive
 * augmentation, `augmentation.additive.alpha` (which the parser defaults to the top-level
 * `alpha`, else 0); then the top-level `alpha`; with your own views (`augmentation.views`,
 * or a moments file's views with no augmentation) the α measured from them (`measured`, docs/theory.md §6.4.4). Undefined when none is known.
 */
export function resolveAlpha(spec: SpectralSpec | DataSpec, options: AlphaOptions = {}, measured?: number): number | undefined {
  if (options.alpha !== undefined) return options.alpha;
  if (spec.mode === 'data') {
    const aug = spec.augmentation;
    if (aug?.kind === 'additive') return aug.alpha;
    // your own views, named in the spec or carried by a moments file (its own augmentation)
    if (aug?.kind === 'views' || (aug === undefined && measured !== undefined)) return measured;
  }
  return spec.alpha;
}

/**
 * Where the spec's α value is written, for findings and quick fixes: the additive
 * augmentation's own `alpha` when written, else the top-level `alpha` when the analysis
 * uses it; undefined when the α comes from elsewhere (a default, your own views).
 */
export function alphaValueSpan(spec: SpectralSpec | DataSpec): Span | undefined {
  if (spec.mode === 'data') {
    const aug = spec.augmentation;
    if (aug?.kind === 'additive') return aug.alphaSpan ?? (aug.alpha === spec.alpha ? spec.alphaSpan : undefined);
    if (aug?.kind === 'views') return undefined;
  }
  return spec.alphaSpan;
}
