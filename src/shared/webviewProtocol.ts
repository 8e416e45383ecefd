/**
 * The message protocol between the extension host and the analysis panel (webview),
 * imported by both sides (docs/architecture.md §2 "Analysis panel", §6). Everything here is
 * structured-clone friendly (plain objects, arrays, numbers; ±Infinity and NaN survive
 * `postMessage`). The host must run {@link isWebviewToHostMessage} on every message it
 * receives from the webview; the webview runs {@link isHostToWebviewMessage} on its side.
 *
 * Pure: no `vscode`, no DOM.
 */
import type { PanelModelBase } from '../core/engine/index';
import type { PanelProblem } from '../core/problems/panelProblems';
import { isDocLink, type DocName } from './docLinks';

export type { PanelProblem };

export { thinSeries, thinIndices, pick, type ThinnedSeries } from '../core/numerics/thin';

// ---------------------------------------------------------------------------------------
// The model the panel renders
// ---------------------------------------------------------------------------------------

/**
 * A chart of the panel, by the id its theory gives it (each theory's face lists its charts in
 * display order: engine `chartIds()` on the host, the webview's registry of theory views).
 * The protocol checks the shape; which ids exist is the theories' business.
 */
export type ChartId = string;

/**
 * A chart id: a lower-case letter, then letters, digits or `-`, at most 64 characters; and,
 * when `known` is given (the host's `chartIds()`, the panel's registry), one of those.
 */
export function isChartId(x: unknown, known?: readonly string[]): x is ChartId {
  return typeof x === 'string' && /^[a-z][A-Za-z0-9-]{0,63}$/.test(x) && (known === undefined || known.includes(x));
}

export type ProblemSeverity = PanelProblem['severity'];

/**
 * What the panel renders: a theory's panel model (its face's `panelModel`), tagged by the
 * theory. The protocol carries it as transport; its theory-specific shape is checked by the
 * webview's view of that theory (src/webview/theories.ts).
 */
export type PanelModel = PanelModelBase;

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
  /**
   * Set when `model` is the last analysis without errors of an older version, shown because
   * the newest version has an error (docs/architecture.md §2): the first error, for the panel's banner.
   */
  stale?: StaleInfo;
}

/** The error that stops a fresh result (1-based line in the spec) and its problem code. */
export interface StaleInfo {
  message: string;
  line: number;
  /** The problem's code (`out-of-range`, `unknown-key`, …); absent in states saved before it was sent. */
  code?: string;
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

/** The user cancelled the run (its progress notification): the panel says so and keeps the last result. */
export interface CancelledMessage {
  type: 'cancelled';
  runId: number;
  documentUri: string;
  documentVersion: number;
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
 * panel answers with the same {@link ExportMessage} its own buttons post, carrying the
 * request's `requestId`, or with an {@link ExportFailedMessage} when it cannot produce it
 * (no such chart for this spec, nothing drawn yet).
 */
export interface RequestExportMessage {
  type: 'requestExport';
  /** Echoed by the webview's reply; unique per panel (a positive integer). */
  requestId: number;
  format: ExportFormat;
  chart?: ChartId;
}

export type HostToWebviewMessage = AnalysisMessage | BusyMessage | ErrorMessage | CancelledMessage | LockMessage | ForgetMessage | RequestExportMessage;

// ---------------------------------------------------------------------------------------
// Webview -> host
// ---------------------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
}

export type ExportFormat = 'png' | 'csv' | 'json' | 'html' | 'npz';

/**
 * Save something through the host's save dialog (the webview never downloads).
 * - `png`: `chart` and `dataUrl` (`data:image/png;base64,...`) are required.
 * - `csv` / `json`: `content` holds the numbers as the panel shows them; `chart` names the
 *   chart (absent for `json` = the whole model). The host may regenerate them instead.
 * - `html`: `content` is a self-contained report (inline PNGs, tables, the card).
 * - `npz`: nothing else; the host has the worker write the data-mode solutions, the bytes of
 *   `sslexp analyze FILE --output F.npz`.
 */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  chart?: ChartId;
  dataUrl?: string;
  content?: string;
  /** The {@link RequestExportMessage.requestId} this answers; absent for the panel's own buttons. */
  requestId?: number;
}

