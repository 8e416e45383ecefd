/**
 * The analysis panel (docs/architecture.md §2): recommendation card + the charts of the
 * spec's theory (P1's five, or graph mode's four), theme-aware, state kept across reloads,
 * exports through the host. Runs in the webview under a
 * strict CSP (scripts by nonce only, no inline styles in markup): every element is
 * built with DOM APIs and `textContent`, never from markup.
 */
import { toJson } from '../core/format/format';
import {
  decodeEmbeddedJson,
  encodeEmbeddedJson,
  isChartId,
  isHostToWebviewMessage,
  isOlderResult,
  type AnalysisMessage,
  type ChartId,
  type HostToWebviewMessage,
  type PanelModel,
  type WebviewToHostMessage,
} from '../shared/webviewProtocol';
import { applyChartDefaults, chartLayout, chartTexts, ChartView } from './charts';
import type { SectionView } from './chartKit';
import { citedText, setDocOpener } from './docLinks';
import { el, icon, ICONS } from './dom';
import { buildReport, composePng } from './export';
import { readStrings, t } from './l10n';
import { CHART_ORDER, isRenderable, renderCard, viewOf } from './theories';
import { renderTable, toCsv, toJsonRows } from './tables';
import { readTheme, type Theme } from './theme';
import { getVsCodeApi } from './vscodeApi';

interface UiState {
  v: 1;
  message: AnalysisMessage | null;
  openTables: ChartId[];
  scrollY: number;
  locked: boolean | null;
}

/**
 * What goes through `vscode.setState` (VS Code serialises it with JSON, which would turn
 * ±Infinity thresholds into null): the message is kept as embedded-JSON text.
 */
interface PersistedState {
  v: 1;
  message: string | null;
  openTables: ChartId[];
  scrollY: number;
  locked: boolean | null;
}

interface SectionDom {
  id: ChartId;
  root: HTMLElement;
  h2: HTMLHeadingElement;
  subtitle: HTMLElement;
  toolbar: HTMLElement;
  charts: HTMLElement;
  empty: HTMLElement;
  tableWrap: HTMLElement;
  toggle: HTMLButtonElement;
  views: ChartView[];
  boxes: HTMLElement[];
  view: SectionView | null;
}

interface DebugHook {
  charts(): { id: string; section: ChartId; datasets: { label: string; n: number; color: string; hidden: boolean; point: string; dash: string }[] }[];
  shown(): { documentUri: string; documentVersion: number; runId: number } | null;
  renders(): number;
  lastRenderMs(): number;
  theme(): string;
  /** What each shown chart draws as text on its canvas (axis titles, ticks, legend, annotations). */
  chartTexts(): { id: string; section: ChartId; axes: string[]; ticks: string[]; legend: string[]; annotations: string[] }[];
  /** Where a shown chart put its plot area, ticks, legend and annotations (canvas pixels). */
  chartLayout(id: string): ReturnType<typeof chartLayout> | null;
}

declare global {
  interface Window {
    __sslPanel?: DebugHook;
  }
}

// Where the first paint's time goes (read by the latency test through the runner): the script starts here.
performance.mark('ssl-script-start');
// The translated messages come first: everything below builds text (docs/architecture.md §2 "Localisation").
readStrings(document);
const vscode = getVsCodeApi<PersistedState>();
const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));

let state: UiState = { v: 1, message: null, openTables: [], scrollY: 0, locked: null };
let theme: Theme = readTheme();
let pendingRunId: number | null = null;
let renders = 0;
let lastRenderMs = 0;
const sections = new Map<ChartId, SectionDom>();

function post(message: WebviewToHostMessage): void {
  vscode.postMessage(message);
}
// A citation of docs/theory.md anywhere in the panel opens its section beside it (src/webview/docLinks.ts).
setDocOpener((link) => post({ type: 'openDoc', doc: link.doc, anchor: link.anchor }));

let encoded: { message: AnalysisMessage; text: string } | null = null;
function save(): void {
  const m = state.message;
  if (m && encoded?.message !== m) encoded = { message: m, text: encodeEmbeddedJson(m) };
  vscode.setState({ v: 1, message: m ? encoded!.text : null, openTables: state.openTables, scrollY: state.scrollY, locked: state.locked });
}

