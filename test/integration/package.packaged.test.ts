/**
 * Packaging smoke test (docs/architecture.md §2): `npm run package` builds the .vsix, scripts/run-integration.mjs
 * installs it into the VS Code host with `--install-extension` and runs this suite with an
 * empty carrier as the extension under development. The installed extension must activate
 * on a spec, run its bundled worker and publish diagnostics and CodeLens.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionId, extensionRoot, waitFor, workspaceRoot, codeOf } from './helpers';

describe('the packaged extension (.vsix installed into VS Code)', function () {
  this.timeout(60_000);

  it('is installed from the .vsix, not loaded from the repository', () => {
    const ext = vscode.extensions.getExtension(extensionId());
    assert.ok(ext, `${extensionId()} is installed`);
    assert.notEqual(path.resolve(ext.extensionPath), path.resolve(extensionRoot), 'not the development copy');
    assert.match(ext.extensionPath, /ssl-paradigm\.ssl-paradigm-advisor-\d+\.\d+\.\d+$/);
    assert.equal(ext.packageJSON.name, 'ssl-paradigm-advisor');
  });

  it('ships only the allow-listed files: the bundles, the sslexp command its manifest declares, media, schema, the documentation, README, LICENSE', () => {
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
      // What the walkthrough shows and what the documentation links open.
      'media/screenshot-editor.png',
      'media/screenshot-panel.png',
      'docs/theory.md',
      'docs/architecture.md',
    ]) {
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    }
    // Every path the packaged manifest names is in the package: `bin` (the sslexp command), `main`, `browser`, the icon.
    const pkg = ext.packageJSON as { bin: Record<string, string>; main: string; browser: string; icon: string };
    for (const rel of [...Object.values(pkg.bin), pkg.main, pkg.browser, pkg.icon]) assert.ok(files.includes(rel.replace(/^\.\//, '')), `${rel} is shipped`);
    assert.equal(pkg.bin.sslexp, 'dist/cli.js');
    const unexpected = files.filter((f) => /^(src|test|out|node_modules|scripts|bench|examples|\.cache)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(unexpected, []);
    assert.deepEqual(
      files.filter((f) => f.startsWith('docs/')),
      ['docs/architecture.md', 'docs/theory.md'],
    );
  });

  it('its sslexp command runs from the package: `sslexp check` on an example', () => {
    const ext = vscode.extensions.getExtension(extensionId())!;
    const spec = vscode.Uri.joinPath(workspaceRoot(), 'straddling.sslexp.yaml').fsPath;
    const r = spawnSync(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'check', spec], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    // the finding on the value of `alpha:` (its 1-based line in the example)
    const line = fs.readFileSync(spec, 'utf8').split('\n').indexOf('alpha: 0.73') + 1;
    assert.ok(line > 0);
    assert.match(r.stdout, new RegExp(`straddling\\.sslexp\\.yaml:${line}:8: info alpha-below-rc: `));
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
    const below = diags.find((d) => codeOf(d) === 'alpha-below-rc');
    assert.ok(below, diags.map((d) => codeOf(d)).join());
    assert.equal(below.range.start.line, doc.getText().split('\n').indexOf('alpha: 0.73'));
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
