/**
 * chart.js plumbing: tree-shaken registrations, a small annotation plugin (bands, text
 * labels) and `ChartView`, which creates a chart once and then updates it in place.
 */
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
  type ChartType,
  type Plugin,
} from 'chart.js';

/** A data point; `raw` keeps the untransformed value when the axis is transformed. */
export interface Pt {
  x: number;
  y: number;
  raw?: number;
}

export interface AnnotationText {
  x: number | 'left' | 'right';
  /** A data value, or a position relative to the chart area. */
  y: number | 'above' | 'top' | 'bottom';
  text: string;
  color: string;
  align?: CanvasTextAlign;
  baseline?: CanvasTextBaseline;
  dx?: number;
  dy?: number;
  bold?: boolean;
  /** Paint a background-coloured box behind the text (keeps it legible over lines). */
  halo?: string;
}

export interface AnnotationBand {
  axis: 'x' | 'y';
  from: number;
  to: number;
  color: string;
}

export interface AnnotationOptions {
  bands?: AnnotationBand[];
  texts?: AnnotationText[];
  font?: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    sslAnnotations?: AnnotationOptions;
  }
}

/** A drawn annotation's box in canvas pixels (the debug hook's `chartLayout`: tests check overlaps). */
export interface DrawnText {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}
const drawnTexts = new WeakMap<Chart, DrawnText[]>();

function clampPixel(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

const annotations: Plugin<'line'> = {
  id: 'sslAnnotations',
  beforeDatasetsDraw(chart) {
    const opts = chart.options.plugins?.sslAnnotations as AnnotationOptions | undefined;
    if (!opts?.bands?.length) return;
    const { ctx, chartArea: a } = chart;
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    ctx.save();
    for (const b of opts.bands) {
      ctx.fillStyle = b.color;
      if (b.axis === 'x') {
        const x0 = clampPixel(xs.getPixelForValue(b.from), a.left, a.right);
        const x1 = clampPixel(xs.getPixelForValue(b.to), a.left, a.right);
        if (Number.isFinite(x0) && Number.isFinite(x1)) ctx.fillRect(Math.min(x0, x1), a.top, Math.abs(x1 - x0), a.bottom - a.top);
      } else {
        const y0 = clampPixel(ys.getPixelForValue(b.from), a.top, a.bottom);
        const y1 = clampPixel(ys.getPixelForValue(b.to), a.top, a.bottom);
        if (Number.isFinite(y0) && Number.isFinite(y1)) ctx.fillRect(a.left, Math.min(y0, y1), a.right - a.left, Math.abs(y1 - y0));
      }
    }
    ctx.restore();
  },
  afterDatasetsDraw(chart) {
    const opts = chart.options.plugins?.sslAnnotations as AnnotationOptions | undefined;
    if (!opts?.texts?.length) return;
    const { ctx, chartArea: a } = chart;
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    const drawn: DrawnText[] = [];
    drawnTexts.set(chart, drawn);
    ctx.save();
    for (const t of opts.texts) {
      const x = t.x === 'left' ? a.left : t.x === 'right' ? a.right : xs.getPixelForValue(t.x);
      const y = t.y === 'above' ? a.top - 6 : t.y === 'top' ? a.top + 4 : t.y === 'bottom' ? a.bottom - 4 : ys.getPixelForValue(t.y);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      ctx.font = `${t.bold ? '600 ' : ''}${opts.font ?? '12px sans-serif'}`;
      ctx.textAlign = t.align ?? 'center';
      ctx.textBaseline = t.baseline ?? (t.y === 'top' ? 'top' : 'bottom');
      const px = x + (t.dx ?? 0);
      const py = y + (t.dy ?? 0);
      const m = ctx.measureText(t.text);
      const w = m.width;
      const left = ctx.textAlign === 'center' ? px - w / 2 : ctx.textAlign === 'right' || ctx.textAlign === 'end' ? px - w : px;
      drawn.push({ text: t.text, left, right: left + w, top: py - m.actualBoundingBoxAscent, bottom: py + m.actualBoundingBoxDescent });
      if (t.halo) {
        const h = (m.actualBoundingBoxAscent || 10) + (m.actualBoundingBoxDescent || 3) + 4;
        const top = py - (m.actualBoundingBoxAscent || 10) - 2;
        ctx.fillStyle = t.halo;
        ctx.fillRect(left - 3, top, w + 6, h);
      }
      ctx.fillStyle = t.color;
      ctx.fillText(t.text, px, py);
    }
    ctx.restore();
  },
};

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, annotations);

export type LineDataset = ChartDataset<'line', Pt[]>;
export type LineOptions = ChartOptions<'line'>;

export interface ChartSpec {
  /** Unique per canvas, e.g. `scores-rc`. */
  id: string;
  datasets: LineDataset[];
  options: LineOptions;
}

/**
 * One chart.js instance bound to one canvas, updated in place. A chart off screen is built when it
 * scrolls into view or when the panel is idle, whichever comes first (the first paint builds only
 * what the user sees); `ensure()` builds it at once (exports, the debug hook).
 */
