// Virtual file systems (docs/architecture.md §2): a spec on a `memfs:` FileSystemProvider registered here, whose
// spectrum files are on the same file system. The worker cannot read them with node:fs; the host
// reads them through `vscode.workspace.fs` and sends them with the request (src/host/solverClient.ts).
// Expected numbers: `sslexp analyze` of the same spec and files on disk (α_RC = 5.91, α_JE = 1.38).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { npzKeys, readNpz } from '../../src/core/io/npz';
import type { PreviewSnapshot } from '../../src/preview/previewManager';
import { activatedApi, closeAllEditors, codeOf, waitFor, workspaceRoot } from './helpers';
import { asAlignment } from '../support/engine';
import digitsViews from '../oracle/digits_views.json';

const SCHEME = 'memfs';

/** A minimal in-memory file system: enough for the extension to stat and read files. */
class MemFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Paths read through the provider (to prove the host, not the worker, read them). */
  readonly reads: string[] = [];

  private dirs(): Set<string> {
    const out = new Set<string>(['/']);
    for (const p of this.files.keys()) {
      const parts = p.split('/');
      for (let i = 2; i < parts.length; i++) out.add(parts.slice(0, i).join('/'));
    }
    return out;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.files.get(uri.path);
    if (f) return { type: vscode.FileType.File, ctime: f.mtime, mtime: f.mtime, size: f.data.length };
    if (this.dirs().has(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }
  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    const out = new Map<string, vscode.FileType>();
    for (const p of [...this.files.keys(), ...this.dirs()]) {
      if (!p.startsWith(prefix) || p === prefix) continue;
      const rest = p.slice(prefix.length).split('/');
      out.set(rest[0], rest.length > 1 || !this.files.has(p) ? vscode.FileType.Directory : vscode.FileType.File);
    }
    return [...out];
  }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const f = this.files.get(uri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    this.reads.push(uri.path);
    return f.data;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const existed = this.files.has(uri.path);
    this.files.set(uri.path, { data: content, mtime: Date.now() });
    this.emitter.fire([{ type: existed ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
    this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }
  rename(oldUri: vscode.Uri, newUri: vscode.Uri): void {
    const f = this.files.get(oldUri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(oldUri);
    this.files.delete(oldUri.path);
    this.files.set(newUri.path, f);
  }
}

/** A float64 .npy (format 1.0) of `values`. */
function npy(values: number[]): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + 8 * values.length);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return out;
}

const SPEC =
  'sslexp: 1\nsignal:\n  variance: {file: spectra/signal.npy}\n  augmentation: 2\nnoise:\n  variance: {file: spectra/noise.csv}\n  augmentation: 1\nalpha: 0.5\n';

describe('virtual file systems (memfs:)', function () {
  this.timeout(60_000);
  const fsp = new MemFs();
  let api: ExtensionApi;
  let registration: vscode.Disposable;
  const uri = (p: string): vscode.Uri => vscode.Uri.from({ scheme: SCHEME, path: p });

  before(async () => {
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, fsp, { isCaseSensitive: true });
    api = await activatedApi();
    const enc = new TextEncoder();
    await vscode.workspace.fs.writeFile(uri('/proj/spectra/signal.npy'), npy([9, 4, 2.5, 1]));
    await vscode.workspace.fs.writeFile(uri('/proj/spectra/noise.csv'), enc.encode('value\n12\n8\n3\n0.5\n0.25\n'));
    await vscode.workspace.fs.writeFile(uri('/proj/vfs.sslexp.yaml'), enc.encode(SPEC));
    await vscode.workspace.fs.writeFile(
      uri('/proj/missing.sslexp.yaml'),
      enc.encode('sslexp: 1\nsignal:\n  variance: {file: spectra/missing.npy}\nnoise:\n  variance: [2]\n'),
    );
  });

  after(async () => {
    await closeAllEditors();
    registration.dispose();
  });

  it('analyses a spec whose spectrum files (.npy, .csv) are on the virtual file system: diagnostics and CodeLens', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('/proj/vfs.sslexp.yaml'));
    await vscode.window.showTextDocument(doc, { preview: false });
    const event = await waitFor(() => api.solver.latestFor(doc), 20_000, 'the analysis of the memfs spec');
    assert.deepEqual(
      event.result.problems.filter((p) => p.severity === 'error'),
      [],
      'no errors: both files were read',
    );
    assert.ok(
      fsp.reads.includes('/proj/spectra/signal.npy') && fsp.reads.includes('/proj/spectra/noise.csv'),
      `read through the provider: ${fsp.reads.join(', ')}`,
    );
    const diags = await waitFor(
      () => {
        const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'sslexp');
        return ds.length >= 2 ? ds : undefined;
      },
      10_000,
      'the diagnostics of the memfs spec',
    );
    const messages = diags.map((d) => `${codeOf(d)}: ${d.message}`).sort();
    assert.deepEqual(
      messages.filter((m) => m.startsWith('alpha-below')),
      [
        'alpha-below-je: α = 0.5 is below α_JE = 1.38: joint-embedding will not recover the clean encoder (needs α > 1.38).',
        'alpha-below-rc: α = 0.5 is below α_RC = 5.91: reconstruction will not recover the clean encoder (needs α > 5.91).',
      ],
    );
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const titles = lenses.filter((l) => l.command).map((l) => l.command!.title);
    assert.equal(titles[0], 'α_RC = 5.91 · α_JE = 1.38 · joint-embedding');
  });

  it('re-reads the files on every analysis: a changed spectrum file changes the thresholds', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('/proj/vfs.sslexp.yaml'));
    // every noise variance below the boundary: reconstruction recovers at any alpha (α²_RC < 0)
    await vscode.workspace.fs.writeFile(uri('/proj/spectra/noise.csv'), new TextEncoder().encode('value\n0.5\n0.25\n'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(doc.getText().length), '# changed\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const event = await waitFor(() => api.solver.latestFor(doc), 20_000, 'the re-analysis');
    const title = await waitFor(
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
        const t = lenses.find((l) => l.command?.title.startsWith('α_RC'))?.command?.title;
        return t && t !== 'α_RC = 5.91 · α_JE = 1.38 · joint-embedding' ? t : undefined;
      },
      10_000,
      'a new CodeLens title',
    );
    assert.deepEqual(
      event.result.problems.filter((p) => p.severity === 'error'),
      [],
    );
    // `sslexp analyze` of the same files: α²_RC = -1.5 (any α), α²_JE ≈ 4e-16 (sqrt 2.11e-8)
    assert.match(title, /^α_RC = any · α_JE = 2\.11e-8/);
  });

  it('reports a missing file on the virtual file system as file-not-found, like on disk', async () => {
    const doc = await vscode.workspace.openTextDocument(uri('/proj/missing.sslexp.yaml'));
    await vscode.window.showTextDocument(doc, { preview: false });
    const diags = await waitFor(
      () => {
        const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'sslexp');
        return ds.length > 0 ? ds : undefined;
      },
      20_000,
      'the diagnostics of the spec with a missing file',
    );
    assert.deepEqual(
      diags.map((d) => [codeOf(d), d.range.start.line, d.range.start.character, d.range.end.character, d.message]),
      [['file-not-found', 2, 19, 38, "File 'spectra/missing.npy' not found (looked for /proj/spectra/missing.npy)."]],
    );
  });

  it('exports the .npz of a data-mode spec on the virtual file system to the virtual file system (the probe on the panel too)', async () => {
    // examples/digits-views.sslexp.yaml and its three data files, copied onto memfs:
    for (const name of ['digits-clean.npy', 'digits-augmented-labels.npy', 'digits-augmented-views.npy'])
      await vscode.workspace.fs.writeFile(uri(`/proj/data/${name}`), await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'data', name)));
    const specUri = uri('/proj/views.sslexp.yaml');
    await vscode.workspace.fs.writeFile(specUri, await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'digits-views.sslexp.yaml')));
    const doc = await vscode.workspace.openTextDocument(specUri);
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('sslParadigm.showPreviewToSide', specUri);
    const panel = await waitFor(
      async () =>
        ((await vscode.commands.executeCommand<PreviewSnapshot[]>('sslParadigm.preview.inspect')) ?? []).find(
          (p) => p.resource === specUri.toString() && p.rendered?.charts.some((c) => c.section === 'probe'),
        ),
      30_000,
      'the panel of the memfs views spec with its probe',
    );
    const model = panel.posted!.model;
    // as numpy computes it (test/oracle/digits_views.py)
    assert.equal(asAlignment(model).probe?.reconstruction, digitsViews.probeCorrect.reconstruction / digitsViews.split.test);
    assert.ok(fsp.reads.includes('/proj/data/digits-augmented-views.npy'), 'the host read the views through the provider');

    const target = uri('/proj/out/views-solutions.npz');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('sslParadigm.preview.export', { format: 'npz', target });
    assert.equal(written?.toString(), target.toString());
    const bytes = await vscode.workspace.fs.readFile(target);
    assert.equal(npzKeys(bytes).length, 16);
    assert.deepEqual(readNpz(bytes, 'views-solutions.npz', 'supervised_V').shape, [10, 64]);
    assert.equal(readNpz(bytes, 'views-solutions.npz', 'probe_joint_embedding').data[0], digitsViews.probeCorrect.jointEmbedding / digitsViews.split.test);
  });
});
