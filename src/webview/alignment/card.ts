/**
 * The alignment theory's recommendation card (P1): paradigm, reason, thresholds, the spec's α,
 * the regime, the probe on your data, warnings.
 */
import type { AlignmentPanelModel, Regime, Thresholds } from '../../core/theories/alignment/index';
import { appendWarnings, metric, type CardActions } from '../cardKit';
import { citedElement } from '../docLinks';
import { el } from '../dom';
import { fmt, paradigmLabel } from '../format';
import { t, type MessageKey } from '../l10n';
import { probeSentence, requirementText } from './sections';

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

export function renderAlignmentCard(doc: Document, model: AlignmentPanelModel, actions: CardActions | null): HTMLElement {
  const card = el(doc, 'section', 'card');
  card.setAttribute('aria-labelledby', 'rec-heading');
  const head = el(doc, 'div', 'card-head');
  const eyebrow = el(doc, 'div', 'eyebrow', t('cardRecommendation'));
  eyebrow.id = 'rec-heading';
  const rec = model.recommendation;
  const paradigm = el(doc, 'div', `paradigm ${rec ? paradigmClass(rec.paradigm) : 'p-none'}`, rec ? paradigmLabel(rec.paradigm) : t('cardNoRecommendation'));
  paradigm.setAttribute('data-testid', 'paradigm');
  head.append(eyebrow, paradigm);
  if (rec) {
    const reason = citedElement(doc, 'p', 'reason', rec.reason);
    reason.setAttribute('data-testid', 'reason');
    head.append(reason);
  }
  card.append(head);

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
      metric(doc, t('metricSpecAlpha'), a ? fmt(a.alpha) : '—', a ? t('specAlphaSet') : t('specAlphaUnset'), undefined, 'm-alpha'),
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
  if (model.probe) {
    const probe = el(doc, 'p', 'detail-line probe-line', probeSentence(model.probe));
    probe.setAttribute('data-testid', 'probe');
    card.append(probe);
  }

  appendWarnings(doc, card, model.problems, actions);
  return card;
}
