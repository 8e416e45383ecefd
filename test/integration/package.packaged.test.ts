/**
 * Packaging smoke test (docs/architecture.md §2): `npm run package` builds the .vsix, scripts/run-integration.mjs
 * installs it into the VS Code host with `--install-extension` and runs this suite with an
 * empty carrier as the extension under development. The installed extension must activate
 * on a spec, run its bundled worker and publish diagnostics and CodeLens.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionId, extensionRoot, waitFor, workspaceRoot } from './helpers';

describe('the packaged extension (.vsix installed into VS Code)', function () {
  this.timeout(60_000);

  it('is installed from the .vsix, not loaded from the repository', () => {
    const ext = vscode.extensions.getExtension(extensionId());
    assert.ok(ext, `${extensionId()} is installed`);
    assert.notEqual(path.resolve(ext.extensionPath), path.resolve(extensionRoot), 'not the development copy');
    assert.match(ext.extensionPath, /ssl-paradigm\.ssl-paradigm-advisor-\d+\.\d+\.\d+$/);
    assert.equal(ext.packageJSON.name, 'ssl-paradigm-advisor');
  });

  it('ships only the allow-listed files: the three extension bundles, media, schema, README, LICENSE', () => {
    const ext = vscode.extensions.getExtension(extensionId())!;
    const files: string[] = [];
    const walk = (d: string, rel = ''): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(d, e.name), r);
        else files.push(r);
      }
    };
    walk(ext.extensionPath);
    for (const f of [
      'dist/extension.js',
      'dist/worker.js',
      'dist/webview.js',
      'schemas/sslexp.schema.json',
      'media/panel.css',
      'package.json',
      'package.nls.json',
      'l10n/bundle.l10n.json',
    ]) {
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    }
    assert.ok(!files.includes('dist/cli.js'), 'the sslexp command is not shipped in the .vsix');
    const unexpected = files.filter((f) => /^(src|test|out|node_modules|scripts|bench|examples|\.cache)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(unexpected, []);
  });

  it('activates on a spec, and its bundled worker publishes diagnostics and CodeLens', async () => {
    const ext = vscode.extensions.getExtension(extensionId())!;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'straddling.sslexp.yaml'));
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ext.isActive || undefined, 20_000, 'activation');
    const diags = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'sslexp');
        return d.length ? d : undefined;
      },
      20_000,
      'diagnostics from the packaged worker',
    );
    const below = diags.find((d) => d.code === 'alpha-below-rc');
    assert.ok(below, diags.map((d) => d.code).join());
    assert.equal(below.range.start.line, 12);
    const lenses = await waitFor(
      async () => {
        const l = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
        return l.some((x) => x.command?.title.startsWith('α_RC')) ? l : undefined;
      },
      20_000,
      'CodeLens',
    );
    assert.equal(lenses.find((x) => x.command?.title.startsWith('α_RC'))!.command!.title, 'α_RC = 0.764 · α_JE = 0.707 · joint-embedding');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['sslParadigm.showPreview', 'sslParadigm.showPreviewToSide', 'sslParadigm.runSimulation', 'sslParadigm.newSpec'])
      assert.ok(commands.includes(c), c);
  });
});
