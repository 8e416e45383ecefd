/**
 * The message protocol between the extension host and the analysis panel (webview),
 * imported by both sides (docs/architecture.md §2 "Analysis panel", §6). Everything here is
 * structured-clone friendly (plain objects, arrays, numbers; ±Infinity and NaN survive
 * `postMessage`). The host must run {@link isWebviewToHostMessage} on every message it
 * receives from the webview; the webview runs {@link isHostToWebviewMessage} on its side.
 *
 * Pure: no `vscode`, no DOM.
 */
import type {
  AtAlpha,
  Dimensions,
  NoiseScalingCurve,
  Recommendation,
  Thresholds,
} from '../core/theories/alignment/types';

export { thinSeries, thinIndices, pick, type ThinnedSeries } from '../core/numerics/thin';

// ---------------------------------------------------------------------------------------
// The model the panel renders
// ---------------------------------------------------------------------------------------

/** The panel's charts; used by exports (`export.chart`) and by the UI state. */
export type ChartId = 'thresholds' | 'spectrum' | 'scores' | 'scaling' | 'convergence';
export const CHART_IDS: readonly ChartId[] = ['thresholds', 'spectrum', 'scores', 'scaling', 'convergence'];

export type ProblemSeverity = 'error' | 'warning' | 'info' | 'hint';

/** A problem shown on the recommendation card (typically assumption warnings). */
export interface PanelProblem {
  severity: ProblemSeverity;
  code: string;
  message: string;
  /** 1-based line in the spec. */
  line: number;
  /** UTF-16 offset in the spec; when present the card links to it (`openSource`). */
  offset?: number;
}

/**
 * Spectra THINNED for display (see `thinIndices` / `thinSeries`). `index` holds 1-based
 * component indices in the shared basis Q: important components are 1..k, noise
 * components k+1..d. Within a block the arrays share one index array.
 */
export interface PanelSpectra {
  important: { index: number[]; c: number[]; theta: number[] };
  noise: { index: number[]; gamma: number[]; theta: number[] };
  /** True when at least one block was decimated. */
  thinned: boolean;
  /** Sizes before thinning: k important, d - k noise components. */
  total: { k: number; noise: number };
}

/** Per-component RC and JE scores (docs/theory.md §4.2) of one block, sharing one index array. */
export interface PanelScoreBlock {
  /** 1-based component indices, as in {@link PanelSpectra}. */
  index: number[];
  rc: number[];
  je: number[];
}

/** Per-component scores at the spec's alpha (thinned like the spectra). */
export interface PanelScores {
  alpha: number;
  important: PanelScoreBlock;
  noise: PanelScoreBlock;
  thinned: boolean;
}

/**
 * Optional: the deciding margins as alpha varies, `minImportant - maxNoise` per paradigm
 * (positive = recovers). Not drawn by the current panel; exported with the JSON.
 */
export interface AlphaSweep {
  alpha: number[];
  reconstruction: number[];
  jointEmbedding: number[];
}

export type SimulatedParadigm = 'supervised' | 'reconstruction' | 'joint-embedding';

/** Finite-n experiment (docs/theory.md §6.1 / §8.3, paper Fig. 3): metric vs n per paradigm x alpha. */
export interface PanelSimulation {
  /** e.g. `probe-gap` or `subspace-angle`. */
  metric: string;
  n: number[];
  series: { paradigm: SimulatedParadigm; alpha: number; mean: number[]; spread: number[] }[];
}

export interface PanelModel {
  /** The spec's `name`. */
  name?: string;
  dimensions: Dimensions;
  /** null when the problem is not in the paper's form (data mode with a general covariance). */
  thresholds: Thresholds | null;
  /** null when the spec gives no alpha; `components` may be absent or thinned. */
  atAlpha: AtAlpha | null;
  recommendation: Recommendation | null;
  /** Warnings to show on the card (assumption violations, theory findings). */
  problems: PanelProblem[];
  /** Thinned spectra; null when unavailable (e.g. data mode). */
  spectra: PanelSpectra | null;
  /** Per-component scores at alpha; when absent the panel falls back to `atAlpha.components`. */
  scores?: PanelScores | null;
  curve: NoiseScalingCurve | null;
  alphaSweep?: AlphaSweep | null;
  simulation?: PanelSimulation | null;
}

