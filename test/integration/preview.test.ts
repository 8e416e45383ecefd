// The analysis panel in a real VS Code (docs/architecture.md §2 "Analysis panel", §6): opened beside a
// spec by `sslParadigm.showPreviewToSide`, it shows the recommendation and the charts the
// webview really drew (its `rendered` acknowledgement), updates after an edit of alpha (the
// edit-to-panel time is measured and printed in the test title), follows the active spec or
// stays locked, exports through the save-dialog path (the `target` override of the internal
// export command replaces the dialog), and is restored by the serializer. Expected numbers
// are the docs/theory.md oracles (scenario M of §8.2: alpha_RC = 10.49, alpha_JE = 0.813).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { PreviewSnapshot } from '../../src/preview/previewManager';
import { npzKeys, readNpz } from '../../src/core/io/npz';
import { encodeEmbeddedJson } from '../../src/shared/webviewProtocol';
import { asAlignment } from '../support/engine';
import digitsViewsOracle from '../oracle/digits_views.json';
import { activatedApi, closeAllEditors, extensionRoot, panels, renderedLatest, screenshot, sleep, waitFor, workspaceRoot } from './helpers';
import { assertNoHang } from '../support/hangGuard';

const SCRATCH = ['.scratch', `preview-${process.pid}`];

let api: ExtensionApi;

function scratchUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH, name);
}

/** Copies an example into the scratch folder (edits then never touch the shared examples). */
async function copyExample(name: string, as = name): Promise<vscode.Uri> {
  const text = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), name));
  const uri = scratchUri(as);
  await vscode.workspace.fs.writeFile(uri, text);
  return uri;
}

async function open(uri: vscode.Uri, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
}

/** The panel showing `uri` once the webview acknowledged rendering its latest analysis and `accept` holds. */
async function rendered(
  uri: vscode.Uri,
  accept: (p: PreviewSnapshot) => boolean = () => true,
  timeoutMs = 20_000,
  what = 'the panel',
): Promise<PreviewSnapshot> {
  let last: PreviewSnapshot[] = [];
  try {
    return await waitFor(
      async () => {
        last = await panels();
        return last.find((p) => renderedLatest(p, uri) && accept(p));
      },
      timeoutMs,
      `${what} of ${path.basename(uri.path)} to render`,
      25,
    );
  } catch (e) {
    const seen = last.map((p) => ({
      resource: path.basename(p.resource),
      locked: p.locked,
      visible: p.visible,
      posted: p.posted && [p.posted.runId, p.posted.documentVersion, p.rendered?.paradigm],
      rendered: p.rendered && [p.rendered.runId, p.rendered.documentVersion, p.rendered.paradigm],
    }));
    throw new Error(`${(e as Error).message}; panels: ${JSON.stringify(seen)}`, { cause: e });
  }
}

const sectionsOf = (p: PreviewSnapshot): string[] => [...new Set(p.rendered!.charts.map((c) => c.section))];
const round3 = (x: number): number => Number(x.toPrecision(3));

/** Replaces the first `alpha: ...` line and returns the new document version. */
async function setAlphaText(editor: vscode.TextEditor, alpha: string): Promise<number> {
  const doc = editor.document;
  const m = /^alpha: .*$/m.exec(doc.getText());
  assert.ok(m, 'the spec has an alpha line');
  const ok = await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(m.index), doc.positionAt(m.index + m[0].length)), `alpha: ${alpha}`));
  assert.ok(ok, 'edit applied');
  return doc.version;
}

