// The analysis panel a user trusts at a glance, in a real VS Code (docs/architecture.md §2 "Analysis
// panel"), read in the webview's own frame through the runner (helpers.ts `panelView`): a newly
// followed spec starts at the top while a re-analysed one keeps its place; views mode shows only
// the sections that apply; stale results are dimmed under a banner in the core's words; a cited
// section opens from the panel. Then a screenshot of every state, light and dark
// (test-results/trusted-panel-<state>-<theme>.png): spectral, data, views, graph, stale, cancelled,
// error, empty.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { PreviewSnapshot } from '../../src/preview/previewManager';
import {
  activatedApi,
  closeAllEditors,
  panels,
  panelView,
  renderedLatest,
  replaceDocumentText,
  screenshot,
  sleep,
  type PanelView,
  waitFor,
  workspaceRoot,
} from './helpers';

const SCRATCH = ['.scratch', `panel-states-${process.pid}`];

let api: ExtensionApi;

/** The panel of `uri` once its webview drew the latest analysis posted to it and `accept` holds. */
function rendered(uri: vscode.Uri, accept: (p: PreviewSnapshot) => boolean = () => true, what = 'the panel'): Promise<PreviewSnapshot> {
  return waitFor(async () => (await panels()).find((p) => renderedLatest(p, uri) && accept(p)), 30_000, `${what} of ${uri.path.split('/').pop()}`, 25);
}

/** The webview's view once `accept` holds (undefined where no runner can read the page: the checks are skipped there). */
async function viewWhen(accept: (v: PanelView) => boolean, what: string): Promise<PanelView | undefined> {
  if (!(await panelView())) return undefined;
  return waitFor(
    async () => {
      const v = await panelView();
      return v && accept(v) ? v : undefined;
    },
    15_000,
    what,
  );
}

async function copy(rel: string, as: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH, as);
  await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'))));
  return uri;
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: vscode.ViewColumn.One, preview: false });
}

const example = (rel: string): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));

