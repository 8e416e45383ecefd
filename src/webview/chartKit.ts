/**
 * What every theory's sections share: a section's view (its charts, table and accessible
 * summary), the panel's chart.js options and dataset builders, and axis helpers. Each theory's
 * sections (src/webview/<theory>/sections.ts) turn its panel model into section views with these.
 */
import type { ChartId } from '../shared/webviewProtocol';
import { Chart, type LegendItem, type PointStyle } from 'chart.js';
import { drawPoint } from 'chart.js/helpers';
import type { AnnotationText, ChartSpec, LineDataset, LineOptions, Pt } from './charts';
import { fmt } from './format';
import { t } from './l10n';
import type { TableData } from './tables';
import { withAlpha, type Theme } from './theme';

export interface SectionView {
  id: ChartId;
  title: string;
  subtitle: string;
  /** One chart per canvas (the scores section has two panels). */
  charts: { spec: ChartSpec; aria: string; caption?: string }[];
  table: TableData;
  /**
   * Shown instead of the charts when the section has nothing to draw but the user can change that
   * (e.g. 'Add "alpha:" to the spec'). A section with nothing to draw and nothing to do is not
   * built at all: its builder returns null (docs/architecture.md §2 "Analysis panel").
   */
  empty?: string;
}

/** Builds the section views that apply to a model, in order (a builder returns null when its section does not apply). */
export function applicable<M>(model: M, theme: Theme, builders: readonly ((model: M, theme: Theme) => SectionView | null)[]): SectionView[] {
  return builders.map((b) => b(model, theme)).filter((v): v is SectionView => v !== null);
}

// ---------------------------------------------------------------------------------------
// helpers

export const pos = (v: number): number => (v > 0 && Number.isFinite(v) ? v : NaN);

export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const e = Math.floor(Math.log10(x));
  const base = 10 ** e;
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * base >= x - 1e-12) return m * base;
  return 10 * base;
}

export function finiteRange(values: number[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

export function positiveRange(values: number[]): [number, number] | null {
  return finiteRange(values.filter((v) => v > 0));
}

function fontString(theme: Theme, size = theme.fontSize - 1): string {
  return `${size}px ${theme.fontFamily}`;
}

/** Legend glyphs by their look: a short line with the series' dash, its marker in the middle. */
const swatches = new Map<string, HTMLCanvasElement>();

/**
 * A legend glyph that repeats what tells a series apart besides its colour: its dash and its
 * marker (a circle, a triangle, …).
 */
function swatch(color: string, dash: number[], width: number, marker: PointStyle | null): HTMLCanvasElement {
  const key = `${color}|${dash.join(',')}|${width}|${marker ?? ''}`;
  let c = swatches.get(key);
  if (c) return c;
  // chart.js draws an image glyph at its pixel size in the chart's own (already scaled) units.
  c = document.createElement('canvas');
  c.width = 26;
  c.height = 12;
  const ctx = c.getContext('2d');
  if (ctx) {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(1, 6);
    ctx.lineTo(25, 6);
    ctx.stroke();
    ctx.setLineDash([]);
    if (marker) drawPoint(ctx, { pointStyle: marker, radius: 4, borderWidth: 1.5 }, 13, 6);
  }
  swatches.set(key, c);
  return c;
}

/**
 * Legend entries: each a glyph of its series (dash and marker, thin strokes whatever the
 * dataset's width: bands are 16px), and none for a series with no point to draw.
 */
function legendLabels(chart: Chart): LegendItem[] {
  const drawn = (i: number | undefined): boolean => ((chart.data.datasets[i ?? 0]?.data ?? []) as Pt[]).some((p) => Number.isFinite(p?.y));
  return Chart.defaults.plugins.legend.labels
    .generateLabels(chart)
    .filter((l) => drawn(l.datasetIndex))
    .map((l) => {
      const ds = chart.data.datasets[l.datasetIndex ?? 0] as LineDataset | undefined;
      const color = typeof ds?.borderColor === 'string' ? ds.borderColor : String(l.strokeStyle);
      const width = typeof ds?.borderWidth === 'number' ? ds.borderWidth : 2;
      const dash = Array.isArray(ds?.borderDash) ? (ds.borderDash as number[]) : [];
      const radius = ds?.pointRadius;
      const marked = typeof radius === 'number' ? radius > 0 : radius === undefined;
      const marker = marked ? ((typeof ds?.pointStyle === 'string' ? ds.pointStyle : 'circle') as PointStyle) : null;
      const line = ds?.showLine === false ? 0 : Math.min(width, 3);
      return { ...l, pointStyle: swatch(color, line ? dash : [0, 100], line || 1, marker), lineWidth: 0 };
    });
}

export function baseOptions(theme: Theme): LineOptions {
  const tick = { color: theme.muted, font: { size: Math.max(10, theme.fontSize - 2) }, maxRotation: 0, autoSkipPadding: 12 };
  const faint = withAlpha(theme.grid, 0.4);
  const gridColor = (ctx: { tick?: { major?: boolean; label?: unknown } }): string =>
    !ctx.tick || ctx.tick.major || (ctx.tick.label !== '' && ctx.tick.label !== undefined) ? theme.grid : faint;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    color: theme.foreground,
    layout: { padding: { top: 20, right: 12, left: 4, bottom: 0 } },
    interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
    elements: { line: { tension: 0 }, point: { hitRadius: 6 } },
    plugins: {
      legend: {
        position: 'bottom',
        align: 'start',
        labels: {
          color: theme.foreground,
          boxWidth: 26,
          boxHeight: 12,
          padding: 14,
          usePointStyle: true,
          pointStyleWidth: 26,
          generateLabels: legendLabels,
          font: { size: Math.max(11, theme.fontSize - 1) },
        },
      },
      tooltip: {
        backgroundColor: withAlpha(theme.background, 0.96),
        titleColor: theme.foreground,
        bodyColor: theme.foreground,
        borderColor: theme.border !== 'transparent' ? theme.border : theme.grid,
        borderWidth: 1,
        padding: 8,
        callbacks: {
          label: (ctx) => {
            const p = ctx.raw as Pt;
            const y = p.raw ?? p.y;
            return t('nameValue', ctx.dataset.label ?? '', fmt(y, 4));
          },
        },
      },
      sslAnnotations: { font: fontString(theme) },
    },
    scales: {
      x: {
        type: 'linear',
        grid: { color: gridColor, tickColor: theme.grid },
        border: { color: theme.grid },
        ticks: tick,
        title: { display: true, color: theme.muted, text: '' },
      },
      y: {
        type: 'linear',
        grid: { color: gridColor, tickColor: theme.grid },
        border: { color: theme.grid },
        ticks: tick,
        title: { display: true, color: theme.muted, text: '' },
      },
    },
  };
}

export function line(label: string, data: Pt[], color: string, theme: Theme, extra: Partial<LineDataset> = {}): LineDataset {
  const many = data.length > 80;
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2 * theme.lineScale,
    pointRadius: many ? 0 : 3.5,
    pointHoverRadius: many ? 3 : 5,
    pointBackgroundColor: color,
    pointBorderColor: color,
    spanGaps: false,
    // A marker on the frame is drawn whole, not cut in half by the chart area.
    clip: 8,
    ...extra,
  };
}

