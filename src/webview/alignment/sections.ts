/**
 * What each chart of the alignment theory shows (P1, docs/theory.md §4–§6): model + theme ->
 * chart.js datasets/options, the table of numbers, and an accessible summary. Pure apart from
 * the theme colours passed in.
 */
import type { AlignmentPanelModel, NoiseScalingCurve, PanelProbe, PanelScores, Thresholds } from '../../core/theories/alignment/index';
import type { AnnotationText, LineDataset, LineOptions, Pt } from '../charts';
import {
  applicable,
  baseOptions,
  finiteRange,
  hline,
  integerTicks,
  line,
  logAxis,
  markerLine,
  niceCeil,
  pos,
  positiveRange,
  setTitles,
  texts,
  type SectionView,
} from '../chartKit';
import { fmt, paradigmLabel } from '../format';
import { t, type MessageKey } from '../l10n';
import type { TableData } from '../tables';
import { withAlpha, type Theme } from '../theme';
import { percentInterval, strengthSection } from './views';

/** Lower end of the recovery band: α_th, 0 for "any α", null for "never". */
export function recoveryStart(alpha2: number): number | null {
  if (Number.isNaN(alpha2) || alpha2 === Infinity) return null;
  return alpha2 > 0 ? Math.sqrt(alpha2) : 0;
}

/** "α > 0.764", "any α ≥ 0", "α > 0", "never". */
export function requirementText(alpha2: number): string {
  if (Number.isNaN(alpha2) || alpha2 === Infinity) return t('neverRecovers');
  if (alpha2 < 0) return t('anyAlpha');
  if (alpha2 === 0) return 'α > 0';
  return `α > ${fmt(Math.sqrt(alpha2))}`;
}

function recoversAt(alpha: number, alpha2: number): boolean {
  if (Number.isNaN(alpha2)) return false;
  const a2 = alpha * alpha;
  if (!Number.isFinite(alpha2)) return a2 > alpha2;
  return a2 - alpha2 > 1e-12 * Math.max(1, Math.abs(a2), Math.abs(alpha2));
}

// ---------------------------------------------------------------------------------------
// 1. Alignment thresholds

interface ThresholdRow {
  key: 'rc' | 'je';
  name: string;
  a2: number;
  eff: number;
  y: number;
  color: string;
}

function thresholdRows(th: Thresholds, theme: Theme): ThresholdRow[] {
  return [
    { key: 'rc', name: paradigmLabel('reconstruction'), a2: th.alpha2RC, eff: th.alphaRC, y: 1, color: theme.rc },
    { key: 'je', name: paradigmLabel('joint-embedding'), a2: th.alpha2JE, eff: th.alphaJE, y: 0, color: theme.je },
  ];
}

/** A paradigm's row: dashed and grey where it fails, a thick band from its threshold on. */
function thresholdBand(r: ThresholdRow, xMax: number, theme: Theme): LineDataset {
  const start = recoveryStart(r.a2);
  const band = withAlpha(r.color, theme.kind.startsWith('high') ? 0.85 : 0.5);
  const fail = withAlpha(theme.muted, 0.55);
  const data: Pt[] =
    start === null
      ? [
          { x: 0, y: r.y },
          { x: xMax, y: r.y },
        ]
      : [
          { x: 0, y: r.y },
          { x: start, y: r.y },
          { x: xMax, y: r.y },
        ];
  const cut = start ?? Infinity;
  return {
    label: t('thresholdsBandLabel', r.name, r.key === 'rc' ? 'α > α_RC' : 'α > α_JE'),
    data,
    borderColor: r.color,
    backgroundColor: band,
    borderWidth: 16,
    borderCapStyle: 'butt',
    pointRadius: data.map((_p, i) => (start !== null && i === 1 ? 7 : 0)),
    pointHoverRadius: data.map((_p, i) => (start !== null && i === 1 ? 7 : 0)),
    pointBackgroundColor: theme.background,
    pointBorderColor: r.color,
    pointBorderWidth: 2.5 * theme.lineScale,
    segment: {
      borderColor: (ctx) => ((ctx.p0.parsed.x ?? 0) < cut ? fail : band),
      borderWidth: (ctx) => ((ctx.p0.parsed.x ?? 0) < cut ? 2 * theme.lineScale : 16),
      borderDash: (ctx) => ((ctx.p0.parsed.x ?? 0) < cut ? [4, 4] : undefined),
    },
  };
}