describe('analysis panel', function () {
  this.timeout(60_000);
  let strong: vscode.Uri;
  let weak: vscode.Uri;
  let straddling: vscode.Uri;

  before(async () => {
    api = await activatedApi();
    await closeAllEditors();
    strong = await copyExample('mnist-scale-strong.sslexp.yaml');
    weak = await copyExample('mnist-scale-weak.sslexp.yaml');
    straddling = await copyExample('straddling.sslexp.yaml');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sslParadigm').update('preview.lockedByDefault', undefined, vscode.ConfigurationTarget.Global);
    for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.path.includes(`preview-${process.pid}`)) await d.save();
    await closeAllEditors();
  });

  it('opens beside the spec and shows the recommendation, the thresholds and every chart', async () => {
    // The example itself (not edited here): its name and path make the README screenshot.
    const example = vscode.Uri.joinPath(workspaceRoot(), 'mnist-scale-strong.sslexp.yaml');
    const editor = await open(example);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide');
    const p = await rendered(example, (s) => s.rendered!.charts.some((c) => c.section === 'scaling'));
    // Beside the editor, which keeps the focus.
    assert.equal(p.viewColumn, vscode.ViewColumn.Two);
    assert.equal(p.locked, false);
    assert.equal(p.title, 'Analysis mnist-scale-strong.sslexp.yaml');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), example.toString(), 'the spec editor keeps the focus');
    assert.equal(editor.viewColumn, vscode.ViewColumn.One);
    // The numbers (docs/theory.md §8.2 scenario M) and the recommendation, as posted and as drawn.
    const m = asAlignment(p.posted!.model);
    assert.equal(m.name, 'MNIST-scale scenario M, strong noise');
    assert.deepEqual(m.dimensions, { d: 6, k: 3, latent: 3 });
    assert.equal(round3(m.thresholds!.alphaRC), 10.5);
    assert.equal(round3(m.thresholds!.alphaJE), 0.813);
    assert.equal(m.thresholds!.regime, 'high-noise');
    assert.equal(m.recommendation!.paradigm, 'joint-embedding');
    assert.equal(p.rendered!.paradigm, 'joint-embedding');
    assert.equal(m.atAlpha!.alpha, 1);
    assert.deepEqual(m.atAlpha!.recovers, { supervised: true, reconstruction: false, jointEmbedding: true });
    assert.ok(
      m.problems.some((x) => x.code === 'alpha-below-rc' && x.line === 12 && typeof x.offset === 'number'),
      JSON.stringify(m.problems),
    );
    // The detail the panel asks for: per-component scores and the noise-scaling curve.
    assert.ok(m.scores && m.scores.important.index.length === 3 && m.scores.noise.index.length === 3, 'per-component scores');
    assert.ok(m.curve && m.curve.t.length > 10, 'noise-scaling curve');
    assert.equal(m.simulation, undefined, 'no simulation was run');
    // What the webview drew: four sections (no convergence without a simulation), each chart with data.
    assert.deepEqual(sectionsOf(p), ['thresholds', 'spectrum', 'scores', 'scaling']);
    for (const c of p.rendered!.charts) {
      assert.ok(c.datasets.length > 0, `${c.id} has datasets`);
      assert.ok(
        c.datasets.some((d) => d.n > 0),
        `${c.id} has points: ${JSON.stringify(c.datasets)}`,
      );
    }
    const labels = p.rendered!.charts.flatMap((c) => c.datasets.map((d) => d.label)).join(' | ');
    assert.match(labels, /noise/i, labels);
    // The README screenshot: the panel beside the spec (side bar hidden to give both room).
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(1500);
    const shot = await screenshot('panel-beside-spec');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One, preview: false });
    if (shot && process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(shot, path.join(extensionRoot, 'media', 'screenshot-panel.png'));
  });

  it('updates the recommendation and the charts after an edit of alpha', async function () {
    const editor = await open(strong);
    const before = await rendered(strong);
    const steps: { alpha: string; paradigm: string; recovers: [boolean, boolean] }[] = [
      { alpha: '20', paradigm: 'either', recovers: [true, true] },
      { alpha: '0.5', paradigm: 'joint-embedding', recovers: [false, false] },
      { alpha: '11', paradigm: 'either', recovers: [true, true] },
      { alpha: '1', paradigm: 'joint-embedding', recovers: [false, true] },
    ];
    const times: number[] = [];
    let lastRun = before.posted!.runId;
    for (const s of steps) {
      const t0 = Date.now();
      const version = await setAlphaText(editor, s.alpha);
      const p = await rendered(strong, (x) => x.posted!.documentVersion === version && x.rendered!.paradigm === s.paradigm, 20_000, `alpha ${s.alpha}`);
      times.push(Date.now() - t0);
      const m = asAlignment(p.posted!.model);
      assert.equal(m.atAlpha!.alpha, Number(s.alpha));
      assert.deepEqual([m.atAlpha!.recovers.reconstruction, m.atAlpha!.recovers.jointEmbedding], s.recovers);
      assert.equal(m.scores!.alpha, Number(s.alpha), 'the per-component scores follow alpha');
      assert.ok(p.posted!.runId > lastRun, 'a newer run');
      lastRun = p.posted!.runId;
      assert.deepEqual(sectionsOf(p), ['thresholds', 'spectrum', 'scores', 'scaling']);
    }
    // The thresholds do not depend on alpha.
    const final = (await panels())[0];
    assert.equal(round3(asAlignment(final.posted!.model).thresholds!.alphaRC), 10.5);
    await editor.document.save();
    const sorted = [...times].sort((a, b) => a - b);
    const delay = vscode.workspace.getConfiguration('sslParadigm', editor.document.uri).get<number>('diagnostics.delay');
    this.test!.title += ` [edit→panel ${times.join(', ')} ms; median ${sorted[Math.floor(sorted.length / 2)]} ms, incl. the ${delay} ms debounce]`;
    assertNoHang(sorted[sorted.length - 1], `edit to panel (${times.join(', ')} ms)`);
  });

  it('follows the active spec; locked, it stays on its spec; lockedByDefault opens locked panels', async () => {
    await open(weak);
    let p = await rendered(weak, (x) => x.posted!.model.name === 'MNIST-scale scenario M, weak noise');
    assert.equal(p.locked, false);
    assert.equal(p.title, 'Analysis mnist-scale-weak.sslexp.yaml');
    assert.equal((await panels()).length, 1, 'the following panel switched specs (no second panel)');
    assert.equal(asAlignment(p.posted!.model).thresholds!.regime, 'low-noise');

    await vscode.commands.executeCommand('sslParadigm.preview.toggleLock');
    p = (await panels())[0];
    assert.equal(p.locked, true);
    assert.equal(p.title, '[Locked] Analysis mnist-scale-weak.sslexp.yaml');
    assert.equal(p.posted!.locked, true);

    await open(straddling);
    await sleep(600);
    p = await rendered(weak);
    assert.equal(p.resource, weak.toString(), 'a locked panel ignores the active editor');

    await vscode.commands.executeCommand('sslParadigm.preview.toggleLock');
    p = await rendered(straddling, (x) => !x.locked);
    assert.equal(p.title, 'Analysis straddling.sslexp.yaml', 'unlocked, it follows the active spec again at once');

    // lockedByDefault: showPreview opens a locked panel for the spec beside the following one.
    await vscode.workspace.getConfiguration('sslParadigm').update('preview.lockedByDefault', true, vscode.ConfigurationTarget.Global);
    try {
      await open(strong);
      await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', strong);
      const locked = await rendered(strong, (x) => x.locked);
      assert.equal(locked.title, '[Locked] Analysis mnist-scale-strong.sslexp.yaml');
      const all = await panels();
      assert.equal(all.length, 2, JSON.stringify(all.map((x) => [x.title, x.locked])));
      assert.deepEqual(all.map((x) => x.locked).sort(), [false, true]);
    } finally {
      await vscode.workspace.getConfiguration('sslParadigm').update('preview.lockedByDefault', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('exports PNG, CSV, JSON and an HTML report to the chosen file', async () => {
    await closeAllEditors();
    await open(strong);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', strong);
    await rendered(strong, (x) => x.rendered!.charts.length >= 4);
    const exp = (arg: object): Thenable<vscode.Uri | undefined> => vscode.commands.executeCommand<vscode.Uri | undefined>('sslParadigm.preview.export', arg);
    const read = async (u: vscode.Uri): Promise<Buffer> => Buffer.from(await vscode.workspace.fs.readFile(u));

    const png = await exp({ format: 'png', chart: 'thresholds', target: scratchUri('out/thresholds.png') });
    assert.equal(png?.toString(), scratchUri('out/thresholds.png').toString());
    const pngBytes = await read(png!);
    assert.deepEqual([...pngBytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(pngBytes.length > 2000, `PNG of ${pngBytes.length} bytes`);
    assert.ok(pngBytes.readUInt32BE(16) > 200 && pngBytes.readUInt32BE(20) > 100, 'PNG dimensions');

    const csv = await exp({ format: 'csv', chart: 'spectrum', target: scratchUri('out/spectrum.csv') });
    const csvText = (await read(csv!)).toString('utf8');
    const lines = csvText.trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + 6, `header + 6 components:\n${csvText}`);
    assert.match(lines[0], /component/i);

    const json = await exp({ format: 'json', target: scratchUri('out/analysis.json') });
    const parsed = JSON.parse((await read(json!)).toString('utf8')) as {
      fileName: string;
      model: { recommendation: { paradigm: string }; thresholds: { alphaJE: number } };
    };
    assert.equal(parsed.fileName, 'mnist-scale-strong.sslexp.yaml');
    assert.equal(parsed.model.recommendation.paradigm, 'joint-embedding');
    assert.equal(round3(parsed.model.thresholds.alphaJE), 0.813);

    const html = await exp({ format: 'html', target: scratchUri('out/report.html') });
    const report = (await read(html!)).toString('utf8');
    assert.match(report, /^<!DOCTYPE html>/);
    assert.match(report, /Joint-embedding|joint-embedding/);
    assert.ok((report.match(/<img src="data:image\/png;base64,/g) ?? []).length >= 4, 'every chart inline');
    assert.ok(!/<script/i.test(report), 'no script in the report');
  });

  it('shows the linear probe of a spec with views and labels, and exports its solutions as .npz', async () => {
    await closeAllEditors();
    // examples/digits-views.sslexp.yaml: 1000 digits, 4 views each, labels (read in blocks: your own views)
    const views = vscode.Uri.joinPath(workspaceRoot(), 'digits-views.sslexp.yaml');
    await open(views);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', views);
    const p = await rendered(views, (x) => sectionsOf(x).includes('probe'), 30_000, 'the probe chart');
    const model = asAlignment(p.posted!.model);
    // 799 train / 201 test samples, seed 0; the correct test predictions of each encoder's probe as numpy
    // computes them (test/oracle/digits_views.py): supervised 144, reconstruction 161, joint-embedding 158
    const correct = digitsViewsOracle.probeCorrect;
    const pr = model.probe!;
    const accuracies = {
      supervised: pr.supervised,
      reconstruction: pr.reconstruction,
      jointEmbedding: pr.jointEmbedding,
      train: pr.train,
      test: pr.test,
      seed: pr.seed,
    };
    assert.deepEqual(accuracies, {
      supervised: correct.supervised / 201,
      reconstruction: correct.reconstruction / 201,
      jointEmbedding: correct.jointEmbedding / 201,
      train: 799,
      test: 201,
      seed: 0,
    });
    // each with its 95% interval (the same procedure for every encoder) and the paired test (docs/theory.md §6.4.7)
    const { intervals, paired } = pr;
    assert.deepEqual(
      [intervals!.reconstruction, intervals!.jointEmbedding, intervals!.supervised!].map((r) => r.map((v) => (100 * v).toFixed(1))),
      [
        ['74.0', '85.0'],
        ['72.4', '83.7'],
        ['65.1', '77.4'],
      ],
    );
    assert.equal(paired!.reconstructionOnly - paired!.jointEmbeddingOnly, correct.reconstruction - correct.jointEmbedding);
    assert.equal(model.solutions, true);
    const bars = p.rendered!.charts.filter((c) => c.section === 'probe');
    assert.deepEqual(
      bars.flatMap((c) => c.datasets.map((d) => d.label)),
      [
        `Supervised: ${(correct.supervised / 201).toFixed(2)}`,
        `Reconstruction: ${(correct.reconstruction / 201).toFixed(2)}`,
        `Joint-embedding: ${(correct.jointEmbedding / 201).toFixed(2)}`,
        '95% intervals',
      ],
    );
    // the fitted model and the strength what-if reach the panel too (docs/theory.md §6.4)
    assert.equal(model.fit?.important.rule, 'labels+invariance');
    assert.deepEqual(model.strength?.scale, [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4]);

    // "Solutions (.npz)": through the webview's reply, written by the worker's bytes to the target.
    const target = scratchUri('out/digits-views-solutions.npz');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('sslParadigm.preview.export', { format: 'npz', target });
    assert.equal(written?.toString(), target.toString());
    const bytes = await vscode.workspace.fs.readFile(target);
    const keys = npzKeys(bytes);
    assert.deepEqual(keys, [
      'version',
      'supervised_V',
      'supervised_singular',
      'reconstruction_phi',
      'reconstruction_map',
      'reconstruction_row_projector',
      'reconstruction_objective',
      'joint_embedding_omega',
      'joint_embedding_gram',
      'joint_embedding_objective',
      'probe_supervised',
      'probe_reconstruction',
      'probe_joint_embedding',
      'probe_train',
      'probe_test',
      'probe_seed',
    ]);
    const array = (key: string) => readNpz(bytes, 'solutions.npz', key);
    assert.deepEqual(array('supervised_V').shape, [10, 64]);
    assert.deepEqual(array('reconstruction_map').shape, [64, 64]);
    assert.deepEqual(array('joint_embedding_gram').shape, [64, 64]);
    assert.deepEqual(array('joint_embedding_omega').shape, [64]);
    assert.deepEqual(array('probe_test').shape, []);
    assert.equal(array('probe_reconstruction').data[0], 161 / 201);
    // The panel's ω are those of the file (the summary the worker posted with the model).
    const summary = api.solver.latest(views)?.result;
    const solutionSummary = summary && asAlignment(summary).solutionSummary;
    assert.ok(solutionSummary);
    assert.deepEqual([...array('joint_embedding_omega').data], solutionSummary.jointEmbedding.omega);

    // A spectral spec has no solution matrices: nothing is written.
    await open(strong);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', strong);
    await rendered(strong);
    const none = scratchUri('out/strong-solutions.npz');
    assert.equal(await vscode.commands.executeCommand('sslParadigm.preview.export', { format: 'npz', target: none }), undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(none)));
  });

  it('draws the finite-n convergence curves once the spec was simulated', async () => {
    await closeAllEditors();
    const editor = await open(straddling);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', straddling);
    let p = await rendered(straddling);
    assert.ok(!sectionsOf(p).includes('convergence'), 'no convergence chart before a simulation');
    const res = await api.solver.simulate(editor.document);
    assert.ok(res.simulation, `simulated: ${JSON.stringify(res.problems)}`);
    p = await rendered(straddling, (x) => sectionsOf(x).includes('convergence'), 20_000, 'the convergence chart');
    const sim = asAlignment(p.posted!.model).simulation!;
    assert.equal(sim.metric, 'subspace-angle');
    assert.deepEqual(sim.n, [100, 1000, 10000, 100000]);
    assert.equal(sim.series.length, 3 * 4, '3 paradigms x 4 alphas');
    const conv = p.rendered!.charts.filter((c) => c.section === 'convergence');
    assert.ok(conv.length > 0 && conv.every((c) => c.datasets.length > 0 && c.datasets.every((d) => d.n > 0)), JSON.stringify(conv));
    // The analysis itself is unchanged (same run, now with the simulation).
    assert.equal(asAlignment(p.posted!.model).recommendation!.paradigm, 'joint-embedding');
  });

  it('is restored by its serializer from the state its webview saved', async () => {
    await open(strong);
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', strong);
    const shown = await rendered(strong);
    const posted = shown.posted!;
    await closeAllEditors();
    assert.equal((await panels()).length, 0);
    // Nothing to restore (no spec in the state, no active spec): no panel.
    assert.equal(await vscode.commands.executeCommand('sslParadigm.preview.restore', { v: 1, message: 'not json' }), false);
    assert.equal((await panels()).length, 0);
    // The state main.ts saves with setState: the last message as embedded JSON, the lock, the UI.
    // Saved by a previous session, whose run ids and document versions were higher than this
    // session's: the restored panel must still show this session's results.
    const saved = { ...posted, locked: true, runId: posted.runId + 100_000, documentVersion: posted.documentVersion + 1000 };
    const state = { v: 1, message: encodeEmbeddedJson(saved), openTables: ['thresholds'], scrollY: 0, locked: true };
    assert.equal(await vscode.commands.executeCommand('sslParadigm.preview.restore', state), true);
    const p = await rendered(strong, (x) => x.rendered!.charts.length >= 4 && x.posted!.runId < 100_000);
    assert.equal(p.posted!.documentVersion, vscode.workspace.textDocuments.find((d) => d.uri.toString() === strong.toString())?.version);
    assert.equal(p.locked, true, 'the lock survives');
    assert.equal(p.title, '[Locked] Analysis mnist-scale-strong.sslexp.yaml');
    assert.equal(asAlignment(p.posted!.model).recommendation!.paradigm, 'joint-embedding');
    assert.ok(
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === strong.toString()),
      'the spec was reopened for analysis',
    );
    assert.ok(api.solver.latest(strong)?.detailed, 'and analysed with detail');
  });
});