/** The panel cannot produce a requested export (the reply to a {@link RequestExportMessage}). */
export interface ExportFailedMessage {
  type: 'exportFailed';
  requestId: number;
  /** Why, in a short sentence for the log. */
  reason: string;
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

/** Open a section of the bundled documentation (a citation clicked in the panel; the host runs `sslParadigm.openDocs`). */
export interface OpenDocMessage {
  type: 'openDoc';
  doc: DocName;
  /** An anchor of the document (`s4.2`, `A6`), or '' for its top. */
  anchor: string;
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
  /** The theory of the model drawn. */
  theory: string;
  /**
   * What the card recommends, or null when there is no recommendation: the paradigm
   * (alignment) or the method (`vicreg`, `simclr`, `barlow`, `any`; graph mode).
   */
  paradigm: string | null;
  charts: RenderedChart[];
  renderMs: number;
  theme: string;
}

export type WebviewToHostMessage =
  ReadyMessage | ExportMessage | ExportFailedMessage | ToggleLockMessage | OpenSourceMessage | OpenDocMessage | SetAlphaMessage | RenderedMessage;

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

/** Upper bound of a reason in an {@link ExportFailedMessage}, in characters. */
export const MAX_REASON_LENGTH = 1024;
/** Upper bound of the problems listed in a model, and of the numbers in one of its series. */
export const MAX_MODEL_PROBLEMS = 1000;
export const MAX_SERIES_LENGTH = 1_000_000;

export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'csv', 'json', 'html', 'npz'];
const FORMATS: readonly string[] = EXPORT_FORMATS;
const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'hint'] satisfies ProblemSeverity[];
/** A theory id's shape (the registry's ids: `alignment`, `spectralEmbedding`, ...). */
const isTheoryId = (x: unknown): x is string => typeof x === 'string' && /^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(x);

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
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
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
export function isWebviewToHostMessage(x: unknown, charts?: readonly string[]): x is WebviewToHostMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
    case 'toggleLock':
      return onlyKeys(x, ['type']);
    case 'openSource':
      if (!onlyKeys(x, ['type', 'offset'])) return false;
      return x.offset === undefined || (typeof x.offset === 'number' && Number.isInteger(x.offset) && x.offset >= 0 && x.offset <= MAX_OFFSET);
    case 'openDoc':
      return onlyKeys(x, ['type', 'doc', 'anchor']) && isDocLink({ doc: x.doc, anchor: x.anchor });
    case 'setAlpha':
      return onlyKeys(x, ['type', 'alpha']) && typeof x.alpha === 'number' && Number.isFinite(x.alpha) && x.alpha >= 0 && x.alpha <= MAX_ALPHA;
    case 'export':
      return isExport(x, charts);
    case 'exportFailed':
      return onlyKeys(x, ['type', 'requestId', 'reason']) && isRequestId(x.requestId) && isBoundedString(x.reason, MAX_REASON_LENGTH);
    case 'rendered':
      return isRendered(x, charts);
    default:
      return false;
  }
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
/** An export request id: a positive safe integer. */
export const isRequestId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

function isRendered(x: Record<string, unknown>, charts: readonly string[] | undefined): boolean {
  if (!onlyKeys(x, ['type', 'runId', 'documentVersion', 'theory', 'paradigm', 'charts', 'renderMs', 'theme'])) return false;
  if (!isCount(x.runId) || !isCount(x.documentVersion)) return false;
  if (!isTheoryId(x.theory)) return false;
  if (!(x.paradigm === null || isBoundedString(x.paradigm, MAX_LABEL_LENGTH))) return false;
  if (!(typeof x.renderMs === 'number' && Number.isFinite(x.renderMs) && x.renderMs >= 0)) return false;
  if (!isBoundedString(x.theme, MAX_LABEL_LENGTH)) return false;
  if (!Array.isArray(x.charts) || x.charts.length > MAX_RENDERED_CHARTS) return false;
  return x.charts.every(
    (c: unknown) =>
      isRecord(c) &&
      onlyKeys(c, ['id', 'section', 'datasets']) &&
      isBoundedString(c.id, MAX_LABEL_LENGTH) &&
      isChartId(c.section, charts) &&
      Array.isArray(c.datasets) &&
      c.datasets.length <= MAX_RENDERED_DATASETS &&
      c.datasets.every((d: unknown) => isRecord(d) && onlyKeys(d, ['label', 'n']) && isBoundedString(d.label, MAX_LABEL_LENGTH) && isCount(d.n)),
  );
}

