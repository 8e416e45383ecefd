// Utilities for suites that run inside the real VS Code extension host (test/integration).
// The runner (scripts/vscode-host.mjs) passes its settings through the environment of the
// code-server process, which the extension host inherits; see ENV below.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { PreviewSnapshot } from '../../src/preview/previewManager';

/** Environment variables shared by the runner, the test index and these helpers. */
export const ENV = {
  /** Where the test index writes its results JSON (a `.progress` file beside it gets one line per test). */
  results: 'SSL_TEST_RESULTS',
  /** Which suites run: `trusted` (every `*.test.js` but `*.untrusted.test.js`), `untrusted`, or `all`. */
  suites: 'SSL_TEST_SUITES',
  /** Optional Mocha grep on full test titles. */
  grep: 'SSL_TEST_GREP',
  /** Per-test timeout in ms (default 20000). */
  testTimeout: 'SSL_TEST_TIMEOUT',
  /** Whole-run timeout in ms (default 600000): past it the run is aborted and reported. */
  globalTimeout: 'SSL_TEST_GLOBAL_TIMEOUT',
  /** Loopback port of the runner's screenshot endpoint (absent under @vscode/test-electron). */
  runnerPort: 'SSL_RUNNER_PORT',
  /** The folder VS Code writes its logs to (`<user-data-dir>/logs`, the extension host's in a subfolder; set by scripts/vscode-host.mjs). */
  hostLogs: 'SSL_HOST_LOGS_DIR',
} as const;

/** The extension's root folder: the compiled suites live in its out/test/integration/. */
export const extensionRoot = path.resolve(__dirname, '..', '..', '..');

