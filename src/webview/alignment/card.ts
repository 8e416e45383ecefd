/**
 * The alignment theory's recommendation card (P1): paradigm, reason, thresholds, the spec's α,
 * the regime, the probe on your data, warnings.
 */
import type { AlignmentPanelModel, Regime, Thresholds } from '../../core/theories/alignment/index';
import { appendWarnings, cardHead, metric, type CardActions } from '../cardKit';
import { el } from '../dom';
import { fmt, paradigmLabel } from '../format';
import { t, type MessageKey } from '../l10n';
import { probeSentence, requirementText } from './sections';
import { pairedSentence, probeIntervalsSentence, renderFitBlock } from './views';

const REGIME_TITLE: Record<Regime, MessageKey> = {
  'low-noise': 'regimeLowNoise',
  'high-noise': 'regimeHighNoise',
  mixed: 'regimeMixed',
  'no-noise': 'regimeNoNoise',
};

/** Plain-language regime explanation (Corollary 4.5). */
export function regimeExplanation(th: Thresholds): string {
  const b = fmt(th.boundary);
  switch (th.regime) {
    case 'low-noise':
      return t('regimeExplainLow', b);
    case 'high-noise':
      return t('regimeExplainHigh', b);
    case 'mixed':
      return Number.isNaN(th.boundary) ? t('regimeExplainMixedUndefined') : t('regimeExplainMixed', b);
    case 'no-noise':
      return t('regimeExplainNoNoise');
  }
}

function paradigmClass(p: string): string {
  return p === 'reconstruction' ? 'p-rc' : p === 'joint-embedding' ? 'p-je' : 'p-either';
}

function thresholdValue(alpha2: number, eff: number): string {
  if (Number.isNaN(alpha2) || alpha2 === Infinity) return '∞';
  return fmt(eff);
}

/** The third tile: the spec's α, or α̂ when it was measured from your views (docs/theory.md §6.4). */
function alphaTile(doc: Document, model: AlignmentPanelModel): HTMLElement {
  const a = model.atAlpha;
  if (a && model.fit && a.alpha === model.fit.alpha) return metric(doc, t('metricFittedAlpha'), fmt(a.alpha), t('fittedAlphaDetail'), undefined, 'm-alpha');
  return metric(doc, t('metricSpecAlpha'), a ? fmt(a.alpha) : '—', a ? t('specAlphaSet') : t('specAlphaUnset'), undefined, 'm-alpha');
}

/** The probe's accuracies (with their intervals when measured) and the paired comparison of RC and JE (docs/theory.md §6.4.7). */
function appendProbe(doc: Document, card: HTMLElement, model: AlignmentPanelModel): void {
  const p = model.probe!;
  const probe = el(doc, 'p', 'detail-line probe-line', probeIntervalsSentence(p) ?? probeSentence(p));
  probe.setAttribute('data-testid', 'probe');
  card.append(probe);
  // The level of docs/theory.md §6.4.9 comes with the fit (a paired comparison exists only with views).
  const paired = pairedSentence(p, model.fit?.significance ?? 0.05);
  if (paired) {
    const line = el(doc, 'p', 'detail-line probe-line', paired);
    line.setAttribute('data-testid', 'probe-paired');
    card.append(line);
  }
}

export function renderAlignmentCard(doc: Document, model: AlignmentPanelModel, actions: CardActions | null): HTMLElement {
  const card = el(doc, 'section', 'card');
  card.setAttribute('aria-labelledby', 'rec-heading');
  const rec = model.recommendation;
  card.append(
    cardHead(doc, t('cardRecommendation'), rec && { title: paradigmLabel(rec.paradigm), paradigmClass: paradigmClass(rec.paradigm), reason: rec.reason }),
  );

  const th = model.thresholds;
  const a = model.atAlpha;
  if (th) {
    const metrics = el(doc, 'div', 'metrics');
    metrics.append(
      metric(
        doc,
        t('metricRc'),
        thresholdValue(th.alpha2RC, th.alphaRC),
        requirementText(th.alpha2RC),
        a ? { ok: a.recovers.reconstruction, text: t(a.recovers.reconstruction ? 'verdictRecoversAt' : 'verdictFailsAt', fmt(a.alpha)) } : undefined,
        'm-rc',
      ),
      metric(
        doc,
        t('metricJe'),
        thresholdValue(th.alpha2JE, th.alphaJE),
        requirementText(th.alpha2JE),
        a ? { ok: a.recovers.jointEmbedding, text: t(a.recovers.jointEmbedding ? 'verdictRecoversAt' : 'verdictFailsAt', fmt(a.alpha)) } : undefined,
        'm-je',
      ),
      alphaTile(doc, model),
    );
    for (const [i, m] of Array.from(metrics.children).entries()) m.setAttribute('data-testid', ['alpha-rc', 'alpha-je', 'alpha-spec'][i]);
    card.append(metrics);
    const squared = el(
      doc,
      'p',
      'detail-line',
      t('squaredLine', fmt(th.alpha2RC), fmt(th.alpha2JE), fmt(th.delta), fmt(th.eta), fmt(th.boundary), model.dimensions.d, model.dimensions.k) +
        (model.dimensions.latent !== model.dimensions.k ? t('squaredLatent', model.dimensions.latent) : ''),
    );
    squared.setAttribute('data-testid', 'squared');
    card.append(squared);
    const regime = el(doc, 'div', `regime r-${th.regime}`);
    regime.append(el(doc, 'span', 'regime-badge', t(REGIME_TITLE[th.regime])), el(doc, 'span', 'regime-text', regimeExplanation(th)));
    regime.setAttribute('data-testid', 'regime');
    card.append(regime);
  } else {
    card.append(el(doc, 'p', 'detail-line', t('notDiagonal')));
  }
  const fit = renderFitBlock(doc, model);
  if (fit) card.append(fit);
  if (model.probe) appendProbe(doc, card, model);

  appendWarnings(doc, card, model.problems, actions);
  return card;
}