/** The threshold written above its row: `α_RC = 0.764`, `any α ≥ 0`, `never recovers`. */
function thresholdNote(r: ThresholdRow, xMax: number, theme: Theme): AnnotationText {
  const start = recoveryStart(r.a2);
  const text =
    start === null
      ? t('neverRecoversNote', r.key === 'rc' ? 'α²_RC' : 'α²_JE')
      : r.a2 < 0
        ? t('anyAlphaNote', fmt(r.a2))
        : r.a2 === 0
          ? 'α > 0'
          : `${r.key === 'rc' ? 'α_RC' : 'α_JE'} = ${fmt(start)}`;
  return {
    x: start ?? xMax / 2,
    y: r.y,
    dy: -14,
    text,
    color: theme.foreground,
    align: start === null ? 'center' : 'left',
    dx: start === null ? 0 : -6,
    bold: true,
    halo: withAlpha(theme.background, 0.9),
  };
}

/** The thresholds chart's axes: α from 0 to xMax; one labelled row per paradigm. */
function thresholdsOptions(rows: ThresholdRow[], xMax: number, theme: Theme): LineOptions {
  const o = baseOptions(theme);
  setTitles(o, t('thresholdsAxis'), '');
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = 0;
  sx.max = xMax;
  const sy = o.scales!.y as Record<string, unknown>;
  sy.min = -0.75;
  sy.max = 1.75;
  sy.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    axis.ticks = [{ value: 0 }, { value: 1 }];
  };
  sy.ticks = {
    color: theme.foreground,
    font: { size: theme.fontSize, weight: '600' },
    callback: (v: number | string) => rows.find((r) => r.y === Number(v))?.name ?? '',
  };
  sy.grid = { display: false };
  (sy.title as { display: boolean }).display = false;
  o.interaction = { mode: 'nearest', intersect: true };
  o.plugins!.tooltip!.enabled = false;
  return o;
}

