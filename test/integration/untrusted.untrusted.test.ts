// Restricted Mode (docs/architecture.md §6): spectral analysis still works, data files are not read,
// and a warning on the path says why (the core's `untrusted-file` problem).
import { asAlignment } from '../support/engine';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { closeAllEditors, extensionId, openSpec, waitFor, codeOf } from './helpers';

describe('editor features in an untrusted workspace', function () {
  this.timeout(30_000);
  let api: ExtensionApi;

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    api = await vscode.extensions.getExtension<ExtensionApi>(extensionId())!.activate();
  });
  afterEach(closeAllEditors);

  const analysed = (doc: vscode.TextDocument) => waitFor(() => api.solver.latestFor(doc), 15_000, `the analysis of ${doc.uri.path}`);

  it('does not read spectrum files and explains why, on the paths', async () => {
    const editor = await openSpec('families/file.sslexp.yaml');
    const doc = editor.document;
    await analysed(doc);
    const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'sslexp');
    const at = (needle: string): [number, number, number, number] => {
      const i = doc.getText().indexOf(needle);
      const s = doc.positionAt(i);
      const e = doc.positionAt(i + needle.length);
      return [s.line, s.character, e.line, e.character];
    };
    assert.deepEqual(
      ds.map((d) => [codeOf(d), d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      [
        [
          'untrusted-file',
          vscode.DiagnosticSeverity.Warning,
          ...at('../spectra/signal.npy'),
          "Data files are not read in an untrusted workspace: '../spectra/signal.npy' is ignored and signal.variance cannot be evaluated.",
        ],
        [
          'untrusted-file',
          vscode.DiagnosticSeverity.Warning,
          ...at('../spectra/noise.csv'),
          "Data files are not read in an untrusted workspace: '../spectra/noise.csv' is ignored and noise.variance cannot be evaluated.",
        ],
      ],
    );
    assert.ok(!ds.some((d) => codeOf(d) === 'file-not-found' || codeOf(d) === 'file-read-error'), 'no attempt to read was made');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.deepEqual(
      lenses.map((l) => [l.command?.title, l.command?.command]),
      [
        ['data files not read in Restricted Mode', 'workbench.trust.manage'],
        ['Open analysis', 'sslParadigm.showPreviewToSide'],
      ],
    );
  });

  it('still runs the spectral analysis: thresholds, CodeLens and theory findings', async () => {
    const editor = await openSpec('straddling.sslexp.yaml');
    const event = await analysed(editor.document);
    assert.equal(asAlignment(event.result).recommendation?.paradigm, 'joint-embedding');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      ['α_RC = 0.764 · α_JE = 0.707 · joint-embedding', 'Open analysis', 'Run simulation'],
    );
    const codes = vscode.languages.getDiagnostics(editor.document.uri).map((d) => codeOf(d));
    assert.deepEqual(codes, ['regime', 'alpha-below-rc']);
  });
});