/** `publisher.name` of the extension under test, from its package.json. */
export function extensionId(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`;
}

/** The extension under test, activated: its API (each suite's `before`). */
export async function activatedApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId());
  assert.ok(ext, `the extension ${extensionId()} is installed`);
  return ext.activate();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The first workspace folder (the copy of `examples/` in the runner's trusted run). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

/** Resolves a workspace-relative path (or returns an absolute one as is). */
export function workspaceUri(relPath: string): vscode.Uri {
  return path.isAbsolute(relPath) ? vscode.Uri.file(relPath) : vscode.Uri.joinPath(workspaceRoot(), ...relPath.split(/[\\/]/));
}

/** Opens a file of the workspace in an editor and returns the editor (`editor.document` for the text). */
export async function openSpec(relPath: string, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relPath));
  return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
}

/** Polls `condition` every `intervalMs` until it returns a truthy value, or rejects after `timeoutMs`. */
export async function waitFor<T>(condition: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition', intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastError ? `: ${String(lastError)}` : ''));
    }
    await sleep(intervalMs);
  }
}

const describeDiagnostics = (ds: readonly vscode.Diagnostic[]): string =>
  ds.length === 0 ? 'none' : ds.map((d) => `[${codeOf(d)}] ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('; ');

/**
 * Resolves with the diagnostics of `uri` as soon as `predicate` accepts them (checked now and
 * on every change), or rejects after `timeoutMs` with the last diagnostics seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean = (ds) => ds.length > 0,
  timeoutMs = 10_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (!predicate(ds)) return false;
      cleanup();
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for diagnostics of ${vscode.workspace.asRelativePath(uri)}; last seen: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
        ),
      );
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      sub.dispose();
    };
    check();
  });
}

/** Replaces the whole text of a document (through a WorkspaceEdit, as a user edit would) and returns it. */
export async function replaceDocumentText(target: vscode.TextDocument | vscode.TextEditor | vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const doc = target instanceof vscode.Uri ? await vscode.workspace.openTextDocument(target) : 'document' in target ? target.document : target;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${doc.uri.toString()}`);
  return doc;
}

/** Closes every editor (a clean slate between tests). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Asks the runner to take a PNG of the workbench as it is now (saved as
 * `test-results/<run>-<name>.png`). Returns its path, or undefined where no runner listens
 * (e.g. under @vscode/test-electron). Never throws: a screenshot is a diagnostic, not a test.
 */
export function screenshot(name: string, timeoutMs = 15_000): Promise<string | undefined> {
  const port = Number(process.env[ENV.runnerPort]);
  if (!port) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/screenshot?name=${encodeURIComponent(name)}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { path?: string }).path : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * The text of every element of the workbench page that matches `selector` (the runner's `/dom`
 * endpoint): what the user sees, e.g. `.codelens-decoration`. Undefined where no runner listens.
 */
export function workbenchTexts(selector: string, timeoutMs = 5000): Promise<string[] | undefined> {
  const port = Number(process.env[ENV.runnerPort]);
  if (!port) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/dom?selector=${encodeURIComponent(selector)}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { texts: string[] }).texts : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** What the analysis panel's webview shows (the runner reads it in the webview's frame). */
export interface PanelView {
  scrollY: number;
  scrollHeight: number;
  stale: boolean;
  banner: string | null;
  empty: string | null;
  paradigm: string | null;
  sections: string[];
  toolbars: string[];
  /** `clickDoc`: the text of the documentation link clicked. */
  clicked: string | null;
  /** The first paint's steps in epoch ms: the webview frame's start, its script's start, the end of its first render. */
  timing: { origin: number; script: number; rendered: number };
}

/** The open panel's view (`scroll`: scrolled to `y` first; `clickDoc`: its first documentation link clicked); undefined where no runner listens or no panel is open. */
export function panelView(op: 'state' | 'scroll' | 'clickDoc' = 'state', y = 0, timeoutMs = 10_000): Promise<PanelView | undefined> {
  const port = Number(process.env[ENV.runnerPort]);
  if (!port) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/panel?op=${op}&y=${y}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? ((JSON.parse(body) as PanelView | null) ?? undefined) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Writes `text` to `name` in a scratch folder of the workspace (its path segments) and opens it in an editor. */
export async function openScratch(folder: readonly string[], name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...folder, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** A diagnostic's code as a string (a code that links to the documentation is `{value, target}`). */
export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : (d.code ?? ''));
}

/** A diagnostic of ours as a comparable row: code, severity, range, message. */
export type DiagRow = [code: string, severity: string, startLine: number, startChar: number, endLine: number, endChar: number, message: string];
const SEVERITY_NAME = ['error', 'warning', 'info', 'hint'];

/** Our diagnostics (source sslexp) as rows, sorted by position then code. */
export function diagnosticRows(ds: readonly vscode.Diagnostic[]): DiagRow[] {
  return ds
    .filter((d) => d.source === 'sslexp')
    .map((d): DiagRow => [
      codeOf(d),
      SEVERITY_NAME[d.severity],
      d.range.start.line,
      d.range.start.character,
      d.range.end.line,
      d.range.end.character,
      d.message,
    ])
    .sort((a, b) => a[2] - b[2] || a[3] - b[3] || a[0].localeCompare(b[0]));
}

/** A position inside the first occurrence of `needle` after `after` (its second character, when it has one). */
export function positionOf(doc: vscode.TextDocument, needle: string, after = ''): vscode.Position {
  const text = doc.getText();
  const from = after ? text.indexOf(after) : 0;
  const i = text.indexOf(needle, from);
  assert.ok(from >= 0 && i >= 0, `'${needle}' after '${after}' in ${doc.uri.path}`);
  return doc.positionAt(i + Math.min(1, needle.length - 1));
}

/** A hover's markdown with its documentation links as the text a user reads (`[docs/theory.md §3](command:…)` -> `docs/theory.md §3`). */
export function hoverShown(markdown: string): string {
  return markdown.replace(/\[([^\]]*)\]\(command:sslParadigm\.openDocs\?[^)]*\)/g, '$1');
}

/** Waiting for an analysis, and the CodeLens titles and hover text it gives (the extension's API from `getApi`). */
export function analysisHelpers(getApi: () => ExtensionApi, timeoutMs: number) {
  /** Waits for the analysis of the document's current version. */
  const analysed = (doc: vscode.TextDocument, timeout = timeoutMs) =>
    waitFor(() => getApi().solver.latestFor(doc), timeout, `the analysis of ${path.basename(doc.uri.path)} v${doc.version}`);
  async function lensTitles(doc: vscode.TextDocument): Promise<string[]> {
    await analysed(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    return lenses.filter((l) => l.command).map((l) => l.command!.title);
  }
  async function hoverText(doc: vscode.TextDocument, position: vscode.Position): Promise<string> {
    await analysed(doc);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
    return hoverShown(hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'));
  }
  return { analysed, lensTitles, hoverText };
}

/** Every analysis panel as the extension's test command reports it. */
export async function panels(): Promise<PreviewSnapshot[]> {
  return (await vscode.commands.executeCommand<PreviewSnapshot[]>('sslParadigm.preview.inspect')) ?? [];
}

/** The panel shows `uri` and its webview drew the last model posted to it. */
export function renderedLatest(p: PreviewSnapshot, uri: vscode.Uri): boolean {
  return (
    p.resource === uri.toString() &&
    !!p.posted &&
    !!p.rendered &&
    p.rendered.runId === p.posted.runId &&
    p.rendered.documentVersion === p.posted.documentVersion
  );
}
