/**
 * The status bar item while a spec is the active editor (docs/architecture.md §2): the
 * recommendation of the spec's theory (`$(beaker) joint-embedding`) with its summary in the
 * tooltip,
 * `$(sync~spin)` while the spec is being analysed, `$(error) N errors` when it has
 * errors. A click opens the analysis to the side. Hidden for other editors.
 */
import * as vscode from 'vscode';
import { faceOf } from '../core/engine/index';
import { COMMAND_SHOW_PREVIEW_TO_SIDE, errorCount } from './codeLens';
import { activeSpecDocument } from './documents';
import { affectsSettings, windowSettings } from './settings';
import type { HostDeps } from './solverClient';

export function registerStatusBar(deps: HostDeps): vscode.Disposable {
  const { solver } = deps;
  const item = vscode.window.createStatusBarItem('sslParadigm.status', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('SSL Paradigm Advisor');
  /** uri -> message of the last failed run (cleared by the next result). */
  const failures = new Map<string, string>();

  const update = (): void => {
    const doc = activeSpecDocument();
    if (!doc || !windowSettings().statusBarEnabled) {
      item.hide();
      return;
    }
    item.command = { title: vscode.l10n.t('Open analysis'), command: COMMAND_SHOW_PREVIEW_TO_SIDE, arguments: [doc.uri] };
    const latest = solver.latest(doc.uri);
    const failure = failures.get(doc.uri.toString());
    if (!solver.isBusy(doc.uri) && failure !== undefined) {
      item.text = vscode.l10n.t('$(warning) SSL analysis failed');
      item.tooltip = vscode.l10n.t('The analysis failed: {0}\nEdit the spec to retry; details are in the log (SSL Paradigm: Show Log).', failure);
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (solver.isBusy(doc.uri) || !latest) {
      item.text = vscode.l10n.t('$(sync~spin) SSL analysing');
      item.tooltip = vscode.l10n.t('Analysing {0}…', vscode.workspace.asRelativePath(doc.uri));
      item.backgroundColor = undefined;
    } else {
      const result = latest.result;
      const errors = errorCount(result);
      const good = errors > 0 ? solver.lastGood(doc.uri) : undefined;
      if (errors > 0) {
        // The last result without errors stays visible, marked stale (docs/architecture.md §2).
        const g = good?.stale ? good.event.result : undefined;
        const was = g ? faceOf(g.theory).summary(g, vscode.l10n.t)?.label : undefined;
        const count = errors === 1 ? vscode.l10n.t('$(error) 1 error') : vscode.l10n.t('$(error) {0} errors', errors);
        item.text = was ? vscode.l10n.t('{0} · {1} (stale)', count, was) : count;
        item.tooltip =
          (errors === 1
            ? vscode.l10n.t('The spec has 1 error (see the Problems view). Click to open the analysis.')
            : vscode.l10n.t('The spec has {0} errors (see the Problems view). Click to open the analysis.', errors)) +
          (was ? '\n\n' + vscode.l10n.t('Last result without errors: {0}.', was) : '');
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      } else {
        const summary = faceOf(result.theory).summary(result, vscode.l10n.t);
        item.text = `$(beaker) ${summary?.label ?? 'SSL'}`;
        item.tooltip = summary
          ? `${summary.title}\n\n${summary.tooltip}\n\n${vscode.l10n.t('Click to open the analysis to the side.')}`
          : vscode.l10n.t('No analysis yet. Click to open the analysis to the side.');
        item.backgroundColor = undefined;
      }
    }
    item.show();
  };

  const isActive = (uri: vscode.Uri): boolean => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
  update();
  return vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    solver.onDidAnalyze((e) => {
      failures.delete(e.uri.toString());
      if (isActive(e.uri)) update();
    }),
    solver.onDidFailAnalysis((e) => {
      failures.set(e.uri.toString(), e.message);
      if (isActive(e.uri)) update();
    }),
    solver.onDidChangeBusy((e) => isActive(e.uri) && update()),
    solver.onDidForget((uri) => {
      failures.delete(uri.toString());
      if (isActive(uri)) update();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => affectsSettings(e) && update()),
  );
}