// ---------------------------------------------------------------------------------------
// Skeleton

function button(text: string, title: string, iconPaths?: string[], cls = 'btn'): HTMLButtonElement {
  const b = el(document, 'button', cls);
  b.type = 'button';
  b.title = title;
  b.setAttribute('aria-label', title);
  if (iconPaths) b.append(icon(document, iconPaths));
  b.append(el(document, 'span', 'btn-text', text));
  return b;
}

const topbar = el(document, 'header', 'topbar');
const titleBlock = el(document, 'div', 'title-block');
const h1 = el(document, 'h1', '', t('panelHeading'));
const fileLine = el(document, 'div', 'file-line');
titleBlock.append(h1, fileLine);
const actions = el(document, 'div', 'actions');
const status = el(document, 'span', 'status');
status.setAttribute('role', 'status');
const lockButton = button(t('following'), t('followingTitle'), ICONS.unlocked, 'btn lock');
lockButton.setAttribute('data-testid', 'lock');
lockButton.addEventListener('click', () => post({ type: 'toggleLock' }));
const openButton = button(t('openSpec'), t('openSpecTitle'), ICONS.source);
openButton.addEventListener('click', () => post({ type: 'openSource' }));
const jsonAll = button(t('json'), t('exportAnalysisJsonTitle'), ICONS.file);
jsonAll.addEventListener('click', () => exportModelJson());
const reportButton = button(t('htmlReport'), t('htmlReportTitle'), ICONS.report);
reportButton.setAttribute('data-testid', 'report');
reportButton.addEventListener('click', () => exportReport());
const npzButton = button(t('npz'), t('npzTitle'), ICONS.file);
npzButton.setAttribute('data-testid', 'npz');
npzButton.hidden = true;
npzButton.addEventListener('click', () => post({ type: 'export', format: 'npz' }));
actions.append(status, lockButton, openButton, jsonAll, reportButton, npzButton);
topbar.append(titleBlock, actions);

const errorBanner = el(document, 'div', 'error-banner');
errorBanner.setAttribute('role', 'alert');
errorBanner.hidden = true;
const cardSlot = el(document, 'div', 'card-slot');
const emptyState = el(document, 'div', 'empty-state', t('emptyState'));
const grid = el(document, 'div', 'grid');
app.replaceChildren(topbar, errorBanner, emptyState, cardSlot, grid);

/** Sections in display order (every theory's; a model draws only its own, through its theory's view). */
const ORDER: readonly ChartId[] = CHART_ORDER;

function buildSections(model: PanelModel, t: Theme): SectionView[] {
  return viewOf(model)?.sections(model, t) ?? [];
}

/** What the card recommends, as the render acknowledgement names it. */
function recommended(model: PanelModel): string | null {
  return viewOf(model)?.recommended(model) ?? null;
}

