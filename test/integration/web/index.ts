// Test index of the browser run (scripts/run-integration.mjs --only web): loaded as
// `extensionTestsPath` by code-server's *web worker* extension host, where the extension under
// development runs from its `browser` bundle (dist/web/extension.js) with
// `extensionDevelopmentKind: web`. No Node APIs here (no fs, no Mocha's Node runner): a small
// sequential runner, and the results go through `vscode.workspace.fs` into the workspace folder
// (`.ssl-web-results/` of the scratch copy), where the runner reads them as it reads the desktop
// run's (one JSON line per test in results.json.progress, then results.json).
// The checks mirror the desktop suites: diagnostics, CodeLens and hover with the same numbers
// (test/integration/editor.test.ts), a spectrum file and a data file read through the workspace
// file system, completion (test/integration/languageService.test.ts), a simulation, and the
// analysis panel opening.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { PanelSimulation } from '../../../src/core/theories/alignment/index';

type State = 'passed' | 'failed' | 'skipped';
interface TestRecord {
  title: string;
  state: State;
  durationMs: number;
  error?: string;
}

const SUITE = 'web extension host';
const tests: [string, () => Promise<void>][] = [];
const test = (title: string, fn: () => Promise<void>): void => void tests.push([`${SUITE} ${title}`, fn]);

function ok(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
function equal<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(f: () => T | Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

const root = (): vscode.Uri => {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder');
  return f.uri;
};
const at = (rel: string): vscode.Uri => vscode.Uri.joinPath(root(), ...rel.split('/'));
let api: ExtensionApi;

async function open(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(at(rel));
  await vscode.window.showTextDocument(doc, { preview: false });
  await waitFor(() => api.solver.latestFor(doc), 30_000, `the analysis of ${rel}`);
  return doc;
}
async function lensTitles(doc: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
  return lenses.filter((l) => l.command).map((l) => l.command!.title);
}
const diagnostics = (doc: vscode.TextDocument): string[] =>
  vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.source === 'sslexp')
    .map((d) => `${String(d.code)} ${d.range.start.line}:${d.range.start.character} ${d.message}`)
    .sort();

test('activates from the browser bundle in a web worker (no Node.js)', async () => {
  const ext = vscode.extensions.getExtension<ExtensionApi>('ssl-paradigm.ssl-paradigm-advisor');
  ok(ext, 'the extension is installed');
  api = await ext.activate();
  ok(api && api.solver, 'activate() returns the solver client');
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  ok(!proc?.versions?.node, `this extension host is not Node.js (process.versions.node = ${proc?.versions?.node})`);
  ok(typeof (globalThis as { importScripts?: unknown }).importScripts === 'function', 'runs in a web worker');
});

test('diagnostics: the theory findings of low-alpha specs, as on the desktop', async () => {
  const doc = await open('straddling.sslexp.yaml');
  const ds = await waitFor(() => (diagnostics(doc).length > 0 ? diagnostics(doc) : undefined), 10_000, 'diagnostics');
  ok(
    ds.some((d) => d.startsWith('alpha-below-rc') && d.includes('α_RC = 0.764')),
    ds.join('; '),
  );
});

const LENSES: [string, string[]][] = [
  ['straddling.sslexp.yaml', ['α_RC = 0.764 · α_JE = 0.707 · joint-embedding', 'Open analysis', 'Run simulation']],
  ['mnist-scale-strong.sslexp.yaml', ['α_RC = 10.5 · α_JE = 0.813 · joint-embedding', 'Open analysis']],
  ['weak-noise.sslexp.yaml', ['α_RC = any · α_JE = 0.948 · reconstruction', 'Open analysis']],
  // a spectrum file, read by the host through vscode.workspace.fs and sent to the Web Worker
  ['families/file.sslexp.yaml', ['α_RC = 1.8 · α_JE = 0.495 · joint-embedding', 'Open analysis']],
  // data mode: a CSV data file
  ['digits-weak-noise.sslexp.yaml', ['α_RC = any · α_JE = 1.16 · reconstruction', 'Open analysis', 'Run simulation']],
];
for (const [rel, titles] of LENSES) {
  test(`CodeLens of ${rel}`, async () => {
    const doc = await open(rel);
    const errors = api.solver.latestFor(doc)?.result.problems.filter((p) => p.severity === 'error') ?? [];
    equal(
      errors.map((p) => p.message),
      [],
      'errors',
    );
    equal(await lensTitles(doc), titles, `CodeLens of ${rel}`);
  });
}

test('a missing spectrum file is reported as file-not-found', async () => {
  const uri = at('.scratch-web/nofile.sslexp.yaml');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('sslexp: 1\nsignal:\n  variance: {file: spectra/missing.npy}\nnoise:\n  variance: [2]\n'));
  const doc = await open('.scratch-web/nofile.sslexp.yaml');
  const ds = await waitFor(() => (diagnostics(doc).length > 0 ? diagnostics(doc) : undefined), 10_000, 'diagnostics');
  equal(
    ds.map((d) => d.split(' ').slice(0, 2).join(' ')),
    ['file-not-found 2:19'],
    'diagnostics',
  );
});

