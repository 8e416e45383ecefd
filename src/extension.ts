/**
 * activate(): wiring only (docs/architecture.md §3). Creates the log, the solver client (the worker
 * starts lazily on the first analysis) and registers each feature; every feature returns
 * one Disposable. The analysis panel adds its own `registerPreview(deps)` line here.
 */
import * as vscode from 'vscode';
import { registerCodeActions } from './host/codeActions';
import { registerCodeLens } from './host/codeLens';
import { registerCommands } from './host/commands';
import { registerCompletion } from './host/completion';
import { registerDiagnostics } from './host/diagnostics';
import { registerDocs } from './host/docs';
import { trackRecentSpecs } from './host/documents';
import { registerDocumentSymbols } from './host/documentSymbols';
import { registerHover } from './host/hover';
import { registerPreview } from './preview/registerPreview';
import { registerSelectionRanges } from './host/selectionRanges';
import { SolverClient, type HostDeps } from './host/solverClient';
import { registerStatusBar } from './host/statusBar';

/** What `activate` returns (`vscode.extensions.getExtension(id).exports`), used by the integration tests. */
export interface ExtensionApi {
  solver: SolverClient;
  /** Milliseconds spent in activate() (docs/development.md). */
  activationMs: number;
  /** Whether activate() itself started the worker (only when a spec was already open). */
  workerStartedOnActivation: boolean;
}

let solver: SolverClient | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const t0 = performance.now();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('SSL Paradigm Advisor'), { log: true });
  solver = new SolverClient(context.extensionUri, log);
  const deps: HostDeps = { context, log, solver };
  context.subscriptions.push(
    log,
    solver,
    trackRecentSpecs(),
    registerDiagnostics(deps),
    registerCodeActions(deps),
    registerCodeLens(deps),
    registerHover(deps),
    registerCompletion(deps),
    registerDocumentSymbols(deps),
    registerSelectionRanges(deps),
    registerStatusBar(deps),
    registerCommands(deps),
    registerDocs(deps),
    registerPreview(deps),
  );
  log.info(`activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: data files are not read'})`);
  const activationMs = performance.now() - t0;
  log.info(`activate() took ${activationMs.toFixed(1)} ms`);
  return { solver, activationMs, workerStartedOnActivation: solver.workerStarted };
}

export function deactivate(): void {
  // Terminates the worker; the subscriptions dispose the rest.
  solver?.dispose();
  solver = undefined;
}