/** A step of 1, 2 or 5 times a power of ten that cuts `span` into at most about `count` parts. */
export function niceStep(span: number, count = 10): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const base = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * base >= raw) return Math.max(1, m * base);
  return Math.max(1, 10 * base);
}

/**
 * Integer ticks only (indices and ranks): `from` and the multiples of a 1-2-5 step up to `to`, at
 * most about a dozen, so an axis of components 1..100 reads 1, 10, 20, …, 100, never 0.5 or 100.5.
 */
export function integerTicks(scale: Record<string, unknown>, from: number, to: number): void {
  const lo = Math.ceil(from);
  const hi = Math.floor(to);
  const step = niceStep(hi - lo, 10);
  scale.afterBuildTicks = (axis: { ticks: { value: number }[] }) => {
    const ticks: { value: number }[] = [{ value: lo }];
    for (let v = Math.ceil((lo + 1) / step) * step; v <= hi; v += step) if (v - lo >= step / 2 || step === 1) ticks.push({ value: v });
    axis.ticks = ticks;
  };
  scale.ticks = { ...(scale.ticks as object), callback: (v: number | string) => String(Math.round(Number(v))) };
}

/** A dashed vertical marker at x from y0 to y1 (the spec's α, its g, K, a threshold). */
export function markerLine(label: string, x: number, y0: number, y1: number, color: string, theme: Theme): LineDataset {
  return line(
    label,
    [
      { x, y: y0 },
      { x, y: y1 },
    ],
    color,
    theme,
    { borderDash: [5, 4], borderWidth: 1.5 * theme.lineScale, pointRadius: 0, pointHoverRadius: 0 },
  );
}

export function hline(label: string, y: number, x0: number, x1: number, color: string, theme: Theme, dash: number[] = [6, 4]): LineDataset {
  return line(
    label,
    [
      { x: x0, y },
      { x: x1, y },
    ],
    color,
    theme,
    {
      borderDash: dash,
      borderWidth: 1.5 * theme.lineScale,
      pointRadius: 0,
      pointHoverRadius: 0,
    },
  );
}

export function setTitles(o: LineOptions, x: string, y: string): void {
  const sx = o.scales?.x as { title: { text: string } } | undefined;
  const sy = o.scales?.y as { title: { text: string } } | undefined;
  if (sx) sx.title.text = x;
  if (sy) sy.title.text = y;
}

export function texts(o: LineOptions, list: AnnotationText[], bands: NonNullable<NonNullable<LineOptions['plugins']>['sslAnnotations']>['bands'] = []): void {
  const a = o.plugins!.sslAnnotations!;
  a.texts = list;
  a.bands = bands;
}

/** A logarithmic axis labelled at the powers of ten (logTick), bounded when min and max are given. */
export function logAxis(axis: Record<string, unknown>, min?: number, max?: number): void {
  axis.type = 'logarithmic';
  if (min !== undefined) axis.min = min;
  if (max !== undefined) axis.max = max;
  axis.ticks = { ...(axis.ticks as object), callback: (v: number | string) => logTick(Number(v)) };
}

export function logTick(v: number): string {
  if (!(v > 0)) return '';
  const e = Math.log10(v);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  const n = Math.round(e);
  if (n >= -2 && n <= 4) return fmt(10 ** n);
  return `1e${n}`;
}