function sectionDom(id: ChartId): SectionDom {
  const existing = sections.get(id);
  if (existing) return existing;
  const root = el(document, 'section', `chart-section s-${id}`);
  root.id = `section-${id}`;
  const head = el(document, 'div', 'section-head');
  const titles = el(document, 'div', 'section-titles');
  const h2 = el(document, 'h2');
  h2.id = `title-${id}`;
  root.setAttribute('aria-labelledby', h2.id);
  const subtitle = el(document, 'p', 'subtitle');
  titles.append(h2, subtitle);
  const toolbar = el(document, 'div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', t('chartActions'));
  const toggle = button(t('showData'), t('showDataTitle'), ICONS.table, 'btn ghost toggle');
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', `table-${id}`);
  toggle.setAttribute('data-testid', `toggle-${id}`);
  toggle.addEventListener('click', () => toggleTable(id));
  const png = button(t('png'), t('pngTitle'), ICONS.image, 'btn ghost');
  png.setAttribute('data-testid', `png-${id}`);
  png.addEventListener('click', () => exportPng(id));
  const csv = button(t('csv'), t('csvTitle'), undefined, 'btn ghost');
  csv.addEventListener('click', () => exportTable(id, 'csv'));
  const json = button(t('json'), t('jsonTitle'), undefined, 'btn ghost');
  json.addEventListener('click', () => exportTable(id, 'json'));
  toolbar.append(toggle, png, csv, json);
  head.append(titles, toolbar);
  const charts = el(document, 'div', 'charts');
  const empty = el(document, 'p', 'section-empty');
  empty.hidden = true;
  // The numbers behind the charts: their text alternative (each canvas points here with aria-details), a focusable region.
  const tableWrap = el(document, 'div', 'table-wrap');
  tableWrap.id = `table-${id}`;
  tableWrap.setAttribute('role', 'region');
  tableWrap.tabIndex = 0;
  tableWrap.hidden = true;
  root.append(head, charts, empty, tableWrap);
  const dom: SectionDom = { id, root, h2, subtitle, toolbar, charts, empty, tableWrap, toggle, views: [], boxes: [], view: null };
  sections.set(id, dom);
  // Keep the document order stable whatever order sections appear in.
  const after = ORDER.slice(ORDER.indexOf(id) + 1)
    .map((s) => sections.get(s)?.root)
    .find((r) => r?.isConnected);
  grid.insertBefore(root, after ?? null);
  return dom;
}

// ---------------------------------------------------------------------------------------
// Rendering

/** The file, the spec's name and the theory's items (graph mode, N, D, K): each an item of a wrapping line, separated by CSS. */
function renderHeader(m: AnalysisMessage | null): void {
  fileLine.replaceChildren();
  if (m) {
    fileLine.append(el(document, 'span', 'file-name', m.fileName));
    if (m.model.name) fileLine.append(el(document, 'span', 'spec-name', m.model.name));
    for (const part of viewOf(m.model)?.header?.(m.model) ?? []) {
      const item = el(document, 'span', 'spec-dims', part);
      item.setAttribute('data-testid', 'header-dims');
      fileLine.append(item);
    }
  }
  renderLock();
}

function renderLock(): void {
  const locked = state.locked ?? state.message?.locked ?? false;
  const name = state.message?.fileName ?? t('thisSpec');
  lockButton.replaceChildren(
    icon(document, locked ? ICONS.locked : ICONS.unlocked),
    el(document, 'span', 'btn-text', locked ? t('lockedTo', name) : t('following')),
  );
  lockButton.classList.toggle('is-locked', locked);
  lockButton.setAttribute('aria-pressed', String(locked));
  const label = locked ? t('lockedToTitle', name) : t('followingTitle');
  lockButton.title = label;
  lockButton.setAttribute('aria-label', label);
}

/** A spec with nothing in it yet (its only problem: the document is empty). */
const isEmptySpec = (m: AnalysisMessage): boolean => m.model.problems.length > 0 && m.model.problems.every((p) => p.code === 'empty-document');

function render(): void {
  const t0 = performance.now();
  const m = state.message;
  renderHeader(m);
  const empty = !m || isEmptySpec(m);
  emptyState.hidden = !empty;
  emptyState.textContent = m ? t('emptySpec') : t('emptyState');
  npzButton.hidden = !(m && viewOf(m.model)?.offersSolutions(m.model));
  if (!m) {
    cardSlot.replaceChildren();
    return;
  }
  cardSlot.hidden = empty;
  grid.hidden = empty;
  cardSlot.replaceChildren(
    renderCard(document, m.model, { openSource: (offset) => post(offset === undefined ? { type: 'openSource' } : { type: 'openSource', offset }) }),
  );
  renderCharts();
  app.setAttribute('aria-busy', 'false');
  renders++;
  lastRenderMs = performance.now() - t0;
  acknowledge(m);
}

