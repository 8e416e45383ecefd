// How long a user waits (docs/architecture.md §5): after an edit, for the diagnostics, for the
// CodeLens as the workbench draws it (read from the page through the runner's /dom endpoint) and
// for the panel's render; for a newly opened panel's first paint and its complete analysis; and for
// a following panel to show another spec (graph mode, data mode). Measured, printed in the test
// titles and written to test-results/latency.json — never asserted beyond generous anti-hang
// guards (speed is not a test's business; the numbers are for people).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import {
  activatedApi,
  closeAllEditors,
  codeOf,
  extensionRoot,
  panels,
  panelView,
  renderedLatest,
  waitFor,
  waitForDiagnostics,
  workbenchTexts,
  workspaceRoot,
} from './helpers';

/** A generous guard: a wait this long is a hang, not a slow machine. */
const HANG_MS = 30_000;
const SCRATCH = ['.scratch', `latency-${process.pid}`];

let api: ExtensionApi;
const measured: Record<string, number[]> = {};
const note = (what: string, ms: number): void => void (measured[what] ??= []).push(Math.round(ms));
const summary = (what: string): string => {
  const v = measured[what] ?? [];
  const sorted = [...v].sort((a, b) => a - b);
  return `${what} ${v.join(', ')} ms (median ${sorted[Math.floor(sorted.length / 2)] ?? '—'})`;
};

/** Copies an example into the scratch folder, its data paths rewritten to point at the example's files. */
async function copy(rel: string, as: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH, as);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'))));
  const from = path.posix.dirname(rel);
  const to = SCRATCH.join('/');
  const moved = text.replace(/(file: *)([^\s,}]+)/g, (_m, key: string, p: string) => key + path.posix.relative(to, path.posix.join(from, p)));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(moved));
  return uri;
}

/** Resolves when the panel showing `uri` acknowledged rendering what was last posted to it and `accept` holds. */
const panelRendered = (uri: vscode.Uri, accept: (p: Awaited<ReturnType<typeof panels>>[number]) => boolean = () => true) =>
  waitFor(async () => (await panels()).find((p) => renderedLatest(p, uri) && accept(p)), HANG_MS, `the panel of ${path.basename(uri.path)}`, 10);

/** The CodeLens texts the workbench draws (undefined where no runner can read the page). */
const drawnLenses = async (): Promise<string | undefined> => (await workbenchTexts('.monaco-editor .codelens-decoration'))?.join(' | ');

describe('latency (measured and printed; only anti-hang guards)', function () {
  this.timeout(180_000);
  let spectral: vscode.Uri;
  let graph: vscode.Uri;
  let data: vscode.Uri;

  before(async () => {
    api = await activatedApi();
    await closeAllEditors();
    spectral = await copy('mnist-scale-strong.sslexp.yaml', 'spectral.sslexp.yaml');
    graph = await copy('graph/digit-labels.sslexp.yaml', 'graph.sslexp.yaml');
    data = await copy('digits-strong-noise.sslexp.yaml', 'data.sslexp.yaml');
  });

  after(async () => {
    fs.mkdirSync(path.join(extensionRoot, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(extensionRoot, 'test-results', 'latency.json'), `${JSON.stringify({ vscode: vscode.version, ms: measured }, null, 2)}\n`);
    for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.path.includes(`latency-${process.pid}`)) await d.save();
    await closeAllEditors();
  });

  it('opening the panel: first paint and the complete analysis (the first is cold)', async function () {
    for (let i = 0; i < 3; i++) {
      await closeAllEditors();
      const doc = await vscode.workspace.openTextDocument(spectral);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
      await waitFor(() => api.solver.latestFor(doc), HANG_MS, 'the analysis of the spec');
      const t0 = performance.now();
      const epoch0 = Date.now();
      await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
      await waitFor(async () => (await panels()).find((p) => p.rendered), HANG_MS, 'the first paint', 10);
      note('panel first paint', performance.now() - t0);
      // Where it went: VS Code creating the webview's frame, loading the page and the script, the first render.
      const v = await panelView();
      if (v && Number.isFinite(v.timing.rendered)) {
        note('· until the webview frame starts', v.timing.origin - epoch0);
        note('· page and script load', v.timing.script - v.timing.origin);
        note('· first render (script start → drawn)', v.timing.rendered - v.timing.script);
        console.log(JSON.stringify(v.timing));
      }
      await panelRendered(spectral, (p) => !!api.solver.latest(spectral)?.detailed && p.rendered!.runId === api.solver.latest(spectral)!.runId);
      note('panel complete', performance.now() - t0);
    }
    this.test!.title += ` [${summary('panel first paint')}; ${summary('panel complete')}; ${summary('· until the webview frame starts')}; ${summary('· page and script load')}; ${summary('· first render (script start → drawn)')}]`;
  });

  it('after an edit: the diagnostics, the CodeLens as drawn, the panel', async function () {
    await closeAllEditors();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spectral), {
      viewColumn: vscode.ViewColumn.One,
      preview: false,
    });
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    await panelRendered(spectral);
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One, preview: false });
    const canReadPage = (await drawnLenses()) !== undefined;
    // alpha 20: both paradigms recover (`· either`, no alpha-below-rc); alpha 1: only joint-embedding.
    for (const [i, alpha] of ['20', '1', '20', '1', '20', '1'].entries()) {
      const doc = editor.document;
      const m = /^alpha: .*$/m.exec(doc.getText())!;
      const below = alpha === '1';
      const t0 = performance.now();
      const diagnostics = waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'alpha-below-rc') === below, HANG_MS).then(() =>
        note('edit → diagnostics', performance.now() - t0),
      );
      const lens = canReadPage
        ? waitFor(async () => (await drawnLenses())?.includes(below ? 'joint-embedding' : 'either'), HANG_MS, 'the drawn CodeLens', 10).then(() =>
            note('edit → CodeLens drawn', performance.now() - t0),
          )
        : Promise.resolve();
      assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(m.index), doc.positionAt(m.index + m[0].length)), `alpha: ${alpha}`)));
      const version = doc.version;
      const panel = panelRendered(spectral, (p) => p.rendered!.documentVersion === version).then(() => note('edit → panel', performance.now() - t0));
      await Promise.all([diagnostics, lens, panel]);
      assert.ok(i >= 0);
    }
    this.test!.title += ` [${summary('edit → diagnostics')}; ${summary('edit → CodeLens drawn')}; ${summary('edit → panel')}]`;
  });

  it('a following panel shows another spec: graph mode, data mode, spectral again', async function () {
    await closeAllEditors();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spectral), { viewColumn: vscode.ViewColumn.One, preview: false });
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    await panelRendered(spectral);
    for (let round = 0; round < 2; round++) {
      for (const [what, uri] of [
        ['→ graph spec', graph],
        ['→ data spec', data],
        ['→ spectral spec', spectral],
      ] as const) {
        const t0 = performance.now();
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: vscode.ViewColumn.One, preview: false });
        await panelRendered(uri, (p) => !!api.solver.latest(uri)?.detailed && p.rendered!.runId === api.solver.latest(uri)!.runId);
        note(`switch ${what}`, performance.now() - t0);
      }
    }
    this.test!.title += ` [${summary('switch → graph spec')}; ${summary('switch → data spec')}; ${summary('switch → spectral spec')}]`;
  });
});