// ---------------------------------------------------------------------------------------
// Host -> webview
// ---------------------------------------------------------------------------------------

/** A finished analysis of one document version. */
export interface AnalysisMessage {
  type: 'analysis';
  /** Increases with every run the host starts (across documents). */
  runId: number;
  documentUri: string;
  documentVersion: number;
  /** Display name of the document (basename). */
  fileName: string;
  /** True when the panel is locked to this document. */
  locked: boolean;
  model: PanelModel;
}

/** A run started; the panel shows a progress hint and keeps the last result. */
export interface BusyMessage {
  type: 'busy';
  runId: number;
  documentUri: string;
  documentVersion: number;
}

/** A run failed (or the document cannot be analysed); the panel keeps the last result. */
export interface ErrorMessage {
  type: 'error';
  runId: number;
  documentUri: string;
  documentVersion: number;
  message: string;
}

/** The lock state changed (from the command palette or the panel's button). */
export interface LockMessage {
  type: 'lock';
  locked: boolean;
}

/**
 * The host dropped its results for this document (it was closed, or trust changed): the
 * versions of a reopened document start over, so the panel forgets the (version, runId) it
 * compares new results with (it keeps displaying what it shows).
 */
export interface ForgetMessage {
  type: 'forget';
  documentUri: string;
}

/**
 * Ask the panel to produce an export (the `sslParadigm.preview.export` command): the
 * panel answers with the same {@link ExportMessage} its own buttons post.
 */
export interface RequestExportMessage {
  type: 'requestExport';
  format: ExportFormat;
  chart?: ChartId;
}

export type HostToWebviewMessage = AnalysisMessage | BusyMessage | ErrorMessage | LockMessage | ForgetMessage | RequestExportMessage;

// ---------------------------------------------------------------------------------------
// Webview -> host
// ---------------------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
}

export type ExportFormat = 'png' | 'csv' | 'json' | 'html';

/**
 * Save something through the host's save dialog (the webview never downloads).
 * - `png`: `chart` and `dataUrl` (`data:image/png;base64,...`) are required.
 * - `csv` / `json`: `content` holds the numbers as the panel shows them; `chart` names the
 *   chart (absent for `json` = the whole model). The host may regenerate them instead.
 * - `html`: `content` is a self-contained report (inline PNGs, tables, the card).
 */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  chart?: ChartId;
  dataUrl?: string;
  content?: string;
}

export interface ToggleLockMessage {
  type: 'toggleLock';
}

/** Reveal the spec (at a problem's offset when given). */
export interface OpenSourceMessage {
  type: 'openSource';
  offset?: number;
}

/** Propose an alpha; the host turns it into an edit only on explicit user confirmation. */
export interface SetAlphaMessage {
  type: 'setAlpha';
  alpha: number;
}

/** What the panel drew for one analysis (logged by the host; read by the integration tests). */
export interface RenderedChart {
  id: string;
  section: ChartId;
  datasets: { label: string; n: number }[];
}

/** Acknowledges that an analysis was rendered (after every render of a new message). */
export interface RenderedMessage {
  type: 'rendered';
  runId: number;
  documentVersion: number;
  /** The paradigm on the card, or null when there is no recommendation. */
  paradigm: string | null;
  charts: RenderedChart[];
  renderMs: number;
  theme: string;
}

export type WebviewToHostMessage = ReadyMessage | ExportMessage | ToggleLockMessage | OpenSourceMessage | SetAlphaMessage | RenderedMessage;

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';
/** Upper bound (exclusive) of a PNG data URL, in characters. */
export const MAX_DATA_URL_LENGTH = 20 * 1024 * 1024;
/** Upper bound of CSV/JSON content, in characters. */
export const MAX_TEXT_EXPORT_LENGTH = 20 * 1024 * 1024;
/** Upper bound of an HTML report (it inlines every chart's PNG), in characters. */
export const MAX_HTML_EXPORT_LENGTH = 64 * 1024 * 1024;
/** Upper bound of a proposed alpha. */
export const MAX_ALPHA = 1e12;
/** Upper bound of a source offset. */
export const MAX_OFFSET = 2 ** 31 - 1;
/** Upper bound of short strings from the host (URIs, names, messages). */
export const MAX_SHORT_STRING = 64 * 1024;
/** Bounds of a {@link RenderedMessage}: charts, datasets per chart, label length. */
export const MAX_RENDERED_CHARTS = 32;
export const MAX_RENDERED_DATASETS = 64;
export const MAX_LABEL_LENGTH = 256;