/** Tells the host what was drawn (validated there; the integration tests read it). */
function acknowledge(m: AnalysisMessage): void {
  const charts = ORDER.flatMap((id) => {
    const dom = sections.get(id);
    if (!dom || dom.root.hidden) return [];
    return dom.views.map((v) => {
      const d = v.describe();
      return { id: d.id.slice(0, 256), section: id, datasets: d.datasets.slice(0, 64).map((x) => ({ label: x.label.slice(0, 256), n: x.n })) };
    });
  });
  const rec = recommended(m.model);
  post({
    type: 'rendered',
    runId: m.runId,
    documentVersion: m.documentVersion,
    theory: m.model.theory,
    paradigm: rec === null ? null : rec.slice(0, 256),
    charts: charts.slice(0, 32),
    renderMs: lastRenderMs,
    theme: theme.kind.slice(0, 256),
  });
}

function renderCharts(): void {
  const m = state.message;
  if (!m) return;
  theme = readTheme();
  applyChartDefaults(theme.fontFamily, theme.fontSize, theme.foreground);
  const views = buildSections(m.model, theme);
  const present = new Set(views.map((v) => v.id));
  for (const [id, dom] of sections) if (!present.has(id)) clearSection(dom);
  for (const view of views) renderSection(sectionDom(view.id), view);
}

/** A section the model has nothing for: hidden, its charts destroyed. */
function clearSection(dom: SectionDom): void {
  dom.root.hidden = true;
  for (const v of dom.views) v.destroy();
  dom.views = [];
  dom.boxes.forEach((b) => b.remove());
  dom.boxes = [];
  dom.view = null;
}

function renderSection(dom: SectionDom, view: SectionView): void {
  dom.root.hidden = false;
  dom.view = view;
  dom.h2.textContent = view.title;
  dom.subtitle.replaceChildren(...citedText(document, view.subtitle));
  dom.empty.hidden = !view.empty;
  dom.empty.textContent = view.empty ?? '';
  dom.charts.hidden = view.charts.length === 0;
  // Nothing drawn, nothing to show or export: no toolbar (a hint says what would draw it).
  dom.toolbar.hidden = view.charts.length === 0;
  dom.charts.classList.toggle('two', view.charts.length > 1);
  dom.tableWrap.setAttribute('aria-label', t('tableRegion', view.title));
  // Canvases: one per chart spec, reused across renders (charts update in place).
  while (dom.views.length > view.charts.length) {
    dom.views.pop()?.destroy();
    dom.boxes.pop()?.remove();
  }
  view.charts.forEach((c, i) => renderChart(dom, i, c));
  const open = state.openTables.includes(view.id) && view.charts.length > 0;
  dom.toggle.setAttribute('aria-expanded', String(open));
  dom.toggle.querySelector('.btn-text')!.textContent = open ? t('hideData') : t('showData');
  dom.tableWrap.hidden = !open;
  if (open) fillTable(dom);
}

/**
 * The i-th chart of a section: its canvas (an image named by the chart's summary, its caption as
 * description, its table of numbers as details), created once and updated in place.
 */
function renderChart(dom: SectionDom, i: number, c: SectionView['charts'][number]): void {
  let v = dom.views[i];
  if (!v || v.id !== c.spec.id) {
    v?.destroy();
    dom.boxes[i]?.remove();
    const box = el(document, 'figure', 'chart-box');
    const frame = el(document, 'div', 'canvas-frame');
    const canvas = el(document, 'canvas');
    canvas.setAttribute('role', 'img');
    canvas.id = `chart-${c.spec.id}`;
    canvas.tabIndex = 0;
    canvas.setAttribute('aria-details', dom.tableWrap.id);
    frame.append(canvas);
    const cap = el(document, 'figcaption', 'chart-caption');
    cap.id = `caption-${c.spec.id}`;
    box.append(frame, cap);
    dom.charts.insertBefore(box, dom.boxes[i + 1] ?? null);
    dom.boxes[i] = box;
    v = new ChartView(c.spec.id, canvas);
    dom.views[i] = v;
  }
  v.canvas.setAttribute('aria-label', c.aria);
  v.canvas.textContent = c.aria;
  const cap = dom.boxes[i].querySelector('figcaption');
  if (cap) {
    cap.replaceChildren(...citedText(document, c.caption ?? ''));
    cap.hidden = !c.caption;
    if (c.caption) v.canvas.setAttribute('aria-describedby', cap.id);
    else v.canvas.removeAttribute('aria-describedby');
  }
  v.apply(c.spec);
}

