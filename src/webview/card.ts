/**
 * The recommendation card. Alignment theory: paradigm, reason, thresholds, spec α, regime,
 * warnings. Graph mode: method (and invariance), reason, the representation ranks against
 * K, the pair agreement, the dimensions N, D, K and the graph, warnings.
 */
import type { Regime, Thresholds } from '../core/theories/alignment/types';
import type { AlignmentPanelModel, AnalysisMessage, GraphPanelModel, PanelProblem } from '../shared/webviewProtocol';
import { el } from './dom';
import { t, type MessageKey } from './l10n';
import { fmt, methodTitle, paradigmLabel } from './format';
import { probeSentence, requirementText } from './sections';

export interface CardActions {
  openSource(offset?: number): void;
}

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

function metric(doc: Document, label: string, value: string, detail: string, verdict?: { ok: boolean; text: string }, cls = ''): HTMLElement {
  const tile = el(doc, 'div', `metric ${cls}`.trim());
  tile.append(el(doc, 'div', 'metric-label', label), el(doc, 'div', 'metric-value', value), el(doc, 'div', 'metric-detail', detail));
  if (verdict) {
    const v = el(doc, 'div', `verdict ${verdict.ok ? 'ok' : 'bad'}`);
    v.append(el(doc, 'span', 'verdict-mark', verdict.ok ? '✓' : '✗'), doc.createTextNode(` ${verdict.text}`));
    tile.append(v);
  }
  return tile;
}

function thresholdValue(alpha2: number, eff: number): string {
  if (Number.isNaN(alpha2) || alpha2 === Infinity) return '∞';
  return fmt(eff);
}

/** Build the card's content (used by the panel and, non-interactive, by the HTML report). */
export function renderCard(doc: Document, message: AnalysisMessage, actions: CardActions | null): HTMLElement {
  const model = message.model;
  return model.theory === 'spectralEmbedding' ? renderGraphCard(doc, model, actions) : renderAlignmentCard(doc, model, actions);
}

