/**
 * The extension host's side of the solver worker (docs/architecture.md §3, §5): starts
 * dist/worker.js lazily, sends typed requests by `runId`, cancels (softly through a
 * message; for a run the worker is already executing, by terminating and restarting the
 * worker), restarts a crashed worker (one warning per session, every crash logged), and
 * keeps the latest analysis of every document for the editor features and the panel.
 *
 * Consumers (diagnostics, CodeLens, hover, status bar, the analysis panel) subscribe to
 * {@link SolverClient.onDidAnalyze} and read {@link SolverClient.latest}; the diagnostics
 * feature drives the analyses of open specs through {@link SolverClient.analyzeDocument}.
 *
 * This class composes the pieces in src/host/solver/: the worker's life and crash budget
 * (workerProcess.ts), the runs' bookkeeping (runs.ts), the kept results (resultStore.ts) and
 * the progress notification (progressNotification.ts); it owns the events.
 */
import * as vscode from 'vscode';
import type {
  AnalyzeRequest,
  FileError,
  ResultMessage,
  PostedResult,
  SimulateRequest,
  SimulationMessage,
  SolutionsFileMessage,
  SolutionsRequest,
} from '../shared/workerProtocol';
import { baseName, engineBaseDir, engineFileName } from './documents';
import { hostReadsFiles, workerScript } from './platform';
import { windowSettings } from './settings';
import { ProgressNotification } from './solver/progressNotification';
import { ResultStore } from './solver/resultStore';
import { oneOffUri, Runs } from './solver/runs';
import type { AnalysisEvent, AnalyzeOptions, LastGood, ProgressEvent, ProgressNotificationEvent, RunEvent, RunFailure, SimulationEvent } from './solver/types';
import { WorkerProcess } from './solver/workerProcess';
import { readWorkspaceFile } from './solver/workspaceFiles';

export type { AnalysisEvent, AnalyzeOptions, LastGood, ProgressEvent, ProgressNotificationEvent, RunEvent, RunFailure, SimulationEvent } from './solver/types';

/** What every `registerX(deps)` receives (extension.ts builds it once). */
export interface HostDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  solver: SolverClient;
}

export class SolverClient implements vscode.Disposable {
  private readonly results = new ResultStore();
  private readonly runs: Runs;
  private readonly worker: WorkerProcess;
  private readonly progress: ProgressNotification;
  private readonly configSub: vscode.Disposable;
  private disposed = false;

  private readonly analyzed = new vscode.EventEmitter<AnalysisEvent>();
  private readonly started = new vscode.EventEmitter<RunEvent>();
  private readonly failed = new vscode.EventEmitter<RunFailure>();
  private readonly busyChanged = new vscode.EventEmitter<{ uri: vscode.Uri; busy: boolean }>();
  private readonly forgotten = new vscode.EventEmitter<vscode.Uri>();
  private readonly simulated = new vscode.EventEmitter<SimulationEvent>();
  private readonly progressed = new vscode.EventEmitter<ProgressEvent>();
  private readonly notified = new vscode.EventEmitter<ProgressNotificationEvent>();
  private readonly cancelledRuns = new vscode.EventEmitter<RunEvent>();

  /** A document analysis finished (its result is now {@link latest}). */
  readonly onDidAnalyze = this.analyzed.event;
  /** A document analysis started (the panel shows it as busy). */
  readonly onDidStartAnalysis = this.started.event;
  /** A document analysis failed for a reason other than the spec (spec problems are results). */
  readonly onDidFailAnalysis = this.failed.event;
  /** A document's analysis started or ended (status bar spinner). */
  readonly onDidChangeBusy = this.busyChanged.event;
  /** A document's cached result was dropped (the document was closed). */
  readonly onDidForget = this.forgotten.event;
  /** A simulation finished with a result (the panel draws the convergence curves). */
  readonly onDidSimulate = this.simulated.event;
  /** A run reported progress (data read in blocks; the notification shows it; the integration tests read it). */
  readonly onDidReportProgress = this.progressed.event;
  /** The cancellable notification of a slow run was updated (read by the integration tests). */
  readonly onDidUpdateProgressNotification = this.notified.event;
  /** A document analysis was cancelled by the user (not superseded by a newer edit). */
  readonly onDidCancelAnalysis = this.cancelledRuns.event;