function fillTable(dom: SectionDom): void {
  const view = dom.view;
  if (!view) return;
  const children: Node[] = [renderTable(view.table)];
  if (view.table.note) {
    const note = el(document, 'p', 'table-note');
    note.append(...citedText(document, view.table.note));
    children.push(note);
  }
  if (!view.table.rows.length) children.splice(0, 1, el(document, 'p', 'table-note', t('noNumbers')));
  dom.tableWrap.replaceChildren(...children);
}

function toggleTable(id: ChartId): void {
  const open = !state.openTables.includes(id);
  state.openTables = open ? [...state.openTables, id] : state.openTables.filter((x) => x !== id);
  save();
  const dom = sections.get(id);
  if (!dom) return;
  dom.toggle.setAttribute('aria-expanded', String(open));
  dom.toggle.querySelector('.btn-text')!.textContent = open ? t('hideData') : t('showData');
  dom.tableWrap.hidden = !open;
  if (open) fillTable(dom);
  else dom.tableWrap.replaceChildren();
}

// ---------------------------------------------------------------------------------------
// Exports

function canvasesOf(id: ChartId): HTMLCanvasElement[] {
  const views = sections.get(id)?.views ?? [];
  for (const v of views) v.ensure();
  return views.filter((v) => v.instance).map((v) => v.canvas);
}

function pngOf(id: ChartId): string | null {
  const dom = sections.get(id);
  const canvases = canvasesOf(id);
  if (!dom?.view || !canvases.length || dom.root.hidden) return null;
  return composePng(canvases, dom.view.title, theme);
}

/** `{requestId}` when answering the host's request, nothing for the panel's own buttons. */
const replyTo = (requestId: number | undefined): { requestId?: number } => (requestId === undefined ? {} : { requestId });

/** Tells the host a requested export cannot be produced (its buttons' clicks need no answer). */
function refuse(requestId: number | undefined, reason: string): void {
  if (requestId !== undefined) post({ type: 'exportFailed', requestId, reason: reason.slice(0, 1024) });
}

/** A section of the model shown, or why not. */
function shownSection(id: ChartId): SectionDom | string {
  const dom = sections.get(id);
  if (!state.message) return 'no analysis is shown';
  if (!dom?.view || dom.root.hidden) return `the ${id} chart is not part of this analysis`;
  return dom;
}

function exportPng(id: ChartId, requestId?: number): void {
  const dataUrl = pngOf(id);
  if (dataUrl) post({ type: 'export', format: 'png', chart: id, dataUrl, ...replyTo(requestId) });
  else {
    const dom = shownSection(id);
    refuse(requestId, typeof dom === 'string' ? dom : `the ${id} chart has nothing drawn`);
  }
}

function exportTable(id: ChartId, format: 'csv' | 'json', requestId?: number): void {
  const dom = shownSection(id);
  if (typeof dom === 'string') {
    refuse(requestId, dom);
    return;
  }
  const table = dom.view!.table;
  if (format === 'csv' && !table.rows.length) {
    refuse(requestId, `the ${id} chart has no numbers`);
    return;
  }
  const content = format === 'csv' ? toCsv(table) : `${JSON.stringify(toJsonRows(table), null, 2)}\n`;
  post({ type: 'export', format, chart: id, content, ...replyTo(requestId) });
}

function exportModelJson(requestId?: number): void {
  const m = state.message;
  if (!m) {
    refuse(requestId, 'no analysis is shown');
    return;
  }
  const payload = { fileName: m.fileName, documentUri: m.documentUri, documentVersion: m.documentVersion, model: m.model };
  post({ type: 'export', format: 'json', content: `${toJson(payload, 2)}\n`, ...replyTo(requestId) });
}

