/**
 * P1's model fitted to your views (docs/theory.md §6.4) in the editor: the hover on
 * `augmentation.views` and the lines the `alpha` hover and the lens / status-bar tooltip add
 * when the spec has views. Every number is the engine's (`fit`, `thresholds`, the probe), with
 * the CLI's rounding; every sentence goes through the host's translator `t`.
 */
import { formatNumber as f } from '../../../format/format';
import type { Localize } from '../../face';
import type { ProbeResult } from '../data/probe';
import type { ViewsFit } from '../data/viewsFit';
import type { Thresholds } from '../types';
import { POOR_FIT_RESIDUAL } from '../viewsCuts';
import type { AlignmentPostedResult } from './posted';
import { fittedAlphaText, formatThreshold } from './summary';

/** `α̂ = 0.238 (95% interval 0–0.345) · α_RC = 85.1 · α_JE = 2.48` */
export function fittedLine(fit: ViewsFit, th: Thresholds | null | undefined, t: Localize): string {
  const parts = [fittedAlphaText(fit, t)];
  if (th) parts.push(`α_RC = ${formatThreshold(th.alpha2RC, t)}`, `α_JE = ${formatThreshold(th.alpha2JE, t)}`);
  return parts.join(' · ');
}

/** The fit's residual against the documented cut (docs/theory.md §6.4.5). */
export function residualText(fit: Pick<ViewsFit, 'residual'>, t: Localize): string {
  const r = f(fit.residual, 2);
  return fit.residual > POOR_FIT_RESIDUAL
    ? t("Fit residual {0} > {1}: your views are far from P1's shared-diagonal form, so the thresholds are a rough guide.", r, POOR_FIT_RESIDUAL)
    : t("Fit residual {0} ≤ {1}: your views are close to P1's shared-diagonal form.", r, POOR_FIT_RESIDUAL);
}

/** The important subspace in words (docs/theory.md §6.4.2). */
export function importantRuleText(fit: Pick<ViewsFit, 'important'>, t: Localize): string {
  const { dimension: k, rule, labelDirections: r } = fit.important;
  if (rule === 'labels') return t('Important subspace: the {0} label-carrying (Fisher) directions.', k);
  if (rule === 'labels+invariance')
    return t('Important subspace: {0} label-carrying (Fisher) directions and the {1} directions your views change least.', r, k - r);
  return t('Important subspace: the {0} directions your views change least (no labels).', k);
}

/** `Linear probe (201 test samples): reconstruction 80.1%, joint-embedding 78.6%, supervised 71.6%` */
export function probeLine(p: ProbeResult, t: Localize): string {
  const pct = (v: number) => `${f(100 * v, 3)}%`;
  const head = t('Linear probe ({0} test samples): reconstruction {1}, joint-embedding {2}', p.test, pct(p.reconstruction), pct(p.jointEmbedding));
  return p.supervised !== undefined ? head + t(', supervised {0}', pct(p.supervised)) : head;
}

/** The `alpha` hover's paragraph for a views spec: what was measured, and how well the model fits. */
export function fitParagraph(result: AlignmentPostedResult, t: Localize): string {
  const fit = result.fit;
  if (!fit) return '';
  const at = result.atAlpha?.alpha;
  const given = result.spec?.alpha;
  // With views the analysis compares the thresholds at the measured α̂ (docs/theory.md §6.4.9), not at the spec's alpha.
  const measured =
    at !== undefined && given !== undefined && at !== given ? `  \n${t("The recommendation uses the measured α̂ = {0}, not the spec's alpha.", f(at))}` : '';
  return `${t('**Measured from your views** (docs/theory.md §6.4):')} ${fittedLine(fit, result.thresholds, t)}  \n${residualText(fit, t)}${measured}`;
}

/** The hover on `augmentation.views`: the fit, its rule, its residual and the probe. */
export function viewsHover(result: AlignmentPostedResult, t: Localize): string | undefined {
  const fit = result.fit;
  if (!fit) return undefined;
  const lines = [
    t("**augmentation.views**: P1's model fitted to your views (docs/theory.md §6.4)"),
    '',
    fittedLine(fit, result.thresholds, t) + '  ',
    importantRuleText(fit, t) + '  ',
    residualText(fit, t),
  ];
  const probe = result.solutionSummary?.probe;
  if (probe) lines.push('', probeLine(probe, t));
  return lines.join('\n');
}
