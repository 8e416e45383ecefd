/** The recommendation card: paradigm, reason, thresholds, spec α, regime, warnings. */
import type { Regime, Thresholds } from '../core/theories/alignment/types';
import type { AnalysisMessage, PanelModel, PanelProblem } from '../shared/webviewProtocol';
import { el } from './dom';
import { fmt, PARADIGM_LABEL } from './format';
import { requirementText } from './sections';

export interface CardActions {
  openSource(offset?: number): void;
}

const REGIME_TITLE: Record<Regime, string> = {
  'low-noise': 'Low noise',
  'high-noise': 'High noise',
  mixed: 'Mixed noise',
  'no-noise': 'No noise',
};

/** Plain-language regime explanation (Corollary 4.5). */
export function regimeExplanation(t: Thresholds): string {
  const b = fmt(t.boundary);
  switch (t.regime) {
    case 'low-noise':
      return `Low noise: noise variances all below η²/δ = ${b}, reconstruction needs less alignment.`;
    case 'high-noise':
      return `High noise: noise variances all above η²/δ = ${b}, joint-embedding needs less alignment.`;
    case 'mixed':
      return Number.isNaN(t.boundary)
        ? 'Mixed: some signal variance is zero, so the boundary η²/δ is undefined and Corollary 4.5 makes no claim.'
        : `Mixed: the noise variances straddle η²/δ = ${b}, so Corollary 4.5 makes no claim — compare the thresholds directly.`;
    case 'no-noise':
      return 'No noise: no noise component has positive variance, so nothing competes with the signal.';
  }
}

function paradigmClass(p: string): string {
  return p === 'reconstruction' ? 'p-rc' : p === 'joint-embedding' ? 'p-je' : 'p-either';
}

function metric(
  doc: Document,
  label: string,
  value: string,
  detail: string,
  verdict?: { ok: boolean; text: string },
  cls = '',
): HTMLElement {
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
  const model: PanelModel = message.model;
  const card = el(doc, 'section', 'card');
  card.setAttribute('aria-labelledby', 'rec-heading');
  const head = el(doc, 'div', 'card-head');
  const eyebrow = el(doc, 'div', 'eyebrow', 'Recommendation');
  eyebrow.id = 'rec-heading';
  const rec = model.recommendation;
  const paradigm = el(doc, 'div', `paradigm ${rec ? paradigmClass(rec.paradigm) : 'p-none'}`, rec ? PARADIGM_LABEL[rec.paradigm] ?? rec.paradigm : 'No recommendation');
  paradigm.setAttribute('data-testid', 'paradigm');
  head.append(eyebrow, paradigm);
  if (rec) {
    const reason = el(doc, 'p', 'reason', rec.reason);
    reason.setAttribute('data-testid', 'reason');
    head.append(reason);
  }
  card.append(head);

  const t = model.thresholds;
  const a = model.atAlpha;
  if (t) {
    const metrics = el(doc, 'div', 'metrics');
    const at = a ? ` at α = ${fmt(a.alpha)}` : '';
    metrics.append(
      metric(
        doc,
        'α_RC · reconstruction',
        thresholdValue(t.alpha2RC, t.alphaRC),
        requirementText(t.alpha2RC),
        a ? { ok: a.recovers.reconstruction, text: `${a.recovers.reconstruction ? 'recovers' : 'fails'}${at}` } : undefined,
        'm-rc',
      ),
      metric(
        doc,
        'α_JE · joint-embedding',
        thresholdValue(t.alpha2JE, t.alphaJE),
        requirementText(t.alpha2JE),
        a ? { ok: a.recovers.jointEmbedding, text: `${a.recovers.jointEmbedding ? 'recovers' : 'fails'}${at}` } : undefined,
        'm-je',
      ),
      metric(doc, 'Spec α', a ? fmt(a.alpha) : '—', a ? 'alignment set in the spec' : 'not set in the spec', undefined, 'm-alpha'),
    );
    for (const [i, m] of Array.from(metrics.children).entries()) m.setAttribute('data-testid', ['alpha-rc', 'alpha-je', 'alpha-spec'][i]);
    card.append(metrics);
    const squared = el(
      doc,
      'p',
      'detail-line',
      `α²_RC = ${fmt(t.alpha2RC)} · α²_JE = ${fmt(t.alpha2JE)} · δ = ${fmt(t.delta)} · η = ${fmt(t.eta)} · η²/δ = ${fmt(t.boundary)} · ` +
        `d = ${model.dimensions.d}, k = ${model.dimensions.k}` +
        (model.dimensions.latent !== model.dimensions.k ? `, latent = ${model.dimensions.latent}` : ''),
    );
    squared.setAttribute('data-testid', 'squared');
    card.append(squared);
    const regime = el(doc, 'div', `regime r-${t.regime}`);
    regime.append(el(doc, 'span', 'regime-badge', REGIME_TITLE[t.regime]), el(doc, 'span', 'regime-text', regimeExplanation(t)));
    regime.setAttribute('data-testid', 'regime');
    card.append(regime);
  } else {
    card.append(el(doc, 'p', 'detail-line', 'This spec is not in the paper’s diagonal form: closed-form thresholds are not available.'));
  }

  const warnings = model.problems.filter((p) => p.severity === 'warning' || p.severity === 'error');
  if (warnings.length) {
    const box = el(doc, 'div', 'warnings');
    box.append(el(doc, 'div', 'warnings-title', `Assumptions & findings (${warnings.length})`));
    const ul = el(doc, 'ul');
    for (const p of warnings.slice(0, 50)) ul.append(problemItem(doc, p, actions));
    box.append(ul);
    card.append(box);
  }
  return card;
}

function problemItem(doc: Document, p: PanelProblem, actions: CardActions | null): HTMLLIElement {
  const li = el(doc, 'li', `problem sev-${p.severity}`);
  li.append(el(doc, 'span', 'sev', p.severity === 'error' ? 'Error' : p.severity === 'warning' ? 'Warning' : 'Info'));
  li.append(el(doc, 'span', 'msg', p.message));
  if (actions) {
    const b = el(doc, 'button', 'link', `line ${p.line}`);
    b.type = 'button';
    b.title = `Go to line ${p.line} (${p.code})`;
    b.addEventListener('click', () => actions.openSource(p.offset));
    li.append(b);
  } else li.append(el(doc, 'span', 'line', `line ${p.line} · ${p.code}`));
  return li;
}
