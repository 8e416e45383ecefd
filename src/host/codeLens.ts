/**
 * CodeLens on the first line of a spec (docs/architecture.md §2): the summary of the spec's
 * theory (`α_RC = 0.764 · α_JE = 0.707 · joint-embedding`; in graph mode the method, then the
 * ranks), "Open analysis", and "Run simulation" when the spec has a finite-n experiment; when
 * the spec has errors, one lens "N problems" that opens the Problems view; an empty spec gets one
 * lens that offers the starter specs of completion. Titles stay short (a split editor cuts them);
 * the detail is in the tooltips.
 *
 * The lenses arrive with the diagnostics: VS Code asks for lenses a fixed debounce after an edit
 * and again after `onDidChangeCodeLenses`, so a provider that answered with the previous result
 * and fired the event when the new one landed showed it a second debounce later. Instead, asked
 * while the document's current version is still being analysed, the provider waits for that
 * analysis (a bounded wait; cancelled with the request), and the event is fired only for a result
 * VS Code did not ask for.
 */
import * as vscode from 'vscode';
import { faceOf } from '../core/engine/index';
import type { PostedResult } from '../shared/workerProtocol';
import { isEmptyDocumentProblem, isEmptySpecResult, isSpecDocument, SPEC_SELECTOR } from './documents';
import { affectsSettings, resourceSettings } from './settings';
import type { AnalysisEvent, HostDeps, SolverClient } from './solverClient';

export const COMMAND_SHOW_PREVIEW_TO_SIDE = 'sslParadigm.showPreviewToSide';
export const COMMAND_SHOW_PREVIEW = 'sslParadigm.showPreview';
export const COMMAND_RUN_SIMULATION = 'sslParadigm.runSimulation';
export const COMMAND_PROBLEMS_VIEW = 'workbench.actions.view.problems';
export const COMMAND_MANAGE_TRUST = 'workbench.trust.manage';
export const COMMAND_TRIGGER_SUGGEST = 'editor.action.triggerSuggest';

/** How long a lens request waits for the analysis of the document's current version. */
const FRESH_RESULT_WAIT_MS = 3000;
/**
 * How long after a result the provider waits for VS Code's own request before it fires
 * `onDidChangeCodeLenses`: after an edit VS Code asks anyway (its debounce, about 250–375 ms),
 * and firing the event would restart that debounce and delay the lens.
 */
const REFRESH_GRACE_MS = 600;

/** The errors of a result as the editor counts them (an empty spec is an invitation, not an error). */
export function errorCount(result: PostedResult): number {
  return result.problems.filter((p) => p.severity === 'error' && !isEmptyDocumentProblem(p)).length;
}

/** The analysis of the document's current version: now, once it lands, or the latest one after a bounded wait. */
export function freshAnalysis(
  solver: SolverClient,
  doc: vscode.TextDocument,
  token: vscode.CancellationToken,
  waitMs = FRESH_RESULT_WAIT_MS,
): Promise<AnalysisEvent | undefined> {
  const now = solver.latestFor(doc);
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      sub.dispose();
      cancel.dispose();
      resolve(solver.latestFor(doc) ?? solver.latest(doc.uri));
    };
    const sub = solver.onDidAnalyze((e) => {
      if (e.uri.toString() === doc.uri.toString() && e.version >= doc.version) done();
    });
    const cancel = token.onCancellationRequested(done);
    const timer = setTimeout(done, waitMs);
  });
}