test('hover on alpha shows the thresholds', async () => {
  const doc = await open('straddling.sslexp.yaml');
  const i = doc.getText().search(/^alpha:/m);
  ok(i >= 0, 'alpha key');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(i + 1));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  ok(/0\.764/.test(text) && /0\.707/.test(text), `hover: ${text.slice(0, 400)}`);
});

test('completion: the spectrum families after variance:', async () => {
  const uri = at('.scratch-web/variance.sslexp.yaml');
  const text = 'sslexp: 1\nsignal:\n  count: 5\n  variance: ';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, doc.positionAt(text.length));
  const labels = list.items
    .filter((i) => i.kind !== vscode.CompletionItemKind.Text)
    .map((i) => (typeof i.label === 'string' ? i.label : i.label.label))
    .sort();
  equal(labels, ['exponential', 'file', 'flat', 'power_law', 'uniform'], 'completion labels');
});

test('the simulation of straddling.sslexp.yaml runs in the Web Worker', async () => {
  const doc = await open('straddling.sslexp.yaml');
  const res = await api.solver.simulate(doc);
  equal(
    res.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    [],
    'errors',
  );
  const sim = res.simulation as PanelSimulation | undefined;
  ok(sim && sim.series.length > 0 && sim.n.length > 0, `a simulation: ${JSON.stringify(res.simulation)?.slice(0, 200)}`);
});

test('the analysis panel opens', async () => {
  await open('straddling.sslexp.yaml');
  await vscode.commands.executeCommand('sslParadigm.showPreview');
  await waitFor(
    () =>
      vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && /sslParadigm\.preview/.test(t.input.viewType))),
    20_000,
    'a tab of the analysis panel',
  );
});

export async function run(): Promise<void> {
  const dir = at('.ssl-web-results');
  const progress = vscode.Uri.joinPath(dir, 'results.json.progress');
  const results: TestRecord[] = [];
  let lines = '';
  const enc = new TextEncoder();
  await vscode.workspace.fs.writeFile(progress, enc.encode(''));
  const t0 = Date.now();
  for (const [title, fn] of tests) {
    const t = Date.now();
    let rec: TestRecord;
    try {
      await Promise.race([fn(), sleep(60_000).then(() => Promise.reject(new Error('test timeout (60 s)')))]);
      rec = { title, state: 'passed', durationMs: Date.now() - t };
    } catch (err) {
      rec = { title, state: 'failed', durationMs: Date.now() - t, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) };
    }
    results.push(rec);
    console.log(`[integration:web] ${rec.state === 'passed' ? '✓' : '✗'} ${title}${rec.error ? `\n${rec.error}` : ''}`);
    lines += JSON.stringify(rec) + '\n';
    await vscode.workspace.fs.writeFile(progress, enc.encode(lines));
  }
  const count = (s: State): number => results.filter((r) => r.state === s).length;
  const summary = {
    vscodeVersion: vscode.version,
    suites: 'web',
    isTrusted: vscode.workspace.isTrusted,
    files: ['web/index.js'],
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    durationMs: Date.now() - t0,
    tests: results,
    failures: results.filter((r) => r.state === 'failed').map((r) => ({ title: r.title, error: r.error ?? '' })),
  };
  // written beside and renamed: the runner reads results.json as soon as it exists
  const partial = vscode.Uri.joinPath(dir, 'results.json.partial');
  await vscode.workspace.fs.writeFile(partial, enc.encode(JSON.stringify(summary, null, 2)));
  await vscode.workspace.fs.rename(partial, vscode.Uri.joinPath(dir, 'results.json'), { overwrite: true });
}