function exportReport(requestId?: number): void {
  const m = state.message;
  if (!m) {
    refuse(requestId, 'no analysis is shown');
    return;
  }
  const list = ORDER.map((id) => sections.get(id)).filter((d): d is SectionDom => !!d && !!d.view && !d.root.hidden);
  const content = buildReport(
    m,
    list.map((d) => ({
      title: d.view!.title,
      subtitle: d.view!.subtitle,
      png: d.view!.charts.length ? pngOf(d.id) : null,
      aria: d.view!.charts.map((c) => c.aria).join(' '),
      table: d.view!.table,
    })),
    theme,
  );
  post({ type: 'export', format: 'html', content, ...replyTo(requestId) });
}

// ---------------------------------------------------------------------------------------
// Messages

function setBusy(busy: boolean): void {
  status.textContent = busy ? t('updating') : '';
  status.classList.toggle('busy', busy);
  app.setAttribute('aria-busy', String(busy));
}

/**
 * The last analysis received from the host in this webview session: new results are
 * compared with it. A state restored after a reload is not a baseline (the host's run ids
 * and the documents' versions start over in a new session), nor is one the host forgot.
 */
let baseline: { documentUri: string; documentVersion: number; runId: number } | null = null;

function isStale(m: { documentUri: string; documentVersion: number; runId: number }): boolean {
  return !!baseline && baseline.documentUri === m.documentUri && isOlderResult(m, baseline);
}

/**
 * The banner above the card (`head` null: none). `stale`: what is shown below it is not the analysis
 * of the spec's current text (an error in it, a failed or cancelled run): the card and the charts are
 * dimmed and say so to assistive technology.
 */
function showBanner(head: string | null, detail: string, stale: boolean): void {
  errorBanner.hidden = head === null;
  errorBanner.replaceChildren(...(head === null ? [] : [el(document, 'strong', '', head), document.createTextNode(' '), el(document, 'span', '')]));
  if (head !== null) errorBanner.lastElementChild!.append(...citedText(document, detail));
  app.classList.toggle('is-stale', stale);
  for (const region of [cardSlot, grid]) {
    if (stale) region.setAttribute('aria-description', t('staleContent'));
    else region.removeAttribute('aria-description');
  }
}

function handle(m: HostToWebviewMessage): void {
  switch (m.type) {
    case 'analysis': {
      if (isStale(m)) return; // an older run finished late: keep what is displayed
      if (pendingRunId !== null && m.runId >= pendingRunId) {
        pendingRunId = null;
        setBusy(false);
      }
      // Another spec than the one shown starts at the top; the same spec keeps its place.
      const otherSpec = state.message !== null && state.message.documentUri !== m.documentUri;
      state.message = m;
      state.locked = m.locked;
      baseline = { documentUri: m.documentUri, documentVersion: m.documentVersion, runId: m.runId };
      // The last analysis without errors, while the newest version has one (docs/architecture.md §2).
      showBanner(m.stale ? t('staleHead') : null, m.stale ? t('staleLine', m.stale.line, m.stale.message) : '', !!m.stale);
      render();
      if (otherSpec) {
        window.scrollTo(0, 0);
        state.scrollY = 0;
      }
      save();
      return;
    }
    case 'busy':
      if (isStale(m)) return;
      pendingRunId = m.runId;
      setBusy(true);
      return;
    case 'error':
      if (isStale(m)) return;
      if (pendingRunId !== null && m.runId >= pendingRunId) pendingRunId = null;
      setBusy(false);
      showBanner(t('analysisFailed'), m.message, state.message !== null);
      return;
    case 'cancelled':
      if (isStale(m)) return;
      if (pendingRunId !== null && m.runId >= pendingRunId) pendingRunId = null;
      setBusy(false);
      showBanner(t('analysisCancelled'), state.message ? t('cancelledKeepsResult') : t('cancelledNoResult'), state.message !== null);
      return;
    case 'lock':
      state.locked = m.locked;
      renderLock();
      save();
      return;
    case 'forget':
      if (baseline?.documentUri === m.documentUri) baseline = null;
      return;
    case 'requestExport':
      if (m.format === 'html') exportReport(m.requestId);
      else if (m.format === 'png' && m.chart) exportPng(m.chart, m.requestId);
      else if ((m.format === 'csv' || m.format === 'json') && m.chart) exportTable(m.chart, m.format, m.requestId);
      else if (m.format === 'json') exportModelJson(m.requestId);
      else if (m.format === 'npz') post({ type: 'export', format: 'npz', requestId: m.requestId });
      else refuse(m.requestId, `a ${m.format} export needs a chart`);
      return;
  }
}

