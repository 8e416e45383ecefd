/**
 * Your own views on the panel (P1's model fitted to them, docs/theory.md §6.4): the card's
 * "Fitted to your views" block, the probe's intervals and paired comparison in words
 * (§6.4.7), and the strength what-if section (§6.4.8). Every number is the model's, rounded
 * for display only.
 */
import type { AlignmentPanelModel, PanelProbe, PanelStrength, PanelViewsFit, Thresholds } from '../../core/theories/alignment/index';
import type { AnnotationText, LineDataset, LineOptions, Pt } from '../charts';
import { baseOptions, markerLine, line, logAxis, positiveRange, setTitles, texts, type SectionView } from '../chartKit';
import { citedElement } from '../docLinks';
import { el } from '../dom';
import { fmt, paradigmLabel } from '../format';
import { t, type MessageKey } from '../l10n';
import type { TableData } from '../tables';
import { withAlpha, type Theme } from '../theme';

// ---------------------------------------------------------------------------------------
// Text

/** `80.1%`: an accuracy as a percentage with one decimal. */
export function percentText(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—';
}

/** `74.0–85.0%`: a 95% interval of an accuracy. */
export function percentInterval(r: readonly [number, number]): string {
  return `${(100 * r[0]).toFixed(1)}–${(100 * r[1]).toFixed(1)}%`;
}