describe('the analysis panel at a glance', function () {
  this.timeout(240_000);

  before(async () => {
    api = await activatedApi();
    await closeAllEditors();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.path.includes(`panel-states-${process.pid}`)) await d.save();
    await closeAllEditors();
  });

  it('a newly followed spec starts at the top; the same spec re-analysed keeps its place', async function () {
    const strong = await copy('mnist-scale-strong.sslexp.yaml', 'scroll.sslexp.yaml');
    const editor = await open(strong);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    await rendered(strong, (p) => p.rendered!.charts.some((c) => c.section === 'scaling'));
    const scrolled = await panelView('scroll', 600);
    if (!scrolled) return this.skip(); // no runner to read the webview (e.g. under @vscode/test-electron)
    assert.ok(scrolled.scrollHeight > 1200 && scrolled.scrollY >= 400, JSON.stringify(scrolled));
    const at = scrolled.scrollY;
    // Re-analysed after an edit: the same place.
    await replaceDocumentText(editor, editor.document.getText().replace(/^alpha: 1$/m, 'alpha: 2'));
    const version = editor.document.version;
    await rendered(strong, (p) => p.posted!.documentVersion === version);
    await sleep(300);
    assert.equal((await panelView())!.scrollY, at, 'the same spec keeps its place');
    // Another spec in the editor: the panel follows it and starts at the top, its recommendation in view.
    const weak = example('mnist-scale-weak.sslexp.yaml');
    await open(weak);
    await rendered(weak);
    const v = await viewWhen((x) => x.paradigm === 'Either paradigm', 'the weak spec drawn');
    assert.equal(v!.scrollY, 0, 'another spec starts at the top');
    await editor.document.save();
    await closeAllEditors();
  });

  it('views mode shows only what applies: the probe, the strength what-if and the fitted model’s charts, no empty chart card, no export buttons without a chart', async function () {
    const views = example('digits-views.sslexp.yaml');
    await open(views);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    const p = await rendered(views, (x) => x.rendered!.charts.some((c) => c.section === 'probe'), 'the views panel');
    const drawn = [...new Set(p.rendered!.charts.map((c) => c.section))];
    // the probe, and the thresholds of P1's model fitted to the views; never a simulation (views cannot be simulated)
    assert.ok(drawn.includes('probe') && drawn.includes('thresholds') && !drawn.includes('convergence'), drawn.join());
    // the probe first, then the strength what-if (docs/theory.md §6.4.8)
    assert.deepEqual(drawn.slice(0, 2), ['probe', 'strength']);
    const v = await viewWhen((x) => x.sections.length > 0, 'the views sections');
    if (!v) return this.skip();
    // every section shown has a chart drawn, and its export toolbar
    assert.deepEqual([...v.sections].sort(), drawn.map((id) => `section-${id}`).sort());
    assert.deepEqual(v.toolbars, v.sections);
    await closeAllEditors();
  });

  it('stale results are dimmed under a banner in the core’s words; the banner’s citation opens docs/theory.md', async function () {
    const uri = await copy('mnist-scale-strong.sslexp.yaml', 'stale.sslexp.yaml');
    const editor = await open(uri);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    await rendered(uri);
    const text = editor.document.getText();
    await replaceDocumentText(editor, text.replace(/^alpha: 1$/m, 'alpha: -1'));
    const broken = editor.document.version;
    await rendered(uri, (p) => p.posted!.documentVersion === broken && !!p.posted!.stale, 'the stale panel');
    const v = await viewWhen((x) => x.stale, 'the dimmed panel');
    if (!v) return this.skip();
    assert.equal(
      v.banner,
      'Showing the last analysis without errors. Line 12: alpha must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got -1.',
    );
    // A click on the cited section: VS Code's Markdown preview of the bundled file opens beside.
    const clicked = await panelView('clickDoc');
    assert.equal(clicked?.clicked, 'docs/theory.md §3');
    const preview = await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && t.label.includes('theory.md')),
      15_000,
      'the Markdown preview of docs/theory.md',
    );
    // Read, closed: the analysis panel (which the preview may have covered) is in view again.
    await vscode.window.tabGroups.close(preview);
    // Fixed: bright again, no banner.
    await replaceDocumentText(editor, text);
    const fixed = editor.document.version;
    await rendered(uri, (p) => p.posted!.documentVersion === fixed && !p.posted!.stale);
    const after = await viewWhen((x) => !x.stale, 'the fresh panel');
    assert.equal(after!.banner, null);
    await editor.document.save();
    await closeAllEditors();
  });

  it('screenshots of every state, light and dark', async function () {
    const shots: string[] = [];
    for (const [theme, name] of [
      ['light', 'Default Light Modern'],
      ['dark', 'Default Dark Modern'],
    ] as const) {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', name, vscode.ConfigurationTarget.Global);
      await closeAllEditors();
      const shoot = async (state: string): Promise<void> => {
        await sleep(800); // the theme's variables and the charts' redraw
        const file = await screenshot(`panel-${state}-${theme}`);
        if (file) shots.push(file.split('/').pop()!);
      };
      const show = async (uri: vscode.Uri, accept: (p: PreviewSnapshot) => boolean = () => true): Promise<vscode.TextEditor> => {
        const editor = await open(uri);
        if (!(await panels()).length) await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
        await rendered(uri, (p) => !!api.solver.latest(uri)?.detailed && p.rendered!.runId === api.solver.latest(uri)!.runId && accept(p));
        return editor;
      };
      await show(example('mnist-scale-strong.sslexp.yaml'));
      await shoot('spectral');
      await show(example('digits-strong-noise.sslexp.yaml'));
      await shoot('data');
      await show(example('digits-views.sslexp.yaml'));
      await shoot('views');
      await show(example('graph/digit-labels.sslexp.yaml'));
      await shoot('graph');
      // Stale: an error in the spec, the last good analysis dimmed under the banner.
      const staleUri = await copy('straddling.sslexp.yaml', `stale-${theme}.sslexp.yaml`);
      const editor = await show(staleUri);
      await replaceDocumentText(editor, editor.document.getText().replace(/^alpha: .*$/m, 'alpha: -1'));
      await rendered(staleUri, (p) => !!p.posted!.stale);
      await shoot('stale');
      // Cancelled: the user cancels a run (the notification's Cancel takes the same token path).
      await replaceDocumentText(editor, editor.document.getText().replace(/^alpha: .*$/m, 'alpha: 0.73'));
      await rendered(staleUri, (p) => !p.posted!.stale);
      const cts = new vscode.CancellationTokenSource();
      const run = api.solver.analyzeDocument(editor.document, cts.token);
      cts.cancel();
      await run;
      await viewWhen((x) => !!x.banner?.startsWith('Analysis cancelled.'), 'the cancelled banner');
      await shoot('cancelled');
      // Error: a run that failed for a reason other than the spec (a worker failure), as the solver reports it.
      const latest = api.solver.latest(staleUri)!;
      (api.solver as unknown as { failed: vscode.EventEmitter<{ uri: vscode.Uri; version: number; runId: number; message: string }> }).failed.fire({
        uri: staleUri,
        version: editor.document.version,
        runId: latest.runId + 1,
        message: 'The solver worker stopped (simulated for this screenshot).',
      });
      await viewWhen((x) => !!x.banner?.startsWith('Analysis failed.'), 'the error banner');
      await shoot('error');
      await editor.document.save();
      // Empty: a new, empty spec.
      const empty = vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH, `empty-${theme}.sslexp.yaml`);
      await vscode.workspace.fs.writeFile(empty, new Uint8Array());
      await open(empty);
      await rendered(empty);
      await viewWhen((x) => !!x.empty, 'the empty state');
      await shoot('empty');
    }
    this.test!.title += ` [${shots.length} screenshots: ${shots.join(', ')}]`;
    await closeAllEditors();
  });
});
