/**
 * CodeLens on the first line of a spec (docs/architecture.md §2): the summary of the spec's
 * theory (`α_RC = 0.764 · α_JE = 0.707 · joint-embedding`; in graph mode the ranks and the
 * method), "Open analysis", and "Run simulation" when the spec has a finite-n experiment; when
 * the spec has errors, one lens "N problems" that opens the Problems view.
 */
import * as vscode from 'vscode';
import { faceOf } from '../core/engine/index';
import type { PostedResult } from '../shared/workerProtocol';
import { isSpecDocument, SPEC_SELECTOR } from './documents';
import { affectsSettings, resourceSettings } from './settings';
import type { HostDeps, SolverClient } from './solverClient';

export const COMMAND_SHOW_PREVIEW_TO_SIDE = 'sslParadigm.showPreviewToSide';
export const COMMAND_SHOW_PREVIEW = 'sslParadigm.showPreview';
export const COMMAND_RUN_SIMULATION = 'sslParadigm.runSimulation';
export const COMMAND_PROBLEMS_VIEW = 'workbench.actions.view.problems';
export const COMMAND_MANAGE_TRUST = 'workbench.trust.manage';

export function errorCount(result: PostedResult): number {
  return result.problems.filter((p) => p.severity === 'error').length;
}

export class SpecCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly solver: SolverClient) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isSpecDocument(doc) || !resourceSettings(doc.uri).codeLensEnabled) return [];
    const latest = this.solver.latest(doc.uri);
    if (!latest) return [];
    const range = new vscode.Range(0, 0, 0, 0);
    const errors = errorCount(latest.result);
    const problemsLens = (): vscode.CodeLens =>
      new vscode.CodeLens(range, {
        title: errors === 1 ? vscode.l10n.t('1 problem') : vscode.l10n.t('{0} problems', errors),
        tooltip:
          errors === 1
            ? vscode.l10n.t('The spec has 1 error: open the Problems view')
            : vscode.l10n.t('The spec has {0} errors: open the Problems view', errors),
        command: COMMAND_PROBLEMS_VIEW,
      });
    // While another part of the spec has errors, the last good result stays (marked stale).
    const good = errors > 0 ? this.solver.lastGood(doc.uri) : undefined;
    if (errors > 0 && !good?.stale) return [problemsLens()];
    const result = good?.stale ? good.event.result : latest.result;
    const suffix = good?.stale ? (errors === 1 ? vscode.l10n.t(' (stale: 1 error)') : vscode.l10n.t(' (stale: {0} errors)', errors)) : '';
    const staleNote = good?.stale ? '\n\n' + vscode.l10n.t('Stale: from the last version without errors; {0}', good.firstError?.message ?? '') : '';
    const OPEN = vscode.l10n.t('Open analysis');
    const open = (title: string, tooltip: string): vscode.CodeLens =>
      new vscode.CodeLens(range, {
        title: title === OPEN ? title : title + suffix,
        tooltip: tooltip + staleNote,
        command: COMMAND_SHOW_PREVIEW_TO_SIDE,
        arguments: [doc.uri],
      });
    const lenses: vscode.CodeLens[] = good?.stale ? [problemsLens()] : [];
    const untrusted = (): vscode.CodeLens =>
      new vscode.CodeLens(range, {
        title: vscode.l10n.t('data files not read in Restricted Mode'),
        tooltip: vscode.l10n.t(
          'The workspace is not trusted, so the files the spec names are not read and nothing can be computed. Click to manage workspace trust.',
        ),
        command: COMMAND_MANAGE_TRUST,
      });
    const face = faceOf(result.theory);
    const summary = face.summary(result, vscode.l10n.t);
    if (summary) lenses.push(open(summary.title, summary.tooltip));
    else if (result.problems.some((p) => p.code === 'untrusted-file')) lenses.push(untrusted());
    lenses.push(open(OPEN, vscode.l10n.t('Open the analysis panel to the side')));
    if (face.canSimulate(result)) {
      lenses.push(
        new vscode.CodeLens(range, {
          title: vscode.l10n.t('Run simulation'),
          tooltip: vscode.l10n.t("Run the spec's finite-n simulation (simulate block) in the background"),
          command: COMMAND_RUN_SIMULATION,
          arguments: [doc.uri],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerCodeLens(deps: HostDeps): vscode.Disposable {
  const provider = new SpecCodeLensProvider(deps.solver);
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, provider),
    deps.solver.onDidAnalyze(() => provider.refresh()),
    deps.solver.onDidForget(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSettings(e)) provider.refresh();
    }),
  );
}
