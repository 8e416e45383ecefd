// Proves the harness against the real VS Code API: right host, right workspace (a scratch copy
// of examples/), documents and diagnostics reachable, the extension under development loaded,
// and the runner's screenshot endpoint answering. No product features here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, ENV, extensionId, extensionRoot, openSpec, replaceDocumentText, screenshot, waitForDiagnostics, workspaceRoot } from './helpers';

/** Relative paths of every file below `dir`, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

describe('VS Code host', () => {
  afterEach(closeAllEditors);

  it('is the real VS Code 1.100.3 with a Node extension host', () => {
    assert.equal(vscode.version, '1.100.3');
    assert.equal(typeof process.versions.node, 'string', 'the extension host is a Node process');
    if (process.env[ENV.runnerPort]) {
      // scripts/vscode-host.mjs: the web workbench of code-server, this host being its remote side.
      assert.equal(vscode.version, process.env.SSL_EXPECT_VSCODE_VERSION);
      assert.equal(vscode.env.appName, 'code-server');
      assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
      assert.match(vscode.env.remoteName ?? '', /^127\.0\.0\.1:\d+$/);
    }
  });

  it('opens a trusted workspace that is a scratch copy of examples/', () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder');
    const root = workspaceRoot().fsPath;
    assert.ok(!path.resolve(root).startsWith(extensionRoot + path.sep), `${root} is outside the repository (not examples/ itself)`);
    // Every example is there (other suites may have added files to the copy before this one ran).
    const examples = listFiles(path.join(extensionRoot, 'examples'));
    assert.ok(examples.length > 0, 'the repository has examples');
    const copied = new Set(listFiles(root));
    assert.deepEqual(
      examples.filter((f) => !copied.has(f)),
      [],
      'files of examples/ missing from the workspace',
    );
  });

  it('edits and saves a workspace file through the API without touching the repository', async () => {
    const rel = `.scratch/harness-${process.pid}.txt`;
    const uri = vscode.Uri.joinPath(workspaceRoot(), '.scratch', `harness-${process.pid}.txt`);
    await vscode.workspace.fs.writeFile(uri, Buffer.from('first line\n'));
    const editor = await openSpec(rel);
    assert.equal(editor.document.getText(), 'first line\n');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    await replaceDocumentText(editor, 'replaced\nsecond line\n');
    assert.equal(editor.document.lineCount, 3);
    assert.equal(editor.document.isDirty, true);
    assert.equal(await editor.document.save(), true);
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), 'replaced\nsecond line\n');
    assert.equal(fs.existsSync(path.join(extensionRoot, 'examples', rel)), false);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), '.scratch'), { recursive: true });
  });

  it('reads diagnostics of a document through vscode.languages', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'diagnostics probe' });
    const all = vscode.languages.getDiagnostics();
    assert.ok(Array.isArray(all));
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri), []);
    // A collection of our own: waitForDiagnostics sees it arrive through onDidChangeDiagnostics.
    const collection = vscode.languages.createDiagnosticCollection('harness-probe');
    try {
      setTimeout(
        () => collection.set(doc.uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 11), 'probe finding', vscode.DiagnosticSeverity.Warning)]),
        100,
      );
      const ds = await waitForDiagnostics(doc.uri, (d) => d.some((x) => x.message === 'probe finding'), 5000);
      assert.equal(ds.length, 1);
      assert.equal(ds[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.deepEqual([ds[0].range.start.character, ds[0].range.end.character], [0, 11]);
      await assert.rejects(
        waitForDiagnostics(doc.uri, (d) => d.length === 2, 300),
        /timed out after 300 ms.*probe finding/,
      );
    } finally {
      collection.dispose();
    }
  });

  it('loads the extension under development from this repository', () => {
    const ext = vscode.extensions.getExtension('ssl-paradigm.ssl-paradigm-advisor');
    assert.ok(ext, 'ssl-paradigm.ssl-paradigm-advisor is registered');
    assert.equal(extensionId(), ext.id);
    assert.equal(path.resolve(ext.extensionUri.fsPath), extensionRoot);
    assert.equal(ext.packageJSON.main, './dist/extension.js');
  });

  it('activates the extension under development without error', async function () {
    const ext = vscode.extensions.getExtension(extensionId())!;
    const main = path.join(extensionRoot, 'dist', 'extension.js');
    assert.ok(fs.existsSync(main), `${main} is missing: run \`npm run build\``);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('passes the runner settings to the extension host through the environment', async function () {
    assert.ok(process.env[ENV.results], `${ENV.results} is set`);
    if (!process.env[ENV.runnerPort]) this.skip(); // not under scripts/vscode-host.mjs (e.g. @vscode/test-electron)
    const shot = await screenshot('host-suite');
    assert.ok(shot && fs.existsSync(shot), `the runner saved a screenshot (${shot})`);
    assert.ok(fs.statSync(shot).size > 1000, 'the screenshot is a real PNG');
    assert.deepEqual([...fs.readFileSync(shot).subarray(1, 4)], [...Buffer.from('PNG')]);
  });
});