export class ChartView {
  private chart: Chart<'line', Pt[]> | null = null;
  private pending: ChartSpec | null = null;
  private observer: IntersectionObserver | null = null;
  private idle = 0;

  constructor(
    readonly id: string,
    readonly canvas: HTMLCanvasElement,
  ) {}

  apply(spec: ChartSpec): void {
    if (this.chart) {
      this.chart.data.datasets = spec.datasets;
      this.chart.options = spec.options;
      this.chart.update('none');
      return;
    }
    this.pending = spec;
    if (this.onScreen()) {
      this.ensure();
      return;
    }
    this.observer ??= new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.ensure();
    });
    this.observer.observe(this.canvas);
    this.idle ||= window.setTimeout(() => this.ensure(), 150);
  }

  /** Builds the chart now if it waits for its turn. */
  ensure(): void {
    this.stopWaiting();
    const spec = this.pending;
    if (!spec || this.chart) return;
    this.pending = null;
    this.chart = new Chart(this.canvas, { type: 'line', data: { datasets: spec.datasets }, options: spec.options });
  }

  private onScreen(): boolean {
    const r = this.canvas.getBoundingClientRect();
    return r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
  }

  private stopWaiting(): void {
    this.observer?.disconnect();
    this.observer = null;
    if (this.idle) window.clearTimeout(this.idle);
    this.idle = 0;
  }

  get instance(): Chart<'line', Pt[]> | null {
    return this.chart;
  }

  destroy(): void {
    this.stopWaiting();
    this.pending = null;
    this.chart?.destroy();
    this.chart = null;
  }

  /**
   * What the debug hook and the render acknowledgement expose: labels, point counts, colours and
   * what tells a series apart besides its colour (point style, dash), of the chart or of the spec it
   * waits to draw.
   */
  describe(): { id: string; datasets: { label: string; n: number; color: string; hidden: boolean; point: string; dash: string }[] } {
    const ds = this.chart?.data.datasets ?? this.pending?.datasets ?? [];
    return {
      id: this.id,
      datasets: ds.map((d, i) => ({
        label: String(d.label ?? ''),
        n: d.data.length,
        color: String(d.borderColor ?? ''),
        hidden: this.chart ? !this.chart.isDatasetVisible(i) : d.hidden === true,
        point: d.pointRadius === 0 ? 'none' : String(d.pointStyle ?? 'circle'),
        dash: Array.isArray(d.borderDash) ? d.borderDash.join(',') : '',
      })),
    };
  }
}

/** Every text a chart draws on its canvas: axis titles, tick labels, legend labels, annotations (the debug hook's `chartTexts`). */
export function chartTexts(chart: Chart<'line', Pt[]>): { axes: string[]; ticks: string[]; legend: string[]; annotations: string[] } {
  const scales = Object.values(chart.scales);
  const title = (id: string): string => {
    const t = (chart.options.scales?.[id] as { title?: { display?: boolean; text?: unknown } } | undefined)?.title;
    return t && t.display !== false && typeof t.text === 'string' ? t.text : '';
  };
  return {
    axes: Object.keys(chart.options.scales ?? {})
      .map(title)
      .filter(Boolean),
    ticks: scales.flatMap((s) => s.ticks.map((t) => (Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? '')))).filter(Boolean),
    legend: chart.options.plugins?.legend?.display === false ? [] : chart.data.datasets.map((d) => String(d.label ?? '')),
    annotations: (chart.options.plugins?.sslAnnotations?.texts ?? []).map((t) => t.text ?? ''),
  };
}

/**
 * Where a chart put things, in canvas pixels (the debug hook's `chartLayout`): its plot area, the x
 * tick labels, the legend's size and entries, and the annotations' boxes.
 */
export function chartLayout(chart: Chart<'line', Pt[]>): {
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: { label: string; px: number }[];
  yTicks: { label: string; px: number }[];
  legend: { entries: number; height: number };
  texts: DrawnText[];
  /** The drawn points of the series that show points. */
  points: { dataset: number; x: number; y: number }[];
} {
  const a = chart.chartArea;
  const ticks = (id: string) =>
    (chart.scales[id]?.ticks ?? []).map((t, i) => ({
      label: Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? ''),
      px: chart.scales[id].getPixelForTick(i),
    }));
  return {
    area: { left: a.left, top: a.top, right: a.right, bottom: a.bottom },
    xTicks: ticks('x'),
    yTicks: ticks('y'),
    legend: { entries: chart.legend?.legendItems?.length ?? 0, height: chart.legend?.height ?? 0 },
    texts: drawnTexts.get(chart) ?? [],
    points: chart.data.datasets.flatMap((d, i) =>
      d.pointRadius === 0 || !chart.isDatasetVisible(i) ? [] : chart.getDatasetMeta(i).data.map((p) => ({ dataset: i, x: p.x, y: p.y })),
    ),
  };
}

/** Chart.js-wide defaults that follow the theme (fonts, text colour). */
export function applyChartDefaults(fontFamily: string, fontSize: number, color: string): void {
  Chart.defaults.font.family = fontFamily;
  Chart.defaults.font.size = fontSize;
  Chart.defaults.color = color;
}