function isExport(x: Record<string, unknown>, charts: readonly string[] | undefined): boolean {
  if (!onlyKeys(x, ['type', 'format', 'chart', 'dataUrl', 'content', 'requestId'])) return false;
  if (typeof x.format !== 'string' || !FORMATS.includes(x.format)) return false;
  if (x.chart !== undefined && !isChartId(x.chart, charts)) return false;
  if (x.requestId !== undefined && !isRequestId(x.requestId)) return false;
  switch (x.format) {
    case 'png': {
      if (x.content !== undefined || x.chart === undefined) return false;
      const url = x.dataUrl;
      return typeof url === 'string' && url.length < MAX_DATA_URL_LENGTH && url.startsWith(PNG_DATA_URL_PREFIX) && isBase64(url, PNG_DATA_URL_PREFIX.length);
    }
    case 'csv':
    case 'json':
      return x.dataUrl === undefined && (x.content === undefined || isBoundedString(x.content, MAX_TEXT_EXPORT_LENGTH));
    case 'html':
      return x.dataUrl === undefined && x.chart === undefined && isBoundedString(x.content, MAX_HTML_EXPORT_LENGTH) && x.content.length > 0;
    case 'npz':
      return x.dataUrl === undefined && x.chart === undefined && x.content === undefined;
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

// ---------------------------------------------------------------------------------------
// The panel model: checked by its theory tag, then its shape (not every number of every
// series: they come from the extension's own worker and are only drawn or shown as text).

function isPanelProblem(p: unknown): boolean {
  return (
    isRecord(p) &&
    typeof p.severity === 'string' &&
    SEVERITIES.includes(p.severity) &&
    isBoundedString(p.code, MAX_LABEL_LENGTH) &&
    isBoundedString(p.message, MAX_SHORT_STRING) &&
    isCount(p.line) &&
    (p.offset === undefined || (isCount(p.offset) && p.offset <= MAX_OFFSET))
  );
}

function isModelCommon(m: Record<string, unknown>): boolean {
  return (
    (m.name === undefined || isBoundedString(m.name, MAX_SHORT_STRING)) &&
    Array.isArray(m.problems) &&
    m.problems.length <= MAX_MODEL_PROBLEMS &&
    m.problems.every(isPanelProblem)
  );
}

/**
 * The envelope of a {@link PanelModel}: a theory tag, an optional name and the card's problems.
 * The rest is the theory's: the webview checks it with that theory's view before rendering.
 */
export function isPanelModel(x: unknown): x is PanelModel {
  return isRecord(x) && isTheoryId(x.theory) && isModelCommon(x);
}

/**
 * Check of messages from the host, used by the webview to ignore anything else that
 * reaches its `message` listener (and to accept a restored state). The model is checked by
 * its theory tag and shape; it is only ever rendered through DOM text APIs.
 */
export function isHostToWebviewMessage(x: unknown, charts?: readonly string[]): x is HostToWebviewMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'analysis':
      return (
        isRunHeader(x) &&
        isBoundedString(x.fileName, MAX_SHORT_STRING) &&
        typeof x.locked === 'boolean' &&
        isPanelModel(x.model) &&
        (x.stale === undefined || isStaleInfo(x.stale))
      );
    case 'busy':
    case 'cancelled':
      return isRunHeader(x);
    case 'error':
      return isRunHeader(x) && isBoundedString(x.message, MAX_SHORT_STRING);
    case 'lock':
      return typeof x.locked === 'boolean';
    case 'forget':
      return isBoundedString(x.documentUri, MAX_SHORT_STRING);
    case 'requestExport':
      return isRequestId(x.requestId) && typeof x.format === 'string' && FORMATS.includes(x.format) && (x.chart === undefined || isChartId(x.chart, charts));
    default:
      return false;
  }
}

/** The `stale` field of an analysis message: a bounded message, a positive line and an optional short code. */
export function isStaleInfo(x: unknown): x is StaleInfo {
  return (
    isRecord(x) &&
    isBoundedString(x.message, MAX_SHORT_STRING) &&
    typeof x.line === 'number' &&
    Number.isSafeInteger(x.line) &&
    x.line >= 1 &&
    (x.code === undefined || (isBoundedString(x.code, 64) && /^[a-z0-9-]+$/.test(x.code))) &&
    Object.keys(x).every((k) => k === 'message' || k === 'line' || k === 'code')
  );
}

/**
 * Is a result for (documentVersion, runId) older than the one displayed for the same
 * document? Lexicographic: a lower version is older; at the same version, a lower runId.
 */
export function isOlderResult(incoming: { documentVersion: number; runId: number }, shown: { documentVersion: number; runId: number }): boolean {
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