export class SpecCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** uri -> the run whose lenses VS Code last received. */
  private readonly served = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly solver: SolverClient) {}

  refresh(): void {
    this.changed.fire();
  }

  /**
   * A result landed: VS Code gets its lenses through its own request (after an edit), else
   * through `onDidChangeCodeLenses` (settings, trust, a data file, a restarted worker).
   */
  resultLanded(e: AnalysisEvent): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.served.get(e.uri.toString()) !== e.runId && this.solver.latest(e.uri)?.runId === e.runId) this.refresh();
    }, REFRESH_GRACE_MS);
    this.timers.add(timer);
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!isSpecDocument(doc) || !resourceSettings(doc.uri).codeLensEnabled) return [];
    const latest = await freshAnalysis(this.solver, doc, token);
    if (!latest || token.isCancellationRequested) return [];
    this.served.set(doc.uri.toString(), latest.runId);
    return this.lenses(doc, latest.result);
  }

  /** The lenses of one result. */
  lenses(doc: vscode.TextDocument, latestResult: PostedResult): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    if (isEmptySpecResult(latestResult)) return [starterLens(range)];
    const errors = errorCount(latestResult);
    // While another part of the spec has errors, the last good result stays (marked stale).
    const good = errors > 0 ? this.solver.lastGood(doc.uri) : undefined;
    if (errors > 0 && !good?.stale) return [problemsLens(range, errors)];
    const result = good?.stale ? good.event.result : latestResult;
    const staleNote = good?.stale
      ? '\n\n' + vscode.l10n.t('Stale: from the last version without errors, while the spec has an error: {0}', good.firstError?.message ?? '')
      : '';
    const open = (title: string, tooltip: string): vscode.CodeLens =>
      new vscode.CodeLens(range, { title, tooltip: tooltip + staleNote, command: COMMAND_SHOW_PREVIEW_TO_SIDE, arguments: [doc.uri] });
    const lenses: vscode.CodeLens[] = good?.stale ? [problemsLens(range, errors)] : [];
    const face = faceOf(result.theory);
    const summary = face.summary(result, vscode.l10n.t);
    // Stale, beside the problems lens: the recommendation alone (the thresholds are in the tooltip), so a split editor shows it.
    if (summary)
      lenses.push(
        good?.stale ? open(vscode.l10n.t('{0} (stale)', summary.label), `${summary.title}\n\n${summary.tooltip}`) : open(summary.title, summary.tooltip),
      );
    else if (result.problems.some((p) => p.code === 'untrusted-file')) lenses.push(untrustedLens(range));
    lenses.push(open(vscode.l10n.t('Open analysis'), vscode.l10n.t('Open the analysis panel to the side')));
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
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.changed.dispose();
  }
}

function problemsLens(range: vscode.Range, errors: number): vscode.CodeLens {
  return new vscode.CodeLens(range, {
    title: errors === 1 ? vscode.l10n.t('1 problem') : vscode.l10n.t('{0} problems', errors),
    tooltip:
      errors === 1 ? vscode.l10n.t('The spec has 1 error: open the Problems view') : vscode.l10n.t('The spec has {0} errors: open the Problems view', errors),
    command: COMMAND_PROBLEMS_VIEW,
  });
}

function untrustedLens(range: vscode.Range): vscode.CodeLens {
  return new vscode.CodeLens(range, {
    title: vscode.l10n.t('data files not read in Restricted Mode'),
    tooltip: vscode.l10n.t(
      'The workspace is not trusted, so the files the spec names are not read and nothing can be computed. Click to manage workspace trust.',
    ),
    command: COMMAND_MANAGE_TRUST,
  });
}

/** An empty spec: the starter specs (spectral, graph) are completion's first items here. */
function starterLens(range: vscode.Range): vscode.CodeLens {
  return new vscode.CodeLens(range, {
    title: vscode.l10n.t('Empty spec: insert a starter spec (Ctrl+Space)'),
    tooltip: vscode.l10n.t('Completion offers a starter spec for spectral and graph mode, and every key; hover on a key for its documentation.'),
    command: COMMAND_TRIGGER_SUGGEST,
  });
}

export function registerCodeLens(deps: HostDeps): vscode.Disposable {
  const provider = new SpecCodeLensProvider(deps.solver);
  return vscode.Disposable.from(
    provider,
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, provider),
    deps.solver.onDidAnalyze((e) => provider.resultLanded(e)),
    deps.solver.onDidForget(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSettings(e)) provider.refresh();
    }),
  );
}
