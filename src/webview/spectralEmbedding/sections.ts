/**
 * What each chart of graph mode shows (docs/theory.md §7): the Laplacian spectrum with
 * VICReg's a/(4g) cut, VICReg's σ_k per direction and as the invariance weight g varies,
 * the rank of every method against K (and the spectra that decide it), and the pair
 * agreement with the labels. Model + theme -> chart.js datasets/options, the table of
 * numbers and an accessible summary, like the alignment sections (alignment/sections.ts).
 */
import type { GraphPanelModel } from '../../core/theories/spectralEmbedding/index';
import type { AnnotationText, LineDataset, Pt } from '../charts';
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
  setTitles,
  texts,
  type SectionView,
} from '../chartKit';
import { fmt, methodTitle } from '../format';
import { t } from '../l10n';
import type { TableData } from '../tables';
import { withAlpha, type Theme } from '../theme';
import { invarianceSection } from './advice';

/** σ_k = 1 up to rounding. */
const isFull = (sigma: number): boolean => sigma >= 1 - 1e-9;

/** `3` or `3–5` or `3, 7` for a list of 1-based directions. */
export function directionsText(ks: number[]): string {
  if (ks.length === 0) return '';
  const contiguous = ks.every((k, i) => i === 0 || k === ks[i - 1] + 1);
  if (ks.length === 1) return String(ks[0]);
  if (contiguous) return `${ks[0]}–${ks[ks.length - 1]}`;
  return ks.length <= 4 ? ks.join(', ') : `${ks.slice(0, 3).join(', ')}, … (${ks.length})`;
}

/** σ axis: 0 to 1 with a little headroom, ticks every 0.25. */
function sigmaAxis(scale: Record<string, unknown>): void {
  scale.min = 0;
  scale.max = 1.1;
  scale.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    axis.ticks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value }));
  };
  scale.ticks = { ...(scale.ticks as object), callback: (v: number | string) => fmt(Number(v)) };
}

/** Draws every point, also in a long series (a spectrum of a few dozen values). */
const points = (n: number): Partial<LineDataset> => ({ pointRadius: n > 200 ? 1.5 : 3.5, pointHoverRadius: 5 });

// ---------------------------------------------------------------------------------------
// 1. Laplacian spectrum and the a/(4g) cut