/** A message the panel acts on: valid, and an analysis only when its model's theory view accepts the model. */
function acceptable(x: unknown): x is HostToWebviewMessage {
  return isHostToWebviewMessage(x, CHART_ORDER) && (x.type !== 'analysis' || isRenderable(x.model));
}

window.addEventListener('message', (event: MessageEvent) => {
  const data: unknown = event.data;
  if (acceptable(data)) handle(data);
});

// ---------------------------------------------------------------------------------------
// Theme: VS Code toggles body classes and rewrites the CSS variables on <html>.

let themeFrame = 0;
function scheduleThemeRefresh(): void {
  if (themeFrame) return;
  themeFrame = requestAnimationFrame(() => {
    themeFrame = 0;
    renderCharts();
  });
}
const themeObserver = new MutationObserver(scheduleThemeRefresh);
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

// ---------------------------------------------------------------------------------------
// State: restore, then keep the scroll position.

let scrollTimer = 0;
window.addEventListener(
  'scroll',
  () => {
    if (scrollTimer) return;
    scrollTimer = window.setTimeout(() => {
      scrollTimer = 0;
      state.scrollY = Math.round(window.scrollY);
      save();
    }, 150);
  },
  { passive: true },
);

function restore(): void {
  const saved = vscode.getState();
  if (saved && saved.v === 1) {
    const message = typeof saved.message === 'string' ? decodeEmbeddedJson(saved.message) : null;
    state = {
      v: 1,
      message: acceptable(message) && message.type === 'analysis' ? message : null,
      openTables: Array.isArray(saved.openTables) ? saved.openTables.filter((id) => isChartId(id, CHART_ORDER)) : [],
      scrollY: typeof saved.scrollY === 'number' && Number.isFinite(saved.scrollY) ? saved.scrollY : 0,
      locked: typeof saved.locked === 'boolean' ? saved.locked : null,
    };
  } else {
    const text = document.getElementById('initial-state')?.textContent ?? '';
    const initial = text ? decodeEmbeddedJson(text) : null;
    if (acceptable(initial) && initial.type === 'analysis') {
      state.message = initial;
      state.locked = initial.locked;
    }
  }
  const m = state.message;
  if (m?.stale) showBanner(t('staleHead'), t('staleLine', m.stale.line, m.stale.message), true);
  render();
  if (state.scrollY > 0) requestAnimationFrame(() => window.scrollTo(0, state.scrollY));
}

window.__sslPanel = Object.freeze({
  charts: () =>
    ORDER.flatMap((id) => {
      const dom = sections.get(id);
      if (!dom || dom.root.hidden) return [];
      return dom.views.map((v) => ({ ...v.describe(), section: id }));
    }),
  shown: () => {
    const m = state.message;
    return m ? { documentUri: m.documentUri, documentVersion: m.documentVersion, runId: m.runId } : null;
  },
  renders: () => renders,
  lastRenderMs: () => lastRenderMs,
  theme: () => theme.kind,
  chartLayout: (id: string) => {
    for (const dom of sections.values()) {
      const v = dom.root.hidden ? undefined : dom.views.find((x) => x.id === id);
      v?.ensure();
      if (v?.instance) return chartLayout(v.instance);
    }
    return null;
  },
  chartTexts: () =>
    ORDER.flatMap((id) => {
      const dom = sections.get(id);
      if (!dom || dom.root.hidden) return [];
      return dom.views.flatMap((v) => {
        v.ensure();
        return v.instance ? [{ id: v.id, section: id, ...chartTexts(v.instance) }] : [];
      });
    }),
});

restore();
performance.mark('ssl-first-render');
post({ type: 'ready' });
