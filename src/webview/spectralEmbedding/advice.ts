/**
 * Graph mode's measured advice on the panel (docs/theory.md §7.9): the card's line on the
 * advised invariance weight g, the amount of data and VICReg at a finite covariance weight b,
 * and the invariance-sweep section (leave-one-out k-NN accuracy of VICReg's representation as g
 * varies, §7.9.5).
 */
import { LOW_DATA_ROWS_PER_FEATURE, type GraphPanelModel } from '../../core/theories/spectralEmbedding/index';
import type { AnnotationText, LineDataset } from '../charts';
import { baseOptions, line, logAxis, markerLine, setTitles, texts, type SectionView } from '../chartKit';
import { fmt } from '../format';
import { t } from '../l10n';
import type { TableData } from '../tables';
import { withAlpha, type Theme } from '../theme';

/** The card's parts on the advice: the advised g (with the spec's), few data or not, VICReg at b. */
export function adviceParts(model: GraphPanelModel): string[] {
  const parts: string[] = [];
  const r = model.recommendation;
  const specG = model.sigmaSweep?.invariance;
  if (r && r.g !== null && r.g !== undefined) parts.push(specG !== undefined ? t('adviceG', fmt(r.g), fmt(specG)) : t('adviceGOnly', fmt(r.g)));
  const d = model.dimensions;
  if (r && r.lowData !== undefined && d && d.D > 0) {
    const per = fmt(d.N / d.D);
    parts.push(r.lowData ? t('adviceLowData', per, LOW_DATA_ROWS_PER_FEATURE) : t('adviceEnoughData', per, LOW_DATA_ROWS_PER_FEATURE));
  }
  const fb = model.representation.vicreg?.finite;
  if (fb && d) parts.push(t('finiteRankLine', fmt(fb.covariance), fb.rank, d.K, fmt(fb.loss), fmt(fb.limitLoss)));
  return parts;
}

/** The invariance sweep: k-NN accuracy against g (log), the spec's g and the advised g marked; null without one. */
export function invarianceSection(model: GraphPanelModel, theme: Theme): SectionView | null {
  const sw = model.invarianceSweep;
  if (!sw || sw.g.length === 0) return null;
  const title = t('invarianceTitle');
  const subtitle = t('invarianceSubtitle', sw.k, sw.rows);
  const table: TableData = { caption: title, columns: [t('colInvariance'), t('colKnn')], rows: sw.g.map((g, i) => [g, sw.knn[i]]) };
  const gMin = sw.g[0];
  const gMax = sw.g[sw.g.length - 1];
  const lo = Math.max(0, Math.floor(Math.min(...sw.knn) * 20 - 1) / 20);
  const hi = Math.min(1.05, Math.ceil(Math.max(...sw.knn) * 20 + 1) / 20);
  const datasets: LineDataset[] = [
    line(
      t('knnLegend'),
      sw.g.map((x, i) => ({ x, y: sw.knn[i] })),
      theme.signal,
      theme,
      { pointStyle: 'circle' },
    ),
  ];
  const notes: AnnotationText[] = [];
  const specG = model.sigmaSweep?.invariance;
  if (specG !== undefined) {
    datasets.push(markerLine(t('specGLegend', fmt(specG)), specG, lo, hi, theme.marker, theme));
    notes.push({ x: specG, y: 'top', dx: 4, align: 'left', text: t('specGNote', fmt(specG)), color: theme.marker, halo: withAlpha(theme.background, 0.85) });
  }
  const advised = model.recommendation?.g ?? null;
  if (advised !== null) {
    const m = markerLine(t('advisedGLegend', fmt(advised)), advised, lo, hi, theme.boundary, theme);
    m.borderDash = [2, 3];
    datasets.push(m);
    notes.push({ x: advised, y: 'above', text: t('advisedGNote'), color: theme.boundary, bold: true, halo: withAlpha(theme.background, 0.85) });
  }
  const o = baseOptions(theme);
  setTitles(o, t('invarianceAxis'), t('knnAxis'));
  const sx = o.scales!.x as Record<string, unknown>;
  logAxis(sx, gMin, gMax);
  const sy = o.scales!.y as Record<string, unknown>;
  sy.min = lo;
  sy.max = hi;
  texts(o, notes);
  const aria = t(
    'invarianceAria',
    fmt(gMin),
    fmt(gMax),
    fmt(Math.min(...sw.knn)),
    fmt(Math.max(...sw.knn)),
    fmt(sw.best),
    specG !== undefined ? fmt(specG) : '—',
    advised !== null ? t('invarianceAriaAdvised', fmt(advised)) : '',
  );
  return { id: 'invariance', title, subtitle, charts: [{ spec: { id: 'invariance', datasets, options: o }, aria }], table };
}
