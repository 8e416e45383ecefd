// Hostile specs and data files in a real VS Code (docs/architecture.md §6): a zip
// bomb, a spectrum that is a symlink to /proc/self/pagemap and a mapping nested 2000 levels
// deep each end in a located diagnostic, and the extension keeps analysing other specs; a
// spec that exhausts the analysis worker's heap stops only the worker, which is restarted,
// and the spec gets a `worker-crashed` diagnostic. The fixtures are written at test time
// into a scratch folder of the workspace and deleted afterwards.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { deepSpec, zipBombNpz } from '../support/hostile';
import { activatedApi, closeAllEditors, codeOf, waitForDiagnostics, workspaceRoot } from './helpers';
import { asAlignment } from '../support/engine';
import { assertNoHang } from '../support/hangGuard';

/** Scratch folder of this suite inside the workspace (the host suite ignores `.scratch*`). */
const SCRATCH = `.scratch/hostile-${process.pid}`;

let api: ExtensionApi;
let dir: string;

async function open(name: string, text: string): Promise<vscode.TextDocument> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The sslexp diagnostics of `doc` once one has `code`, as [code, line, character, covered text, message]. */
async function diagnosticWith(doc: vscode.TextDocument, code: string, timeoutMs = 30_000): Promise<[string, number, number, string, string]> {
  const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => x.code === code), timeoutMs);
  const d = ds.find((x) => x.code === code)!;
  assert.equal(d.source, 'sslexp');
  return [codeOf(d), d.range.start.line, d.range.start.character, doc.getText(d.range), d.message];
}

/** Another, ordinary spec is analysed as usual (a fresh document, so that nothing is cached). */
async function stillAnalyses(tag: string): Promise<void> {
  const doc = await open(
    `ordinary-${tag}.sslexp.yaml`,
    'sslexp: 1\nsignal:\n  variance: [10, 2]\n  augmentation: [1, 1]\nnoise:\n  variance: [3, 0.5]\n  augmentation: [2, 0]\nalpha: 0.5\n',
  );
  const [code] = await diagnosticWith(doc, 'alpha-below-je');
  assert.equal(code, 'alpha-below-je');
  const r = await api.solver.analyze(doc);
  assert.ok(asAlignment(r).recommendation?.paradigm, 'a recommendation');
}

describe('hostile specs and files (docs/architecture.md §6)', function () {
  this.timeout(120_000);

  before(async () => {
    api = await activatedApi();
    dir = path.join(workspaceRoot().fsPath, ...SCRATCH.split('/'));
    fs.mkdirSync(path.join(dir, 'd'), { recursive: true });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sslParadigm').update('worker.maxMemoryMB', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a 0.5 MB deflated .npz declaring 500000 × 1000 values: limit-exceeded on data.file, within seconds', async () => {
    fs.writeFileSync(path.join(dir, 'd', 'bomb.npz'), zipBombNpz([500_000, 1000]));
    const t0 = Date.now();
    const doc = await open('bomb.sslexp.yaml', 'sslexp: 1\ndata:\n  file: d/bomb.npz\n  pca: 2\n');
    const [code, line, character, text, message] = await diagnosticWith(doc, 'limit-exceeded');
    assert.deepEqual([code, line, character, text], ['limit-exceeded', 2, 8, 'd/bomb.npz']);
    assert.match(
      message,
      /bomb\.npz: member 'x\.npy' declares 500000128 bytes from \d+ compressed bytes \(\d+:1\); a member read in blocks may expand at most 100:1/,
    );
    assertNoHang(Date.now() - t0, 'the zip bomb refusal');
    await stillAnalyses('bomb');
  });

  it('a spectrum file that is a symlink to /proc/self/pagemap: a read error on the path', async function () {
    if (!fs.existsSync('/proc/self/pagemap')) this.skip();
    fs.symlinkSync('/proc/self/pagemap', path.join(dir, 'd', 'pagemap.npy'));
    const doc = await open('pagemap.sslexp.yaml', 'sslexp: 1\nsignal:\n  variance: {file: d/pagemap.npy}\nnoise:\n  variance: [1]\n');
    const [code, line, character, text, message] = await diagnosticWith(doc, 'file-read-error');
    assert.deepEqual([code, line, character, text], ['file-read-error', 2, 19, 'd/pagemap.npy']);
    assert.match(message, /reports a size of 0 but holds more than 1048576 bytes/);
    await stillAnalyses('pagemap');
  });

  it('a mapping nested 2000 levels deep: too-deep at its 65th level', async () => {
    const doc = await open('deep.sslexp.yaml', deepSpec(2000));
    const [code, line, character, , message] = await diagnosticWith(doc, 'too-deep');
    assert.deepEqual([code, line, character], ['too-deep', 65, 64]);
    assert.match(message, /nested too deeply \(more than 64 levels\)/);
    await stillAnalyses('deep');
  });

  it('a spec that exhausts the worker heap: worker-crashed on the spec, the worker restarts, other specs are analysed', async () => {
    const config = vscode.workspace.getConfiguration('sslParadigm');
    await config.update('worker.maxMemoryMB', 64, vscode.ConfigurationTarget.Global);
    try {
      // within every limit of the engine, but its YAML parse needs more than 64 MB of heap
      const values = Array.from({ length: 99_000 }, (_, i) => (i % 9) + 1).join(',');
      const doc = await open('heavy.sslexp.yaml', `sslexp: 1\nsignal:\n  variance: [${values}]\nnoise:\n  count: 1\n  variance: 1\nalpha: 1\n`);
      const [code, line, character, , message] = await diagnosticWith(doc, 'worker-crashed', 90_000);
      assert.deepEqual([code, line, character], ['worker-crashed', 0, 0]);
      assert.match(message, /stopped the solver worker: it ran out of memory \(the worker's limit is 64 MB, setting sslParadigm\.worker\.maxMemoryMB\)/);
      await stillAnalyses('after-crash');
    } finally {
      await config.update('worker.maxMemoryMB', undefined, vscode.ConfigurationTarget.Global);
    }
    await stillAnalyses('default-heap');
  });
});
