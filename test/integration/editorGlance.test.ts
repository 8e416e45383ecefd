// The editor a new user trusts at a glance, in a real VS Code (docs/architecture.md §2): an empty
// spec is an invitation, not an error (an information, the starter specs in completion, a lens
// that offers them, the status bar says so); the status bar names itself and the methods as
// their papers do; the CodeLens titles stay short; citations of docs/theory.md open the bundled
// file's section in the Markdown preview from a hover, from a problem's code and through the one
// validated command; and the walkthrough's "Open Analysis to the Side" works while the spec is a
// background tab.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import {
  activatedApi,
  analysisHelpers,
  closeAllEditors,
  codeOf,
  openScratch,
  panels,
  positionOf,
  renderedLatest,
  waitFor,
  waitForDiagnostics,
  workspaceRoot,
} from './helpers';

const SCRATCH = ['.scratch', `glance-${process.pid}`];

let api: ExtensionApi;
let lensTitles: (doc: vscode.TextDocument) => Promise<string[]>;
let analysed: (doc: vscode.TextDocument) => Promise<unknown>;

interface StatusView {
  visible: boolean;
  text?: string;
  tooltip?: string;
}
const status = async (): Promise<StatusView> => (await vscode.commands.executeCommand<StatusView>('sslParadigm.statusBar.inspect')) ?? { visible: false };

/** The tabs of every group, as (label, kind of input). */
const tabs = () =>
  vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.map((t) => ({ label: t.label, viewType: t.input instanceof vscode.TabInputWebview ? t.input.viewType : undefined })),
  );

/** The Markdown preview of a bundled document is open (VS Code's own preview, a webview tab). */
const markdownPreview = (file: string) =>
  waitFor(() => tabs().find((t) => /markdown\.preview/.test(t.viewType ?? '') && t.label.includes(file)), 15_000, `the preview of ${file}`).catch(
    (e: Error) => {
      throw new Error(`${e.message}; tabs: ${JSON.stringify(tabs())}`);
    },
  );

