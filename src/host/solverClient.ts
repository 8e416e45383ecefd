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
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import {
  isWorkerToHostMessage,
  type AnalyzeRequest,
  type FileError,
  type HostToWorkerMessage,
  type ResultMessage,
  type SerializableEngineResult,
  type SimulateRequest,
  type SimulationMessage,
  type SolutionsFileMessage,
  type SolutionsRequest,
  type WorkerToHostMessage,
} from '../shared/workerProtocol';
import { baseName, engineBaseDir, engineFileName } from './documents';
import { hostReadsFiles, workerScript } from './platform';
import { getSettings } from './settings';

/** What every `registerX(deps)` receives (extension.ts builds it once). */
export interface HostDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  solver: SolverClient;
}

/** A finished analysis of one document version. */
export interface AnalysisEvent {
  uri: vscode.Uri;
  version: number;
  /** Increases with every run the client starts (across documents). */
  runId: number;
  result: SerializableEngineResult;
  /** Time spent in the worker. */
  elapsedMs: number;
  /** True when the run included the curve and the per-component scores ({@link SolverClient.retainDetail}). */
  detailed: boolean;
}

/** {@link SolverClient.lastGood}: the last analysis without errors and how stale it is. */
export interface LastGood {
  event: AnalysisEvent;
  /** A newer analysis of the document has errors. */
  stale: boolean;
  errors: number;
  firstError?: SerializableEngineResult['problems'][number];
}

/** A finished simulation of one document version ({@link SolverClient.simulate}). */
export interface SimulationEvent {
  uri: vscode.Uri;
  version: number;
  runId: number;
  simulation: NonNullable<SimulationMessage['simulation']>;
  elapsedMs: number;
}

export interface RunEvent {
  uri: vscode.Uri;
  version: number;
  runId: number;
}

export interface RunFailure extends RunEvent {
  message: string;
}

/** What a run's progress notification was given ({@link SolverClient.onDidUpdateProgressNotification}). */
export interface ProgressNotificationEvent {
  runId: number;
  title: string;
  message: string;
  /** Percent the bar advanced (absent when a new pass started and the bar stays). */
  increment?: number;
}

/** A run's progress as the worker reported it ({@link SolverClient.onDidReportProgress}). */
export interface ProgressEvent {
  /** The document (without the `#oneoff-N` suffix of one-off runs). */
  uri: string;
  runId: number;
  kind: 'analyze' | 'simulate' | 'solutions';
  /** 0..1 within the current pass (data read in blocks makes one pass per read). */
  fraction: number;
  message: string;
}

/** Extra inputs of a one-off analysis ({@link SolverClient.analyze}). */
export interface AnalyzeOptions {
  /** Overrides the spec's alpha (e.g. a what-if from the panel). */
  alpha?: number;
  curve?: boolean;
  components?: boolean;
  token?: vscode.CancellationToken;
}

type Settle = ResultMessage | SimulationMessage | SolutionsFileMessage;
type RunRequest = AnalyzeRequest | SimulateRequest | SolutionsRequest;

interface Pending {
  message: RunRequest;
  resolve: (m: Settle) => void;
  reject: (err: Error) => void;
  onProgress?: (fraction: number, message: string) => void;
}