/** The Laplacian spectrum with VICReg's cut; null when the graph was not analysed. */
function laplacianSection(model: GraphPanelModel, theme: Theme): SectionView | null {
  const g = model.graph;
  if (!g || g.laplacian.length === 0) return null;
  const title = t('laplacianTitle');
  const subtitle = t('laplacianSubtitle');
  const table: TableData = { caption: title, columns: ['k', t('lambdaOfL'), t('colVicregSigma'), t('colDirection')], rows: [] };
  const v = model.representation.vicreg;
  const sw = model.sigmaSweep;
  // An eigensolver's rounding noise around 0 (±1e-15) is drawn and listed as 0.
  const scale = g.laplacian.reduce((m, x) => (Number.isFinite(x) ? Math.max(m, Math.abs(x)) : m), 1);
  const lap = g.laplacian.map((x) => (Math.abs(x) <= 1e-12 * scale ? 0 : x));
  const K = model.dimensions?.K ?? lap.length - 1;
  lap.forEach((lambda, k) => {
    const sigma = k === 0 ? null : (v?.sigma[k - 1] ?? null);
    table.rows.push([k, lambda, sigma, k === 0 ? t('directionConstant') : sigma === null ? '' : isFull(sigma) ? 'σ_k = 1' : t('directionShrunk')]);
  });
  const datasets: LineDataset[] = [];
  const at = (k: number): Pt => ({ x: k, y: lap[k] });
  datasets.push(line(t('lambda0Legend'), [at(0)], theme.muted, theme, { showLine: false, pointStyle: 'rectRot', pointRadius: 5 }));
  const rest = lap.map((_, k) => k).slice(1);
  if (sw && v) {
    const full = rest.filter((k) => v.sigma[k - 1] !== undefined && isFull(v.sigma[k - 1]));
    const shrunk = rest.filter((k) => v.sigma[k - 1] !== undefined && !isFull(v.sigma[k - 1]));
    const beyond = rest.filter((k) => v.sigma[k - 1] === undefined);
    // Only the groups that have a point get a dataset (and so a legend entry).
    if (full.length) datasets.push(line(t('fullLegend'), full.map(at), theme.signal, theme, { showLine: false, ...points(full.length) }));
    if (shrunk.length)
      datasets.push(line(t('shrunkLegend'), shrunk.map(at), theme.noise, theme, { showLine: false, pointStyle: 'triangle', ...points(shrunk.length) }));
    if (beyond.length)
      datasets.push(line(t('beyondKLegend'), beyond.map(at), theme.muted, theme, { showLine: false, pointStyle: 'crossRot', ...points(beyond.length) }));
  } else {
    datasets.push(line(t('lambdaOfL'), rest.map(at), theme.vicreg, theme, { showLine: false, ...points(rest.length) }));
  }
  const x0 = -0.5;
  const x1 = lap.length - 0.5;
  const range = finiteRange(lap) ?? [0, 1];
  const top = Math.max(range[1], 0);
  const o = baseOptions(theme);
  setTitles(o, t('eigenIndexAxis'), t('lambdaOfL'));
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = x0;
  sx.max = x1;
  integerTicks(sx, 0, lap.length - 1);
  const sy = o.scales!.y as Record<string, unknown>;
  const notes: AnnotationText[] = [];
  const zeros = lap.filter((x) => Math.abs(x) <= 1e-9 * Math.max(1, top)).length;
  if (sw) {
    const cut = sw.cut;
    // The cut line is drawn when it is within reach of the spectrum; far above, a note says so.
    const cutShown = cut <= 3 * top || top === 0;
    sy.min = 0;
    sy.max = niceCeil(Math.max(cutShown ? cut : 0, top) * 1.15 || 1);
    if (cutShown) {
      datasets.push(hline(`a/(4g) = ${fmt(cut)}`, cut, x0, x1, theme.boundary, theme));
      // On the left, over the small λ_k (below the cut): on the right it would cover the few points above it.
      notes.push({
        x: 'left',
        y: cut,
        dx: 4,
        dy: -3,
        align: 'left',
        text: `a/(4g) = ${fmt(cut)}`,
        color: theme.boundary,
        bold: true,
        halo: withAlpha(theme.background, 0.85),
      });
    } else {
      notes.push({
        x: 'right',
        y: 'top',
        dx: -4,
        align: 'right',
        text: t('cutAboveNote', fmt(cut)),
        color: theme.boundary,
        bold: true,
      });
    }
  } else {
    sy.min = 0;
    sy.max = niceCeil(top * 1.15 || 1);
  }
  texts(o, notes);
  const aria =
    t(g.components === 1 ? 'laplacianAriaOne' : 'laplacianAriaMany', g.kind, g.edges, g.components, lap.length, fmt(range[0]), fmt(range[1]), zeros) +
    (sw ? t('laplacianAriaCut', fmt(sw.cut), sw.full, K) : '.');
  return { id: 'laplacian', title, subtitle, charts: [{ spec: { id: 'laplacian', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------
// 2. VICReg σ_k: per direction at the spec's g, and as g varies

const CURVE_DASHES: number[][] = [[], [7, 4], [2, 3], [12, 4, 2, 4], [4, 2], [10, 3, 2, 3, 2, 3]];
/** More curves than this make a legend taller than the chart. */
const MAX_CURVES = 6;

/** At most `max` items: all when few, else the first, the last and evenly spaced ones between (the table lists every direction). */
export function representatives<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (items.length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => items[i]);
}

type Chart = SectionView['charts'][number];
type Vicreg = NonNullable<GraphPanelModel['representation']['vicreg']>;
type Sweep = NonNullable<GraphPanelModel['sigmaSweep']>;

/** (a) σ_k per direction at the spec's g: the representation's, and linear VICReg's when there is one. */
function sigmaPerDirection(v: Vicreg, sw: Sweep, lin: GraphPanelModel['linear']['vicreg'], theme: Theme): Chart {
  const K = v.sigma.length;
  const perK: LineDataset[] = [
    line(
      t('sigmaAtGLegend', fmt(sw.invariance)),
      v.sigma.map((y, i) => ({ x: i + 1, y })),
      theme.vicreg,
      theme,
      points(K),
    ),
  ];
  const linear = lin && lin.sigma.length ? lin.sigma : null;
  if (linear)
    perK.push(
      line(
        t('linearVicregSigmaLegend'),
        linear.map((y, i) => ({ x: i + 1, y })),
        theme.theta,
        theme,
        {
          borderDash: [6, 4],
          pointStyle: 'rect',
          ...points(linear.length),
        },
      ),
    );
  const o = baseOptions(theme);
  setTitles(o, t('directionAscAxis'), 'σ_k');
  const ax = o.scales!.x as Record<string, unknown>;
  ax.min = 0.5;
  ax.max = K + 0.5;
  integerTicks(ax, 1, K);
  sigmaAxis(o.scales!.y as Record<string, unknown>);
  texts(o, [{ x: 'right', y: 'above', align: 'right', text: t('fullAtSigmaNote', sw.full, K), color: theme.vicreg, bold: true }]);
  // Two different eigenproblems: the graph Laplacian's λ_k, the linear regime's μ_k (docs/theory.md §7.5).
  const caption = t('sigmaCaptionA', fmt(sw.invariance), sw.full, K, fmt(Math.min(...v.sigma))) + (linear ? ' ' + t('sigmaCaptionLinear') : '');
  return { spec: { id: 'sigma-k', datasets: perK, options: o }, aria: t('sigmaAriaA', K, fmt(sw.invariance), caption), caption };
}

/** (b) σ as g varies, one curve per distinct λ_k (at most six drawn, colour and dash both changing), log g. */
function sigmaSweep(sw: Sweep, theme: Theme): Chart {
  const gMin = sw.g[0];
  const gMax = sw.g[sw.g.length - 1];
  const drawn = representatives(sw.curves, MAX_CURVES);
  const perG: LineDataset[] = drawn.map((c, i) =>
    line(
      `λ = ${fmt(c.lambda)} (k = ${directionsText(c.directions)})`,
      sw.g.map((x, j) => ({ x, y: c.sigma[j] })),
      theme.palette[i % theme.palette.length],
      theme,
      {
        pointRadius: 0,
        pointHoverRadius: 3,
        borderDash: CURVE_DASHES[i % CURVE_DASHES.length],
      },
    ),
  );
  perG.push(markerLine(t('specGNote', fmt(sw.invariance)), sw.invariance, 0, 1.1, theme.marker, theme));
  const o = baseOptions(theme);
  setTitles(o, t('invarianceAxis'), 'σ_k');
  const bx = o.scales!.x as Record<string, unknown>;
  logAxis(bx, gMin, gMax);
  sigmaAxis(o.scales!.y as Record<string, unknown>);
  const bands =
    Number.isFinite(sw.gAllFull) && sw.gAllFull > gMin
      ? [{ axis: 'x' as const, from: gMin, to: Math.min(sw.gAllFull, gMax), color: withAlpha(theme.signal, 0.08) }]
      : [];
  texts(o, [{ x: sw.invariance, y: 'top', dx: 4, align: 'left', text: t('specGNote', fmt(sw.invariance)), color: theme.marker }], bands);
  const caption =
    (Number.isFinite(sw.gAllFull) ? t('sigmaCaptionB', fmt(sw.gAllFull)) : t('sigmaCaptionBZero')) +
    (drawn.length < sw.curves.length ? t('sigmaCaptionBDrawn', drawn.length, sw.curves.length) : sw.capped ? t('sigmaCaptionBCapped', sw.curves.length) : '');
  const aria = t(sw.curves.length === 1 ? 'sigmaAriaBOne' : 'sigmaAriaBMany', fmt(gMin), fmt(gMax), sw.curves.length, caption);
  return { spec: { id: 'sigma-g', datasets: perG, options: o }, aria, caption };
}

/** VICReg's σ_k per direction and as g varies; null without VICReg. */
function sigmaSection(model: GraphPanelModel, theme: Theme): SectionView | null {
  const v = model.representation.vicreg;
  const sw = model.sigmaSweep;
  if (!v || !sw) return null;
  const title = t('sigmaTitle');
  const lin = model.linear.vicreg;
  const table: TableData = {
    caption: title,
    columns: ['k', 'λ_k', t('colSigmaAtG'), t('colSigmaFullWhile'), t('colLinearMu'), t('colLinearSigma')],
    rows: v.sigma.map((sigma, k) => {
      const lambda = v.eigenvalues[k];
      return [k + 1, lambda, sigma, lambda > 0 ? sw.variance / (4 * lambda) : Infinity, lin?.mu[k] ?? null, lin?.sigma[k] ?? null];
    }),
    note: t('sigmaNote', fmt(sw.variance), fmt(sw.invariance), fmt(sw.cut), fmt(sw.gAllFull)),
  };
  return { id: 'sigma', title, subtitle: t('sigmaSubtitle'), charts: [sigmaPerDirection(v, sw, lin, theme), sigmaSweep(sw, theme)], table };
}

// ---------------------------------------------------------------------------------------
// 3. Ranks against K

interface RankRow {
  key: string;
  name: string;
  rank: number;
  /** The largest rank possible: K for a representation, min(D, K) for a linear map. */
  bound: number;
  color: string;
}

function rankRows(model: GraphPanelModel, theme: Theme, K: number, D: number): RankRow[] {
  const { representation: r, linear: l } = model;
  const lb = Math.min(D, K);
  const rows: (RankRow | null)[] = [
    r.vicreg && { key: 'vicreg', name: methodTitle('vicreg', null), rank: r.vicreg.rank, bound: K, color: theme.vicreg },
    r.simclr && { key: 'simclr', name: methodTitle('simclr', null), rank: r.simclr.rank, bound: K, color: theme.simclr },
    l.vicreg && { key: 'vicreg-linear', name: t('linearMethod', methodTitle('vicreg', null)), rank: l.vicreg.rank, bound: lb, color: theme.vicreg },
    l.simclr && { key: 'simclr-linear', name: t('linearMethod', methodTitle('simclr', null)), rank: l.simclr.rank, bound: lb, color: theme.simclr },
    l.barlow && { key: 'barlow-linear', name: t('linearMethod', methodTitle('barlow', null)), rank: l.barlow.rank, bound: lb, color: theme.barlow },
  ];
  return rows.filter((x): x is RankRow => !!x);
}

/** (a) Horizontal bars, one per method (top row first), 0..rank on a 0..K axis, K marked. */
function rankBars(rows: RankRow[], K: number, D: number, theme: Theme): Chart {
  const n = rows.length;
  const yOf = (i: number): number => n - 1 - i;
  const bars: LineDataset[] = rows.map((r, i) => ({
    label: t('rankLegend', r.name, r.rank, r.bound),
    data: [
      { x: 0, y: yOf(i) },
      { x: r.rank, y: yOf(i) },
    ],
    borderColor: withAlpha(r.color, theme.kind.startsWith('high') ? 0.9 : 0.75),
    backgroundColor: r.color,
    borderWidth: 14,
    borderCapStyle: 'butt',
    pointRadius: 0,
    pointHoverRadius: 0,
  }));
  bars.push(markerLine(`K = ${K}`, K, -0.6, n - 0.4, theme.marker, theme));
  const o = baseOptions(theme);
  setTitles(o, t('rankAxis'), '');
  const ax = o.scales!.x as Record<string, unknown>;
  ax.min = 0;
  ax.max = K + Math.max(0.5, K * 0.08);
  integerTicks(ax, 0, K);
  const ay = o.scales!.y as Record<string, unknown>;
  ay.min = -0.6;
  ay.max = n - 0.4;
  ay.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    axis.ticks = rows.map((_, i) => ({ value: yOf(i) }));
  };
  ay.ticks = {
    color: theme.foreground,
    font: { size: theme.fontSize - 1, weight: '600' },
    callback: (value: number | string) => rows[n - 1 - Number(value)]?.name ?? '',
  };
  ay.grid = { display: false };
  (ay.title as { display: boolean }).display = false;
  o.plugins!.tooltip!.enabled = false;
  o.plugins!.legend!.display = false;
  texts(o, [
    ...rows.map((r, i): AnnotationText => ({
      x: r.rank,
      y: yOf(i),
      dx: 6,
      baseline: 'middle',
      align: 'left',
      text: r.rank < r.bound ? t('rankCollapseNote', r.rank, r.bound) : `${r.rank}/${r.bound}${r.bound < K ? ` (D = ${D})` : ''}`,
      color: theme.foreground,
      bold: true,
      halo: withAlpha(theme.background, 0.85),
    })),
    { x: K, y: 'top', dx: -4, align: 'right', text: `K = ${K}`, color: theme.marker },
  ]);
  const aria = t('ranksAria', K, rows.map((r) => t(r.rank < r.bound ? 'rankOfCollapse' : 'rankOf', r.name, r.rank, r.bound)).join(t('listSeparator')));
  return { spec: { id: 'ranks', datasets: bars, options: o }, aria };
}

/** (b) The spectra that decide the ranks: SimCLR's kernel eigenvalues, linear SimCLR's λ⁺, Barlow's correlations; null when none was computed. */
function rankSpectra(model: GraphPanelModel, K: number, theme: Theme): Chart | null {
  const spec: LineDataset[] = [];
  const r = model.representation;
  const l = model.linear;
  const series = (values: number[]) => values.map((y, i) => ({ x: i + 1, y }));
  if (r.simclr) spec.push(line(t('simclrEigenLegend'), series(r.simclr.eigenvalues), theme.simclr, theme, points(r.simclr.eigenvalues.length)));
  if (l.simclr)
    spec.push(
      line(t('simclrLinearLegend'), series(l.simclr.eigenvalues), theme.simclr, theme, {
        borderDash: [6, 4],
        pointStyle: 'rect',
        ...points(l.simclr.eigenvalues.length),
      }),
    );
  if (l.barlow)
    spec.push(line(t('barlowLegend'), series(l.barlow.correlations), theme.barlow, theme, { pointStyle: 'triangle', ...points(l.barlow.correlations.length) }));
  if (!spec.length) return null;
  const o = baseOptions(theme);
  setTitles(o, t('directionDescAxis'), l.barlow ? (r.simclr || l.simclr ? t('eigenCorrAxis') : t('correlationAxis')) : t('eigenvalueAxis'));
  const bx = o.scales!.x as Record<string, unknown>;
  bx.min = 0.5;
  bx.max = K + 0.5;
  integerTicks(bx, 1, K);
  const yr = finiteRange([...spec.flatMap((x) => x.data.map((p) => p.y)), 0, 1]) ?? [0, 1];
  const by = o.scales!.y as Record<string, unknown>;
  by.min = Math.min(0, Math.floor(yr[0] * 4) / 4);
  by.max = Math.max(1.05, yr[1] * 1.05);
  spec.push(hline(t('collapsedZeroLegend'), 0, 0.5, K + 0.5, theme.muted, theme, [2, 3]));
  texts(o, []);
  const positive = (xs: number[]): number => xs.filter((x) => x > 1e-9).length;
  const caption = [
    r.simclr ? t('simclrKernelPositive', positive(r.simclr.eigenvalues), r.simclr.eigenvalues.length) : '',
    l.simclr ? t('simclrLinearNote') : '',
    l.barlow ? t('barlowPositive', positive(l.barlow.correlations), l.barlow.correlations.length) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return { spec: { id: 'ranks-spectra', datasets: spec, options: o }, aria: t('ranksSpectraAria', K, caption), caption };
}

/** The rank of every method against K, and the spectra that decide it; null when no method was analysed. */
function ranksSection(model: GraphPanelModel, theme: Theme): SectionView | null {
  const d = model.dimensions;
  const rows = d ? rankRows(model, theme, d.K, d.D) : [];
  if (!d || rows.length === 0) return null;
  const title = t('ranksTitle');
  const table: TableData = {
    caption: title,
    columns: [t('colMethod'), t('colRank'), t('colLargestPossible'), t('colCollapsed')],
    rows: rows.map((r) => [r.name, r.rank, r.bound, Math.max(0, r.bound - r.rank)]),
    note: t('ranksNote', d.K, Math.min(d.D, d.K)),
  };
  const spectra = rankSpectra(model, d.K, theme);
  return { id: 'ranks', title, subtitle: t('ranksSubtitle'), charts: [rankBars(rows, d.K, d.D, theme), ...(spectra ? [spectra] : [])], table };
}

// ---------------------------------------------------------------------------------------
// 4. Pair agreement

/** The threshold of `aligned` (docs/theory.md §7.8). */
export const AGREEMENT_THRESHOLD = 0.9;

/** The pair agreement with the labels; without labels, a hint to add them. */
function agreementSection(model: GraphPanelModel, theme: Theme): SectionView | null {
  if (!model.dimensions) return null;
  const title = t('agreementTitle');
  const subtitle = t('agreementSubtitle');
  const table: TableData = { caption: title, columns: [t('colPairAgreement'), t('colThreshold'), t('colAligned')], rows: [] };
  const al = model.alignment;
  if (!al) return { id: 'agreement', title, subtitle, charts: [], table, empty: t('agreementEmpty') };
  table.rows.push([al.pairAgreement, AGREEMENT_THRESHOLD, al.aligned ? t('yes') : t('no')]);
  const color = al.aligned ? theme.signal : theme.noise;
  const datasets: LineDataset[] = [
    {
      label: t('agreementLegend', fmt(al.pairAgreement)),
      data: [
        { x: 0, y: 0 },
        { x: al.pairAgreement, y: 0 },
      ],
      borderColor: withAlpha(color, 0.8),
      backgroundColor: color,
      borderWidth: 18,
      borderCapStyle: 'butt',
      pointRadius: 0,
      pointHoverRadius: 0,
    },
    markerLine(t('alignedAtLegend', AGREEMENT_THRESHOLD), AGREEMENT_THRESHOLD, -0.8, 0.8, theme.boundary, theme),
  ];
  const o = baseOptions(theme);
  setTitles(o, t('agreementAxis'), '');
  const sx = o.scales!.x as Record<string, unknown>;
  sx.min = 0;
  sx.max = 1;
  const sy = o.scales!.y as Record<string, unknown>;
  sy.min = -1;
  sy.max = 1;
  sy.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    axis.ticks = [];
  };
  sy.grid = { display: false };
  (sy.title as { display: boolean }).display = false;
  o.plugins!.tooltip!.enabled = false;
  texts(o, [
    {
      x: al.pairAgreement,
      y: 0,
      dx: al.pairAgreement > 0.8 ? -6 : 6,
      align: al.pairAgreement > 0.8 ? 'right' : 'left',
      baseline: 'middle',
      text: fmt(al.pairAgreement),
      color: theme.foreground,
      bold: true,
      halo: withAlpha(theme.background, 0.85),
    },
    {
      x: AGREEMENT_THRESHOLD,
      y: 'top',
      dx: -4,
      align: 'right',
      text: t(al.aligned ? 'alignedNote' : 'misalignedNote', AGREEMENT_THRESHOLD),
      color,
      bold: true,
    },
  ]);
  const aria = t(al.aligned ? 'agreementAriaAligned' : 'agreementAriaMisaligned', fmt(al.pairAgreement), AGREEMENT_THRESHOLD);
  return { id: 'agreement', title, subtitle, charts: [{ spec: { id: 'agreement', datasets, options: o }, aria }], table };
}

// ---------------------------------------------------------------------------------------

/** The sections of graph mode's panel (P2) that apply to the model, in display order. */
export function buildGraphSections(model: GraphPanelModel, theme: Theme): SectionView[] {
  return applicable(model, theme, [laplacianSection, sigmaSection, invarianceSection, ranksSection, agreementSection]);
}
