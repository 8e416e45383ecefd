/**
 * The status bar item while a spec is the active editor (docs/architecture.md §2): the
 * recommendation (`$(beaker) joint-embedding`) with the thresholds in its tooltip (graph
 * mode: `$(beaker) vicreg, low invariance` with the ranks, the pair agreement and the reason),
 * `$(sync~spin)` while the spec is being analysed, `$(error) N errors` when it has
 * errors. A click opens the analysis to the side. Hidden for other editors.
 */
import * as vscode from 'vscode';
import { COMMAND_SHOW_PREVIEW_TO_SIDE, errorCount, thresholdsTitle, thresholdsTooltip } from './codeLens';
import { activeSpecDocument } from './documents';
import { graphLensTitle, graphRecommendationText, graphTooltip } from './graphSummary';
import { affectsSettings, getSettings } from './settings';
import type { HostDeps } from './solverClient';

export function registerStatusBar(deps: HostDeps): vscode.Disposable {
  const { solver } = deps;
  const item = vscode.window.createStatusBarItem('sslParadigm.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'SSL Paradigm Advisor';
  /** uri -> message of the last failed run (cleared by the next result). */
  const failures = new Map<string, string>();

  const update = (): void => {
    const doc = activeSpecDocument();
    if (!doc || !getSettings(doc.uri).statusBarEnabled) {
      item.hide();
      return;
    }
    item.command = { title: 'Open analysis', command: COMMAND_SHOW_PREVIEW_TO_SIDE, arguments: [doc.uri] };
    const latest = solver.latest(doc.uri);
    const failure = failures.get(doc.uri.toString());
    if (!solver.isBusy(doc.uri) && failure !== undefined) {
      item.text = '$(warning) SSL analysis failed';
      item.tooltip = `The analysis failed: ${failure}\nEdit the spec to retry; details are in the log (SSL Paradigm: Show Log).`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (solver.isBusy(doc.uri) || !latest) {
      item.text = '$(sync~spin) SSL analysing';
      item.tooltip = `Analysing ${vscode.workspace.asRelativePath(doc.uri)}…`;
      item.backgroundColor = undefined;
    } else {
      const result = latest.result;
      const errors = errorCount(result);
      const good = errors > 0 ? solver.lastGood(doc.uri) : undefined;
      if (errors > 0) {
        // The last result without errors stays visible, marked stale (issue 12).
        const g = good?.stale ? good.event.result : undefined;
        const was = g
          ? g.theory === 'spectralEmbedding'
            ? g.analysis
              ? graphRecommendationText(g.analysis.recommendation)
              : undefined
            : g.recommendation?.paradigm
          : undefined;
        item.text = `$(error) ${errors} error${errors === 1 ? '' : 's'}${was ? ` · ${was} (stale)` : ''}`;
        item.tooltip =
          `The spec has ${errors} error${errors === 1 ? '' : 's'} (see the Problems view). Click to open the analysis.` +
          (was ? `\n\nLast result without errors: ${was}.` : '');
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      } else if (result.theory === 'spectralEmbedding') {
        const a = result.analysis;
        item.text = a ? `$(beaker) ${graphRecommendationText(a.recommendation)}` : '$(beaker) graph mode';
        item.tooltip = a
          ? `${graphLensTitle(a)}\n\n${graphTooltip(a)}\n\nClick to open the analysis to the side.`
          : 'Graph mode: no analysis yet. Click to open the analysis to the side.';
        item.backgroundColor = undefined;
      } else {
        const paradigm = result.recommendation?.paradigm ?? (result.thresholds === null ? 'data mode' : 'SSL');
        item.text = `$(beaker) ${paradigm}`;
        const head = result.thresholds ? thresholdsTitle(result.thresholds, result.recommendation?.paradigm) : 'SSL Paradigm Advisor';
        item.tooltip = `${head}\n\n${thresholdsTooltip(result)}\n\nClick to open the analysis to the side.`;
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
