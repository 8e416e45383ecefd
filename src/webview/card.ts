/**
 * The recommendation card. Alignment theory: paradigm, reason, thresholds, spec α, regime,
 * warnings. Graph mode: method (and invariance), reason, the representation ranks against
 * K, the pair agreement, the dimensions N, D, K and the graph, warnings.
 */
import type { Regime, Thresholds } from '../core/theories/alignment/types';
import type { AlignmentPanelModel, AnalysisMessage, GraphPanelModel, PanelProblem } from '../shared/webviewProtocol';
import { el } from './dom';
import { fmt, methodTitle, PARADIGM_LABEL } from './format';
import { probeSentence, requirementText } from './sections';

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
  const eyebrow = el(doc, 'div', 'eyebrow', 'Recommendation');
  eyebrow.id = 'rec-heading';
  const rec = model.recommendation;
  const paradigm = el(
    doc,
    'div',
    `paradigm ${rec ? paradigmClass(rec.paradigm) : 'p-none'}`,
    rec ? (PARADIGM_LABEL[rec.paradigm] ?? rec.paradigm) : 'No recommendation',
  );
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
  box.append(el(doc, 'div', 'warnings-title', `Assumptions & findings (${warnings.length})`));
  const ul = el(doc, 'ul');
  for (const p of warnings.slice(0, 50)) ul.append(problemItem(doc, p, actions));
  box.append(ul);
  card.append(box);
}

/** `N = 1000 rows · D = 64 features · K = 16` */
export function graphDimensionsText(model: GraphPanelModel): string {
  const d = model.dimensions;
  return d ? `N = ${d.N} rows · D = ${d.D} features · K = ${d.K}` : '';
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
  const eyebrow = el(doc, 'div', 'eyebrow', 'Joint-embedding method');
  eyebrow.id = 'rec-heading';
  const rec = model.recommendation;
  const method = el(doc, 'div', `paradigm ${rec ? `p-${rec.method}` : 'p-none'}`, rec ? methodTitle(rec.method, rec.invariance) : 'No recommendation');
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
        'VICReg rank · representation',
        r.value,
        sw ? `σ_k = 1 on ${sw.full} of ${K} directions at g = ${fmt(sw.invariance)}` : `${v.rank} of K = ${K} dimensions used`,
        { ok: !r.collapsed, text: r.collapsed ? `${K - v.rank} dimension${K - v.rank === 1 ? '' : 's'} collapse` : 'full rank' },
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
        'SimCLR rank · representation',
        r.value,
        `positive eigenvalues of D^−½ G D^−½ among the top ${K}`,
        { ok: !r.collapsed, text: r.collapsed ? `collapse: ${K - c.rank} dimension${K - c.rank === 1 ? ' is' : 's are'} 0` : 'full rank' },
        'm-simclr',
      );
      tile.setAttribute('data-testid', 'rank-simclr');
      metrics.append(tile);
    }
    const al = model.alignment;
    const agreement = metric(
      doc,
      'Pair agreement · labels',
      al ? fmt(al.pairAgreement) : '—',
      al ? 'share of positive-pair weight on same-label pairs' : 'no labels in the spec',
      al ? { ok: al.aligned, text: al.aligned ? 'G aligned with the labels (≥ 0.9)' : 'G misaligned with the labels (< 0.9)' } : undefined,
      'm-agreement',
    );
    agreement.setAttribute('data-testid', 'agreement');
    metrics.append(agreement);
    card.append(metrics);

    const parts = [graphDimensionsText(model)];
    const g = model.graph;
    if (g) parts.push(`${g.kind} graph: ${g.edges} edge${g.edges === 1 ? '' : 's'}, ${g.components} component${g.components === 1 ? '' : 's'}`);
    if (sw) parts.push(`a = ${fmt(sw.variance)}, g = ${fmt(sw.invariance)}, a/(4g) = ${fmt(sw.cut)}`);
    const lin = model.linear;
    const linear = [
      lin.vicreg ? `VICReg ${lin.vicreg.rank}` : '',
      lin.simclr ? `SimCLR ${lin.simclr.rank}` : '',
      lin.barlow ? `Barlow ${lin.barlow.rank}` : '',
    ].filter(Boolean);
    if (linear.length) parts.push(`linear ranks: ${linear.join(', ')}`);
    const line = el(doc, 'p', 'detail-line', parts.join(' · '));
    line.setAttribute('data-testid', 'graph-dims');
    card.append(line);
  } else {
    card.append(el(doc, 'p', 'detail-line', 'The graph analysis did not run: see the problems below.'));
  }
  appendWarnings(doc, card, model.problems, actions);
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