/** `+1.5`, `−3.9`: a difference of accuracies in percentage points. */
export function pointsText(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)}`;
}

/** `0.345`, or `∞` for an interval without an upper end. */
const upper = (v: number): string => (Number.isFinite(v) ? fmt(v) : '∞');

/** `α_th` as the card prints it: `any` below 0, √α² else, `∞` when no α recovers. */
function thresholdText(alpha2: number): string {
  if (Number.isNaN(alpha2) || alpha2 === Infinity) return '∞';
  return alpha2 < 0 ? t('anyAlpha') : fmt(Math.sqrt(alpha2));
}

/** `α̂ = 0.238 (95% interval 0–0.345) · α_RC = 85.1 · α_JE = 2.48` */
export function fitAlphaText(fit: PanelViewsFit, th: Thresholds | null): string {
  const [lo, hi] = fit.alphaInterval;
  return th
    ? t('fitAlphaLine', fmt(fit.alpha), fmt(lo), upper(hi), thresholdText(th.alpha2RC), thresholdText(th.alpha2JE))
    : t('fitAlphaOnly', fmt(fit.alpha), fmt(lo), upper(hi));
}

/** The important subspace in words, with the rule's name (docs/theory.md §6.4.2). */
export function fitRuleText(fit: PanelViewsFit): string {
  const { dimension: k, rule, labelDirections: r } = fit.important;
  if (rule === 'labels') return t('fitRuleLabels', k, rule);
  if (rule === 'labels+invariance') return t('fitRuleLabelsInvariance', r, k - r, rule);
  return t('fitRuleInvariance', k, rule);
}

/** Whether the fit is poor (docs/theory.md §6.4.5): its residual above the documented cut. */
export const isPoorFit = (fit: PanelViewsFit): boolean => fit.residual > fit.poorFitResidual;

/** The residual against the cut; a poor fit says the thresholds are a rough guide. */
export function fitResidualText(fit: PanelViewsFit): string {
  const args = [fmt(fit.residual, 2), fmt(fit.poorFitResidual), fmt(fit.offDiagonal.augmentation, 2), fmt(fit.offDiagonal.data, 2)];
  return isPoorFit(fit) ? t('fitResidualPoor', ...args) : t('fitResidualGood', ...args);
}

/** The probe's accuracies with their 95% intervals, every encoder by the same probe; null without intervals. */
export function probeIntervalsSentence(p: PanelProbe): string | null {
  const iv = p.intervals;
  if (!iv) return null;
  const one = (key: MessageKey, v: number, r: [number, number] | undefined) =>
    t(key, r ? t('valueInterval', percentText(v), percentInterval(r)) : percentText(v));
  const parts = [
    one('probeAriaReconstruction', p.reconstruction, iv.reconstruction),
    one('probeAriaJointEmbedding', p.jointEmbedding, iv.jointEmbedding),
    ...(p.supervised !== undefined ? [one('probeAriaSupervised', p.supervised, iv.supervised)] : []),
  ];
  return t('probeSentenceIntervals', p.test, p.train, parts.join(t('listSeparator')));
}

/** The paired comparison of reconstruction and joint-embedding on the same test samples; null without one. */
export function pairedSentence(p: PanelProbe, significance: number): string | null {
  const q = p.paired;
  if (!q) return null;
  const verdict: MessageKey = q.pValue < significance && q.difference !== 0 ? (q.difference > 0 ? 'pairedRcBetter' : 'pairedJeBetter') : 'pairedNoDifference';
  return t('pairedLine', pointsText(q.difference), pointsText(q.interval[0]), pointsText(q.interval[1]), fmt(q.pValue, 2), t(verdict));
}

// ---------------------------------------------------------------------------------------
// The card's block

const REGIME_KEY: Record<Thresholds['regime'], MessageKey> = {
  'low-noise': 'regimeLowNoise',
  'high-noise': 'regimeHighNoise',
  mixed: 'regimeMixed',
  'no-noise': 'regimeNoNoise',
};

/** "Fitted to your views": α̂ with its interval, the thresholds, the regime, the rule, the residual, the docs; null without a fit. */
export function renderFitBlock(doc: Document, model: AlignmentPanelModel): HTMLElement | null {
  const fit = model.fit;
  if (!fit) return null;
  const poor = isPoorFit(fit);
  const box = el(doc, 'div', `views-fit${poor ? ' fit-poor' : ''}`);
  box.setAttribute('data-testid', 'fit');
  box.setAttribute('role', 'group');
  const head = el(doc, 'div', 'eyebrow', t('fitEyebrow'));
  head.id = 'fit-heading';
  box.setAttribute('aria-labelledby', 'fit-heading');
  const lineOf = (cls: string, id: string, text: string): HTMLElement => {
    const p = citedElement(doc, 'p', cls, text);
    p.setAttribute('data-testid', id);
    return p;
  };
  box.append(head, lineOf('fit-alpha', 'fit-alpha', fitAlphaText(fit, model.thresholds)));
  if (model.thresholds) box.append(lineOf('fit-line', 'fit-regime', t('fitRegime', t(REGIME_KEY[model.thresholds.regime]))));
  box.append(lineOf('fit-line', 'fit-rule', fitRuleText(fit)));
  const residual = lineOf(`fit-line fit-residual${poor ? ' bad' : ''}`, 'fit-residual', fitResidualText(fit));
  if (poor) residual.setAttribute('role', 'note');
  box.append(residual, lineOf('fit-line fit-docs', 'fit-docs', t('fitDocs')));
  return box;
}

// ---------------------------------------------------------------------------------------
// The strength what-if

/** √α² for display on a log axis: NaN where there is nothing to draw (α² ≤ 0 or ∞). */
const effective = (a2: number): number => (a2 > 0 && Number.isFinite(a2) ? Math.sqrt(a2) : NaN);
/** Points whose y is a number; null, NaN and non-positive values (on a log axis) are left out. */
function points(xs: number[], ys: (number | null)[], log: boolean): Pt[] {
  const out: Pt[] = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (y !== null && Number.isFinite(y) && (!log || y > 0)) out.push({ x, y });
  });
  return out;
}

function strengthXAxis(o: LineOptions, sMax: number): void {
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = 0;
  sx.max = sMax;
}

/** Vertical markers: s = 1 (your views) and each paradigm's crossing, with their notes. */
function strengthMarkers(st: PanelStrength, y0: number, y1: number, theme: Theme): { datasets: LineDataset[]; notes: AnnotationText[] } {
  const datasets: LineDataset[] = [markerLine(t('yourViewsLegend'), 1, y0, y1, theme.marker, theme)];
  const notes: AnnotationText[] = [{ x: 1, y: 'above', text: t('yourViewsNote'), color: theme.marker, bold: true, halo: withAlpha(theme.background, 0.9) }];
  const cross: { s: number | null; keys: [MessageKey, MessageKey]; color: string }[] = [
    { s: st.crossing.reconstruction, keys: ['crossingRcLegend', 'crossingRcNote'], color: theme.rc },
    { s: st.crossing.jointEmbedding, keys: ['crossingJeLegend', 'crossingJeNote'], color: theme.je },
  ];
  for (const c of cross) {
    if (c.s === null) continue;
    datasets.push(markerLine(t(c.keys[0], fmt(c.s)), c.s, y0, y1, c.color, theme));
    notes.push({ x: c.s, y: 'top', dx: 4, align: 'left', text: t(c.keys[1], fmt(c.s)), color: c.color, bold: true, halo: withAlpha(theme.background, 0.9) });
  }
  return { datasets, notes };
}

/** (a) α(s) = s·α̂ against α_RC(s) and α_JE(s), log y (α = 0 at s = 0 is not drawn). */
function strengthAlphaChart(st: PanelStrength, theme: Theme): SectionView['charts'][number] {
  const sMax = st.scale[st.scale.length - 1] ?? 4;
  const rc = st.alpha2RC.map(effective);
  const je = st.alpha2JE.map(effective);
  const datasets: LineDataset[] = [
    line(t('strengthFittedLegend'), points(st.scale, st.alpha, true), theme.sl, theme, { pointStyle: 'circle', borderWidth: 2.5 * theme.lineScale }),
    line(t('strengthRcLegend'), points(st.scale, rc, true), theme.rc, theme, { pointStyle: 'rect', borderDash: [8, 3] }),
    line(t('strengthJeLegend'), points(st.scale, je, true), theme.je, theme, { pointStyle: 'triangle', borderDash: [2, 3] }),
  ];
  const r = positiveRange([...st.alpha, ...rc, ...je]) ?? [0.1, 10];
  const y0 = 10 ** Math.floor(Math.log10(r[0]));
  const y1 = 10 ** (Math.ceil(Math.log10(r[1])) + 0.2);
  const m = strengthMarkers(st, y0, y1, theme);
  datasets.push(...m.datasets);
  const o = baseOptions(theme);
  setTitles(o, t('strengthAxis'), t('strengthAlphaAxis'));
  strengthXAxis(o, sMax);
  const sy = o.scales!.y as Record<string, unknown>;
  logAxis(sy, y0, y1);
  texts(o, m.notes);
  const at = st.scale.indexOf(1);
  const cross = (s: number | null, yes: MessageKey, no: MessageKey) => (s === null ? t(no, fmt(sMax)) : t(yes, fmt(s)));
  const aria = t(
    'strengthAriaAlpha',
    fmt(st.scale[0]),
    fmt(sMax),
    at >= 0 ? fmt(st.alpha[at]) : '—',
    at >= 0 ? thresholdText(st.alpha2RC[at]) : '—',
    at >= 0 ? thresholdText(st.alpha2JE[at]) : '—',
    cross(st.crossing.reconstruction, 'strengthCrossRc', 'strengthNoCrossRc'),
    cross(st.crossing.jointEmbedding, 'strengthCrossJe', 'strengthNoCrossJe'),
  );
  return { spec: { id: 'strength-alpha', datasets, options: o }, aria };
}

/** The y range of accuracies: a little below the lowest and above the highest, within [0, 1]. */
function accuracyRange(values: (number | null)[]): [number, number] {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return [0, 1];
  return [Math.max(0, Math.floor(Math.min(...v) * 20 - 1) / 20), Math.min(1, Math.ceil(Math.max(...v) * 20 + 1) / 20)];
}

/** (b) The probe's accuracy at each s: supervised, reconstruction, joint-embedding; null points are skipped. */
function strengthProbeChart(st: PanelStrength, probe: NonNullable<PanelStrength['probe']>, theme: Theme): SectionView['charts'][number] {
  const sMax = st.scale[st.scale.length - 1] ?? 4;
  const series = [
    { name: paradigmLabel('supervised'), values: probe.supervised, color: theme.sl, style: 'circle' as const, dash: [] as number[] },
    { name: paradigmLabel('reconstruction'), values: probe.reconstruction, color: theme.rc, style: 'rect' as const, dash: [8, 3] },
    { name: paradigmLabel('joint-embedding'), values: probe.jointEmbedding, color: theme.je, style: 'triangle' as const, dash: [2, 3] },
  ];
  const datasets = series.map((s) => line(s.name, points(st.scale, s.values, false), s.color, theme, { pointStyle: s.style, borderDash: s.dash }));
  const [y0, y1] = accuracyRange([...probe.supervised, ...probe.reconstruction, ...probe.jointEmbedding]);
  const m = strengthMarkers(st, y0, y1, theme);
  datasets.push(...m.datasets);
  const o = baseOptions(theme);
  setTitles(o, t('strengthAxis'), t('strengthAccuracyAxis'));
  strengthXAxis(o, sMax);
  const sy = o.scales!.y as Record<string, unknown>;
  sy.min = y0;
  sy.max = y1;
  texts(o, m.notes);
  const described = series.map((s) => {
    const v = s.values.filter((x): x is number => x !== null);
    return v.length ? t('strengthAriaSeries', s.name, percentText(Math.min(...v)), percentText(Math.max(...v)), v.length) : '';
  });
  const aria = t('strengthAriaProbe', fmt(st.scale[0]), fmt(sMax), described.filter(Boolean).join(t('listSeparator')));
  return { spec: { id: 'strength-probe', datasets, options: o }, aria };
}

/** The strength what-if (docs/theory.md §6.4.8); null without one. */
export function strengthSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  const st = model.strength;
  if (!st || st.scale.length === 0) return null;
  const title = t('strengthTitle');
  const subtitle = t('strengthSubtitle');
  const p = st.probe;
  const table: TableData = {
    caption: title,
    columns: [
      t('colStrength'),
      'α(s)',
      'α_RC(s)',
      'α_JE(s)',
      t('colRecoversRc'),
      t('colRecoversJe'),
      ...(p ? [t('colProbeRc'), t('colProbeJe'), t('colProbeSl')] : []),
    ],
    rows: st.scale.map((s, i) => [
      s,
      st.alpha[i],
      st.alpha2RC[i] < 0 ? 0 : Math.sqrt(st.alpha2RC[i]),
      st.alpha2JE[i] < 0 ? 0 : Math.sqrt(st.alpha2JE[i]),
      st.recovers.reconstruction[i] ? t('yes') : t('no'),
      st.recovers.jointEmbedding[i] ? t('yes') : t('no'),
      ...(p ? [p.reconstruction[i], p.jointEmbedding[i], p.supervised[i]] : []),
    ]),
  };
  const charts = [strengthAlphaChart(st, theme), ...(p ? [strengthProbeChart(st, p, theme)] : [])];
  return { id: 'strength', title, subtitle, charts, table };
}
