/**
 * The analysis panel in a real Chromium, under the real CSP from `buildPanelHtml`.
 *
 * A loopback HTTP server (127.0.0.1, random port) serves a harness page that mimics a
 * VS Code webview: the panel HTML with `dist/webview.js` and `media/panel.css`, theme
 * CSS variables set on <html> through the CSSOM and a `vscode-light|dark` class on
 * <body>, as VS Code does; host messages are replayed with `window.postMessage`.
 *
 * Needs `npm run build` first (dist/webview.js) and Chromium at /usr/bin/chromium.
 * (The README's media/screenshot-panel.png is the panel beside a spec in a real VS Code,
 * taken by test/integration/preview.test.ts with UPDATE_SCREENSHOTS=1.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPanelHtml, makeNonce } from '../../src/preview/htmlBuilder';
import { isHostToWebviewMessage, isWebviewToHostMessage, thinIndices, pick, type AnalysisMessage } from '../../src/shared/webviewProtocol';
import { translateWebviewMessages, type WebviewStrings } from '../../src/shared/webviewStrings';
import type { AlignmentPanelModel } from '../../src/core/theories/alignment/index';
import type { GraphPanelModel } from '../../src/core/theories/spectralEmbedding/index';
import { assertNoHang } from '../support/hangGuard';

function findRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'media'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
const ROOT = findRoot();
const RESULTS = path.join(ROOT, 'test-results');
type AlignmentMessage = AnalysisMessage & { model: AlignmentPanelModel };
type GraphMessage = AnalysisMessage & { model: GraphPanelModel };
const readFixture = (name: string): AnalysisMessage => {
  const m: unknown = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'panel', `${name}.json`), 'utf8'));
  assert.ok(isHostToWebviewMessage(m) && m.type === 'analysis', `${name}.json is a valid analysis message`);
  return m;
};
/** A fixture of the alignment theory (P1). */
const fixture = (name: string): AlignmentMessage => {
  const m = readFixture(name);
  assert.equal(m.model.theory, 'alignment');
  return m as AlignmentMessage;
};
/** A fixture of graph mode (P2). */
const graphFixture = (name: string): GraphMessage => {
  const m = readFixture(name);
  assert.equal(m.model.theory, 'spectralEmbedding');
  return m as GraphMessage;
};

// ---------------------------------------------------------------------------------------
// Fixture themes: the variables VS Code defines (a subset), light and dark.