/** How long a cancelled run the worker is executing may take to stop before the worker is restarted. */
const HARD_CANCEL_GRACE_MS = 200;
/** More crashes than this within {@link CRASH_WINDOW_MS} stop the automatic re-sending of queued runs. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

export class SolverClient implements vscode.Disposable {
  private worker: Worker | undefined;
  /** Workers terminated on purpose (dispose, hard cancel): their exit is not a crash. */
  private readonly retired = new WeakSet<Worker>();
  private nextRunId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The run the worker reported as executing (its `progress` 0), until it settles. */
  private activeRunId: number | undefined;
  private hardCancelTimer: NodeJS.Timeout | undefined;
  private startedWorkers = 0;
  /** uri -> runId of the document run whose result will be cached. */
  private readonly documentRuns = new Map<string, number>();
  private readonly cache = new Map<string, AnalysisEvent>();
  /** uri -> the last analysis without errors (issue 12: partial results while typing). */
  private readonly good = new Map<string, AnalysisEvent>();
  private readonly detailRefs = new Map<string, number>();
  private readonly crashes: number[] = [];
  private crashNotified = false;
  private disposed = false;
  /** The last 'error' event of each worker (an out-of-memory exit is reported this way). */
  private readonly workerErrors = new WeakMap<Worker, Error>();
  /** The heap limit the current worker was started with (setting sslParadigm.worker.maxMemoryMB). */
  private workerMemoryMB: number | undefined;
  private readonly configSub: vscode.Disposable;

  private readonly analyzed = new vscode.EventEmitter<AnalysisEvent>();
  private readonly started = new vscode.EventEmitter<RunEvent>();
  private readonly failed = new vscode.EventEmitter<RunFailure>();
  private readonly busyChanged = new vscode.EventEmitter<{ uri: vscode.Uri; busy: boolean }>();
  private readonly forgotten = new vscode.EventEmitter<vscode.Uri>();
  private readonly simulated = new vscode.EventEmitter<SimulationEvent>();
  private readonly simulations = new Map<string, SimulationEvent>();
  private readonly progressed = new vscode.EventEmitter<ProgressEvent>();
  private readonly notified = new vscode.EventEmitter<ProgressNotificationEvent>();
  private readonly cancelledRuns = new vscode.EventEmitter<RunEvent>();
  /** Why a run was cancelled (read once by the code awaiting it). */
  private readonly cancelReasons = new Map<number, 'cancelled' | 'superseded'>();
  /** Documents whose files the host reads: the paths their last run needed (read up front next time). */
  private readonly neededFiles = new Map<string, string[]>();

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
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A new memory limit takes effect at once: the worker is restarted and its queued runs re-sent.
    this.configSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('sslParadigm.worker.maxMemoryMB') || !this.worker || this.disposed) return;
      if (getSettings().workerMemoryMB === this.workerMemoryMB) return;
      this.log.info(`sslParadigm.worker.maxMemoryMB changed to ${getSettings().workerMemoryMB} MB: restarting the solver worker`);
      this.restartWorker();
    });
  }

  // -------------------------------------------------------------------------------------
  // Public API
  // -------------------------------------------------------------------------------------

  /** The latest analysis of `uri` (any version), if any. */
  latest(uri: vscode.Uri): AnalysisEvent | undefined {
    return this.cache.get(uri.toString());
  }

  /**
   * The last analysis of `uri` without errors, and whether it is `stale` (a newer analysis
   * has errors: `errors` of them, the first `firstError`). CodeLens, hover, the status bar
   * and the panel keep showing it while another part of the spec is being typed.
   */
  lastGood(uri: vscode.Uri): LastGood | undefined {
    const key = uri.toString();
    const event = this.good.get(key);
    if (!event) return undefined;
    const latest = this.cache.get(key);
    const errors = latest ? latest.result.problems.filter((p) => p.severity === 'error') : [];
    if (!latest || latest === event || errors.length === 0) return { event, stale: false, errors: 0 };
    return { event, stale: true, errors: errors.length, firstError: errors[0] };
  }

  /** The latest analysis of exactly this version of the document. */
  latestFor(doc: vscode.TextDocument): AnalysisEvent | undefined {
    const e = this.cache.get(doc.uri.toString());
    return e && e.version === doc.version ? e : undefined;
  }

  /** The latest successful simulation of `uri`, if any. */
  latestSimulation(uri: vscode.Uri): SimulationEvent | undefined {
    return this.simulations.get(uri.toString());
  }

  /** Has the worker been started (it starts lazily on the first analysis)? */
  get workerStarted(): boolean {
    return this.worker !== undefined;
  }

  /** Worker threads started so far: a hard cancel, a crash or a new memory limit starts another (read by the integration tests). */
  get workerStarts(): number {
    return this.startedWorkers;
  }

  /** Is an analysis of `uri` running or queued? */
  isBusy(uri: vscode.Uri): boolean {
    return this.documentRuns.has(uri.toString());
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
    const previous = this.documentRuns.get(key);
    if (previous !== undefined) this.cancel(previous, 'superseded');
    const runId = this.nextRunId++;
    const detailed = (this.detailRefs.get(key) ?? 0) > 0;
    const settings = getSettings(doc.uri);
    const message: AnalyzeRequest = {
      type: 'analyze',
      ...this.documentFields(doc, runId),
      thin: settings.maxPoints,
      curve: detailed,
      components: detailed,
    };
    const wasBusy = previous !== undefined;
    this.documentRuns.set(key, runId);
    if (!wasBusy) this.busyChanged.fire({ uri: doc.uri, busy: true });
    this.started.fire({ uri: doc.uri, version: doc.version, runId });
    const run = this.send(message, token);
    this.showProgressIfSlow(run, runId, vscode.l10n.t('Analysing {0}', baseName(doc.uri)), settings.progressDelay);
    try {
      const res = (await run) as ResultMessage;
      if (this.documentRuns.get(key) !== runId || this.disposed) return undefined;
      const event: AnalysisEvent = { uri: doc.uri, version: res.version, runId, result: res.result, elapsedMs: res.elapsedMs, detailed };
      this.cache.set(key, event);
      if (!res.result.problems.some((p) => p.severity === 'error')) this.good.set(key, event);
      this.log.debug(
        `analysed ${baseName(doc.uri)} v${res.version} (run ${runId}) in ${res.elapsedMs.toFixed(1)} ms: ${res.result.problems.length} problem(s)`,
      );
      this.analyzed.fire(event);
      return event;
    } catch (err) {
      if (err instanceof vscode.CancellationError) {
        if (this.cancelReasons.get(runId) === 'cancelled' && !this.disposed) {
          this.log.info(`analysis of ${baseName(doc.uri)} v${doc.version} (run ${runId}) cancelled`);
          this.cancelledRuns.fire({ uri: doc.uri, version: doc.version, runId });
        }
      } else {
        const text = err instanceof Error ? err.message : String(err);
        this.log.error(`analysis of ${baseName(doc.uri)} v${doc.version} (run ${runId}) failed: ${text}`);
        this.failed.fire({ uri: doc.uri, version: doc.version, runId, message: text });
      }
      return undefined;
    } finally {
      this.cancelReasons.delete(runId);
      if (this.documentRuns.get(key) === runId) {
        this.documentRuns.delete(key);
        this.busyChanged.fire({ uri: doc.uri, busy: false });
      }
    }
  }

  /**
   * A one-off analysis of `doc` with other inputs (e.g. a different alpha): not cached,
   * no events, does not supersede the document's own runs. Rejects with
   * `vscode.CancellationError` when cancelled and with an Error when the worker fails.
   */
  async analyze(doc: vscode.TextDocument, options: AnalyzeOptions = {}): Promise<SerializableEngineResult> {
    const runId = this.nextRunId++;
    const settings = getSettings(doc.uri);
    // A distinct key: one-off runs neither supersede nor are superseded by document runs.
    const fields = this.documentFields(doc, runId);
    const message: AnalyzeRequest = {
      type: 'analyze',
      ...fields,
      uri: `${fields.uri}#oneoff-${runId}`,
      thin: settings.maxPoints,
      alpha: options.alpha,
      curve: options.curve,
      components: options.components,
    };
    const run = this.send(message, options.token);
    this.showProgressIfSlow(run, runId, vscode.l10n.t('Analysing {0}', baseName(doc.uri)), settings.progressDelay);
    return ((await run) as ResultMessage).result;
  }

  /**
   * The `.npz` of the solutions of `doc` (data mode), as `sslexp analyze FILE --output F.npz`
   * writes them: the worker analyses the current text again. Resolves with the bytes or with
   * why there are none; rejects with `vscode.CancellationError` when the user cancels.
   */
  async solutionsNpz(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<Uint8Array | string> {
    const runId = this.nextRunId++;
    const fields = this.documentFields(doc, runId);
    const message: SolutionsRequest = { type: 'solutions', ...fields, uri: `${fields.uri}#oneoff-${runId}` };
    const run = this.send(message, token);
    this.showProgressIfSlow(run, runId, vscode.l10n.t('Exporting the solutions of {0}', baseName(doc.uri)), getSettings(doc.uri).progressDelay);
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
    const runId = this.nextRunId++;
    const message: SimulateRequest = { type: 'simulate', ...this.documentFields(doc, runId) };
    const res = (await this.send(message, token, onProgress)) as SimulationMessage;
    if (res.simulation && !this.disposed) {
      const event: SimulationEvent = { uri: doc.uri, version: res.version, runId, simulation: res.simulation, elapsedMs: res.elapsedMs };
      this.simulations.set(doc.uri.toString(), event);
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
    this.detailRefs.set(key, (this.detailRefs.get(key) ?? 0) + 1);
    const cached = this.cache.get(key);
    if (!cached || !cached.detailed) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (doc && !doc.isClosed) void this.analyzeDocument(doc);
    }
    let released = false;
    return new vscode.Disposable(() => {
      if (released) return;
      released = true;
      const n = (this.detailRefs.get(key) ?? 1) - 1;
      if (n > 0) this.detailRefs.set(key, n);
      else this.detailRefs.delete(key);
    });
  }

  /** Cancels the document's run and drops its cached result (the document was closed). */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const run = this.documentRuns.get(key);
    if (run !== undefined) this.cancel(run, 'cancelled');
    this.simulations.delete(key);
    this.good.delete(key);
    this.neededFiles.delete(key);
    if (this.cache.delete(key)) this.forgotten.fire(uri);
  }

  /** Drops every cached result (e.g. after workspace trust changed) without cancelling runs. */
  invalidateAll(): void {
    for (const e of [...this.cache.values()]) {
      this.cache.delete(e.uri.toString());
      this.good.delete(e.uri.toString());
      this.forgotten.fire(e.uri);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.configSub.dispose();
    clearTimeout(this.hardCancelTimer);
    for (const [runId, p] of [...this.pending]) {
      this.pending.delete(runId);
      p.reject(new vscode.CancellationError());
    }
    this.stopWorker();
    this.cache.clear();
    this.good.clear();
    this.documentRuns.clear();
    this.analyzed.dispose();
    this.progressed.dispose();
    this.notified.dispose();
    this.cancelledRuns.dispose();
    this.started.dispose();
    this.failed.dispose();
    this.busyChanged.dispose();
    this.forgotten.dispose();
    this.simulated.dispose();
    this.simulations.clear();
  }

  // -------------------------------------------------------------------------------------
  // Requests
  // -------------------------------------------------------------------------------------

  private documentFields(doc: vscode.TextDocument, runId: number) {
    const settings = getSettings(doc.uri);
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

  private send(message: RunRequest, token?: vscode.CancellationToken, onProgress?: Pending['onProgress']): Promise<Settle> {
    if (this.disposed) return Promise.reject(new vscode.CancellationError());
    if (token?.isCancellationRequested) return Promise.reject(new vscode.CancellationError());
    return new Promise<Settle>((resolve, reject) => {
      const sub = token?.onCancellationRequested(() => this.cancel(message.runId, 'cancelled'));
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T): void => {
          sub?.dispose();
          f(v);
        };
      this.pending.set(message.runId, { message, resolve: settle(resolve), reject: settle(reject), onProgress });
      const postNow = (): void => {
        if (this.pending.get(message.runId)?.message !== message) return; // cancelled meanwhile
        try {
          this.post(message);
        } catch (err) {
          this.pending.delete(message.runId);
          sub?.dispose();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      // Files read by the host: those the document's last run needed are read before the first post.
      const known = message.files && message.trusted ? this.neededFiles.get(documentKey(message.uri)) : undefined;
      if (known && known.length > 0) void this.readHostFiles(message, known).then(postNow);
      else postNow();
    });
  }

  /**
   * Reads `paths` (absolute, as the core resolved them against the request's `baseDir`) with
   * `vscode.workspace.fs` into the request's `files`, within `sslParadigm.worker.maxFileSizeMB`;
   * a file that cannot be read gets its message in `fileErrors` (the core reports it as usual).
   */
  private async readHostFiles(message: RunRequest, paths: readonly string[]): Promise<void> {
    const files = (message.files ??= {});
    const errors = (message.fileErrors ??= {});
    const limit = message.maxFileBytes ?? Number.POSITIVE_INFINITY;
    const docUri = vscode.Uri.parse(documentKey(message.uri));
    await Promise.all(
      paths.map(async (path) => {
        if (Object.hasOwn(files, path) || Object.hasOwn(errors, path)) return;
        const uri = docUri.scheme === 'file' ? vscode.Uri.file(path) : docUri.with({ path, query: '', fragment: '' });
        try {
          const st = await vscode.workspace.fs.stat(uri);
          if (st.size > limit) throw new Error(`${path} is over the limit of ${limit} bytes (setting sslParadigm.worker.maxFileSizeMB)`);
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.length > limit) throw new Error(`${path} is over the limit of ${limit} bytes (setting sslParadigm.worker.maxFileSizeMB)`);
          files[path] = bytes;
        } catch (err) {
          errors[path] = {
            code: err instanceof vscode.FileSystemError ? FS_ERROR_CODES[err.code] : undefined,
            message: err instanceof Error ? err.message : String(err),
          };
        }
      }),
    );
  }

  /** The worker needs files the request did not carry: read them and send the request again. */
  private async supplyFiles(p: Pending, paths: string[]): Promise<void> {
    const key = documentKey(p.message.uri);
    this.neededFiles.set(key, [...new Set([...(this.neededFiles.get(key) ?? []), ...paths])].slice(-64));
    const before = Object.keys(p.message.files ?? {}).length + Object.keys(p.message.fileErrors ?? {}).length;
    await this.readHostFiles(p.message, paths);
    if (this.pending.get(p.message.runId) !== p || this.disposed) return;
    const after = Object.keys(p.message.files ?? {}).length + Object.keys(p.message.fileErrors ?? {}).length;
    if (after === before) {
      this.pending.delete(p.message.runId);
      p.reject(new Error(`the solver worker asked again for files it was sent: ${paths.join(', ')}`));
      return;
    }
    try {
      this.post(p.message);
    } catch (err) {
      this.pending.delete(p.message.runId);
      p.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Stops waiting for `runId` at once. The worker drops a queued run; a run it is already
   * executing cannot be interrupted there (the analysis is synchronous): when it has not
   * stopped after a short grace period, the worker is restarted and the other queued runs
   * are re-sent, so neither a user's Cancel nor a newer edit waits for a long stale run.
   */
  private cancel(runId: number, reason: 'cancelled' | 'superseded'): void {
    const p = this.pending.get(runId);
    if (!p) return;
    this.pending.delete(runId);
    if (this.isDocumentRun(p)) this.cancelReasons.set(runId, reason);
    p.reject(new vscode.CancellationError());
    if (this.worker) this.worker.postMessage({ type: 'cancel', runId } satisfies HostToWorkerMessage);
    if (this.activeRunId === runId) {
      clearTimeout(this.hardCancelTimer);
      this.hardCancelTimer = setTimeout(() => {
        this.hardCancelTimer = undefined;
        if (this.activeRunId !== runId || this.disposed) return;
        this.log.info(`run ${runId} (${reason}) is still executing after ${HARD_CANCEL_GRACE_MS} ms: restarting the solver worker`);
        this.restartWorker();
      }, HARD_CANCEL_GRACE_MS);
    }
  }

  /**
   * After `delayMs` (setting sslParadigm.worker.progressDelay), a cancellable notification
   * for a run still going: the worker's progress as increments of the bar and its message
   * (`reading data.npy: 120000 samples`); Cancel cancels the run (docs/architecture.md §3.4).
   */
  private showProgressIfSlow(run: Promise<unknown>, runId: number, title: string, delayMs: number): void {
    let done = false;
    let latest: ProgressEvent | undefined;
    let report: ((e: ProgressEvent) => void) | undefined;
    const progressSub = this.progressed.event((e) => {
      if (e.runId !== runId) return;
      latest = e;
      report?.(e);
    });
    const timer = setTimeout(() => {
      if (done || !this.pending.has(runId)) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('SSL Paradigm: {0}', title), cancellable: true },
        (progress, token) => {
          const sub = token.onCancellationRequested(() => this.cancel(runId, 'cancelled'));
          // The bar only moves forward: a new pass (fraction back near 0) updates the message alone.
          let shown = 0;
          report = (e) => {
            const percent = Math.min(100, Math.max(0, e.fraction * 100));
            const update = { message: e.message, ...(percent > shown ? { increment: percent - shown } : {}) };
            progress.report(update);
            shown = Math.max(shown, percent);
            this.notified.fire({ runId, title, ...update });
          };
          if (latest) report(latest);
          return run.then(
            () => sub.dispose(),
            () => sub.dispose(),
          );
        },
      );
    }, delayMs);
    const stop = (): void => {
      done = true;
      report = undefined;
      progressSub.dispose();
      clearTimeout(timer);
    };
    run.then(stop, stop);
  }

  // -------------------------------------------------------------------------------------
  // The worker
  // -------------------------------------------------------------------------------------

  private post(message: HostToWorkerMessage): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const file = workerScript(this.extensionUri);
    // A hostile spec or file must not take the extension host down with it: the worker's
    // heap is bounded, and running out of it ends only the worker (onExit restarts it).
    const memoryMB = getSettings().workerMemoryMB;
    const w = new Worker(file, { name: 'ssl-paradigm-solver', stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: memoryMB } });
    this.worker = w;
    this.startedWorkers++;
    this.workerMemoryMB = memoryMB;
    this.activeRunId = undefined;
    this.log.info(`solver worker started (thread ${w.threadId}, heap limit ${memoryMB} MB)`);
    w.on('message', (m: unknown) => this.onMessage(w, m));
    w.on('error', (err) => {
      this.workerErrors.set(w, err);
      this.log.error(`solver worker error: ${err.stack ?? err.message}`);
    });
    w.on('exit', (code) => this.onExit(w, code));
    // The worker never writes to stdout/stderr on purpose; anything there goes to the log.
    w.stdout.setEncoding('utf8').on('data', (s: string) => this.log.info(`[worker] ${s.trimEnd()}`));
    w.stderr.setEncoding('utf8').on('data', (s: string) => this.log.warn(`[worker] ${s.trimEnd()}`));
    return w;
  }

  private onMessage(w: Worker, m: unknown): void {
    if (w !== this.worker) return;
    if (!isWorkerToHostMessage(m)) {
      this.log.error('solver worker sent a malformed message; ignored');
      return;
    }
    this.dispatch(m);
  }

  private dispatch(m: WorkerToHostMessage): void {
    if (m.type === 'progress') {
      if (m.fraction === 0) this.activeRunId = m.runId;
      const p = this.pending.get(m.runId);
      p?.onProgress?.(m.fraction, m.message);
      if (p && m.fraction > 0)
        this.progressed.fire({ uri: documentKey(p.message.uri), runId: m.runId, kind: p.message.type, fraction: m.fraction, message: m.message });
      return;
    }
    if (this.activeRunId === m.runId) this.activeRunId = undefined;
    const p = this.pending.get(m.runId);
    if (m.type === 'error' && !p) {
      this.log.error(`solver worker: ${m.message}`);
      return;
    }
    if (!p) return; // cancelled or superseded: a stale answer
    if (m.type === 'needFiles') {
      void this.supplyFiles(p, m.paths);
      return;
    }
    this.pending.delete(m.runId);
    switch (m.type) {
      case 'result':
      case 'simulation':
      case 'solutionsFile':
        p.resolve(m);
        break;
      case 'cancelled':
        p.reject(new vscode.CancellationError());
        break;
      case 'error':
        p.reject(new Error(m.message));
        break;
    }
  }

  private onExit(w: Worker, code: number): void {
    if (this.retired.has(w) || w !== this.worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > CRASH_WINDOW_MS) this.crashes.shift();
    const culprit = this.activeRunId;
    this.activeRunId = undefined;
    const error = this.workerErrors.get(w);
    const outOfMemory = (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const reason = outOfMemory
      ? `it ran out of memory (the worker's limit is ${this.workerMemoryMB ?? getSettings().workerMemoryMB} MB, setting sslParadigm.worker.maxMemoryMB)`
      : `it exited with code ${code}${error ? `: ${error.message}` : ''}`;
    const culpritRun = culprit !== undefined ? this.pending.get(culprit) : undefined;
    const culpritName = culpritRun ? baseName(vscode.Uri.parse(documentKey(culpritRun.message.uri))) : undefined;
    this.log.error(
      `solver worker stopped: ${reason}` + (culprit !== undefined ? ` while executing run ${culprit}${culpritName ? ` (${culpritName})` : ''}` : ''),
    );
    if (!this.crashNotified) {
      this.crashNotified = true;
      const why = outOfMemory ? vscode.l10n.t('out of memory') : vscode.l10n.t('exit code {0}', String(code));
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window
        .showWarningMessage(
          culpritName
            ? vscode.l10n.t(
                'SSL Paradigm Advisor: the analysis of {0} stopped the solver worker ({1}); it was restarted and other specs are analysed as usual. Details are in the log.',
                culpritName,
                why,
              )
            : vscode.l10n.t(
                'SSL Paradigm Advisor: the solver worker stopped unexpectedly ({0}); it was restarted and other specs are analysed as usual. Details are in the log.',
                why,
              ),
          showLog,
        )
        .then((choice) => {
          if (choice === showLog) this.log.show(true);
        });
    }
    const crashLoop = this.crashes.length > MAX_CRASHES;
    for (const [runId, p] of [...this.pending]) {
      if (runId === culprit || crashLoop) {
        this.pending.delete(runId);
        if (runId === culprit && this.isDocumentRun(p)) p.resolve(crashedResult(p.message as AnalyzeRequest, reason));
        else
          p.reject(
            new Error(runId === culprit ? `the solver worker stopped while running this analysis: ${reason}` : 'the solver worker keeps stopping; see the log'),
          );
      }
    }
    this.resendPending();
  }

  /** A document's own analysis (cached and shown as diagnostics), not a one-off or a simulation. */
  private isDocumentRun(p: Pending): boolean {
    const m = p.message;
    return m.type === 'analyze' && this.documentRuns.get(m.uri) === m.runId;
  }

  private stopWorker(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.activeRunId = undefined;
    this.retired.add(w);
    void w.terminate();
  }

  /** Terminates the worker and re-sends the queued runs to a fresh one. */
  private restartWorker(): void {
    this.stopWorker();
    this.resendPending();
  }

  private resendPending(): void {
    if (this.pending.size === 0 || this.disposed) return;
    for (const [runId, p] of [...this.pending].sort((a, b) => a[0] - b[0])) {
      try {
        this.post(p.message);
      } catch (err) {
        this.pending.delete(runId);
        p.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
}

/** `vscode.FileSystemError` codes as the core knows them from node:fs. */
const FS_ERROR_CODES: Record<string, string | undefined> = {
  FileNotFound: 'ENOENT',
  FileNotADirectory: 'ENOTDIR',
  FileIsADirectory: 'EISDIR',
  NoPermissions: 'EACCES',
};

/**
 * The result of a document analysis that stopped the worker: one `worker-crashed` error at
 * the start of the spec, so that the spec shows why it has no analysis (docs/architecture.md §6).
 */
function crashedResult(request: AnalyzeRequest, reason: string): ResultMessage {
  return {
    type: 'result',
    runId: request.runId,
    uri: request.uri,
    version: request.version,
    elapsedMs: 0,
    result: {
      theory: 'alignment',
      problems: [
        {
          code: 'worker-crashed',
          severity: 'error',
          message: vscode.l10n.t(
            'The analysis of this spec stopped the solver worker: {0}. The worker was restarted and other specs are analysed as usual; this spec is analysed again when it changes.',
            reason,
          ),
          start: 0,
          end: 0,
        },
      ],
    },
  };
}

/** A request's document URI without the `#oneoff-N` suffix of one-off runs. */
function documentKey(uri: string): string {
  return uri.replace(/#oneoff-\d+$/, '');
}
