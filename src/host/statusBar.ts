/**
 * The status bar item while a spec is the active editor (docs/architecture.md §2): the
 * recommendation of the spec's theory, named as SSL Paradigm Advisor's (`$(beaker) SSL:
 * joint-embedding`), with its summary in the tooltip; `$(sync~spin)` while the spec is being
 * analysed; `$(error) N errors` when it has errors; an invitation for an empty spec. A click opens
 * the analysis to the side. Hidden for other editors. In development and test mode the command
 * `sslParadigm.statusBar.inspect` returns what the item shows.
 */
import * as vscode from 'vscode';
import { faceOf } from '../core/engine/index';
import { COMMAND_SHOW_PREVIEW_TO_SIDE, errorCount } from './codeLens';
import { activeSpecDocument, baseName, isEmptySpecResult } from './documents';
import { affectsSettings, windowSettings } from './settings';
import type { AnalysisEvent, HostDeps, SolverClient } from './solverClient';

export const COMMAND_INSPECT_STATUS = 'sslParadigm.statusBar.inspect';

/** What the item shows. */
export interface StatusContent {
  text: string;
  tooltip: string;
  background?: 'warning' | 'error';
}

/** The first line of every tooltip: whose item this is, and for which spec. */
function heading(doc: vscode.TextDocument): string {
  return vscode.l10n.t('SSL Paradigm Advisor — {0}', baseName(doc.uri));
}

function errorContent(solver: SolverClient, doc: vscode.TextDocument, errors: number): StatusContent {
  // The last result without errors stays visible, marked stale (docs/architecture.md §2).
  const good = solver.lastGood(doc.uri);
  const g = good?.stale ? good.event.result : undefined;
  const was = g ? faceOf(g.theory).summary(g, vscode.l10n.t)?.label : undefined;
  const count = errors === 1 ? vscode.l10n.t('$(error) SSL: 1 error') : vscode.l10n.t('$(error) SSL: {0} errors', errors);
  const text = was ? vscode.l10n.t('{0} · {1} (stale)', count, was) : count;
  const tooltip =
    (errors === 1
      ? vscode.l10n.t('The spec has 1 error (see the Problems view). Click to open the analysis.')
      : vscode.l10n.t('The spec has {0} errors (see the Problems view). Click to open the analysis.', errors)) +
    (was ? '\n\n' + vscode.l10n.t('Last recommendation without errors: {0}.', was) : '');
  return { text, tooltip, background: 'error' };
}

function resultContent(solver: SolverClient, doc: vscode.TextDocument, latest: AnalysisEvent): StatusContent {
  const result = latest.result;
  if (isEmptySpecResult(result)) {
    return {
      text: vscode.l10n.t('$(beaker) SSL: empty spec'),
      tooltip: vscode.l10n.t('The spec is empty: press Ctrl+Space in it for a starter spec.'),
    };
  }
  const errors = errorCount(result);
  if (errors > 0) return errorContent(solver, doc, errors);
  const summary = faceOf(result.theory).summary(result, vscode.l10n.t);
  return summary
    ? {
        text: vscode.l10n.t('$(beaker) SSL: {0}', summary.label),
        tooltip: `${vscode.l10n.t('Recommendation: {0}', summary.label)}\n${summary.title}\n\n${summary.tooltip}\n\n${vscode.l10n.t('Click to open the analysis to the side.')}`,
      }
    : { text: vscode.l10n.t('$(beaker) SSL'), tooltip: vscode.l10n.t('No analysis yet. Click to open the analysis to the side.') };
}

/** What the item shows for the active spec `doc`. */
export function statusContent(solver: SolverClient, doc: vscode.TextDocument, failure: string | undefined): StatusContent {
  const latest = solver.latest(doc.uri);
  let content: StatusContent;
  if (!solver.isBusy(doc.uri) && failure !== undefined) {
    content = {
      text: vscode.l10n.t('$(warning) SSL analysis failed'),
      tooltip: vscode.l10n.t('The analysis failed: {0}\nEdit the spec to retry; details are in the log (SSL Paradigm: Show Log).', failure),
      background: 'warning',
    };
  } else if (solver.isBusy(doc.uri) || !latest) {
    content = { text: vscode.l10n.t('$(sync~spin) SSL analysing'), tooltip: vscode.l10n.t('Analysing {0}…', vscode.workspace.asRelativePath(doc.uri)) };
  } else content = resultContent(solver, doc, latest);
  return { ...content, tooltip: `${heading(doc)}\n\n${content.tooltip}` };
}

export function registerStatusBar(deps: HostDeps): vscode.Disposable {
  const { solver } = deps;
  const item = vscode.window.createStatusBarItem('sslParadigm.status', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('SSL Paradigm Advisor');
  /** uri -> message of the last failed run (cleared by the next result). */
  const failures = new Map<string, string>();
  let shown: StatusContent | undefined;

  const update = (): void => {
    const doc = activeSpecDocument();
    if (!doc || !windowSettings().statusBarEnabled) {
      item.hide();
      shown = undefined;
      return;
    }
    item.command = { title: vscode.l10n.t('Open analysis'), command: COMMAND_SHOW_PREVIEW_TO_SIDE, arguments: [doc.uri] };
    shown = statusContent(solver, doc, failures.get(doc.uri.toString()));
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.backgroundColor = shown.background ? new vscode.ThemeColor(`statusBarItem.${shown.background}Background`) : undefined;
    item.show();
  };

  const isActive = (uri: vscode.Uri): boolean => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
  update();
  const disposables: vscode.Disposable[] = [
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
  ];
  if (deps.context.extensionMode !== vscode.ExtensionMode.Production) {
    disposables.push(vscode.commands.registerCommand(COMMAND_INSPECT_STATUS, () => (shown ? { ...shown, visible: true } : { visible: false })));
  }
  return vscode.Disposable.from(...disposables);
}
