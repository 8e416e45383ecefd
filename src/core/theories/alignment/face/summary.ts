/**
 * P1's one-line summary in the editor (docs/architecture.md §2): the CodeLens title
 * `α_RC = 0.764 · α_JE = 0.707 · joint-embedding`, the tooltip of the lens and the status bar
 * (both squared thresholds, what each needs, the recommendation's reason), and the label the
 * status bar shows.
 */
import { formatNumber } from '../../../format/format';
import type { EditorSummary, Localize } from '../../face';
import { requirement } from '../recommendation';
import type { Thresholds } from '../types';
import type { ViewsFit } from '../data/viewsFit';
import type { AlignmentPostedResult } from './posted';

/**
 * One threshold for display: `any` when every α ≥ 0 recovers (α² < 0), else sqrt(α²) to 3
 * significant figures (`∞` when no α does; 0 means "any α > 0").
 */
export function formatThreshold(alpha2: number, t: Localize): string {
  return alpha2 < 0 ? t('any') : formatNumber(Math.sqrt(alpha2), 3);
}

/** `α̂ = 0.238 (95% interval 0–0.345)` (an interval without an upper end: `…–∞`). */
export function fittedAlphaText(fit: Pick<ViewsFit, 'alpha' | 'alphaInterval'>, t: Localize): string {
  const hi = fit.alphaInterval[1];
  return t('α̂ = {0} (95% interval {1}–{2})', formatNumber(fit.alpha), formatNumber(fit.alphaInterval[0]), Number.isFinite(hi) ? formatNumber(hi) : '∞');
}

/** The tooltip's first line for a views spec: α̂, measured from the views, and the fit's residual (docs/theory.md §6.4). */
export function fitTooltipLine(fit: ViewsFit, t: Localize): string {
  return t('α measured from your views: {0}; fit residual {1}', fittedAlphaText(fit, t), formatNumber(fit.residual, 2));
}

/** `α_RC = 0.764 · α_JE = 0.707 · joint-embedding` */
export function thresholdsTitle(th: Thresholds, paradigm: string | undefined, t: Localize): string {
  const parts = [`α_RC = ${formatThreshold(th.alpha2RC, t)}`, `α_JE = ${formatThreshold(th.alpha2JE, t)}`];
  if (paradigm) parts.push(paradigm);
  return parts.join(' · ');
}

/** Plain-text summary of the thresholds (lens and status bar tooltips). */
export function thresholdsTooltip(result: AlignmentPostedResult, t: Localize): string {
  const th = result.thresholds;
  if (!th) return result.thresholds === null ? t("The problem is not in the paper's diagonal form: no closed-form thresholds (docs/theory.md A6).") : '';
  const lines = [
    ...(result.fit ? [fitTooltipLine(result.fit, t)] : []),
    t('Reconstruction: α²_RC = {0}, needs {1}', formatNumber(th.alpha2RC, 4), requirement(th.alpha2RC)),
    t('Joint-embedding: α²_JE = {0}, needs {1}', formatNumber(th.alpha2JE, 4), requirement(th.alpha2JE)),
  ];
  if (result.recommendation) lines.push('', result.recommendation.reason);
  return lines.join('\n');
}

export function alignmentSummary(result: AlignmentPostedResult, t: Localize): EditorSummary | undefined {
  const paradigm = result.recommendation?.paradigm;
  if (result.thresholds) return { title: thresholdsTitle(result.thresholds, paradigm, t), tooltip: thresholdsTooltip(result, t), label: paradigm ?? 'SSL' };
  if (result.thresholds === null)
    return { title: t('no closed-form thresholds (data mode)'), tooltip: thresholdsTooltip(result, t), label: paradigm ?? t('data mode') };
  return undefined;
}
