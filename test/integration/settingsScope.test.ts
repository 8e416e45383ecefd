// Settings read in the scope package.json declares for them (src/host/settings.ts): VS Code
// logs a warning in the extension host's log for every window-scoped setting read for a
// resource ("Accessing a window scoped configuration for a resource is not expected") and
// every resource-scoped one read without ("… without providing a resource …"). This suite
// drives what reads settings (the analyses of open YAML, JSON, graph and data specs, edits,
// CodeLens, hover, the status bar, the analysis panel, a one-off analysis), then provokes one
// such warning on purpose (a sentinel: `window.title` read for a resource, so the log is known
// to be the right one and written up to here) and reads the log: no other warning of the
// extension may be there, from this suite or any suite before it. The runner passes the
// folder of VS Code's logs in SSL_HOST_LOGS_DIR (scripts/vscode-host.mjs); the extension
// host's log is `<logs>/<session>/exthost<N>/remoteexthost.log` under code-server.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import {
  activatedApi,
  analysisHelpers,
  closeAllEditors,
  ENV,
  extensionId,
  openScratch,
  openSpec,
  panels,
  positionOf,
  renderedLatest,
  replaceDocumentText,
  waitFor,
  workspaceRoot,
} from './helpers';

const SCRATCH = ['.scratch', `settings-scope-${process.pid}`];
const SCOPE_WARNING = /Accessing a (window|resource) scoped configuration/;
/** The warning provoked on purpose: a window-scoped core setting read for a resource. */
const SENTINEL = "'window.title'";

let api: ExtensionApi;
const { analysed, lensTitles, hoverText } = analysisHelpers(() => api, 30_000);

/** Every file below `dir`, relative to it. */
const filesBelow = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();

/** Every extension host log below `dir` (`remoteexthost.log` under code-server, `exthost.log` on the desktop). */
const extensionHostLogs = (dir: string): string[] => filesBelow(dir).filter((f) => /exthost\.log$/i.test(path.basename(f)));

describe('settings scopes', function () {
  this.timeout(120_000);

  before(async () => {
    api = await activatedApi();
    await closeAllEditors();
  });

  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH), { recursive: true, useTrash: false });
  });

  it('every setting is read in its declared scope: no scope warning of the extension in the extension host log', async function () {
    const logsDir = process.env[ENV.hostLogs];
    if (!logsDir) this.skip(); // not under scripts/vscode-host.mjs
    // Specs of every kind: spectral YAML, JSON (whose syntax errors the JSON service may report), graph, data views.
    for (const rel of ['families/json-format.sslexp.json', 'graph/two-triangles.sslexp.yaml', 'digits-views.sslexp.yaml', 'straddling.sslexp.yaml']) {
      const editor = await openSpec(rel);
      await analysed(editor.document, 60_000);
    }
    // Edits (each one a debounced analysis), CodeLens and hover on a scratch copy.
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'straddling.sslexp.yaml')));
    assert.match(text, /^alpha: .+$/m);
    const editor = await openScratch(SCRATCH, 'edited.sslexp.yaml', text);
    for (const alpha of ['0.5', '2', '30']) {
      const doc = await replaceDocumentText(editor, text.replace(/^alpha: .+$/m, `alpha: ${alpha}`));
      await analysed(doc);
    }
    const doc = editor.document;
    assert.ok((await lensTitles(doc)).length > 0, 'CodeLenses');
    assert.notEqual(await hoverText(doc, positionOf(doc, 'alpha', 'sslexp: 1')), '', 'a hover on alpha');
    // The analysis panel (its lock default, the detailed analysis it asks for) and a one-off analysis.
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    await waitFor(async () => (await panels()).find((p) => renderedLatest(p, doc.uri)), 30_000, 'the panel to render');
    const whatIf = await api.solver.analyze(doc, { alpha: 3 });
    assert.equal(whatIf.theory, 'alignment');

    // The sentinel: the log is this extension host's, and written up to here once it shows.
    vscode.workspace.getConfiguration('window', doc.uri).get<string>('title');
    const tag = `[${extensionId()}]`;
    const lines = await waitFor(
      () => {
        const all = extensionHostLogs(logsDir).flatMap((f) => fs.readFileSync(path.join(logsDir, f), 'utf8').split('\n'));
        const ours = all.filter((l) => l.includes(tag) && SCOPE_WARNING.test(l));
        return ours.some((l) => l.includes(SENTINEL)) ? ours : undefined;
      },
      15_000,
      `the sentinel warning for ${SENTINEL} in an extension host log under ${logsDir} (files: ${fs.existsSync(logsDir) ? filesBelow(logsDir).join(', ') : 'none'})`,
      100,
    );
    // One line per distinct warning (timestamps dropped), with how often it was logged.
    const counts = new Map<string, number>();
    for (const l of lines.filter((l) => !l.includes(SENTINEL))) {
      const message = l.slice(l.indexOf(tag));
      counts.set(message, (counts.get(message) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts].map(([message, n]) => `${n}× ${message}`),
      [],
    );
  });
});