type ThemeVars = Record<string, string>;
const COMMON: ThemeVars = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
};
const LIGHT: ThemeVars = {
  ...COMMON,
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#6e6e6e',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-button-background': '#005fb8',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#0258a8',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-textLink-foreground': '#005fb8',
  '--vscode-textLink-activeForeground': '#005fb8',
  '--vscode-textBlockQuote-background': '#f8f8f8',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#c46a00',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};
const DARK: ThemeVars = {
  ...COMMON,
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
};

/** VS Code's high-contrast themes (Dark High Contrast, Light High Contrast), the variables the panel uses. */
const HC_DARK: ThemeVars = {
  ...COMMON,
  '--vscode-editor-background': '#000000',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-button-background': '#000000',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#6fc3df',
  '--vscode-button-secondaryBackground': '#000000',
  '--vscode-button-secondaryForeground': '#ffffff',
  '--vscode-textLink-foreground': '#21a6ff',
  '--vscode-textLink-activeForeground': '#21a6ff',
  '--vscode-errorForeground': '#f48771',
  '--vscode-editorWarning-foreground': '#ffd370',
  '--vscode-charts-foreground': '#ffffff',
  '--vscode-charts-lines': '#ffffff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
};
const HC_LIGHT: ThemeVars = {
  ...COMMON,
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#292929',
  '--vscode-foreground': '#292929',
  '--vscode-descriptionForeground': '#292929',
  '--vscode-editorWidget-background': '#ffffff',
  '--vscode-contrastBorder': '#0f4a85',
  '--vscode-contrastActiveBorder': '#006bbd',
  '--vscode-focusBorder': '#006bbd',
  '--vscode-button-background': '#0f4a85',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#0f4a85',
  '--vscode-button-secondaryBackground': '#ffffff',
  '--vscode-button-secondaryForeground': '#292929',
  '--vscode-textLink-foreground': '#0f4a85',
  '--vscode-textLink-activeForeground': '#0f4a85',
  '--vscode-errorForeground': '#b5200d',
  '--vscode-editorWarning-foreground': '#895503',
  '--vscode-charts-foreground': '#292929',
  '--vscode-charts-lines': '#292929',
  '--vscode-charts-red': '#b5200d',
  '--vscode-charts-blue': '#0f4a85',
  '--vscode-charts-yellow': '#895503',
  '--vscode-charts-orange': '#b5200d',
  '--vscode-charts-green': '#374e06',
  '--vscode-charts-purple': '#652d90',
};
type ThemeName = 'light' | 'dark' | 'hc-dark' | 'hc-light';
const THEMES: Record<ThemeName, { vars: ThemeVars; cls: string }> = {
  light: { vars: LIGHT, cls: 'vscode-light' },
  dark: { vars: DARK, cls: 'vscode-dark' },
  'hc-dark': { vars: HC_DARK, cls: 'vscode-high-contrast' },
  'hc-light': { vars: HC_LIGHT, cls: 'vscode-high-contrast-light' },
};

// ---------------------------------------------------------------------------------------
// Harness server

let server: http.Server;
let origin = '';
let browser: Browser;
/** Initial states the harness can embed: `/?state=<name>`. */
const initialStates = new Map<string, unknown>();
/**
 * The panel's messages as the host passes them (translated with `vscode.l10n.t` there): English by
 * default, or a pseudo-translation that wraps every message in ⟦ ⟧ (`/?l10n=pseudo`).
 */
const stringTables = new Map<string, WebviewStrings>([
  ['en', translateWebviewMessages((m) => m)],
  ['pseudo', translateWebviewMessages((m) => `⟦${m}⟧`)],
]);

function harnessHtml(stateName: string | null, l10n: string | null = null): string {
  return buildPanelHtml({
    // The form VS Code 1.100 gives (`webview.cspSource`): the 'self' keyword, then the resource origin.
    cspSource: `'self' ${origin}`,
    nonce: makeNonce(),
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/media/panel.css`,
    title: 'SSL analysis',
    initialState: stateName ? (initialStates.get(stateName) ?? null) : null,
    strings: stringTables.get(l10n ?? 'en') ?? stringTables.get('en'),
  });
}

const FILES: Record<string, [string, string]> = {
  '/dist/webview.js': [path.join(ROOT, 'dist', 'webview.js'), 'text/javascript; charset=utf-8'],
  '/media/panel.css': [path.join(ROOT, 'media', 'panel.css'), 'text/css; charset=utf-8'],
  '/dist/webview.js.map': [path.join(ROOT, 'dist', 'webview.js.map'), 'application/json'],
};

before(async () => {
  assert.ok(existsSync(FILES['/dist/webview.js'][0]), 'dist/webview.js missing: run `npm run build` first');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(harnessHtml(url.searchParams.get('state'), url.searchParams.get('l10n')));
      return;
    }
    const file = FILES[url.pathname];
    if (url.pathname === '/favicon.ico' || (file && !existsSync(file[0]))) {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
    res.end(readFileSync(file[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(RESULTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface Problems {
  violations: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

interface Layout {
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: { label: string; px: number }[];
  yTicks: { label: string; px: number }[];
  legend: { entries: number; height: number };
  texts: { text: string; left: number; top: number; right: number; bottom: number }[];
  points: { dataset: number; x: number; y: number }[];
}
interface Hook {
  charts(): { id: string; section: string; datasets: { label: string; n: number; color: string; hidden: boolean; point: string; dash: string }[] }[];
  chartLayout(id: string): Layout | null;
  shown(): { documentUri: string; documentVersion: number; runId: number } | null;
  renders(): number;
  lastRenderMs(): number;
  theme(): string;
  chartTexts(): { id: string; section: string; axes: string[]; ticks: string[]; legend: string[]; annotations: string[] }[];
}
type Win = Window & { __sslPanel: Hook; __posted: Record<string, unknown>[]; __violations: string[] };

async function openPanel(theme: ThemeName, query = ''): Promise<{ page: Page; problems: Problems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const problems: Problems = { violations: [], consoleErrors: [], pageErrors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  await page.addInitScript(({ vars, cls }) => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
    // What VS Code does: variables on <html> through the CSSOM, a theme class on <body>.
    let varsDone = false;
    const mark = (): boolean => {
      const root = document.documentElement;
      if (!root) return false;
      if (!varsDone) {
        for (const [k, v] of Object.entries(vars)) root.style.setProperty(k, v);
        varsDone = true;
      }
      if (!document.body) return false;
      document.body.classList.add(cls);
      document.body.dataset.vscodeThemeKind = cls;
      return true;
    };
    if (!mark()) {
      const obs = new MutationObserver(() => {
        if (mark()) obs.disconnect();
      });
      obs.observe(document, { childList: true, subtree: true });
    }
  }, THEMES[theme]);
  await page.goto(`${origin}/${query}`);
  await page.waitForFunction(() => !!(window as unknown as Win).__sslPanel);
  return { page, problems };
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(
    ({ vars, cls }) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(cls);
    },
    { vars: theme === 'light' ? LIGHT : DARK, cls: theme === 'light' ? 'vscode-light' : 'vscode-dark' },
  );
}

async function post(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Post an analysis and wait until it has been rendered. */
async function postAnalysis(page: Page, message: AnalysisMessage): Promise<void> {
  const before = await page.evaluate(() => (window as unknown as Win).__sslPanel.renders());
  await post(page, message);
  await page.waitForFunction((n) => (window as unknown as Win).__sslPanel.renders() > n, before);
}

const charts = (page: Page) => page.evaluate(() => (window as unknown as Win).__sslPanel.charts());
const text = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]`).innerText();
const posted = (page: Page) => page.evaluate(() => (window as unknown as Win).__posted);
/** The webview's reply to the host's request `requestId` (an export or a refusal), once posted. */
async function reply(page: Page, requestId: number): Promise<Record<string, unknown>> {
  await page.waitForFunction((id) => (window as unknown as { __posted: { requestId?: number }[] }).__posted.some((m) => m.requestId === id), requestId);
  return ((await posted(page)) as Record<string, unknown>[]).find((m) => m.requestId === requestId)!;
}

async function assertClean(page: Page, problems: Problems): Promise<void> {
  const violations = await page.evaluate(() => (window as unknown as Win).__violations);
  assert.deepEqual(violations, [], 'no CSP violation');
  assert.deepEqual(problems.consoleErrors, [], 'no console error');
  assert.deepEqual(problems.pageErrors, [], 'no page error');
}

function byId(list: Awaited<ReturnType<typeof charts>>): Record<string, { label: string; n: number; color: string }[]> {
  return Object.fromEntries(list.map((c) => [c.id, c.datasets.map(({ label, n, color }) => ({ label, n, color }))]));
}

// ---------------------------------------------------------------------------------------

test('case C: card, charts, data tables, exports, light screenshot', async () => {
  const { page, problems } = await openPanel('light');
  try {
    const ready = await posted(page);
    assert.deepEqual(ready, [{ type: 'ready' }], 'posts ready on load');
    await page.waitForSelector('.empty-state:not([hidden])');
    await postAnalysis(page, fixture('case-c'));

    // The card: recommendation and the numbers (3 significant figures).
    assert.equal(await text(page, 'paradigm'), 'Joint-embedding');
    assert.match(await text(page, 'reason'), /^At α = 0\.73 only joint-embedding recovers the clean encoder; reconstruction needs α > 0\.764\./);
    assert.equal(await page.locator('[data-testid="alpha-rc"] .metric-value').innerText(), '0.764');
    assert.equal(await page.locator('[data-testid="alpha-je"] .metric-value').innerText(), '0.707');
    assert.equal(await page.locator('[data-testid="alpha-spec"] .metric-value').innerText(), '0.73');
    assert.equal(await page.locator('[data-testid="alpha-rc"] .verdict').innerText(), '✗ fails at α = 0.73');
    assert.equal(await page.locator('[data-testid="alpha-je"] .verdict').innerText(), '✓ recovers at α = 0.73');
    assert.equal(await text(page, 'squared'), 'α²_RC = 0.583 · α²_JE = 0.5 · δ = 0.667 · η = 1.15 · η²/δ = 2 · d = 4, k = 2');
    assert.match(await text(page, 'regime'), /Mixed noise\s+Mixed: the noise variances straddle η²\/δ = 2, so Corollary 4\.5 makes no claim/i);
    assert.match(await page.locator('[data-testid="lock"]').innerText(), /Following the active editor/);
    assert.match(await page.locator('.file-line').innerText(), /case-c\.sslexp\.yaml\s*·?\s*Straddling noise \(docs\/theory\.md case C\)/);

    // The charts: dataset labels and point counts.
    const c = byId(await charts(page));
    assert.deepEqual(Object.keys(c), ['thresholds', 'spectrum', 'scores-rc', 'scores-je', 'scaling', 'convergence']);
    // The render acknowledgement the host receives (and validates) names the same charts.
    const ack: unknown = (await posted(page)).filter((m) => (m as { type?: unknown }).type === 'rendered').at(-1);
    assert.ok(isWebviewToHostMessage(ack) && ack.type === 'rendered', 'the rendered acknowledgement passes the host validator');
    assert.equal(ack.paradigm, 'joint-embedding');
    assert.equal(ack.runId, fixture('case-c').runId);
    assert.deepEqual(
      ack.charts.map((x) => x.id),
      Object.keys(c),
    );
    assert.deepEqual(
      ack.charts.map((x) => x.datasets.length),
      Object.values(c).map((d) => d.length),
    );
    const ln = (id: string) => c[id].map((d) => `${d.label}:${d.n}`);
    assert.deepEqual(ln('thresholds'), ['Reconstruction recovers (α > α_RC):3', 'Joint-embedding recovers (α > α_JE):3', 'Spec α = 0.73:2']);
    assert.deepEqual(ln('spectrum'), ['c (signal variance):2', 'λΓ (noise variance):2', 'λΘ (other augmentation):4', 'η²/δ boundary = 2:2']);
    for (const id of ['scores-rc', 'scores-je']) {
      assert.deepEqual(ln(id), ['Important:2', 'Noise:2', 'Deciding important score:2', 'Deciding noise score:2']);
    }
    assert.deepEqual(ln('scaling'), [
      'α²_RC(t) reconstruction:61',
      'α²_JE(t) joint-embedding:61',
      'JE bound (1 − δ)/δ:2',
      'Crossing t = 0.972:1',
      'Spec noise (t = 1):2',
    ]);
    assert.equal(c.convergence.length, 8);
    assert.ok(c.convergence.every((d) => d.n === 4));
    assert.deepEqual(
      c.convergence.slice(0, 2).map((d) => d.label),
      ['Reconstruction · α = 0.5', 'Joint-embedding · α = 0.5'],
    );
    // Colour by paradigm.
    assert.equal(c.convergence[0].color, LIGHT['--vscode-charts-orange']);
    assert.equal(c.convergence[1].color, LIGHT['--vscode-charts-blue']);

    // Accessible labels on every canvas.
    const labels = await page.$$eval('canvas', (els) => els.map((e) => [e.getAttribute('role'), e.getAttribute('aria-label')]));
    assert.equal(labels.length, 6);
    for (const [role, label] of labels) {
      assert.equal(role, 'img');
      assert.ok(label && label.length > 40, `aria-label: ${label}`);
    }
    assert.match(
      (await page.getAttribute('#chart-thresholds', 'aria-label')) ?? '',
      /reconstruction α > 0\.764, joint-embedding α > 0\.707; the spec’s α = 0\.73/,
    );

    // "Show data" tables.
    for (const [id, rows] of [
      ['spectrum', 4],
      ['scores', 4],
      ['scaling', 61],
      ['convergence', 4],
      ['thresholds', 2],
    ] as const) {
      const toggle = page.locator(`[data-testid="toggle-${id}"]`);
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.locator(`#table-${id} tbody tr`).count(), rows, `${id} table rows`);
    }
    assert.deepEqual(await page.locator('#table-spectrum tbody tr').first().locator('td').allInnerTexts(), ['1', 'important', '10', '1', '']);
    assert.deepEqual(await page.locator('#table-thresholds tbody tr').nth(0).locator('td').allInnerTexts(), [
      'Reconstruction',
      '0.583333',
      '0.763763',
      'α > 0.764',
      'fails',
    ]);
    for (const id of ['scores', 'scaling', 'convergence', 'thresholds']) await page.locator(`[data-testid="toggle-${id}"]`).click();

    // Exports: PNG of a chart, CSV, JSON and the HTML report — all well-formed messages.
    await page.locator('[data-testid="png-spectrum"]').click();
    const png = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(png), 'PNG export passes the host validator');
    assert.equal(png.type, 'export');
    assert.equal(png.format, 'png');
    assert.equal(png.chart, 'spectrum');
    const dataUrl = String(png.dataUrl);
    assert.ok(dataUrl.startsWith('data:image/png;base64,'));
    const bytes = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.ok(bytes.length > 5000, 'a real image');

    await page.locator('#section-spectrum button', { hasText: 'CSV' }).click();
    const csv = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(csv));
    assert.equal(csv.format, 'csv');
    assert.equal(csv.chart, 'spectrum');
    assert.deepEqual(String(csv.content).trim().split('\r\n'), [
      'component,block,c (signal),λΘ (augmentation),λΓ (noise)',
      '1,important,10,1,',
      '2,important,2,1,',
      '3,noise,,2,3',
      '4,noise,,0,0.5',
    ]);
    await page.locator('#section-scaling button', { hasText: 'JSON' }).click();
    const json = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(json));
    assert.equal(JSON.parse(String(json.content)).rows.length, 61);

    await page.locator('[data-testid="report"]').click();
    const report = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(report));
    assert.equal(report.format, 'html');
    const html = String(report.content);
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.equal((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length, 5, 'one inline PNG per chart section');
    assert.equal((html.match(/<table/g) ?? []).length, 5);
    assert.ok(!/<script/i.test(html), 'no script in the report');
    assert.ok(html.includes('Joint-embedding') && html.includes('0.764'));

    await page.locator('[data-testid="lock"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'toggleLock' });
    await post(page, { type: 'lock', locked: true });
    await page.waitForFunction(() => document.querySelector('[data-testid="lock"]')?.textContent?.includes('Locked to case-c.sslexp.yaml'));
    await post(page, { type: 'lock', locked: false });
    await page.waitForFunction(() => document.querySelector('[data-testid="lock"]')?.textContent?.includes('Following the active editor'));

    await page.screenshot({ path: path.join(RESULTS, 'panel-light.png'), fullPage: true });
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('scenario M strong, stale results, busy/error, theme switch re-colours, dark screenshot', async () => {
  const { page, problems } = await openPanel('light');
  try {
    const strong = fixture('scenario-m-strong');
    await postAnalysis(page, strong);
    assert.equal(await text(page, 'paradigm'), 'Joint-embedding');
    assert.equal(await page.locator('[data-testid="alpha-rc"] .metric-value').innerText(), '10.5');
    assert.equal(await page.locator('[data-testid="alpha-je"] .metric-value').innerText(), '0.813');
    assert.match(await text(page, 'squared'), /^α²_RC = 110 · α²_JE = 0\.662 · δ = 0\.6 · η = 94\.9 · η²\/δ = 15000 · d = 6, k = 3$/);
    assert.match(await text(page, 'regime'), /High noise: noise variances all above η²\/δ = 15000, joint-embedding needs less alignment\./);
    const c = byId(await charts(page));
    assert.ok(!('convergence' in c), 'no convergence chart without a simulation');
    assert.deepEqual(
      c.thresholds.map((d) => d.label),
      ['Reconstruction recovers (α > α_RC)', 'Joint-embedding recovers (α > α_JE)', 'Spec α = 1'],
    );
    assert.deepEqual(
      c.spectrum.map((d) => `${d.label}:${d.n}`),
      ['c (signal variance):3', 'λΓ (noise variance):3', 'λΘ (other augmentation):6', 'η²/δ boundary = 15000:2'],
    );
    assert.equal(c.scaling[3].label, 'Crossing t = 0.015');
    await page.screenshot({ path: path.join(RESULTS, 'panel-m-strong-light.png'), fullPage: true });

    // Stale results for the same document are ignored: an older run, an older version.
    const shown = await page.evaluate(() => (window as unknown as Win).__sslPanel.shown());
    assert.deepEqual(shown, { documentUri: strong.documentUri, documentVersion: 1, runId: 21 });
    const weak = fixture('scenario-m-weak');
    const rendersBefore = await page.evaluate(() => (window as unknown as Win).__sslPanel.renders());
    await post(page, { ...weak, documentUri: strong.documentUri, runId: 20, documentVersion: 1 });
    await post(page, { ...weak, documentUri: strong.documentUri, runId: 99, documentVersion: 0 });
    await post(page, { type: 'error', runId: 19, documentUri: strong.documentUri, documentVersion: 1, message: 'stale failure' });
    await post(page, { type: 'analysis', runId: 'x' }); // junk is ignored too
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    assert.equal(await page.evaluate(() => (window as unknown as Win).__sslPanel.renders()), rendersBefore, 'stale messages not rendered');
    assert.equal(await text(page, 'paradigm'), 'Joint-embedding');
    assert.ok(await page.locator('.error-banner').isHidden());

    // busy -> newer version arrives -> busy cleared.
    await post(page, { type: 'busy', runId: 22, documentUri: strong.documentUri, documentVersion: 2 });
    await page.waitForSelector('.status.busy');
    assert.equal(await page.locator('.status').innerText(), 'Updating…');
    await postAnalysis(page, { ...weak, documentUri: strong.documentUri, runId: 22, documentVersion: 2 });
    assert.ok(!(await page.locator('.status').evaluate((e) => e.classList.contains('busy'))));
    assert.equal(await text(page, 'paradigm'), 'Either paradigm');
    assert.equal(await page.locator('[data-testid="alpha-rc"] .metric-detail').innerText(), 'any α ≥ 0');
    assert.match(await text(page, 'regime'), /Low noise: noise variances all below η²\/δ = 15000, reconstruction needs less alignment\./);
    // An error for the current run shows a banner (text only) and keeps the result.
    await post(page, { type: 'error', runId: 23, documentUri: strong.documentUri, documentVersion: 3, message: '<img src=x onerror=alert(1)> boom' });
    await page.waitForSelector('.error-banner:not([hidden])');
    assert.match(await page.locator('.error-banner').innerText(), /Analysis failed\. <img src=x onerror=alert\(1\)> boom/);
    assert.equal(await page.locator('.error-banner img').count(), 0);
    assert.equal(await text(page, 'paradigm'), 'Either paradigm');
    // What is shown below the banner is not the analysis of the current text: dimmed, and said so.
    const dimmed = () =>
      page.evaluate(() => ({
        stale: document.getElementById('app')!.classList.contains('is-stale'),
        card: Number(getComputedStyle(document.querySelector('.card-slot')!).opacity),
        grid: Number(getComputedStyle(document.querySelector('.grid')!).opacity),
        described: document.querySelector('.card-slot')!.getAttribute('aria-description'),
      }));
    assert.deepEqual(await dimmed(), { stale: true, card: 0.55, grid: 0.55, described: 'Stale: the analysis of the last version without errors.' });
    await postAnalysis(page, { ...strong, runId: 24, documentVersion: 3 });
    assert.ok(await page.locator('.error-banner').isHidden());
    assert.deepEqual(await dimmed(), { stale: false, card: 1, grid: 1, described: null });

    // The last result without errors while the current text has one: the banner says where and what, in
    // the core's words (no internal code, no repeated key, ≥), its citation a link to the bundled docs.
    const staleMessage = 'alpha must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got -1.';
    await postAnalysis(page, { ...strong, runId: 26, documentVersion: 5, stale: { message: staleMessage, line: 12, code: 'negative-alpha' } });
    assert.equal(await page.locator('.error-banner').innerText(), `Showing the last analysis without errors. Line 12: ${staleMessage}`);
    assert.equal((await dimmed()).stale, true);
    await page.locator('.error-banner a.doc-link').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openDoc', doc: 'theory', anchor: 's3' });
    await postAnalysis(page, { ...strong, runId: 27, documentVersion: 6 });
    assert.equal((await dimmed()).stale, false);

    // A warning on the card is text, with a link to its line.
    const warned: AlignmentMessage = {
      ...strong,
      runId: 28,
      documentVersion: 7,
      model: {
        ...strong.model,
        problems: [...strong.model.problems, { severity: 'warning', code: 'x-test', message: '<b>not bold</b> λΓ = 0 on component 5', line: 9, offset: 123 }],
      },
    };
    await postAnalysis(page, warned);
    assert.equal(await page.locator('.warnings li').count(), 1);
    assert.match(await page.locator('.warnings li').innerText(), /<b>not bold<\/b> λΓ = 0 on component 5/);
    await page.locator('.warnings li button').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openSource', offset: 123 });

    // Theme switch without reopening: every dataset is re-coloured from the new variables.
    const light = byId(await charts(page));
    const canvasBefore = await page.evaluate(() => {
      const c = document.querySelector('#chart-spectrum') as HTMLCanvasElement & { __mark?: number };
      c.__mark = 42;
      return c.toDataURL();
    });
    await setTheme(page, 'dark');
    await page.waitForFunction(() => (window as unknown as Win).__sslPanel.theme() === 'dark');
    const dark = byId(await charts(page));
    assert.deepEqual(Object.keys(dark), Object.keys(light));
    // Blue against orange for every two-way contrast (safe with red–green colour-vision deficiency), from
    // the theme; the third colour is Okabe–Ito's reddish purple (lighter on dark backgrounds).
    const themed = (v: string): [string, string] => [LIGHT[v], DARK[v]];
    const expected: Record<string, [string, string]> = {
      'Reconstruction recovers (α > α_RC)': themed('--vscode-charts-orange'),
      'Joint-embedding recovers (α > α_JE)': themed('--vscode-charts-blue'),
      'c (signal variance)': themed('--vscode-charts-blue'),
      'λΓ (noise variance)': themed('--vscode-charts-orange'),
      'λΘ (other augmentation)': ['#b0508b', '#cc79a7'],
      'α²_RC(t) reconstruction': themed('--vscode-charts-orange'),
      'α²_JE(t) joint-embedding': themed('--vscode-charts-blue'),
    };
    let checked = 0;
    for (const id of Object.keys(dark)) {
      dark[id].forEach((d, i) => {
        assert.notEqual(d.color, light[id][i].color, `${id}/${d.label} re-coloured`);
        const v = expected[d.label];
        if (v) {
          assert.equal(light[id][i].color, v[0], `${d.label} light colour`);
          assert.equal(d.color, v[1], `${d.label} dark colour`);
          checked++;
        }
      });
    }
    assert.ok(checked >= 7);
    const after = await page.evaluate(() => {
      const c = document.querySelector('#chart-spectrum') as HTMLCanvasElement & { __mark?: number };
      return { mark: c.__mark, url: c.toDataURL() };
    });
    assert.equal(after.mark, 42, 'same canvas: charts updated in place, not recreated');
    assert.notEqual(after.url, canvasBefore, 'pixels re-drawn');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(31, 31, 31)');

    // Dark screenshot of the richest fixture (case C has all five charts).
    await postAnalysis(page, fixture('case-c'));
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = path.join(RESULTS, 'panel-dark.png');
    await page.screenshot({ path: shot, fullPage: true });
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('state: restored after a reload; initial state from the HTML', async () => {
  const { page, problems } = await openPanel('dark');
  try {
    await postAnalysis(page, fixture('case-c'));
    await page.locator('[data-testid="toggle-spectrum"]').click();
    await page.evaluate(() => window.scrollTo(0, 600));
    await page.waitForFunction(() => (sessionStorage.getItem('ssl-panel-state') ?? '').includes('"scrollY":600'));
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Win).__sslPanel?.renders() >= 1);
    assert.equal(await text(page, 'paradigm'), 'Joint-embedding');
    assert.equal(await page.locator('[data-testid="toggle-spectrum"]').getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('#table-spectrum tbody tr').count(), 4);
    await page.waitForFunction(() => Math.abs(window.scrollY - 600) < 2);
    // A new host session (after a window reload) starts over with run ids and document
    // versions: the restored state is not a baseline, so its first result is shown.
    const c = fixture('case-c');
    await postAnalysis(page, { ...fixture('scenario-m-weak'), documentUri: c.documentUri, runId: 1, documentVersion: 1 });
    assert.equal(await text(page, 'paradigm'), 'Either paradigm');
    // Once shown, an older result is ignored again, until the host forgets the document
    // (closed; its versions start over when it is reopened).
    const before = await page.evaluate(() => (window as unknown as Win).__sslPanel.renders());
    await post(page, { ...c, runId: 2, documentVersion: 0 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    assert.equal(await page.evaluate(() => (window as unknown as Win).__sslPanel.renders()), before, 'older version ignored');
    await post(page, { type: 'forget', documentUri: c.documentUri });
    await postAnalysis(page, { ...c, runId: 3, documentVersion: 0 });
    assert.equal(await text(page, 'paradigm'), 'Joint-embedding');
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
  // Initial state embedded by the host (with non-finite numbers and hostile text).
  const msg = fixture('scenario-m-strong');
  const hostile: AlignmentMessage = {
    ...msg,
    fileName: '</script><script>window.__pwned=1</script>.sslexp.yaml',
    model: { ...msg.model, name: '<img src=x onerror="window.__pwned=1">', thresholds: { ...msg.model.thresholds!, alpha2RC: Infinity, alphaRC: Infinity } },
  };
  initialStates.set('hostile', hostile);
  const second = await openPanel('light', '?state=hostile');
  try {
    await second.page.waitForFunction(() => (window as unknown as Win).__sslPanel.renders() >= 1);
    assert.equal(await second.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await second.page.locator('.file-line').innerText(), /<\/script><script>window\.__pwned=1<\/script>\.sslexp\.yaml/);
    assert.equal(await second.page.locator('[data-testid="alpha-rc"] .metric-value').innerText(), '∞');
    assert.equal(await second.page.locator('[data-testid="alpha-rc"] .metric-detail').innerText(), 'never recovers');
    const t = byId(await charts(second.page)).thresholds;
    assert.equal(t[0].n, 2, 'a never-recovering paradigm has no band start');
    await assertClean(second.page, second.problems);
  } finally {
    await second.page.close();
  }
});

test('graph mode: card with N, D, K, the four graph sections, tables, exports by request id, screenshots', async () => {
  const { page, problems } = await openPanel('light');
  try {
    // An alignment analysis first: switching to a graph spec hides its sections.
    await postAnalysis(page, fixture('case-c'));
    const knn = graphFixture('graph-knn');
    await postAnalysis(page, knn);

    // The card: the method and its reason, the ranks against K, the pair agreement, N/D/K.
    assert.equal(await text(page, 'paradigm'), 'VICReg, low invariance weight');
    assert.match(await text(page, 'reason'), /^The pair graph is misaligned with the labels \(pair agreement 0\.864 < 0\.9\)/);
    assert.equal(await page.locator('[data-testid="rank-vicreg"] .metric-value').innerText(), '6/6');
    assert.equal(await page.locator('[data-testid="rank-vicreg"] .metric-label').innerText(), 'VICReg rank');
    assert.equal(await page.locator('[data-testid="rank-vicreg"] .metric-detail').innerText(), 'of the representation: σ_k = 1 on 1 of 6 directions at g = 25');
    // The tiles' titles are whole, not cut off with an ellipsis.
    for (const id of ['rank-vicreg', 'rank-simclr', 'agreement'])
      assert.ok(await page.locator(`[data-testid="${id}"] .metric-label`).evaluate((e) => e.scrollWidth <= e.clientWidth), `${id}: the title fits`);
    assert.equal(await page.locator('[data-testid="rank-vicreg"] .verdict').innerText(), '✓ full rank');
    assert.equal(await page.locator('[data-testid="rank-simclr"] .metric-value').innerText(), '6/6');
    assert.equal(await page.locator('[data-testid="agreement"] .metric-value').innerText(), '0.864');
    assert.equal(await page.locator('[data-testid="agreement"] .verdict').innerText(), '✗ G misaligned with the labels (< 0.9)');
    // Parts joined with an unbreakable space before each dot: a wrapped line never starts with '·'.
    assert.equal(
      await text(page, 'graph-dims'),
      'N = 48 rows\u00a0· D = 4 features\u00a0· K = 6\u00a0· knn graph: 132 edges, 1 component\u00a0· a = 25, g = 25, a/(4g) = 0.25\u00a0· linear ranks: VICReg 4, SimCLR 4',
    );
    assert.deepEqual(await page.locator('[data-testid="header-dims"]').allInnerTexts(), ['graph mode', 'N = 48 rows', 'D = 4 features', 'K = 6']);
    // The header's items are separated by a dot after each item (never before one): narrow, it wraps without a leading dot.
    await page.setViewportSize({ width: 360, height: 900 });
    const header = await page.locator('.file-line > *').evaluateAll((items) =>
      items.map((e) => ({
        before: getComputedStyle(e, '::before').content,
        after: getComputedStyle(e, '::after').content,
        top: (e as HTMLElement).offsetTop,
      })),
    );
    assert.ok(new Set(header.map((h) => h.top)).size > 1, 'the header wraps at this width');
    assert.deepEqual(
      header.map((h) => [h.before, h.after]),
      header.map((_, i) => ['none', i < header.length - 1 ? '"·"' : 'none']),
    );
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.match(await page.locator('.file-line').innerText(), /graph-knn\.sslexp\.yaml\s*·?\s*Three clusters, 4-nearest-neighbour pairs/);
    // The info problem is not a warning: no "Assumptions & findings" box.
    assert.equal(await page.locator('.warnings').count(), 0);

    // The charts: only graph mode's, with their datasets.
    const c = byId(await charts(page));
    assert.deepEqual(Object.keys(c), ['laplacian', 'sigma-k', 'sigma-g', 'ranks', 'ranks-spectra', 'agreement']);
    for (const id of ['thresholds', 'spectrum', 'scores', 'scaling', 'convergence']) assert.ok(await page.locator(`#section-${id}`).isHidden(), `${id} hidden`);
    const ln = (id: string) => c[id].map((d) => `${d.label}:${d.n}`);
    assert.deepEqual(ln('laplacian'), ['λ_0 (constant direction):1', 'λ_k ≤ a/(4g): σ_k = 1:1', 'λ_k > a/(4g): σ_k < 1:5', 'a/(4g) = 0.25:2']);
    assert.deepEqual(ln('sigma-k'), ['σ_k at g = 25 (representation):6', 'σ_k of linear VICReg (from μ_k):4']);
    // Why they differ, said under the chart: two eigenproblems, λ_k of the Laplacian and μ_k of the linear regime.
    assert.match(await page.locator('#caption-sigma-k').innerText(), /from λ_k, the graph Laplacian’s eigenvalues; linear VICReg’s \(Z = XW\) from μ_k/);
    assert.equal(c['sigma-g'].length, 7, 'six distinct λ_k and the spec g');
    assert.deepEqual(
      c['sigma-g'].slice(0, 2).map((d) => d.label),
      ['λ = 0.199 (k = 1)', 'λ = 0.403 (k = 2)'],
    );
    assert.deepEqual(c['sigma-g'].at(-1), { label: 'spec g = 25', n: 2, color: LIGHT['--vscode-charts-foreground'] });
    assert.deepEqual(ln('ranks'), ['VICReg: rank 6/6:2', 'SimCLR: rank 6/6:2', 'VICReg (linear): rank 4/4:2', 'SimCLR (linear): rank 4/4:2', 'K = 6:2']);
    assert.deepEqual(ln('ranks-spectra'), ['SimCLR: eigenvalues of D^(−1/2) G D^(−1/2):6', 'SimCLR (linear): λ⁺ = max(λ, 0):4', '0 (a collapsed dimension):2']);
    assert.match(await page.locator('#caption-ranks-spectra').innerText(), /λ⁺: the eigenvalues of Uᵀ D\^\(−1\/2\) G D\^\(−1\/2\) U \(X = USVᵀ\) clipped at 0/);
    assert.deepEqual(ln('agreement'), ['pair agreement 0.864:2', 'aligned at ≥ 0.9:2']);
    // Theme colours: σ_k = 1 blue, shrunk orange (triangles), the cut yellow, SimCLR orange, a misaligned agreement orange.
    assert.equal(c.laplacian[1].color, LIGHT['--vscode-charts-blue']);
    assert.equal(c.laplacian[2].color, LIGHT['--vscode-charts-orange']);
    assert.equal(c.laplacian[3].color, LIGHT['--vscode-charts-yellow']);
    assert.equal(c['ranks-spectra'][0].color, LIGHT['--vscode-charts-orange']);
    assert.match(c.agreement[0].color, /^rgba\(196, 106, 0, /);

    // The acknowledgement the host validates: theory, method, the graph sections.
    const ack: unknown = (await posted(page)).filter((m) => (m as { type?: unknown }).type === 'rendered').at(-1);
    assert.ok(isWebviewToHostMessage(ack) && ack.type === 'rendered');
    assert.equal(ack.theory, 'spectralEmbedding');
    assert.equal(ack.paradigm, 'vicreg');
    assert.deepEqual([...new Set(ack.charts.map((x) => x.section))], ['laplacian', 'sigma', 'ranks', 'agreement']);

    // Accessibility: every canvas is an image with a summary.
    const labels = await page.$$eval('canvas', (els) =>
      els.filter((e) => e.closest('section:not([hidden])')).map((e) => [e.getAttribute('role'), e.getAttribute('aria-label')]),
    );
    assert.equal(labels.length, 6);
    for (const [role, label] of labels) {
      assert.equal(role, 'img');
      assert.ok(label && label.length > 40, `aria-label: ${label}`);
    }
    assert.match(
      (await page.getAttribute('#chart-laplacian', 'aria-label')) ?? '',
      /knn graph \(132 edges, 1 connected component\).*cut a\/\(4g\) = 0\.25 keeps σ_k = 1 on 1 of K = 6 directions/,
    );
    assert.match(
      (await page.getAttribute('#chart-ranks', 'aria-label')) ?? '',
      /VICReg 6 of 6, SimCLR 6 of 6, VICReg \(linear\) 4 of 4, SimCLR \(linear\) 4 of 4/,
    );

    // "Show data" tables.
    for (const [id, rows] of [
      ['laplacian', 7],
      ['sigma', 6],
      ['ranks', 4],
      ['agreement', 1],
    ] as const) {
      const toggle = page.locator(`[data-testid="toggle-${id}"]`);
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.locator(`#table-${id} tbody tr`).count(), rows, `${id} table rows`);
    }
    assert.deepEqual(await page.locator('#table-laplacian tbody tr').nth(1).locator('td').allInnerTexts(), ['1', '0.198503', '1', 'σ_k = 1']);
    assert.deepEqual(await page.locator('#table-sigma tbody tr').nth(0).locator('td').allInnerTexts(), [
      '1',
      '0.198503',
      '1',
      '31.4857',
      '0.588566',
      '0.180422',
    ]);
    assert.deepEqual(await page.locator('#table-ranks tbody tr').nth(2).locator('td').allInnerTexts(), ['VICReg (linear)', '4', '4', '0']);
    assert.deepEqual(await page.locator('#table-agreement tbody tr').nth(0).locator('td').allInnerTexts(), ['0.863636', '0.9', 'no']);
    assert.match(await page.locator('#table-sigma .table-note').innerText(), /a = 25, g = 25, a\/\(4g\) = 0\.25; every σ_k = 1 for g ≤ 3\.44\./);

    // Exports from the buttons (no request id) ...
    await page.locator('[data-testid="png-sigma"]').click();
    const png = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(png));
    assert.deepEqual([png.format, png.chart, png.requestId], ['png', 'sigma', undefined]);
    const bytes = Buffer.from(String(png.dataUrl).slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 5000, 'a real image (two charts side by side)');
    await page.locator('#section-ranks button', { hasText: 'CSV' }).click();
    const csv = (await posted(page)).at(-1) as Record<string, unknown>;
    assert.ok(isWebviewToHostMessage(csv));
    assert.deepEqual(String(csv.content).trim().split('\r\n'), [
      'method,rank,largest possible,collapsed dimensions',
      'VICReg,6,6,0',
      'SimCLR,6,6,0',
      'VICReg (linear),4,4,0',
      'SimCLR (linear),4,4,0',
    ]);
    // ... and on the host's request: the reply carries its id, or says why it cannot be made.
    await post(page, { type: 'requestExport', requestId: 7, format: 'json', chart: 'laplacian' });
    const json = await reply(page, 7);
    assert.ok(isWebviewToHostMessage(json));
    assert.deepEqual([json.type, json.format, json.chart], ['export', 'json', 'laplacian']);
    assert.equal(JSON.parse(String(json.content)).rows.length, 7);
    await post(page, { type: 'requestExport', requestId: 8, format: 'png', chart: 'thresholds' });
    const failed = await reply(page, 8);
    assert.ok(isWebviewToHostMessage(failed));
    assert.deepEqual(failed, { type: 'exportFailed', requestId: 8, reason: 'the thresholds chart is not part of this analysis' });
    await post(page, { type: 'requestExport', requestId: 9, format: 'html' });
    const report = await reply(page, 9);
    assert.ok(isWebviewToHostMessage(report));
    const html = String(report.content);
    assert.equal((html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? []).length, 4, 'one inline PNG per graph section');
    assert.equal((html.match(/<table/g) ?? []).length, 4);
    assert.ok(html.includes('VICReg, low invariance weight') && html.replace(/\u00a0|&nbsp;/g, ' ').includes('N = 48 rows · D = 4 features · K = 6'));
    assert.ok(!/<script/i.test(html));
    await page.screenshot({ path: path.join(RESULTS, 'panel-graph-light.png'), fullPage: true });

    // The supervised-aligned graph: SimCLR collapses to 3 of K = 8, VICReg keeps all 8.
    await postAnalysis(page, graphFixture('graph-labels'));
    assert.equal(await text(page, 'paradigm'), 'VICReg, high invariance weight');
    assert.equal(await page.locator('[data-testid="rank-vicreg"] .metric-value').innerText(), '8/8');
    assert.equal(await page.locator('[data-testid="rank-simclr"] .metric-value').innerText(), '3/8');
    assert.equal(await page.locator('[data-testid="rank-simclr"] .verdict').innerText(), '✗ collapse: 5 dimensions are 0');
    assert.equal(await page.locator('[data-testid="agreement"] .verdict').innerText(), '✓ G aligned with the labels (≥ 0.9)');
    const l = byId(await charts(page));
    assert.deepEqual(
      l['sigma-g'].map((d) => d.label),
      ['λ = 0 (k = 1–2)', 'λ = 10 (k = 3–8)', 'spec g = 5'],
    );
    assert.deepEqual(
      l.ranks.map((d) => d.label),
      ['VICReg: rank 8/8', 'SimCLR: rank 3/8', 'VICReg (linear): rank 5/5', 'SimCLR (linear): rank 2/5', 'K = 8'],
    );
    assert.match(l.agreement[0].color, /^rgba\(26, 133, 255, /, 'aligned: blue');
    assert.match((await page.getAttribute('#chart-ranks', 'aria-label')) ?? '', /SimCLR 3 of 8 \(collapse\)/);

    // Dark theme: re-coloured in place.
    await setTheme(page, 'dark');
    await page.waitForFunction(() => (window as unknown as Win).__sslPanel.theme() === 'dark');
    const d = byId(await charts(page));
    assert.equal(d.laplacian[2].color, DARK['--vscode-charts-orange']);
    assert.equal(d.ranks[1].color.startsWith('rgba(209, 134, 22,'), true, d.ranks[1].color);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(RESULTS, 'panel-graph-dark.png'), fullPage: true });

    // Back to an alignment spec: its sections return, graph mode's are hidden.
    await postAnalysis(page, { ...fixture('case-c'), runId: 99 });
    const back = byId(await charts(page));
    assert.deepEqual(Object.keys(back), ['thresholds', 'spectrum', 'scores-rc', 'scores-je', 'scaling', 'convergence']);
    assert.ok(await page.locator('#section-laplacian').isHidden());
    assert.equal(await page.locator('[data-testid="header-dims"]').count(), 0);
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('graph mode: a spec whose analysis did not run shows its problems and no chart section', async () => {
  const { page, problems } = await openPanel('dark');
  try {
    const base = graphFixture('graph-knn');
    const broken: GraphMessage = {
      ...base,
      model: {
        theory: 'spectralEmbedding',
        name: 'Broken',
        dimensions: null,
        graph: null,
        representation: { vicreg: null, simclr: null },
        linear: { vicreg: null, simclr: null, barlow: null },
        alignment: null,
        recommendation: null,
        sigmaSweep: null,
        problems: [{ severity: 'error', code: 'file-not-found', message: "File 'rows.npy' not found.", line: 4, offset: 30 }],
      },
    };
    await postAnalysis(page, broken);
    assert.equal(await text(page, 'paradigm'), 'No recommendation');
    assert.equal(await page.locator('.warnings li').count(), 1);
    assert.match(await page.locator('.warnings li').innerText(), /File 'rows\.npy' not found\./);
    // Nothing to draw and nothing a user could add would draw it: no chart section at all, no export button.
    assert.deepEqual(await charts(page), []);
    assert.equal(await page.locator('.chart-section:not([hidden])').count(), 0);
    // The host asks for a chart that is not shown: a refusal with the request's id.
    await post(page, { type: 'requestExport', requestId: 5, format: 'png', chart: 'ranks' });
    assert.deepEqual(await reply(page, 5), { type: 'exportFailed', requestId: 5, reason: 'the ranks chart is not part of this analysis' });

    // Data-driven: a graph analysed without VICReg and without labels shows the spectrum and the ranks;
    // VICReg's σ section is not there; the agreement section says what would draw it, with no toolbar.
    const partial: GraphMessage = {
      ...base,
      runId: base.runId + 1,
      model: {
        ...base.model,
        representation: { ...base.model.representation, vicreg: null },
        linear: { ...base.model.linear, vicreg: null },
        sigmaSweep: null,
        alignment: null,
      },
    };
    await postAnalysis(page, partial);
    const shown = await page.locator('.chart-section:not([hidden])').evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(shown, ['section-laplacian', 'section-ranks', 'section-agreement']);
    assert.equal(
      await page.locator('#section-agreement .section-empty').innerText(),
      'No labels: add data.labels to measure how often positive pairs share a label.',
    );
    assert.ok(await page.locator('#section-agreement .toolbar').isHidden(), 'no export buttons without a chart');
    assert.ok(await page.locator('#section-ranks .toolbar').isVisible());
    assert.deepEqual(Object.keys(byId(await charts(page))), ['laplacian', 'ranks', 'ranks-spectra']);
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('performance: 2 x 2000 thinned points render quickly and update in place', async (t) => {
  const { page, problems } = await openPanel('light');
  try {
    const base = fixture('scenario-m-strong');
    const k = 200_000;
    const m = 800_000;
    const make = (seed: number): AlignmentMessage => {
      let s = seed;
      const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const c = Float64Array.from({ length: k }, (_, i) => 3e5 * (i + 1) ** -1);
      const ti = Float64Array.from({ length: k }, () => 1e4 * rnd());
      const g = Float64Array.from({ length: m }, () => 1e6 * rnd());
      const tn = Float64Array.from({ length: m }, () => 1e3);
      const ii = thinIndices([c, ti], 2000);
      const ni = thinIndices([g, tn], 2000);
      const model: AlignmentPanelModel = {
        ...base.model,
        dimensions: { d: k + m, k, latent: k },
        spectra: {
          important: { index: ii.map((i) => i + 1), c: pick(c, ii), theta: pick(ti, ii) },
          noise: { index: ni.map((i) => k + i + 1), gamma: pick(g, ni), theta: pick(tn, ni) },
          thinned: true,
          total: { k, noise: m },
        },
        scores: {
          alpha: 1,
          important: { index: ii.map((i) => i + 1), rc: ii.map((i) => c[i] / Math.sqrt(c[i] + ti[i])), je: ii.map((i) => c[i] / (c[i] + ti[i])) },
          noise: { index: ni.map((i) => k + i + 1), rc: ni.map((j) => g[j] / Math.sqrt(tn[j] + 2 * g[j])), je: ni.map((j) => g[j] / (tn[j] + 2 * g[j])) },
          thinned: true,
        },
      };
      return { ...base, runId: 100 + seed, documentVersion: 10 + seed, model };
    };
    await postAnalysis(page, make(1));
    const first = await page.evaluate(() => (window as unknown as Win).__sslPanel.lastRenderMs());
    const c = byId(await charts(page));
    assert.ok(c.spectrum[0].n >= 1000 && c.spectrum[0].n <= 2000, `important points ${c.spectrum[0].n}`);
    assert.ok(c.spectrum[1].n >= 1000 && c.spectrum[1].n <= 2000, `noise points ${c.spectrum[1].n}`);
    assert.equal(c.spectrum[2].n, c.spectrum[0].n + c.spectrum[1].n);
    assert.ok(c['scores-rc'][1].n >= 1000);
    const times: number[] = [];
    for (let i = 2; i <= 6; i++) {
      await postAnalysis(page, make(i));
      times.push(await page.evaluate(() => (window as unknown as Win).__sslPanel.lastRenderMs()));
    }
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    t.diagnostic(`first render ${first.toFixed(0)} ms; updates ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
    // The render times are figures (the diagnostic above; typical ~100-200 ms per update of
    // ~12k points), guarded only against hangs: a loaded CI machine must not fail this test.
    assertNoHang(first, 'first render');
    assertNoHang(mean, 'mean update');
    assert.equal(await page.locator('canvas').count(), 5, 'no canvases leaked across updates');
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('the CSP is really enforced (positive control)', async () => {
  const { page, problems } = await openPanel('light');
  try {
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      const st = document.createElement('style');
      st.textContent = 'body { color: red }';
      document.head.append(st);
    });
    await page.waitForFunction(() => (window as unknown as Win).__violations.length >= 2);
    assert.equal(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline), undefined, 'inline script blocked');
    const v = await page.evaluate(() => (window as unknown as Win).__violations);
    assert.ok(
      v.some((x) => x.startsWith('script-src')),
      v.join('\n'),
    );
    assert.ok(
      v.some((x) => x.startsWith('style-src')),
      v.join('\n'),
    );
    assert.ok(problems.pageErrors.length === 0);
  } finally {
    await page.close();
  }
});

test('data mode with views and labels: the probe sentence on the card, its bar chart and table, the .npz export, the cancelled state', async () => {
  const { page, problems } = await openPanel('dark');
  try {
    await page.waitForSelector('.empty-state:not([hidden])');
    // examples/digits-views.sslexp.yaml as the worker and the panel model give it (test/unit/panelModel.test.ts)
    const probe = { supervised: 129 / 201, reconstruction: 161 / 201, jointEmbedding: 158 / 201, train: 799, test: 201, seed: 0 };
    const message: AlignmentMessage = {
      type: 'analysis',
      runId: 7,
      documentUri: 'file:///w/digits-views.sslexp.yaml',
      documentVersion: 1,
      fileName: 'digits-views.sslexp.yaml',
      locked: false,
      model: {
        theory: 'alignment',
        name: 'Handwritten digits, your own views (shifts and pixel noise)',
        dimensions: { d: 64, k: 16, latent: 16 },
        thresholds: null,
        atAlpha: null,
        recommendation: null,
        problems: [],
        spectra: null,
        scores: null,
        curve: null,
        probe,
        solutions: true,
      },
    };
    assert.ok(isHostToWebviewMessage(message));
    // A spectral analysis first: no probe, no .npz offer.
    await postAnalysis(page, fixture('case-c'));
    assert.ok(await page.locator('[data-testid="npz"]').isHidden());
    assert.equal(await page.locator('[data-testid="probe"]').count(), 0);
    await postAnalysis(page, message);

    assert.equal(
      await text(page, 'probe'),
      'On your data with your augmentation: joint-embedding’s encoder probes at 0.79, reconstruction’s at 0.80, supervised 0.64 (n_test = 201, n_train = 799).',
    );
    const c = byId(await charts(page));
    assert.deepEqual(
      c.probe.map((d) => [d.label, d.n]),
      [
        ['Supervised: 0.64', 2],
        ['Reconstruction: 0.80', 2],
        ['Joint-embedding: 0.79', 2],
      ],
    );
    // Only what applies: the probe; no empty thresholds, spectrum, scores or scaling card with export buttons
    // (the spec has no thresholds, so 'Add "alpha:"' would not help either).
    assert.deepEqual(await page.locator('.chart-section:not([hidden])').evaluateAll((els) => els.map((e) => e.id)), ['section-probe']);
    assert.deepEqual(Object.keys(c), ['probe']);
    // Colours from the theme's --vscode-charts-* variables (dark: green, blue/orange as the other charts).
    assert.equal(new Set(c.probe.map((d) => d.color)).size, 3);
    const aria = await page.locator('#chart-probe').getAttribute('aria-label');
    assert.equal(aria, 'Linear-probe test accuracy on 201 test samples: supervised 0.64, reconstruction 0.80, joint-embedding 0.79.');
    // The accessible table: the accuracies to 6 significant figures.
    await page.locator('[data-testid="toggle-probe"]').click();
    const rows = await page.locator('#table-probe tbody tr').allInnerTexts();
    assert.deepEqual(
      rows.map((r) => r.split('\t')),
      [
        ['Supervised', '0.641791', '201', '799'],
        ['Reconstruction', '0.800995', '201', '799'],
        ['Joint-embedding', '0.78607', '201', '799'],
      ],
    );

    await page.screenshot({ path: path.join(RESULTS, 'panel-probe-dark.png') });

    // "Solutions (.npz)": the button and the host's request both post a bare npz export.
    assert.ok(await page.locator('[data-testid="npz"]').isVisible());
    await page.locator('[data-testid="npz"]').click();
    assert.deepEqual((await posted(page)).filter((m) => (m as { type?: unknown }).type === 'export').at(-1), { type: 'export', format: 'npz' });
    await post(page, { type: 'requestExport', requestId: 41, format: 'npz' });
    const r = await reply(page, 41);
    assert.deepEqual(r, { type: 'export', format: 'npz', requestId: 41 });
    assert.ok(isWebviewToHostMessage(r));

    // A run the user cancelled: a plain banner, the last result kept.
    await post(page, { type: 'busy', runId: 8, documentUri: message.documentUri, documentVersion: 2 });
    await post(page, { type: 'cancelled', runId: 8, documentUri: message.documentUri, documentVersion: 2 });
    await page.waitForSelector('.error-banner:not([hidden])');
    assert.equal(
      await page.locator('.error-banner').innerText(),
      'Analysis cancelled. The panel shows the previous result; edit the spec to analyse it again.',
    );
    assert.equal(await page.locator('.status').innerText(), '');
    assert.match(await text(page, 'probe'), /probes at 0\.79/);
    assert.ok(await page.locator('#app').evaluate((e) => e.classList.contains('is-stale')), 'the kept result is dimmed');
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

// ---------------------------------------------------------------------------------------
// Localisation (docs/architecture.md §2 "Localisation")

/** What is left of a text once every ⟦…⟧ (nested too) is taken out. */
function outsideTranslations(text: string): string {
  let s = text;
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s.replace(/⟦[^⟦⟧]*⟧/g, '');
  }
  return s;
}
/** English outside every translated message: a word of three letters or more (notation such as `α_RC = 0.764`, `1e-5`, `K = 16` is not). */
const untranslated = (text: string): boolean => /[A-Za-z][a-z]{2,}|[A-Z]{3,}/.test(outsideTranslations(text));

test('pseudo-translated table: every visible text and aria label of the card and of a chart section, the chart texts and the report come from the table; graph mode’s card and charts too', async () => {
  const { page, problems } = await openPanel('light', '?l10n=pseudo');
  try {
    await page.waitForSelector('.empty-state:not([hidden])');
    assert.equal(await page.locator('.empty-state').innerText(), '⟦Open a *.sslexp.yaml spec to see its analysis.⟧');
    await postAnalysis(page, fixture('case-c'));
    // Every visible text node and every aria-label / title of the card and of the thresholds section.
    const found = await page.evaluate(() => {
      const out: { where: string; text: string }[] = [];
      for (const root of [document.querySelector('.card'), document.querySelector('#section-thresholds')]) {
        if (!root) throw new Error('missing root');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const parent = n.parentElement!;
          const text = (n.textContent ?? '').trim();
          // Text of the core (the reason, the problems' messages) is English by design; a canvas's fallback is its aria-label.
          if (!text || parent.closest('.reason, .msg, canvas') || !parent.checkVisibility()) continue;
          out.push({ where: `${parent.tagName.toLowerCase()}.${parent.className}`, text });
        }
        for (const e of [root, ...root.querySelectorAll('*')]) {
          for (const a of ['aria-label', 'title']) {
            const v = e.getAttribute(a);
            if (v) out.push({ where: `${e.tagName.toLowerCase()}[${a}]`, text: v });
          }
        }
      }
      return out;
    });
    assert.ok(found.length >= 30, `${found.length} texts`);
    assert.deepEqual(
      found.filter((f) => untranslated(f.text)),
      [],
      'untranslated English',
    );
    // What the table gave, exactly, in each kind of place.
    const texts = new Set(found.map((f) => f.text));
    for (const expected of [
      '⟦Recommendation⟧',
      '⟦Joint-embedding⟧',
      '⟦α_RC · reconstruction⟧',
      '⟦fails at α = 0.73⟧',
      '⟦recovers at α = 0.73⟧',
      '⟦alignment set in the spec⟧',
      '⟦α²_RC = 0.583 · α²_JE = 0.5 · δ = 0.667 · η = 1.15 · η²/δ = 2 · d = 4, k = 2⟧',
      '⟦Mixed noise⟧',
      '⟦Alignment thresholds⟧',
      '⟦Show data⟧',
      '⟦Show the numbers as a table⟧',
      '⟦Chart actions⟧',
      '⟦Export this chart as PNG⟧',
    ]) {
      assert.ok(texts.has(expected), `${expected} in ${[...texts].join(' | ')}`);
    }
    assert.ok(
      found.some((f) => f.where === 'canvas[aria-label]' && f.text.startsWith('⟦Alignment thresholds on an α axis from 0 to ')),
      'the chart’s aria-label',
    );
    // The chart itself: axis title, tick labels, legend and annotations.
    const chart = (await page.evaluate(() => (window as unknown as Win).__sslPanel.chartTexts())).find((c) => c.id === 'thresholds');
    assert.ok(chart);
    assert.deepEqual(chart.axes, ['⟦α — alignment of the augmentation with the noise⟧']);
    assert.ok(chart.ticks.includes('⟦Reconstruction⟧') && chart.ticks.includes('⟦Joint-embedding⟧'), chart.ticks.join(' | '));
    assert.deepEqual(chart.legend, ['⟦⟦Reconstruction⟧ recovers (α > α_RC)⟧', '⟦⟦Joint-embedding⟧ recovers (α > α_JE)⟧', '⟦Spec α = 0.73⟧']);
    assert.deepEqual(chart.annotations, ['α_RC = 0.764', 'α_JE = 0.707', '⟦spec α = 0.73⟧']);
    // Every chart of the panel: nothing drawn in English outside the table.
    const all = await page.evaluate(() => (window as unknown as Win).__sslPanel.chartTexts());
    assert.equal(all.length, 6);
    const english = all.flatMap((c) => [...c.axes, ...c.ticks, ...c.legend, ...c.annotations].filter(untranslated).map((x) => `${c.id}: ${x}`));
    assert.deepEqual(english, []);
    // The data table of a section: caption, headers and the words in its cells.
    await page.locator('[data-testid="toggle-thresholds"]').click();
    const table = await page.locator('#table-thresholds table').innerText();
    assert.match(table, /⟦Alignment thresholds⟧/);
    assert.match(table, /⟦paradigm⟧\s+⟦α²_th \(squared\)⟧/);
    assert.ok(!untranslated(table), table);
    assert.equal(await page.locator('[data-testid="toggle-thresholds"] .btn-text').innerText(), '⟦Hide data⟧');
    // The HTML report uses the same table.
    await post(page, { type: 'requestExport', requestId: 51, format: 'html' });
    const report = await reply(page, 51);
    const html = String(report.content);
    assert.ok(html.includes('<title>⟦SSL analysis — '), html.slice(0, 400));
    assert.ok(html.includes('<h2>⟦Alignment thresholds⟧</h2>'));
    assert.ok(html.includes('⟦Recommendation⟧') && html.includes('⟦Per-component scores at α = 0.73⟧'));
    assert.ok(!html.includes('>Alignment thresholds<') && !html.includes('>Recommendation<'));

    // Graph mode: its card, its four sections' headings and every text its charts draw.
    await postAnalysis(page, graphFixture('graph-labels'));
    const graphTexts = await page.evaluate(() =>
      [...document.querySelectorAll('.card, .chart-section:not([hidden]) .section-titles, .file-line .spec-dims')].flatMap((root) => {
        const out: string[] = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = (n.textContent ?? '').trim();
          if (text && !n.parentElement!.closest('.reason, .msg')) out.push(text);
        }
        return out;
      }),
    );
    assert.ok(graphTexts.includes('⟦Joint-embedding method⟧') && graphTexts.includes('⟦Pair agreement⟧'), graphTexts.join(' | '));
    assert.deepEqual(graphTexts.filter(untranslated), []);
    const graphCharts = await page.evaluate(() => (window as unknown as Win).__sslPanel.chartTexts());
    assert.ok(graphCharts.length >= 5, graphCharts.map((c) => c.id).join(', '));
    assert.deepEqual(
      graphCharts.flatMap((c) => [...c.axes, ...c.ticks, ...c.legend, ...c.annotations].filter(untranslated).map((x) => `${c.id}: ${x}`)),
      [],
    );
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('the English table, as an English host passes it, gives the panel’s English text', async () => {
  const { page, problems } = await openPanel('light', '?l10n=en');
  try {
    await postAnalysis(page, fixture('case-c'));
    assert.equal(await page.locator('.card .eyebrow').textContent(), 'Recommendation');
    assert.equal(await page.locator('#title-thresholds').innerText(), 'Alignment thresholds');
    assert.equal(await page.locator('#section-thresholds .toolbar').getAttribute('aria-label'), 'Chart actions');
    const chart = (await page.evaluate(() => (window as unknown as Win).__sslPanel.chartTexts())).find((c) => c.id === 'thresholds');
    assert.deepEqual(chart?.axes, ['α — alignment of the augmentation with the noise']);
    assert.deepEqual(chart?.legend, ['Reconstruction recovers (α > α_RC)', 'Joint-embedding recovers (α > α_JE)', 'Spec α = 0.73']);
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

// ---------------------------------------------------------------------------------------
// A panel a user trusts at a glance: where it scrolls, what the charts put where, keyboard and
// high contrast.

/** The panel's layout hook for one chart. */
const layout = async (page: Page, id: string): Promise<Layout> => {
  const l = await page.evaluate((x) => (window as unknown as Win).__sslPanel.chartLayout(x), id);
  assert.ok(l, `${id} is drawn`);
  return l;
};

/** Does an annotation's box cover a drawn point (2 px margin)? */
const covers = (t: Layout['texts'][number], p: Layout['points'][number]): boolean =>
  p.x >= t.left - 2 && p.x <= t.right + 2 && p.y >= t.top - 2 && p.y <= t.bottom + 2;

test('scroll: a newly followed spec starts at the top; the same spec re-analysed keeps its place', async () => {
  const { page, problems } = await openPanel('light');
  try {
    const a = fixture('case-c');
    await postAnalysis(page, a);
    await page.evaluate(() => window.scrollTo(0, 700));
    await page.waitForFunction(() => window.scrollY >= 600);
    // The same spec, a newer version: the user keeps reading where they were.
    await postAnalysis(page, { ...a, runId: a.runId + 1, documentVersion: a.documentVersion + 1 });
    assert.ok((await page.evaluate(() => window.scrollY)) >= 600, 'same spec: position kept');
    // Another spec: its recommendation is at the top, in view.
    const b = fixture('scenario-m-strong');
    await postAnalysis(page, b);
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'another spec: back at the top');
    assert.ok(await page.locator('[data-testid="paradigm"]').isVisible());
    // ... and its saved state starts at the top too (a reload restores 0, not the old position).
    await page.waitForTimeout(300);
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('spectral charts: integer component ticks, whole markers, the spec α above the plot, g and s defined, series told apart without colour', async () => {
  const { page, problems } = await openPanel('light');
  try {
    await postAnalysis(page, fixture('case-c'));
    // The component axis reads 1 … d in integers, never 0.5 or d + 0.5.
    for (const id of ['spectrum', 'scores-rc', 'scores-je']) {
      const l = await layout(page, id);
      const labels = l.xTicks.map((x) => x.label);
      assert.ok(labels.length >= 2 && labels.every((x) => /^\d+$/.test(x)), `${id} ticks ${labels.join(' ')}`);
      assert.equal(labels[0], '1', `${id} starts at component 1`);
      // Every marker whole: its centre at least its radius inside the plot area.
      for (const p of l.points.filter((q) => Number.isFinite(q.y)))
        assert.ok(p.y >= l.area.top + 3 && p.y <= l.area.bottom + 0.5, `${id}: a point at y = ${p.y} (plot ${l.area.top}–${l.area.bottom})`);
    }
    // The spec α's note sits above the plot, away from the α axis' tick labels; no note covers a point.
    const th = await layout(page, 'thresholds');
    const note = th.texts.find((x) => x.text.startsWith('spec α'));
    assert.ok(note && note.bottom <= th.area.top, JSON.stringify(note));
    for (const id of ['thresholds', 'spectrum', 'scores-rc', 'scores-je', 'scaling']) {
      const l = await layout(page, id);
      for (const t of l.texts)
        for (const p of l.points.filter((q) => Number.isFinite(q.y))) assert.ok(!covers(t, p), `${id}: '${t.text}' covers a point at (${p.x}, ${p.y})`);
    }
    // The score axes' g and s are defined where the chart is (its subtitle), with the cited section as a link.
    const subtitle = page.locator('#section-scores .subtitle');
    assert.match(
      await subtitle.innerText(),
      /from g, the variance the encoder should keep .* and s, its variance in the augmented data .*: RC scores g\/√s, JE g\/s \(docs\/theory\.md §4\.2\)/,
    );
    await subtitle.locator('a.doc-link').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openDoc', doc: 'theory', anchor: 's4.2' });
    // No information by colour alone: within a chart, two series differ in their points or dashes too.
    for (const c of await charts(page)) {
      if (c.section === 'thresholds' || c.section === 'probe') continue; // one labelled row per paradigm
      const looks = c.datasets.map((d) => `${d.point}|${d.dash}`);
      assert.equal(new Set(looks).size, looks.length, `${c.id}: ${c.datasets.map((d) => `${d.label} ${d.point} [${d.dash}]`).join('; ')}`);
    }
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('graph charts: the invariance sweep has room and a short legend, the a/(4g) label covers no point, every legend entry has points', async () => {
  const { page, problems } = await openPanel('dark');
  try {
    await postAnalysis(page, graphFixture('graph-knn'));
    const sweep = await layout(page, 'sigma-g');
    assert.ok(sweep.legend.entries <= 7, `${sweep.legend.entries} legend entries`);
    assert.ok(sweep.area.bottom - sweep.area.top >= 150, `plot ${sweep.area.bottom - sweep.area.top} px tall`);
    const lap = await layout(page, 'laplacian');
    const cut = lap.texts.find((x) => x.text.startsWith('a/(4g)'));
    assert.ok(cut, 'the cut is labelled');
    for (const p of lap.points) assert.ok(!covers(cut, p), `the a/(4g) label covers a point at (${p.x}, ${p.y})`);
    // A legend entry for every series with points, none for one without.
    const texts = await page.evaluate(() => (window as unknown as Win).__sslPanel.chartTexts());
    for (const c of await charts(page)) {
      const legend = texts.find((x) => x.id === c.id)!.legend;
      for (const d of c.datasets) if (d.n === 0) assert.ok(!legend.includes(d.label), `${c.id}: '${d.label}' has no point`);
    }
    // The axis of the spectra that decide the ranks says what it shows.
    const ranks = texts.find((x) => x.id === 'ranks-spectra')!;
    assert.ok(ranks.axes.includes('eigenvalue'), ranks.axes.join(' | '));
    for (const c of await charts(page)) {
      if (['ranks', 'agreement'].includes(c.section)) continue; // bars, labelled on the axis
      const looks = c.datasets.map((d) => `${d.point}|${d.dash}`);
      assert.equal(new Set(looks).size, looks.length, `${c.id}: ${c.datasets.map((d) => `${d.label} ${d.point} [${d.dash}]`).join('; ')}`);
    }
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

test('an empty spec: an invitation, no card and no chart', async () => {
  const { page, problems } = await openPanel('light');
  try {
    const c = fixture('case-c');
    const empty: AlignmentMessage = {
      ...c,
      runId: 1,
      documentUri: 'file:///w/new.sslexp.yaml',
      fileName: 'new.sslexp.yaml',
      model: {
        ...c.model,
        name: undefined,
        thresholds: null,
        atAlpha: null,
        recommendation: null,
        spectra: null,
        scores: null,
        curve: null,
        simulation: null,
        problems: [{ severity: 'error', code: 'empty-document', message: 'The document is empty: a spec needs at least `sslexp: 1`.', line: 1, offset: 0 }],
      },
    };
    await postAnalysis(page, empty);
    assert.equal(await page.locator('.empty-state').innerText(), 'This spec is empty. Type “sslexp: 1”, or press Ctrl+Space in the editor for a starter spec.');
    assert.ok(await page.locator('.card-slot').isHidden());
    assert.ok(await page.locator('.grid').isHidden());
    await page.screenshot({ path: path.join(RESULTS, 'panel-empty-light.png') });
    await assertClean(page, problems);
  } finally {
    await page.close();
  }
});

/** The WCAG contrast ratio of two sRGB colours (alpha already composed). */
function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]) => {
    const [r, g, bl] = c.slice(0, 3).map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

for (const hc of ['hc-dark', 'hc-light'] as const) {
  test(`accessibility (${hc}): keyboard order, accessible names, charts described by their tables, borders and contrast`, async () => {
    const { page, problems } = await openPanel(hc);
    try {
      await postAnalysis(page, fixture('case-c'));
      // 1. Every control, link and chart is reached with Tab, in document order (top bar, card, each section).
      const expected = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, a[href], canvas[tabindex], [tabindex="0"]')]
          .filter((e) => e.offsetParent !== null && !(e as HTMLButtonElement).disabled)
          .map((e, i) => {
            e.dataset.stop = String(i);
            return `${i} ${e.tagName} ${e.getAttribute('aria-label') ?? e.textContent}`.slice(0, 80);
          }),
      );
      const reached: string[] = [];
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      for (let i = 0; i < expected.length + 3; i++) {
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => {
          const e = document.activeElement as HTMLElement | null;
          return !e || e === document.body ? '' : `${e.dataset.stop} ${e.tagName} ${e.getAttribute('aria-label') ?? e.textContent}`.slice(0, 80);
        });
        if (!id || reached.includes(id)) break;
        reached.push(id);
      }
      assert.deepEqual(reached, expected);
      assert.ok(reached.length >= 20, `${reached.length} stops`);
      // 2. Accessible names: every button and chart has one; a chart's details are its table of numbers.
      const named = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, canvas')]
          .filter((e) => e.offsetParent !== null)
          .map((e) => ({ tag: e.tagName, role: e.getAttribute('role'), name: e.getAttribute('aria-label') ?? '', details: e.getAttribute('aria-details') })),
      );
      for (const n of named) assert.ok(n.name.trim().length > 1, `${n.tag} without a name`);
      const canvases = named.filter((n) => n.tag === 'CANVAS');
      assert.equal(canvases.length, 6);
      for (const c of canvases) {
        assert.equal(c.role, 'img');
        assert.ok(c.details && (await page.locator(`#${c.details}`).count()) === 1, `aria-details ${c.details}`);
      }
      // "Show data" with the keyboard: the table appears, is a named region and is the next stop.
      await page.locator('[data-testid="toggle-spectrum"]').focus();
      await page.keyboard.press('Enter');
      const region = page.locator('#table-spectrum');
      await region.waitFor({ state: 'visible' });
      assert.equal(await region.getAttribute('role'), 'region');
      assert.equal(await region.getAttribute('aria-label'), 'Numbers of “Spectrum”');
      assert.equal(await page.getAttribute('#chart-spectrum', 'aria-details'), 'table-spectrum');
      assert.ok((await region.locator('tbody tr').count()) > 0);
      // 3. High contrast: borders on the card, the sections, the tiles and the buttons.
      const border = THEMES[hc].vars['--vscode-contrastBorder'];
      const borders = await page.evaluate(() =>
        ['.card', '.chart-section', '.metric', '.btn', '.table-wrap:not([hidden])'].map((sel) => {
          const st = getComputedStyle(document.querySelector(sel)!);
          return { sel, width: st.borderTopWidth, style: st.borderTopStyle, color: st.borderTopColor };
        }),
      );
      const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
      for (const b of borders) assert.deepEqual([b.sel, b.width, b.style, b.color], [b.sel, '1px', 'solid', rgb(border)]);
      // Text contrast of every visible text of the card and the section heads: at least 7:1 (AAA), as high contrast promises.
      const colours = await page.evaluate(() => {
        const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const bg = (e: Element | null): number[] => {
          for (let x = e; x; x = x.parentElement) {
            const c = parse(getComputedStyle(x).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3);
          }
          return parse(getComputedStyle(document.body).backgroundColor).slice(0, 3);
        };
        return [...document.querySelectorAll('.card *, .section-head *, .chart-caption, .topbar *')]
          .filter(
            (e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && (e as HTMLElement).offsetParent !== null,
          )
          .map((e) => ({ text: e.textContent!.trim().slice(0, 40), fg: parse(getComputedStyle(e).color), bg: bg(e) }));
      });
      assert.ok(colours.length > 20);
      for (const c of colours) {
        const fg = c.fg.length === 4 ? c.fg.slice(0, 3).map((v, i) => v * c.fg[3] + c.bg[i] * (1 - c.fg[3])) : c.fg;
        assert.ok(contrast(fg, c.bg) >= 7, `'${c.text}': ${contrast(fg, c.bg).toFixed(2)}:1`);
      }
      // Verdicts carry a mark, not only a colour.
      for (const v of await page.locator('.verdict').allInnerTexts()) assert.match(v, /^[✓✗] /);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(RESULTS, `panel-${hc}.png`), fullPage: true });
      await assertClean(page, problems);
    } finally {
      await page.close();
    }
  });
}
