// The spec files' own language service in a real VS Code with no other extension (docs/architecture.md §2):
// completion at the positions the issue names (keys, families, enum values, file paths),
// hover on every key, document symbols, selection ranges, one diagnostic per fault in JSON
// (no schema contributed: VS Code's JSON service adds nothing of its own), and CodeLens
// kept (marked stale) while another part of the spec has an error.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { codeOf, extensionId, hoverShown, openSpec, replaceDocumentText, sleep, waitFor, workspaceRoot } from './helpers';
import { assertNoHang } from '../support/hangGuard';

const SCRATCH = `.scratch/language-${process.pid}`;
let api: ExtensionApi;

async function openScratch(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH.split('/'), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Completion labels at the `|` of `marked`, written to a scratch spec. */
async function completionAt(name: string, marked: string): Promise<vscode.CompletionItem[]> {
  const offset = marked.indexOf('|');
  const editor = await openScratch(name, marked.replace('|', ''));
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    editor.document.uri,
    editor.document.positionAt(offset),
  );
  // Only ours (word-based suggestions have no documentation and kind Text).
  return list.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text);
}
const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
const snippet = (i: vscode.CompletionItem | undefined) => (i?.insertText instanceof vscode.SnippetString ? i.insertText.value : String(i?.insertText));

