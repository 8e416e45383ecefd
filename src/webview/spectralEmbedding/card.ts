/**
 * Graph mode's recommendation card (P2, docs/theory.md §7): method (and invariance), reason,
 * the representation ranks against K, the pair agreement, the dimensions N, D, K and the graph,
 * warnings.
 */
import type { GraphPanelModel } from '../../core/theories/spectralEmbedding/index';
import { appendWarnings, cardHead, metric, type CardActions } from '../cardKit';
import { el } from '../dom';
import { fmt, methodTitle } from '../format';
import { t } from '../l10n';
import { adviceParts } from './advice';

/** `N = 1000 rows`, `D = 64 features`, `K = 16` (the header shows each as an item of its line). */
export function graphDimensionParts(model: GraphPanelModel): string[] {
  const d = model.dimensions;
  return d ? [t('dimRows', d.N), t('dimFeatures', d.D), t('dimEmbedding', d.K)] : [];
}

/**
 * Parts of a line joined by ` · `, the space before each dot unbreakable: a wrapped line starts
 * with a part, never with a stray `·`.
 */
export function joinParts(parts: readonly string[]): string {
  return parts.filter(Boolean).join('\u00a0· ');
}

/** `N = 1000 rows · D = 64 features · K = 16` */
export function graphDimensionsText(model: GraphPanelModel): string {
  return joinParts(graphDimensionParts(model));
}

/** `3/8`, and whether the rank is below K (dimensional collapse). */
function rankText(rank: number, K: number): { value: string; collapsed: boolean } {
  return { value: `${rank}/${K}`, collapsed: rank < K };
}

/** Graph mode's card (docs/theory.md §7): method, reason, ranks against K, pair agreement, N/D/K. */
export function renderGraphCard(doc: Document, model: GraphPanelModel, actions: CardActions | null): HTMLElement {
  const card = el(doc, 'section', 'card graph-card');
  card.setAttribute('aria-labelledby', 'rec-heading');
  const rec = model.recommendation;
  card.append(
    cardHead(doc, t('graphEyebrow'), rec && { title: methodTitle(rec.method, rec.invariance), paradigmClass: `p-${rec.method}`, reason: rec.reason }),
  );

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
      al ? (al.classCoverage !== undefined ? t('agreementCoverageDetail', fmt(al.classCoverage)) : t('agreementDetail')) : t('agreementNoLabels'),
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
    const line = el(doc, 'p', 'detail-line', joinParts(parts));
    line.setAttribute('data-testid', 'graph-dims');
    card.append(line);
    const advice = adviceParts(model);
    if (advice.length) {
      const a = el(doc, 'p', 'detail-line', joinParts(advice));
      a.setAttribute('data-testid', 'graph-advice');
      card.append(a);
    }
  } else {
    card.append(el(doc, 'p', 'detail-line', t('graphDidNotRun')));
  }
  appendWarnings(doc, card, model.problems, actions);
  return card;
}
