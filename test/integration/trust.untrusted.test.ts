// Runs only in the runner's untrusted-workspace run (workspace trust enabled, never granted).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, workspaceRoot } from './helpers';

describe('untrusted workspace', () => {
  it('is in Restricted Mode: vscode.workspace.isTrusted === false', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.ok(workspaceRoot().fsPath.length > 0);
  });

  it('still loads the extension, which declares limited support for untrusted workspaces', () => {
    const ext = vscode.extensions.getExtension(extensionId());
    assert.ok(ext, `${extensionId()} is registered in Restricted Mode`);
    assert.equal(ext.packageJSON.capabilities?.untrustedWorkspaces?.supported, 'limited');
  });

  it('does not gain trust while the tests run', async () => {
    let granted = false;
    const sub = vscode.workspace.onDidGrantWorkspaceTrust(() => (granted = true));
    await new Promise((r) => setTimeout(r, 300));
    sub.dispose();
    assert.equal(granted, false);
    assert.equal(vscode.workspace.isTrusted, false);
  });
});