  constructor(
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const t = vscode.l10n.t;
    this.worker = new WorkerProcess({
      script: workerScript(extensionUri),
      memoryMB: () => windowSettings().workerMemoryMB,
      onMessage: (m) => this.runs.dispatch(m),
      onCrash: (crash) => this.runs.afterCrash(crash),
      onRestart: () => this.runs.resend(),
      runName: (runId) => {
        const key = this.runs.runDocument(runId);
        return key === undefined ? undefined : baseName(vscode.Uri.parse(key));
      },
      warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
      log,
      t,
    });
    this.runs = new Runs({
      post: (message) => this.worker.post(message),
      cancelInWorker: (runId, reason) => this.worker.cancel(runId, reason),
      readHostFile: readWorkspaceFile,
      progressed: (e) => this.progressed.fire(e),
      cancellationError: () => new vscode.CancellationError(),
      log,
      t,
    });
    this.progress = new ProgressNotification({
      onProgress: this.progressed.event,
      isRunning: (runId) => this.runs.isPending(runId),
      cancel: (runId) => this.runs.cancel(runId, 'cancelled'),
      withProgress: (title, task) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, task),
      notified: (e) => this.notified.fire(e),
      t,
    });
    // A new memory limit takes effect at once: the worker is restarted and its queued runs re-sent.
    this.configSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sslParadigm.worker.maxMemoryMB') && !this.disposed) this.worker.memorySettingChanged();
    });
  }

  // -------------------------------------------------------------------------------------
  // Public API
  // -------------------------------------------------------------------------------------

  /** The latest analysis of `uri` (any version), if any. */
  latest(uri: vscode.Uri): AnalysisEvent | undefined {
    return this.results.latest(uri.toString());
  }

  /**
   * The last analysis of `uri` without errors, and whether it is `stale` (a newer analysis
   * has errors: `errors` of them, the first `firstError`). CodeLens, hover, the status bar
   * and the panel keep showing it while another part of the spec is being typed.
   */
  lastGood(uri: vscode.Uri): LastGood | undefined {
    return this.results.lastGood(uri.toString());
  }

  /** The latest analysis of exactly this version of the document. */
  latestFor(doc: vscode.TextDocument): AnalysisEvent | undefined {
    const e = this.results.latest(doc.uri.toString());
    return e && e.version === doc.version ? e : undefined;
  }

  /** The latest successful simulation of `uri`, if any. */
  latestSimulation(uri: vscode.Uri): SimulationEvent | undefined {
    return this.results.latestSimulation(uri.toString());
  }

  /** Has the worker been started (it starts lazily on the first analysis)? */
  get workerStarted(): boolean {
    return this.worker.started;
  }

  /** Worker threads started so far: a hard cancel, a crash or a new memory limit starts another (read by the integration tests). */
  get workerStarts(): number {
    return this.worker.starts;
  }

  /** Is an analysis of `uri` running or queued? */
  isBusy(uri: vscode.Uri): boolean {
    return this.runs.documentRun(uri.toString()) !== undefined;
  }

  /**
   * Analyses the current text of `doc`, superseding any earlier run for the same document,
   * caches the result and fires {@link onDidAnalyze}. Resolves with the event, or with
   * undefined when the run was cancelled, superseded or failed (failures are logged and
   * fired as {@link onDidFailAnalysis}). Runs that take longer than the
   * `sslParadigm.worker.progressDelay` setting show a cancellable notification.
   */
  async analyzeDocument(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<AnalysisEvent | undefined> {
    const key = doc.uri.toString();
    const previous = this.runs.documentRun(key);
    if (previous !== undefined) this.runs.cancel(previous, 'superseded');
    const runId = this.runs.newRunId();
    const detailed = this.results.wantsDetail(key);
    const settings = windowSettings();
    const message: AnalyzeRequest = {
      type: 'analyze',
      ...this.documentFields(doc, runId),
      thin: settings.maxPoints,
      curve: detailed,
      components: detailed,
    };
    this.runs.setDocumentRun(key, runId);
    if (previous === undefined) this.busyChanged.fire({ uri: doc.uri, busy: true });
    this.started.fire({ uri: doc.uri, version: doc.version, runId });
    const run = this.runs.send(message, token);
    this.progress.showIfSlow(run, runId, vscode.l10n.t('Analysing {0}', baseName(doc.uri)), settings.progressDelay);
    try {
      const res = (await run) as ResultMessage;
      if (this.runs.documentRun(key) !== runId || this.disposed) return undefined;
      const event: AnalysisEvent = { uri: doc.uri, version: res.version, runId, result: res.result, elapsedMs: res.elapsedMs, detailed };
      this.results.recordAnalysis(event);
      this.log.debug(
        `analysed ${baseName(doc.uri)} v${res.version} (run ${runId}) in ${res.elapsedMs.toFixed(1)} ms: ${res.result.problems.length} problem(s)`,
      );
      this.analyzed.fire(event);
      return event;
    } catch (err) {
      this.reportUnfinished(doc, runId, err);
      return undefined;
    } finally {
      if (this.runs.endDocumentRun(key, runId)) this.busyChanged.fire({ uri: doc.uri, busy: false });
    }
  }

  /**
   * A one-off analysis of `doc` with other inputs (e.g. a different alpha): not cached,
   * no events, does not supersede the document's own runs. Rejects with
   * `vscode.CancellationError` when cancelled and with an Error when the worker fails.
   */
  async analyze(doc: vscode.TextDocument, options: AnalyzeOptions = {}): Promise<PostedResult> {
    const runId = this.runs.newRunId();
    const settings = windowSettings();
    const fields = this.documentFields(doc, runId);
    const message: AnalyzeRequest = {
      type: 'analyze',
      ...fields,
      uri: oneOffUri(fields.uri, runId),
      thin: settings.maxPoints,
      alpha: options.alpha,
      curve: options.curve,
      components: options.components,
    };
    const run = this.runs.send(message, options.token);
    this.progress.showIfSlow(run, runId, vscode.l10n.t('Analysing {0}', baseName(doc.uri)), settings.progressDelay);
    return ((await run) as ResultMessage).result;
  }

  /**
   * The `.npz` of the solutions of `doc` (data mode), as `sslexp analyze FILE --output F.npz`
   * writes them: the worker analyses the current text again. Resolves with the bytes or with
   * why there are none; rejects with `vscode.CancellationError` when the user cancels.
   */
  async solutionsNpz(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<Uint8Array | string> {
    const runId = this.runs.newRunId();
    const fields = this.documentFields(doc, runId);
    const message: SolutionsRequest = { type: 'solutions', ...fields, uri: oneOffUri(fields.uri, runId) };
    const run = this.runs.send(message, token);
    this.progress.showIfSlow(run, runId, vscode.l10n.t('Exporting the solutions of {0}', baseName(doc.uri)), windowSettings().progressDelay);
    const res = (await run) as SolutionsFileMessage;
    return res.bytes ?? res.reason ?? vscode.l10n.t('no solutions were computed');
  }

  /**
   * Runs the spec's `simulate` block in the worker. `onProgress` receives fractions in
   * [0, 1]. Rejects with `vscode.CancellationError` when `token` is cancelled.
   */
  async simulate(
    doc: vscode.TextDocument,
    token?: vscode.CancellationToken,
    onProgress?: (fraction: number, message: string) => void,
  ): Promise<SimulationMessage> {
    const runId = this.runs.newRunId();
    const message: SimulateRequest = { type: 'simulate', ...this.documentFields(doc, runId) };
    const res = (await this.runs.send(message, token, onProgress)) as SimulationMessage;
    if (res.simulation && !this.disposed) {
      const event: SimulationEvent = { uri: doc.uri, version: res.version, runId, simulation: res.simulation, elapsedMs: res.elapsedMs };
      this.results.recordSimulation(event);
      this.simulated.fire(event);
    }
    return res;
  }

  /**
   * While the returned Disposable is alive, analyses of `uri` include the noise-scaling
   * curve and the thinned per-component scores (what the panel draws). When the cached
   * result lacks them, the open document is re-analysed at once.
   */
  retainDetail(uri: vscode.Uri): vscode.Disposable {
    const key = uri.toString();
    const release = this.results.retainDetail(key);
    if (!this.results.latest(key)?.detailed) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (doc && !doc.isClosed) void this.analyzeDocument(doc);
    }
    return new vscode.Disposable(release);
  }

  /** Cancels the document's run and drops its cached result (the document was closed). */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const run = this.runs.documentRun(key);
    if (run !== undefined) this.runs.cancel(run, 'cancelled');
    this.runs.forgetFiles(key);
    if (this.results.forget(key)) this.forgotten.fire(uri);
  }

  /** Drops every cached result (e.g. after workspace trust changed) without cancelling runs. */
  invalidateAll(): void {
    this.results.invalidateAll((e) => this.forgotten.fire(e.uri));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.configSub.dispose();
    this.runs.dispose();
    this.worker.dispose();
    this.results.clear();
    for (const emitter of [
      this.analyzed,
      this.progressed,
      this.notified,
      this.cancelledRuns,
      this.started,
      this.failed,
      this.busyChanged,
      this.forgotten,
      this.simulated,
    ])
      emitter.dispose();
  }

  // -------------------------------------------------------------------------------------
  // Requests
  // -------------------------------------------------------------------------------------

  /** A document run that did not finish: a cancel by the user is logged and fired, a failure too; a superseded run is silent. */
  private reportUnfinished(doc: vscode.TextDocument, runId: number, err: unknown): void {
    if (err instanceof vscode.CancellationError) {
      if (this.runs.cancelReason(runId) === 'cancelled' && !this.disposed) {
        this.log.info(`analysis of ${baseName(doc.uri)} v${doc.version} (run ${runId}) cancelled`);
        this.cancelledRuns.fire({ uri: doc.uri, version: doc.version, runId });
      }
      return;
    }
    const text = err instanceof Error ? err.message : String(err);
    this.log.error(`analysis of ${baseName(doc.uri)} v${doc.version} (run ${runId}) failed: ${text}`);
    this.failed.fire({ uri: doc.uri, version: doc.version, runId, message: text });
  }

  private documentFields(doc: vscode.TextDocument, runId: number) {
    const settings = windowSettings();
    const hostFiles = hostReadsFiles(doc.uri) ? { files: {} as Record<string, Uint8Array>, fileErrors: {} as Record<string, FileError> } : {};
    return {
      ...hostFiles,
      runId,
      uri: doc.uri.toString(),
      version: doc.version,
      text: doc.getText(),
      fileName: engineFileName(doc),
      baseDir: engineBaseDir(doc),
      trusted: vscode.workspace.isTrusted,
      maxFileBytes: settings.maxFileBytes,
      maxComponents: settings.maxComponents,
    };
  }
}