function renderAlignmentCard(doc: Document, model: AlignmentPanelModel, actions: CardActions | null): HTMLElement {
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
    const reason = el(doc, 'p', 'reason', rec.reason);
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

function appendWarnings(doc: Document, card: HTMLElement, problems: PanelProblem[], actions: CardActions | null): void {
  const warnings = problems.filter((p) => p.severity === 'warning' || p.severity === 'error');
  if (!warnings.length) return;
  const box = el(doc, 'div', 'warnings');
  box.append(el(doc, 'div', 'warnings-title', t('warningsTitle', warnings.length)));
  const ul = el(doc, 'ul');
  for (const p of warnings.slice(0, 50)) ul.append(problemItem(doc, p, actions));
  box.append(ul);
  card.append(box);
}

/** `N = 1000 rows · D = 64 features · K = 16` */
export function graphDimensionsText(model: GraphPanelModel): string {
  const d = model.dimensions;
  return d ? t('graphDims', d.N, d.D, d.K) : '';
}

/** `3/8`, and whether the rank is below K (dimensional collapse). */
function rankText(rank: number, K: number): { value: string; collapsed: boolean } {
  return { value: `${rank}/${K}`, collapsed: rank < K };
}

/** Graph mode's card (docs/theory.md §7): method, reason, ranks against K, pair agreement, N/D/K. */
function renderGraphCard(doc: Document, model: GraphPanelModel, actions: CardActions | null): HTMLElement {
  const card = el(doc, 'section', 'card graph-card');
  card.setAttribute('aria-labelledby', 'rec-heading');
  const head = el(doc, 'div', 'card-head');
  const eyebrow = el(doc, 'div', 'eyebrow', t('graphEyebrow'));
  eyebrow.id = 'rec-heading';
  const rec = model.recommendation;
  const method = el(doc, 'div', `paradigm ${rec ? `p-${rec.method}` : 'p-none'}`, rec ? methodTitle(rec.method, rec.invariance) : t('cardNoRecommendation'));
  method.setAttribute('data-testid', 'paradigm');
  head.append(eyebrow, method);
  if (rec) {
    const reason = el(doc, 'p', 'reason', rec.reason);
    reason.setAttribute('data-testid', 'reason');
    head.append(reason);
  }
  card.append(head);

  const dims = model.dimensions;
  if (dims) {
    const K = dims.K;
    const metrics = el(doc, 'div', 'metrics');
    const v = model.representation.vicreg;
    const sw = model.sigmaSweep;
    if (v) {
      const r = rankText(v.rank, K);
      const tile = metric(
        doc,
        t('rankVicregLabel'),
        r.value,
        sw ? t('rankVicregSweep', sw.full, K, fmt(sw.invariance)) : t('rankVicregUsed', v.rank, K),
        { ok: !r.collapsed, text: r.collapsed ? t(K - v.rank === 1 ? 'vicregCollapseOne' : 'vicregCollapseMany', K - v.rank) : t('fullRank') },
        'm-vicreg',
      );
      tile.setAttribute('data-testid', 'rank-vicreg');
      metrics.append(tile);
    }
    const c = model.representation.simclr;
    if (c) {
      const r = rankText(c.rank, K);
      const tile = metric(
        doc,
        t('rankSimclrLabel'),
        r.value,
        t('rankSimclrDetail', K),
        { ok: !r.collapsed, text: r.collapsed ? t(K - c.rank === 1 ? 'simclrCollapseOne' : 'simclrCollapseMany', K - c.rank) : t('fullRank') },
        'm-simclr',
      );
      tile.setAttribute('data-testid', 'rank-simclr');
      metrics.append(tile);
    }
    const al = model.alignment;
    const agreement = metric(
      doc,
      t('agreementLabel'),
      al ? fmt(al.pairAgreement) : '—',
      al ? t('agreementDetail') : t('agreementNoLabels'),
      al ? { ok: al.aligned, text: al.aligned ? t('agreementAligned') : t('agreementMisaligned') } : undefined,
      'm-agreement',
    );
    agreement.setAttribute('data-testid', 'agreement');
    metrics.append(agreement);
    card.append(metrics);

    const parts = [graphDimensionsText(model)];
    const g = model.graph;
    if (g) {
      parts.push(
        t(
          'graphKindLine',
          g.kind,
          t(g.edges === 1 ? 'edgesOne' : 'edgesMany', g.edges),
          t(g.components === 1 ? 'componentsOne' : 'componentsMany', g.components),
        ),
      );
    }
    if (sw) parts.push(`a = ${fmt(sw.variance)}, g = ${fmt(sw.invariance)}, a/(4g) = ${fmt(sw.cut)}`);
    const lin = model.linear;
    const linear = [
      lin.vicreg ? t('linearVicreg', lin.vicreg.rank) : '',
      lin.simclr ? t('linearSimclr', lin.simclr.rank) : '',
      lin.barlow ? t('linearBarlow', lin.barlow.rank) : '',
    ].filter(Boolean);
    if (linear.length) parts.push(t('linearRanks', linear.join(t('listSeparator'))));
    const line = el(doc, 'p', 'detail-line', parts.join(' · '));
    line.setAttribute('data-testid', 'graph-dims');
    card.append(line);
  } else {
    card.append(el(doc, 'p', 'detail-line', t('graphDidNotRun')));
  }
  appendWarnings(doc, card, model.problems, actions);
  return card;
}

function problemItem(doc: Document, p: PanelProblem, actions: CardActions | null): HTMLLIElement {
  const li = el(doc, 'li', `problem sev-${p.severity}`);
  li.append(el(doc, 'span', 'sev', t(p.severity === 'error' ? 'sevError' : p.severity === 'warning' ? 'sevWarning' : 'sevInfo')));
  li.append(el(doc, 'span', 'msg', p.message));
  if (actions) {
    const b = el(doc, 'button', 'link', t('problemLine', p.line));
    b.type = 'button';
    b.title = t('problemGoTo', p.line, p.code);
    b.addEventListener('click', () => actions.openSource(p.offset));
    li.append(b);
  } else li.append(el(doc, 'span', 'line', t('problemLineCode', p.line, p.code)));
  return li;
}
