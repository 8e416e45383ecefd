/**
 * The one rule for the alignment α a P1 analysis is evaluated at (docs/theory.md §3): an
 * override (the CLI's `--alpha`, a what-if from the panel) wins; else data mode's additive
 * augmentation gives it (`augmentation.additive.alpha`); else the spec's top-level `alpha`.
 * Undefined when none is given.
 */
import type { Spec } from '../../spec/model';

export function resolveAlpha(spec: Spec, override?: number): number | undefined {
  if (override !== undefined) return override;
  if (spec.mode === 'data' && spec.augmentation?.kind === 'additive') return spec.augmentation.alpha;
  return 'alpha' in spec ? spec.alpha : undefined;
}
