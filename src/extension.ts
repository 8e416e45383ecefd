/**
 * activate(): wiring only (docs/architecture.md §3). Creates the log, the solver client (the worker
 * starts lazily on the first analysis) and registers each feature; every feature returns
 * one Disposable. The analysis panel adds its own `registerPreview(deps)` line here.
 */
import * as vscode from 'vscode';
import { registerCodeActions } from './host/codeActions';
import { registerCodeLens } from './host/codeLens';
import { registerCommands } from './host/commands';
import { registerDiagnostics } from './host/diagnostics';
import { registerHover } from './host/hover';
import { registerPreview } from './preview/registerPreview';
import { SolverClient, type HostDeps } from './host/solverClient';
import { registerStatusBar } from './host/statusBar';

/** What `activate` returns (`vscode.extensions.getExtension(id).exports`), used by the integration tests. */
export interface ExtensionApi {
  solver: SolverClient;
}

let solver: SolverClient | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('SSL Paradigm Advisor', { log: true });
  solver = new SolverClient(context.extensionUri, log);
  const deps: HostDeps = { context, log, solver };
  context.subscriptions.push(
    log,
    solver,
    registerDiagnostics(deps),
    registerCodeActions(deps),
    registerCodeLens(deps),
    registerHover(deps),
    registerStatusBar(deps),
    registerCommands(deps),
    registerPreview(deps),
  );
  log.info(`activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: data files are not read'})`);
  return { solver };
}

export function deactivate(): void {
  // Terminates the worker; the subscriptions dispose the rest.
  solver?.dispose();
  solver = undefined;
}