/** The thresholds section; null when the spec has none (data mode outside the paper's form: the card says so). */
function thresholdsSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  const th = model.thresholds;
  if (!th) return null;
  const title = t('thresholdsTitle');
  const subtitle = t('thresholdsSubtitle');
  const alpha = model.atAlpha?.alpha ?? null;
  const rows = thresholdRows(th, theme);
  const table: TableData = {
    caption: title,
    columns: [t('colParadigm'), t('colAlpha2th'), t('colAlphaTh'), t('colRequirement'), t('colAtSpecAlpha')],
    rows: rows.map((r) => [r.name, r.a2, r.eff, requirementText(r.a2), alpha === null ? '—' : recoversAt(alpha, r.a2) ? t('recovers') : t('fails')]),
  };
  const candidates = [recoveryStart(th.alpha2RC), recoveryStart(th.alpha2JE), alpha].filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  const xMax = niceCeil(Math.max(0.5, ...candidates) * 1.3);
  const o = thresholdsOptions(rows, xMax, theme);
  const datasets = rows.map((r) => thresholdBand(r, xMax, theme));
  const notes = rows.map((r) => thresholdNote(r, xMax, theme));
  // With your own views the α is the measured α̂ (docs/theory.md §6.4), not a spec's.
  const measured = alpha !== null && model.fit?.alpha === alpha;
  if (alpha !== null) {
    datasets.push(markerLine(t(measured ? 'fittedAlphaLegend' : 'specAlphaLegend', fmt(alpha)), alpha, -0.6, 1.6, theme.marker, theme));
    // Above the chart area: below it the note would sit on the α axis' tick labels.
    notes.push({
      x: alpha,
      y: 'above',
      text: t(measured ? 'fittedAlphaNote' : 'specAlphaNote', fmt(alpha)),
      color: theme.marker,
      bold: true,
      halo: withAlpha(theme.background, 0.9),
    });
  }
  texts(o, notes);
  const aria =
    alpha === null
      ? t('thresholdsAriaNoAlpha', fmt(xMax), requirementText(th.alpha2RC), requirementText(th.alpha2JE))
      : t(measured ? 'thresholdsAriaMeasured' : 'thresholdsAria', fmt(xMax), requirementText(th.alpha2RC), requirementText(th.alpha2JE), fmt(alpha));
  return { id: 'thresholds', title, subtitle, charts: [{ spec: { id: 'thresholds', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------
// 1b. The linear probe (data mode with your own views and labels)

/** `0.91`: an accuracy as the card and the chart print it (two decimals, like the CLI). */
export function accuracyText(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : '—';
}

/** The card's sentence: "On your data with your augmentation: joint-embedding's encoder probes at 0.91, …". */
export function probeSentence(p: PanelProbe): string {
  return p.supervised !== undefined
    ? t('probeSentenceSupervised', accuracyText(p.jointEmbedding), accuracyText(p.reconstruction), accuracyText(p.supervised), p.test, p.train)
    : t('probeSentence', accuracyText(p.jointEmbedding), accuracyText(p.reconstruction), p.test, p.train);
}

interface ProbeBar {
  name: string;
  ariaKey: MessageKey;
  value: number;
  interval: [number, number] | undefined;
  color: string;
  y: number;
}

function probeBars(probe: PanelProbe, theme: Theme): ProbeBar[] {
  const iv = probe.intervals;
  return [
    ...(probe.supervised !== undefined
      ? [
          {
            name: paradigmLabel('supervised'),
            ariaKey: 'probeAriaSupervised' as const,
            value: probe.supervised,
            interval: iv?.supervised,
            color: theme.sl,
            y: 2,
          },
        ]
      : []),
    {
      name: paradigmLabel('reconstruction'),
      ariaKey: 'probeAriaReconstruction',
      value: probe.reconstruction,
      interval: iv?.reconstruction,
      color: theme.rc,
      y: 1,
    },
    {
      name: paradigmLabel('joint-embedding'),
      ariaKey: 'probeAriaJointEmbedding',
      value: probe.jointEmbedding,
      interval: iv?.jointEmbedding,
      color: theme.je,
      y: 0,
    },
  ];
}

/** The bars' axes: accuracy 0..1 across, one labelled row per encoder. */
function probeOptions(bars: ProbeBar[], theme: Theme): LineOptions {
  const o = baseOptions(theme);
  setTitles(o, t('colTestAccuracy'), '');
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = 0;
  sx.max = 1;
  const sy = o.scales!.y as Record<string, unknown>;
  const top = bars[0].y;
  sy.min = -0.6;
  sy.max = top + 0.6;
  sy.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    axis.ticks = bars.map((b) => ({ value: b.y }));
  };
  sy.ticks = {
    color: theme.foreground,
    font: { size: theme.fontSize, weight: '600' },
    callback: (v: number | string) => bars.find((b) => b.y === Number(v))?.name ?? '',
  };
  sy.grid = { display: false };
  (sy.title as { display: boolean }).display = false;
  o.plugins!.tooltip!.enabled = false;
  return o;
}

/** Error bars: each 95% interval as a line with end caps across its bar (one dataset, gaps between bars). */
function intervalBars(bars: ProbeBar[], theme: Theme): LineDataset | null {
  const data: Pt[] = [];
  for (const b of bars) {
    if (!b.interval) continue;
    if (data.length) data.push({ x: NaN, y: NaN });
    data.push({ x: b.interval[0], y: b.y }, { x: b.interval[1], y: b.y });
  }
  if (!data.length) return null;
  return line(t('intervalLegend'), data, theme.foreground, theme, {
    borderWidth: 2 * theme.lineScale,
    pointStyle: 'line',
    pointRotation: 90,
    pointRadius: 9,
    pointHoverRadius: 9,
    pointBorderWidth: 2 * theme.lineScale,
    pointBorderColor: theme.foreground,
    spanGaps: false,
  });
}

function probeSection(probe: PanelProbe, theme: Theme): SectionView {
  const title = t('probeTitle');
  const subtitle = t('probeSubtitle', probe.seed, probe.train, probe.test);
  const bars = probeBars(probe, theme);
  const withIntervals = bars.some((b) => b.interval);
  const table: TableData = {
    caption: title,
    columns: [
      t('colEncoder'),
      t('colTestAccuracy'),
      ...(withIntervals ? [t('colIntervalLow'), t('colIntervalHigh')] : []),
      t('colTestSamples'),
      t('colTrainingSamples'),
    ],
    rows: bars.map((b) => [b.name, b.value, ...(withIntervals ? [b.interval?.[0] ?? null, b.interval?.[1] ?? null] : []), probe.test, probe.train]),
  };
  const o = probeOptions(bars, theme);
  // Bars drawn as thick segments from 0 to the accuracy (the panel's charts are line charts).
  const datasets: LineDataset[] = bars.map((b) => ({
    label: t('nameValue', b.name, accuracyText(b.value)),
    data: [
      { x: 0, y: b.y },
      { x: Number.isFinite(b.value) ? b.value : 0, y: b.y },
    ],
    borderColor: b.color,
    backgroundColor: b.color,
    borderWidth: 18,
    borderCapStyle: 'butt',
    pointRadius: 0,
    pointHoverRadius: 0,
  }));
  const errors = intervalBars(bars, theme);
  if (errors) datasets.push(errors);
  texts(
    o,
    bars.map((b) => ({
      x: Number.isFinite(b.value) ? (b.interval ? Math.max(b.value, b.interval[1]) : b.value) : 0,
      y: b.y,
      dx: 6,
      align: 'left',
      baseline: 'middle',
      text: accuracyText(b.value),
      color: theme.foreground,
      bold: true,
    })),
  );
  const described = bars.map((b) => {
    const v = t(b.ariaKey, accuracyText(b.value));
    return b.interval ? t('valueInterval', v, percentInterval(b.interval)) : v;
  });
  const aria = t('probeAria', probe.test, described.join(t('listSeparator')));
  return { id: 'probe', title, subtitle, charts: [{ spec: { id: 'probe', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------
// 2. Spectrum

/** The spectrum section; null without per-component spectra (data mode). */
function spectrumSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  const s = model.spectra;
  if (!s) return null;
  const title = t('spectrumTitle');
  const subtitle = t('spectrumSubtitle');
  const table: TableData = { caption: title, columns: [t('colComponent'), t('colBlock'), t('colSignal'), t('colAugmentation'), t('colNoise')], rows: [] };
  const k = s.total.k;
  const d = k + s.total.noise;
  for (let i = 0; i < s.important.index.length; i++) table.rows.push([s.important.index[i], t('blockImportant'), s.important.c[i], s.important.theta[i], null]);
  for (let i = 0; i < s.noise.index.length; i++) table.rows.push([s.noise.index[i], t('blockNoise'), null, s.noise.theta[i], s.noise.gamma[i]]);
  if (s.thinned) table.note = t('spectrumThinned', k, s.total.noise);
  const x0 = 0.5;
  const x1 = d + 0.5;
  const b = model.thresholds?.boundary ?? NaN;
  const datasets: LineDataset[] = [
    line(
      t('signalVariance'),
      s.important.index.map((x, i) => ({ x, y: pos(s.important.c[i]) })),
      theme.signal,
      theme,
    ),
    line(
      t('noiseVariance'),
      s.noise.index.map((x, i) => ({ x, y: pos(s.noise.gamma[i]) })),
      theme.noise,
      theme,
      { pointStyle: 'triangle', pointRadius: s.noise.index.length > 80 ? 0 : 4 },
    ),
    line(
      t('otherAugmentation'),
      [...s.important.index.map((x, i) => ({ x, y: pos(s.important.theta[i]) })), ...s.noise.index.map((x, i) => ({ x, y: pos(s.noise.theta[i]) }))],
      theme.theta,
      theme,
      { borderWidth: 1.5 * theme.lineScale, borderDash: [6, 3], pointStyle: 'rect' },
    ),
  ];
  const o = baseOptions(theme);
  setTitles(o, t('componentIndex'), t('varianceLog'));
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = x0;
  sx.max = x1;
  integerTicks(sx, 1, d);
  const sy = o.scales!.y as Record<string, unknown>;
  logAxis(sy);
  const notes: AnnotationText[] = [
    { x: (x0 + k + 0.5) / 2, y: 'above', text: t('importantBlockNote', k), color: theme.muted },
    { x: (k + 0.5 + x1) / 2, y: 'above', text: t('noiseBlockNote', s.total.noise), color: theme.muted },
  ];
  if (b > 0 && Number.isFinite(b)) {
    datasets.push(hline(t('boundaryLegend', fmt(b)), b, x0, x1, theme.boundary, theme));
    notes.push({
      x: 'right',
      y: b,
      dx: -4,
      dy: -3,
      align: 'right',
      text: `η²/δ = ${fmt(b)}`,
      color: theme.boundary,
      bold: true,
      halo: withAlpha(theme.background, 0.85),
    });
  }
  // Make sure the boundary is inside the y range.
  const all = [...s.important.c, ...s.important.theta, ...s.noise.gamma, ...s.noise.theta, b];
  const r = positiveRange(all);
  if (r) {
    // Headroom above the largest value (a third of a decade at least): its markers stay whole.
    sy.min = 10 ** Math.floor(Math.log10(r[0]));
    sy.max = 10 ** Math.ceil(Math.log10(r[1]) + 0.3);
  }
  texts(o, notes, s.total.noise > 0 ? [{ axis: 'x', from: k + 0.5, to: x1, color: withAlpha(theme.noise, 0.07) }] : []);
  const gr = positiveRange(s.noise.gamma);
  const cr = positiveRange(s.important.c);
  const regime = model.thresholds?.regime;
  const range = (r: [number, number] | null): string => (r ? t('fromTo', fmt(r[0]), fmt(r[1])) : t('allZero'));
  const aria =
    t('spectrumAria', d, range(cr), range(gr)) +
    (b > 0 ? (regime ? t('spectrumAriaBoundaryRegime', fmt(b), regime) : t('spectrumAriaBoundary', fmt(b))) : '.') +
    (s.thinned ? t('seriesThinned') : '');
  return { id: 'spectrum', title, subtitle, charts: [{ spec: { id: 'spectrum', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------
// 3. Per-component scores at alpha

function scoresOf(model: AlignmentPanelModel): PanelScores | null {
  if (model.scores) return model.scores;
  const a = model.atAlpha;
  const comp = a?.components;
  if (!a || !comp) return null;
  const k = comp.reconstruction.important.length;
  return {
    alpha: a.alpha,
    important: { index: comp.reconstruction.important.map((_, i) => i + 1), rc: comp.reconstruction.important, je: comp.jointEmbedding.important },
    noise: { index: comp.reconstruction.noise.map((_, i) => k + i + 1), rc: comp.reconstruction.noise, je: comp.jointEmbedding.noise },
    thinned: false,
  };
}

/** The score axis of one paradigm: RC's g/√s on a log scale, JE's g/s from 0 to 1. */
function scoreAxis(sy: Record<string, unknown>, key: 'rc' | 'je', values: number[]): void {
  if (key === 'rc') {
    logAxis(sy);
    const r = positiveRange(values);
    if (r) {
      sy.min = 10 ** Math.floor(Math.log10(r[0]) - 0.05);
      sy.max = 10 ** Math.ceil(Math.log10(r[1]) + 0.05);
    }
  } else {
    sy.min = 0;
    sy.max = 1.05;
    sy.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
      axis.ticks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value }));
    };
  }
}

/** One paradigm's chart of the scores: important (circles) and noise (triangles), the two deciding scores, the verdict. */
function scoresChart(
  model: AlignmentPanelModel,
  a: NonNullable<AlignmentPanelModel['atAlpha']>,
  sc: PanelScores | null,
  key: 'rc' | 'je',
  theme: Theme,
): SectionView['charts'][number] {
  const { d, k } = model.dimensions;
  const x0 = 0.5;
  const x1 = d + 0.5;
  const name = paradigmLabel(key === 'rc' ? 'reconstruction' : 'joint-embedding');
  const summary = key === 'rc' ? a.scores.reconstruction : a.scores.jointEmbedding;
  const recovers = key === 'rc' ? a.recovers.reconstruction : a.recovers.jointEmbedding;
  const tr = key === 'rc' ? pos : (v: number) => (Number.isFinite(v) ? v : NaN);
  const datasets: LineDataset[] = sc
    ? [
        line(
          t('importantLegend'),
          sc.important.index.map((x, i) => ({ x, y: tr(sc.important[key][i]) })),
          theme.signal,
          theme,
          { pointStyle: 'circle' },
        ),
        line(
          t('noiseLegend'),
          sc.noise.index.map((x, i) => ({ x, y: tr(sc.noise[key][i]) })),
          theme.noise,
          theme,
          {
            pointStyle: 'triangle',
            pointRadius: sc.noise.index.length > 80 ? 0 : 4,
          },
        ),
      ]
    : [];
  const mi = summary.minImportant;
  const mn = summary.maxNoise;
  if (Number.isFinite(mi)) datasets.push(hline(t('decidingImportant'), mi, x0, x1, theme.signal, theme, [2, 3]));
  if (Number.isFinite(mn)) datasets.push(hline(t('decidingNoise'), mn, x0, x1, theme.noise, theme, [8, 3]));
  const o = baseOptions(theme);
  setTitles(o, t('componentIndex'), key === 'rc' ? t('rcScoreAxis') : t('jeScoreAxis'));
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = x0;
  sx.max = x1;
  integerTicks(sx, 1, d);
  scoreAxis(o.scales!.y as Record<string, unknown>, key, [...(sc ? [...sc.important.rc, ...sc.noise.rc] : []), mi, mn]);
  const gapColor = withAlpha(recovers ? theme.signal : theme.noise, 0.14);
  const bands =
    Number.isFinite(mi) && Number.isFinite(mn) && (key === 'je' || (mi > 0 && mn > 0))
      ? [{ axis: 'y' as const, from: Math.min(mi, mn), to: Math.max(mi, mn), color: gapColor }]
      : [];
  const caption = Number.isFinite(mn)
    ? t(recovers ? 'scoresCaptionRecovers' : 'scoresCaptionFails', name, fmt(mi), fmt(mn))
    : t(recovers ? 'scoresCaptionNoNoiseRecovers' : 'scoresCaptionNoNoiseFails', name);
  texts(
    o,
    [
      { x: 'left', y: 'above', align: 'left', dx: 2, text: name, color: key === 'rc' ? theme.rc : theme.je, bold: true },
      { x: 'right', y: 'above', align: 'right', text: `${recovers ? '✓' : '✗'} ${recovers ? t('recovers') : t('fails')}`, color: theme.foreground, bold: true },
    ],
    [...bands, ...(k < d ? [{ axis: 'x' as const, from: k + 0.5, to: x1, color: withAlpha(theme.noise, 0.05) }] : [])],
  );
  return { spec: { id: `scores-${key}`, datasets, options: o }, aria: t('scoresAria', name, fmt(a.alpha), d, caption), caption };
}

/**
 * The per-component scores at the spec's α; without an α, a hint to add one where that would draw
 * them (the spec has thresholds), else null (data mode outside the paper's form).
 */
function scoresSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  const a = model.atAlpha;
  if (!a && !model.thresholds) return null;
  const title = a ? t('scoresTitleAt', fmt(a.alpha)) : t('scoresTitle');
  const subtitle = t('scoresSubtitle');
  const table: TableData = { caption: title, columns: [t('colComponent'), t('colBlock'), t('colRcScore'), t('colJeScore')], rows: [] };
  if (!a) return { id: 'scores', title, subtitle, charts: [], table, empty: t('scoresEmpty') };
  const sc = scoresOf(model);
  if (sc) {
    for (let i = 0; i < sc.important.index.length; i++) table.rows.push([sc.important.index[i], t('blockImportant'), sc.important.rc[i], sc.important.je[i]]);
    for (let i = 0; i < sc.noise.index.length; i++) table.rows.push([sc.noise.index[i], t('blockNoise'), sc.noise.rc[i], sc.noise.je[i]]);
    if (sc.thinned) table.note = t('thinnedNote');
  }
  return { id: 'scores', title, subtitle, charts: [scoresChart(model, a, sc, 'rc', theme), scoresChart(model, a, sc, 'je', theme)], table };
}

// ---------------------------------------------------------------------------------------
// 4. Noise scaling

/** Signed log transform used by the noise-scaling chart (α² can be negative). */
export function symlog(v: number): number {
  return Number.isFinite(v) ? Math.sign(v) * Math.log10(1 + Math.abs(v)) : NaN;
}
function symlogInverse(y: number): number {
  return Math.sign(y) * (10 ** Math.abs(y) - 1);
}

/** The y axis of the noise-scaling chart: signed log of α², ticks at 0 and ±10^m. */
function scalingYAxis(sy: Record<string, unknown>, lo: number, hi: number): void {
  sy.min = lo;
  sy.max = hi;
  sy.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    const ticks: { value: number }[] = [{ value: 0 }];
    const step = hi - lo > 8 ? 2 : 1;
    for (let m = 0; m <= 12; m += step) {
      const v = 10 ** m;
      if (symlog(v) <= hi) ticks.push({ value: symlog(v) });
      if (-symlog(v) >= lo) ticks.push({ value: -symlog(v) });
    }
    axis.ticks = ticks.sort((p, q) => p.value - q.value);
  };
  sy.ticks = { ...(sy.ticks as object), callback: (v: number | string) => fmt(Math.round(symlogInverse(Number(v)))) };
}

/** The point where α²_RC(t) and α²_JE(t) cross, marked and labelled. */
function crossingMarker(c: NoiseScalingCurve, crossing: number, theme: Theme): { dataset: LineDataset; note: AnnotationText } {
  const v = interpolateLog(c.t, c.alpha2JE, crossing);
  const dataset = line(t('crossingLegend', fmt(crossing)), [{ x: crossing, y: symlog(v), raw: v }], theme.marker, theme, {
    pointRadius: 6,
    pointHoverRadius: 7,
    pointStyle: 'rectRot',
    pointBackgroundColor: theme.background,
    pointBorderColor: theme.marker,
    pointBorderWidth: 2,
    showLine: false,
  });
  const note: AnnotationText = {
    x: crossing,
    y: symlog(v),
    dy: -10,
    text: `t = ${fmt(crossing)}`,
    color: theme.marker,
    bold: true,
    halo: withAlpha(theme.background, 0.85),
  };
  return { dataset, note };
}

/** The squared thresholds as every noise variance is scaled by t; null for a spec without thresholds. */
function scalingSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  if (!model.thresholds) return null;
  const title = t('scalingTitle');
  const subtitle = t('scalingSubtitle');
  const c = model.curve;
  const table: TableData = { caption: title, columns: [t('colNoiseScale'), 'α²_RC(t)', 'α²_JE(t)'], rows: [] };
  // The curve is computed while a panel shows it: it follows the first paint.
  if (!c || c.t.length === 0) return { id: 'scaling', title, subtitle, charts: [], table, empty: t('scalingEmpty') };
  for (let i = 0; i < c.t.length; i++) table.rows.push([c.t[i], c.alpha2RC[i], c.alpha2JE[i]]);
  const tMin = c.t[0];
  const tMax = c.t[c.t.length - 1];
  const pt = (x: number, v: number): Pt => ({ x, y: symlog(v), raw: v });
  const curve = (label: string, values: number[], color: string, extra: Partial<LineDataset>): LineDataset =>
    line(
      label,
      c.t.map((x, i) => pt(x, values[i])),
      color,
      theme,
      { pointRadius: 0, borderWidth: 2.5 * theme.lineScale, ...extra },
    );
  const datasets: LineDataset[] = [
    curve(t('scalingRcLegend'), c.alpha2RC, theme.rc, {}),
    curve(t('scalingJeLegend'), c.alpha2JE, theme.je, { borderDash: [10, 3] }),
  ];
  if (Number.isFinite(c.jeBound)) {
    const b = hline(t('jeBoundLegend'), symlog(c.jeBound), tMin, tMax, theme.je, theme, [2, 4]);
    b.data.forEach((p) => (p.raw = c.jeBound));
    datasets.push(b);
  }
  const notes: AnnotationText[] = [];
  const r = finiteRange([...c.alpha2RC, ...c.alpha2JE, c.jeBound, 0].map(symlog)) ?? [-1, 1];
  const lo = Math.floor(r[0] * 2) / 2 - (r[0] < 0 ? 0.25 : 0);
  const hi = Math.ceil(r[1] * 2) / 2 + 0.25;
  if (c.crossing !== null && Number.isFinite(c.crossing)) {
    const m = crossingMarker(c, c.crossing, theme);
    datasets.push(m.dataset);
    notes.push(m.note);
  }
  if (tMin <= 1 && tMax >= 1) {
    datasets.push(markerLine(t('specNoiseLegend'), 1, lo, hi, theme.muted, theme));
    notes.push({ x: 1, y: 'top', dx: 4, align: 'left', text: t('specNoiseNote'), color: theme.muted });
  }
  const o = baseOptions(theme);
  setTitles(o, t('noiseScaleAxis'), t('signedLogAxis'));
  const sx = o.scales!.x as Record<string, unknown>;
  logAxis(sx, tMin, tMax);
  scalingYAxis(o.scales!.y as Record<string, unknown>, lo, hi);
  if (lo < 0)
    notes.push({
      x: 'right',
      y: lo,
      dx: -6,
      dy: -4,
      align: 'right',
      text: t('negativeAlpha2Note'),
      color: theme.muted,
      halo: withAlpha(theme.background, 0.8),
    });
  texts(o, notes, lo < 0 ? [{ axis: 'y', from: lo, to: 0, color: withAlpha(theme.signal, 0.07) }] : []);
  const aria =
    t('scalingAria', fmt(tMin), fmt(tMax), fmt(c.alpha2RC[c.alpha2RC.length - 1]), fmt(c.jeBound)) +
    (c.crossing !== null ? t('scalingAriaCross', fmt(c.crossing)) : t('scalingAriaNoCross'));
  return { id: 'scaling', title, subtitle, charts: [{ spec: { id: 'scaling', datasets, options: o }, aria }], table };
}

function interpolateLog(t: number[], v: number[], x: number): number {
  for (let i = 1; i < t.length; i++) {
    if (t[i] >= x) {
      const f = (Math.log(x) - Math.log(t[i - 1])) / (Math.log(t[i]) - Math.log(t[i - 1]));
      return v[i - 1] + f * (v[i] - v[i - 1]);
    }
  }
  return v[v.length - 1];
}

// ---------------------------------------------------------------------------------------
// 5. Finite-n convergence

const DASHES: number[][] = [[], [7, 4], [2, 3], [12, 4, 2, 4], [4, 2]];

function convergenceSection(model: AlignmentPanelModel, theme: Theme): SectionView | null {
  const sim = model.simulation;
  if (!sim) return null;
  const metric = sim.metric;
  const title = t('convergenceTitle');
  const subtitle = t('convergenceSubtitle', metric);
  const table: TableData = {
    caption: title,
    columns: ['n', ...sim.series.flatMap((s) => [t('colSeriesMean', paradigmLabel(s.paradigm), fmt(s.alpha)), t('colSpread')])],
    rows: [],
  };
  for (let i = 0; i < sim.n.length; i++) table.rows.push([sim.n[i], ...sim.series.flatMap((s) => [s.mean[i] ?? null, s.spread[i] ?? null])]);
  const alphas = [...new Set(sim.series.map((s) => s.alpha))].sort((p, q) => p - q);
  const colorOf = (p: string): string => (p === 'reconstruction' ? theme.rc : p === 'joint-embedding' ? theme.je : theme.sl);
  const datasets: LineDataset[] = sim.series.map((s) =>
    line(
      t('seriesLegend', paradigmLabel(s.paradigm), fmt(s.alpha)),
      sim.n.map((x, i) => ({ x, y: pos(s.mean[i]) })),
      colorOf(s.paradigm),
      theme,
      {
        borderDash: DASHES[alphas.indexOf(s.alpha) % DASHES.length],
        pointRadius: sim.n.length > 40 ? 0 : 3,
        pointStyle: s.paradigm === 'reconstruction' ? 'rect' : s.paradigm === 'joint-embedding' ? 'circle' : 'triangle',
      },
    ),
  );
  const o = baseOptions(theme);
  setTitles(o, t('samplesAxis'), t('metricLogAxis', metric));
  const sx = o.scales!.x as Record<string, unknown>;
  logAxis(sx);
  const sy = o.scales!.y as Record<string, unknown>;
  logAxis(sy);
  const nr = finiteRange(sim.n);
  if (nr) {
    sx.min = 10 ** Math.floor(Math.log10(nr[0]));
    sx.max = 10 ** Math.ceil(Math.log10(nr[1]));
  }
  const yr = positiveRange(sim.series.flatMap((s) => s.mean));
  if (yr) {
    // Decades that contain the data, with a little headroom so lines at 1 do not hug the frame.
    sy.min = 10 ** Math.floor(Math.log10(yr[0]) - 0.1);
    sy.max = 10 ** (Math.ceil(Math.log10(yr[1]) - 1e-9) + 0.25);
  }
  texts(o, []);
  const aria = t(
    'convergenceAria',
    metric,
    sim.series.length,
    [...new Set(sim.series.map((s) => paradigmLabel(s.paradigm)))].join(t('listSeparator')),
    alphas.map((v) => fmt(v)).join(t('listSeparator')),
  );
  return { id: 'convergence', title, subtitle, charts: [{ spec: { id: 'convergence', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------

/** The sections of the alignment theory's panel (P1) that apply to the model, in display order. */
export function buildAlignmentSections(model: AlignmentPanelModel, theme: Theme): SectionView[] {
  return applicable(model, theme, [
    (m, th) => (m.probe ? probeSection(m.probe, th) : null),
    strengthSection,
    thresholdsSection,
    spectrumSection,
    scoresSection,
    scalingSection,
    convergenceSection,
  ]);
}

export type { Thresholds };