describe('the editor at a glance', function () {
  this.timeout(60_000);

  before(async () => {
    api = await activatedApi();
    ({ lensTitles, analysed } = analysisHelpers(() => api, 20_000));
    await closeAllEditors();
  });

  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  for (const name of ['empty.sslexp.yaml', 'empty.sslexp.json']) {
    it(`an empty spec (${path.extname(name)}) invites: an information, the starter specs in completion, a lens, the status bar`, async () => {
      const editor = await openScratch(SCRATCH, name, '\n');
      const doc = editor.document;
      const [d] = await waitForDiagnostics(doc.uri, (ds) => ds.some((x) => codeOf(x) === 'empty-document'));
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information, 'not an error');
      assert.equal(d.message, "Empty spec: start with 'sslexp: 1', or press Ctrl+Space for a starter spec (spectral or graph mode).");
      assert.equal(d.source, 'sslexp');
      assert.equal(vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error).length, 0);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      assert.deepEqual(
        lenses.map((l) => [l.command?.title, l.command?.command]),
        [['Empty spec: insert a starter spec (Ctrl+Space)', 'editor.action.triggerSuggest']],
      );
      const s = await waitFor(
        async () => {
          const v = await status();
          return v.text === '$(beaker) SSL: empty spec' ? v : undefined;
        },
        10_000,
        'the status bar of the empty spec',
      );
      assert.match(s.tooltip!, new RegExp(`^SSL Paradigm Advisor — ${name.replace('.', '\\.')}`));
      // Completion at the start offers the starter specs, and inserting one gives a spec without errors.
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 0));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const want of ['spectral spec', 'graph spec']) assert.ok(labels.includes(want), `${want} in ${labels.join(', ')}`);
      const starter = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'spectral spec')!;
      const snippet = starter.insertText instanceof vscode.SnippetString ? starter.insertText.value : String(starter.insertText);
      await editor.insertSnippet(new vscode.SnippetString(snippet), new vscode.Range(0, 0, doc.lineCount, 0));
      await waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => codeOf(x) === 'empty-document' || x.severity === vscode.DiagnosticSeverity.Error));
      await analysed(doc);
      assert.match((await lensTitles(doc))[0], /^α_RC = .* · α_JE = .* · (joint-embedding|reconstruction|either)$/);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  }

  it('the status bar names itself and the recommendation; graph methods are written as their papers write them', async () => {
    const editor = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'straddling.sslexp.yaml')),
    );
    await analysed(editor.document);
    let s = await waitFor(async () => ((await status()).text?.includes('joint-embedding') ? status() : undefined), 10_000, 'the status bar');
    assert.equal(s.text, '$(beaker) SSL: joint-embedding');
    assert.match(
      s.tooltip!,
      /^SSL Paradigm Advisor — straddling\.sslexp\.yaml\n\nRecommendation: joint-embedding\nα_RC = 0\.764 · α_JE = 0\.707 · joint-embedding\n/,
    );
    const graph = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'graph', 'digit-knn.sslexp.yaml')),
    );
    await analysed(graph.document);
    s = await waitFor(async () => ((await status()).text?.includes('VICReg') ? status() : undefined), 10_000, 'the graph status bar');
    assert.equal(s.text, '$(beaker) SSL: VICReg, low invariance weight');
    // The lens leads with the recommendation (and the advised g it turns on, docs/theory.md §7.9.3): a narrow editor that cuts the title still shows it.
    assert.deepEqual(await lensTitles(graph.document), ['VICReg, low invariance weight (g = 4.76) · ranks VICReg 16/16, SimCLR 16/16', 'Open analysis']);
    await closeAllEditors();
  });

  it('citations open the bundled docs/theory.md at the section: from a hover (a trusted command link) and from a problem’s code; the command refuses anything else', async () => {
    const editor = await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'straddling.sslexp.yaml')),
    );
    await analysed(editor.document);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      positionOf(editor.document, 'alpha:'),
    );
    const md = hovers.flatMap((h) => h.contents).find((c) => typeof c !== 'string' && c.value.includes('docs/theory.md')) as vscode.MarkdownString;
    assert.ok(md, 'a hover cites docs/theory.md');
    const link = /\[docs\/theory\.md §3\]\((command:sslParadigm\.openDocs\?[^)]+)\)/.exec(md.value);
    assert.ok(link, md.value);
    // Trusted for that one command only.
    assert.deepEqual(md.isTrusted, { enabledCommands: ['sslParadigm.openDocs'] });
    const arg: unknown = JSON.parse(decodeURIComponent(link[1].split('?')[1]));
    assert.deepEqual(arg, { doc: 'theory', anchor: 's3' });
    // What the link runs opens VS Code's Markdown preview of the bundled file beside the editor.
    assert.equal(await vscode.commands.executeCommand('sslParadigm.openDocs', arg), true);
    await markdownPreview('theory.md');
    await closeAllEditors();
    // Invalid arguments are refused (logged), nothing opens.
    for (const bad of [
      undefined,
      'theory',
      { doc: 'package', anchor: '' },
      { doc: 'theory', anchor: '../x' },
      { doc: 'theory', anchor: 's3', uri: 'file:///etc/passwd' },
    ])
      assert.equal(await vscode.commands.executeCommand('sslParadigm.openDocs', bad), false, JSON.stringify(bad));
    assert.equal(tabs().length, 0);
    // An anchor the bundled file does not define opens the document's top (and says so in the log).
    assert.equal(await vscode.commands.executeCommand('sslParadigm.openDocs', { doc: 'architecture', anchor: 's99' }), true);
    await markdownPreview('architecture.md');
    await closeAllEditors();
    // A problem's code links to the section its message cites.
    const spec = await openScratch(SCRATCH, 'negative.sslexp.yaml', 'sslexp: 1\nsignal: {variance: [1, 2]}\nnoise: {variance: [3]}\nalpha: -1\n');
    const [d] = await waitForDiagnostics(spec.document.uri, (ds) => ds.some((x) => codeOf(x) === 'negative-alpha'));
    assert.equal(d.message, 'alpha must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got -1.');
    assert.ok(typeof d.code === 'object');
    assert.deepEqual([d.code.value, d.code.target.scheme, d.code.target.path], ['negative-alpha', 'command', 'sslParadigm.openDocs']);
    assert.deepEqual(JSON.parse(decodeURIComponent(d.code.target.query)), { doc: 'theory', anchor: 's3' });
    await closeAllEditors();
  });

  it('walkthrough: "Open Analysis to the Side" opens the analysis of the spec in a background tab, without an error', async () => {
    const spec = vscode.Uri.joinPath(workspaceRoot(), 'mnist-scale-weak.sslexp.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spec), { preview: false });
    // Another editor comes to the front (the walkthrough, a README): the spec is a background tab.
    const other = await vscode.workspace.openTextDocument({ language: 'markdown', content: '# notes\n' });
    await vscode.window.showTextDocument(other, { preview: false });
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.toString(), spec.toString());
    // The step's link: the command without arguments.
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    const p = await waitFor(async () => (await panels()).find((x) => renderedLatest(x, spec)), 20_000, 'the panel of the background spec');
    assert.equal(p.title, 'Analysis mnist-scale-weak.sslexp.yaml');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closeAllEditors();
  });
});
