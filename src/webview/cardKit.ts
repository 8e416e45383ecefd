/**
 * What every theory's recommendation card shares: the card's actions, its head (the eyebrow,
 * the recommendation and its cited reason), a metric tile with its verdict, and the list of
 * warnings that link to the spec.
 */
import type { PanelProblem } from '../shared/webviewProtocol';
import { citedElement } from './docLinks';
import { el } from './dom';
import { t } from './l10n';

export interface CardActions {
  openSource(offset?: number): void;
}

/**
 * The card's head: the eyebrow (the card's accessible label, `rec-heading`), the recommendation
 * in `paradigmClass` (or "No recommendation") and its reason with citations linked.
 */
export function cardHead(doc: Document, eyebrowText: string, rec: { title: string; paradigmClass: string; reason: string } | null): HTMLElement {
  const head = el(doc, 'div', 'card-head');
  const eyebrow = el(doc, 'div', 'eyebrow', eyebrowText);
  eyebrow.id = 'rec-heading';
  const paradigm = el(doc, 'div', `paradigm ${rec ? rec.paradigmClass : 'p-none'}`, rec ? rec.title : t('cardNoRecommendation'));
  paradigm.setAttribute('data-testid', 'paradigm');
  head.append(eyebrow, paradigm);
  if (rec) {
    const reason = citedElement(doc, 'p', 'reason', rec.reason);
    reason.setAttribute('data-testid', 'reason');
    head.append(reason);
  }
  return head;
}

export function metric(doc: Document, label: string, value: string, detail: string, verdict?: { ok: boolean; text: string }, cls = ''): HTMLElement {
  const tile = el(doc, 'div', `metric ${cls}`.trim());
  tile.append(el(doc, 'div', 'metric-label', label), el(doc, 'div', 'metric-value', value), el(doc, 'div', 'metric-detail', detail));
  if (verdict) {
    const v = el(doc, 'div', `verdict ${verdict.ok ? 'ok' : 'bad'}`);
    v.append(el(doc, 'span', 'verdict-mark', verdict.ok ? '✓' : '✗'), doc.createTextNode(` ${verdict.text}`));
    tile.append(v);
  }
  return tile;
}

export function appendWarnings(doc: Document, card: HTMLElement, problems: PanelProblem[], actions: CardActions | null): void {
  const warnings = problems.filter((p) => p.severity === 'warning' || p.severity === 'error');
  if (!warnings.length) return;
  const box = el(doc, 'div', 'warnings');
  box.append(el(doc, 'div', 'warnings-title', t('warningsTitle', warnings.length)));
  const ul = el(doc, 'ul');
  for (const p of warnings.slice(0, 50)) ul.append(problemItem(doc, p, actions));
  box.append(ul);
  card.append(box);
}

function problemItem(doc: Document, p: PanelProblem, actions: CardActions | null): HTMLLIElement {
  const li = el(doc, 'li', `problem sev-${p.severity}`);
  li.append(el(doc, 'span', 'sev', t(p.severity === 'error' ? 'sevError' : p.severity === 'warning' ? 'sevWarning' : 'sevInfo')));
  li.append(citedElement(doc, 'span', 'msg', p.message));
  if (actions) {
    const b = el(doc, 'button', 'link', t('problemLine', p.line));
    b.type = 'button';
    b.title = t('problemGoTo', p.line, p.code);
    b.addEventListener('click', () => actions.openSource(p.offset));
    li.append(b);
  } else li.append(el(doc, 'span', 'line', t('problemLineCode', p.line, p.code)));
  return li;
}