const FORMATS: readonly string[] = ['png', 'csv', 'json', 'html'];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Own keys of `x` are all in `allowed` (no extra fields accepted). */
function onlyKeys(x: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const k of Object.keys(x)) if (!allowed.includes(k)) return false;
  return true;
}

function isBoundedString(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length <= max;
}

function isBase64(s: string, from: number): boolean {
  // Linear scan (a regex over 20 MB is fine too, but this avoids any backtracking doubt).
  let i = from;
  const n = s.length;
  if ((n - from) % 4 !== 0 || n === from) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) break;
  }
  // At most two '=' of padding at the very end.
  const pad = n - i;
  if (pad > 2) return false;
  for (; i < n; i++) if (s.charCodeAt(i) !== 61) return false;
  return true;
}

/**
 * Strict validator for messages from the webview (docs/architecture.md §6: every message is
 * validated). Rejects unknown types and unknown fields, non-finite numbers, oversized
 * strings and anything that is not a base64 PNG data URL where one is expected.
 */
export function isWebviewToHostMessage(x: unknown): x is WebviewToHostMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
    case 'toggleLock':
      return onlyKeys(x, ['type']);
    case 'openSource':
      if (!onlyKeys(x, ['type', 'offset'])) return false;
      return (
        x.offset === undefined ||
        (typeof x.offset === 'number' && Number.isInteger(x.offset) && x.offset >= 0 && x.offset <= MAX_OFFSET)
      );
    case 'setAlpha':
      return (
        onlyKeys(x, ['type', 'alpha']) &&
        typeof x.alpha === 'number' &&
        Number.isFinite(x.alpha) &&
        x.alpha >= 0 &&
        x.alpha <= MAX_ALPHA
      );
    case 'export':
      return isExport(x);
    case 'rendered':
      return isRendered(x);
    default:
      return false;
  }
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function isRendered(x: Record<string, unknown>): boolean {
  if (!onlyKeys(x, ['type', 'runId', 'documentVersion', 'paradigm', 'charts', 'renderMs', 'theme'])) return false;
  if (!isCount(x.runId) || !isCount(x.documentVersion)) return false;
  if (!(x.paradigm === null || isBoundedString(x.paradigm, MAX_LABEL_LENGTH))) return false;
  if (!(typeof x.renderMs === 'number' && Number.isFinite(x.renderMs) && x.renderMs >= 0)) return false;
  if (!isBoundedString(x.theme, MAX_LABEL_LENGTH)) return false;
  if (!Array.isArray(x.charts) || x.charts.length > MAX_RENDERED_CHARTS) return false;
  return x.charts.every(
    (c: unknown) =>
      isRecord(c) &&
      onlyKeys(c, ['id', 'section', 'datasets']) &&
      isBoundedString(c.id, MAX_LABEL_LENGTH) &&
      typeof c.section === 'string' &&
      (CHART_IDS as readonly string[]).includes(c.section) &&
      Array.isArray(c.datasets) &&
      c.datasets.length <= MAX_RENDERED_DATASETS &&
      c.datasets.every(
        (d: unknown) => isRecord(d) && onlyKeys(d, ['label', 'n']) && isBoundedString(d.label, MAX_LABEL_LENGTH) && isCount(d.n),
      ),
  );
}