describe('language service (no other extension installed)', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId());
    assert.ok(ext);
    api = await ext.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), ...SCRATCH.split('/')), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
  });

  it('a new top-level line: the root keys not present, with documentation', async () => {
    const items = await completionAt('top.sslexp.yaml', 'sslexp: 1\nname: x\n|');
    const labels = items.map(label);
    for (const k of ['signal', 'noise', 'alpha', 'simulate', 'data', 'graph', 'embedding', 'methods'])
      assert.ok(labels.includes(k), `${k} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('sslexp') && !labels.includes('name'), 'keys already present are not offered');
    const alpha = items.find((i) => label(i) === 'alpha')!;
    assert.match((alpha.documentation as vscode.MarkdownString).value, /alignment of the augmentation with the noise/);
  });

  it('a child of signal:, after variance:, after metric:, inside {power_law, an empty spec', async () => {
    assert.deepEqual((await completionAt('child.sslexp.yaml', 'sslexp: 1\nsignal:\n  count: 5\n  |')).map(label).sort(), ['augmentation', 'variance']);
    const families = await completionAt('variance.sslexp.yaml', 'sslexp: 1\nsignal:\n  count: 5\n  variance: |');
    assert.deepEqual(families.map(label).sort(), ['exponential', 'file', 'flat', 'power_law', 'uniform']);
    assert.equal(snippet(families.find((i) => label(i) === 'power_law')), '{power_law: {first: ${1:300000}, exponent: ${2:1}}}');
    assert.deepEqual((await completionAt('metric.sslexp.yaml', 'sslexp: 1\nsimulate:\n  metric: |')).map(label).sort(), ['probe-gap', 'subspace-angle']);
    const inFlow = await completionAt('flow.sslexp.yaml', 'sslexp: 1\nsignal:\n  count: 3\n  variance: {power_law|}');
    assert.equal(snippet(inFlow.find((i) => label(i) === 'power_law')), 'power_law: {first: ${1:300000}, exponent: ${2:1}}');
    const empty = (await completionAt('empty.sslexp.yaml', '|')).map(label);
    assert.ok(empty.includes('sslexp') && empty.includes('spectral spec'), empty.join(', '));
    const graph = (await completionAt('graph.sslexp.yaml', 'sslexp: 1\ngraph: {views: 2}\ndata: {file: a.npy}\n|')).map(label);
    assert.ok(graph.includes('embedding') && graph.includes('methods') && !graph.includes('signal'), graph.join(', '));
    const json = (await completionAt('keys.sslexp.json', '{"sslexp": 1, "signal": {"count": 3, "|"}}')).map(label).sort();
    assert.deepEqual(json, ['augmentation', 'variance']);
  });

  it('completion inside item 2 of a block list and after a multi-line flow sequence', async () => {
    const items = await completionAt('list.sslexp.yaml', 'sslexp: 1\nsimulate:\n  n:\n    - 100\n    - 1000\n    - |\n  seed: 1\n');
    assert.deepEqual(
      items.map((i) => [label(i), i.detail, snippet(i)]),
      [['1000', 'example', '1000']],
    );
    const keys = await completionAt('flowseq.sslexp.yaml', 'sslexp: 1\nsimulate: {n: [100,\n              1000], |}\n');
    assert.deepEqual(keys.map(label).sort(), ['alpha', 'metric', 'repeats', 'seed']);
  });

  it('hover on the second line of a multi-line flow mapping: the numbers of the spectrum, or the key', async () => {
    const text =
      'sslexp: 1\nsignal:\n  count: 10\n  variance: {power_law: {first: 100,\n                         exponent: 1}}\n' +
      'noise: {variance: {uniform: {low: 0.5, high: 5, seed: 3}},\n        count: 20}\nalpha: 0.5\n';
    const editor = await openScratch('multiline.sslexp.yaml', text);
    const doc = editor.document;
    await waitFor(() => api.solver.latestFor(doc), 15_000, 'the analysis');
    const hoverAt = async (needle: string) => {
      const offset = text.indexOf(needle) + 2;
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset));
      const h = hovers.find((x) => x.range?.contains(doc.positionAt(offset)));
      assert.ok(h, needle);
      return { text: hoverShown(h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n')), range: doc.getText(h.range) };
    };
    const exponent = await hoverAt('exponent: 1}');
    assert.equal(exponent.range, '{power_law: {first: 100,\n                         exponent: 1}}');
    assert.ok(
      exponent.text.startsWith(
        '**signal.variance**: c_i, the signal variances\n\npower_law (first 100, exponent 1, offset 0)  \n10 components; first values: 100, 50,',
      ),
      exponent.text,
    );
    const count = await hoverAt('count: 20');
    assert.equal(count.range, 'count');
    assert.ok(count.text.startsWith('**count**\n\nd − k, the number of noise components'), count.text);
  });

  it('file: values are the workspace data files relative to the spec', async () => {
    const items = (await completionAt('files.sslexp.yaml', 'sslexp: 1\ndata:\n  file: |')).map(label);
    assert.ok(
      items.some((l) => l.endsWith('data/digits-clean.npy')),
      items.join(', '),
    );
    assert.ok(
      items.every((l) => /\.(npy|npz|csv|tsv|txt)$/i.test(l)),
      items.join(', '),
    );
    assert.ok(
      items.some((l) => l.startsWith('../../')),
      'relative to the spec in .scratch/…',
    );
  });

  it('hover on every key of an example (definition docs, or the numbers it drives)', async () => {
    const editor = await openSpec('weak-noise.sslexp.yaml');
    const doc = editor.document;
    await waitFor(() => api.solver.latestFor(doc), 15_000, 'the analysis');
    const keys = [...doc.getText().matchAll(/^\s*([a-z_]+):/gm)];
    assert.ok(keys.length > 5);
    for (const m of keys) {
      const pos = doc.positionAt(m.index! + m[0].indexOf(m[1]) + 1);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.ok(text.length > 20, `hover on '${m[1]}'`);
    }
  });

  it('document symbols and selection ranges', async () => {
    const editor = await openSpec('weak-noise.sslexp.yaml');
    const syms = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    const names = syms.map((s) => s.name);
    for (const k of ['sslexp', 'signal', 'noise', 'alpha']) assert.ok(names.includes(k), names.join(', '));
    const signal = syms.find((s) => s.name === 'signal')!;
    assert.ok(signal.children.some((c) => c.name === 'variance'));
    const at = editor.document.positionAt(editor.document.getText().indexOf('alpha:') + 1);
    const [ranges] = await vscode.commands.executeCommand<vscode.SelectionRange[]>('vscode.executeSelectionRangeProvider', editor.document.uri, [at]);
    assert.ok(ranges && ranges.parent, 'nested ranges');
  });

  it("JSON: one diagnostic per fault; VS Code's JSON service adds no schema problems and owns syntax", async () => {
    const diagnostics = async (name: string, text: string) => {
      const editor = await openScratch(name, text);
      await waitFor(() => api.solver.latestFor(editor.document), 15_000, 'the analysis');
      await sleep(2500); // give VS Code's JSON language service time to publish its own
      return vscode.languages.getDiagnostics(editor.document.uri).map((d) => `${d.source}:${codeOf(d)}:${d.range.start.line}`);
    };
    // Three faults with a syntax error: the syntax error stops the validation, so it is reported exactly once.
    const broken = await diagnostics(
      'three.sslexp.json',
      '{"sslexp": 1, "varience": 1,\n "alpha": -1,\n "signal": {"variance": [1]} "noise": {"variance": [1]}}\n',
    );
    const syntax = broken.filter((d) => d.endsWith(':2'));
    assert.equal(syntax.length, 1, broken.join('; '));
    assert.ok(syntax[0].startsWith('json:'), `the syntax error comes from VS Code's JSON service: ${broken.join('; ')}`);
    assert.ok(broken.length === 1, `only the syntax error while it stops the parse: ${broken.join('; ')}`);
    // With the syntax error fixed: exactly the two other faults, once each.
    const two = await diagnostics(
      'two.sslexp.json',
      '{"sslexp": 1, "varience": 1,\n "alpha": -1,\n "signal": {"variance": [1]}, "noise": {"variance": [1]}}\n',
    );
    assert.deepEqual(two.sort(), ['sslexp:negative-alpha:1', 'sslexp:unknown-key:0'], two.join('; '));
    // `{}`: three faults (no sslexp, no signal, no noise), one diagnostic each, all ours.
    const editor = await openScratch('empty-object.sslexp.json', '{}\n');
    await waitFor(() => api.solver.latestFor(editor.document), 15_000, 'the analysis');
    await sleep(2500);
    const empty = vscode.languages.getDiagnostics(editor.document.uri).map((d) => `${d.source}: ${d.message}`);
    assert.deepEqual(empty.sort(), [
      "sslexp: Missing required field 'noise' (spectral mode needs 'signal' and 'noise'; data mode needs 'data').",
      "sslexp: Missing required field 'signal' (spectral mode needs 'signal' and 'noise'; data mode needs 'data').",
      "sslexp: Missing required field 'sslexp' (the format version; add `sslexp: 1`).",
    ]);
  });

  it('CodeLens stays (stale) while another part of the spec has an error', async () => {
    const text = 'sslexp: 1\nsignal:\n  variance: [10, 2]\nnoise:\n  variance: [3, 0.5]\nalpha: 1\n';
    const editor = await openScratch('stale.sslexp.yaml', text);
    const doc = editor.document;
    await waitFor(() => api.solver.latestFor(doc), 15_000, 'the analysis');
    const titles = async () =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri))
        .filter((l) => l.command)
        .map((l) => l.command!.title);
    const fresh = await titles();
    assert.match(fresh[0], /^α_RC = /);
    await replaceDocumentText(doc, text.replace('alpha: 1', 'alpha: -1'));
    await waitFor(() => api.solver.latestFor(doc), 15_000, 'the analysis of the broken text');
    const stale = await titles();
    assert.equal(stale[0], '1 problem');
    // Short beside the problems lens (a split editor cuts long titles): the recommendation, the rest in the tooltip.
    assert.equal(stale[1], `${fresh[0].split(' · ').pop()} (stale)`);
    assert.ok(api.solver.lastGood(doc.uri)?.stale);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});

describe('activation', function () {
  it('activate() is cheap: no worker, no file reads (figure in the README)', async function () {
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId());
    assert.ok(ext);
    const api = await ext.activate();
    this.test!.title += ` [activate() ${api.activationMs.toFixed(1)} ms; worker started by activate(): ${api.workerStartedOnActivation}]`;
    // cheap by construction: no worker and no file read on activation (the time is a figure, in the title)
    assert.equal(api.workerStartedOnActivation, false, 'activate() starts no worker');
    assertNoHang(api.activationMs, 'activate()');
    const pkg = ext.packageJSON as { activationEvents: string[] };
    assert.ok(!pkg.activationEvents.some((e) => e === 'onLanguage:yaml' || e === 'onLanguage:json'), 'no activation on every YAML/JSON file');
  });
});