function isExport(x: Record<string, unknown>): boolean {
  if (!onlyKeys(x, ['type', 'format', 'chart', 'dataUrl', 'content'])) return false;
  if (typeof x.format !== 'string' || !FORMATS.includes(x.format)) return false;
  if (x.chart !== undefined && !(typeof x.chart === 'string' && (CHART_IDS as readonly string[]).includes(x.chart))) {
    return false;
  }
  switch (x.format) {
    case 'png': {
      if (x.content !== undefined || x.chart === undefined) return false;
      const url = x.dataUrl;
      return (
        typeof url === 'string' &&
        url.length < MAX_DATA_URL_LENGTH &&
        url.startsWith(PNG_DATA_URL_PREFIX) &&
        isBase64(url, PNG_DATA_URL_PREFIX.length)
      );
    }
    case 'csv':
    case 'json':
      return x.dataUrl === undefined && (x.content === undefined || isBoundedString(x.content, MAX_TEXT_EXPORT_LENGTH));
    case 'html':
      return (
        x.dataUrl === undefined &&
        x.chart === undefined &&
        isBoundedString(x.content, MAX_HTML_EXPORT_LENGTH) &&
        x.content.length > 0
      );
    default:
      return false;
  }
}

function isRunHeader(x: Record<string, unknown>): boolean {
  return (
    typeof x.runId === 'number' &&
    Number.isFinite(x.runId) &&
    isBoundedString(x.documentUri, MAX_SHORT_STRING) &&
    typeof x.documentVersion === 'number' &&
    Number.isFinite(x.documentVersion)
  );
}

/**
 * Structural check of messages from the host, used by the webview to ignore anything
 * else that reaches its `message` listener. The model itself is trusted (it comes from
 * the extension's own worker) but still only rendered through DOM text APIs.
 */
export function isHostToWebviewMessage(x: unknown): x is HostToWebviewMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'analysis':
      return (
        isRunHeader(x) &&
        isBoundedString(x.fileName, MAX_SHORT_STRING) &&
        typeof x.locked === 'boolean' &&
        isRecord(x.model) &&
        isRecord(x.model.dimensions) &&
        Array.isArray(x.model.problems)
      );
    case 'busy':
      return isRunHeader(x);
    case 'error':
      return isRunHeader(x) && isBoundedString(x.message, MAX_SHORT_STRING);
    case 'lock':
      return typeof x.locked === 'boolean';
    case 'forget':
      return isBoundedString(x.documentUri, MAX_SHORT_STRING);
    case 'requestExport':
      return (
        typeof x.format === 'string' &&
        FORMATS.includes(x.format) &&
        (x.chart === undefined || (typeof x.chart === 'string' && (CHART_IDS as readonly string[]).includes(x.chart)))
      );
    default:
      return false;
  }
}

/**
 * Is a result for (documentVersion, runId) older than the one displayed for the same
 * document? Lexicographic: a lower version is older; at the same version, a lower runId.
 */
export function isOlderResult(
  incoming: { documentVersion: number; runId: number },
  shown: { documentVersion: number; runId: number },
): boolean {
  if (incoming.documentVersion !== shown.documentVersion) return incoming.documentVersion < shown.documentVersion;
  return incoming.runId < shown.runId;
}

// ---------------------------------------------------------------------------------------
// Initial state embedded in the panel's HTML
// ---------------------------------------------------------------------------------------

const NON_FINITE_KEY = '$sslNonFinite';

/**
 * JSON for `<script type="application/json" id="initial-state">`: non-finite numbers are
 * kept as `{"$sslNonFinite":"Infinity"}` (plain JSON would turn them into null), and
 * `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes so that the text can
 * never close the script element or open a comment, whatever the data contain.
 */
export function encodeEmbeddedJson(value: unknown): string {
  const json = JSON.stringify(value ?? null, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return { [NON_FINITE_KEY]: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
    }
    return v;
  });
  return (json ?? 'null').replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Inverse of {@link encodeEmbeddedJson}; undefined when the text is not valid JSON. */
export function decodeEmbeddedJson(text: string): unknown {
  try {
    return JSON.parse(text, (_k, v: unknown) => {
      if (isRecord(v) && Object.keys(v).length === 1 && typeof v[NON_FINITE_KEY] === 'string') {
        const s = v[NON_FINITE_KEY];
        return s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : NaN;
      }
      return v;
    });
  } catch {
    return undefined;
  }
}
