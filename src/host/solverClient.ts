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
  type HostToWorkerMessage,
  type ResultMessage,
  type SerializableEngineResult,
  type SimulateRequest,
  type SimulationMessage,
  type WorkerToHostMessage,
} from '../shared/workerProtocol';
import { baseName, engineBaseDir, engineFileName } from './documents';
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

/** Extra inputs of a one-off analysis ({@link SolverClient.analyze}). */
export interface AnalyzeOptions {
  /** Overrides the spec's alpha (e.g. a what-if from the panel). */
  alpha?: number;
  curve?: boolean;
  components?: boolean;
  token?: vscode.CancellationToken;
}

type Settle = ResultMessage | SimulationMessage;

interface Pending {
  message: AnalyzeRequest | SimulateRequest;
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
  /** uri -> runId of the document run whose result will be cached. */
  private readonly documentRuns = new Map<string, number>();
  private readonly cache = new Map<string, AnalysisEvent>();
  private readonly detailRefs = new Map<string, number>();
  private readonly crashes: number[] = [];
  private crashNotified = false;
  private disposed = false;

  private readonly analyzed = new vscode.EventEmitter<AnalysisEvent>();
  private readonly started = new vscode.EventEmitter<RunEvent>();
  private readonly failed = new vscode.EventEmitter<RunFailure>();
  private readonly busyChanged = new vscode.EventEmitter<{ uri: vscode.Uri; busy: boolean }>();
  private readonly forgotten = new vscode.EventEmitter<vscode.Uri>();
  private readonly simulated = new vscode.EventEmitter<SimulationEvent>();
  private readonly simulations = new Map<string, SimulationEvent>();

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

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  // -------------------------------------------------------------------------------------
  // Public API
  // -------------------------------------------------------------------------------------

  /** The latest analysis of `uri` (any version), if any. */
  latest(uri: vscode.Uri): AnalysisEvent | undefined {
    return this.cache.get(uri.toString());
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
    this.showProgressIfSlow(run, runId, `Analysing ${baseName(doc.uri)}`, settings.progressDelay);
    try {
      const res = (await run) as ResultMessage;
      if (this.documentRuns.get(key) !== runId || this.disposed) return undefined;
      const event: AnalysisEvent = { uri: doc.uri, version: res.version, runId, result: res.result, elapsedMs: res.elapsedMs, detailed };
      this.cache.set(key, event);
      this.log.debug(`analysed ${baseName(doc.uri)} v${res.version} (run ${runId}) in ${res.elapsedMs.toFixed(1)} ms: ${res.result.problems.length} problem(s)`);
      this.analyzed.fire(event);
      return event;
    } catch (err) {
      if (!(err instanceof vscode.CancellationError)) {
        const text = err instanceof Error ? err.message : String(err);
        this.log.error(`analysis of ${baseName(doc.uri)} v${doc.version} (run ${runId}) failed: ${text}`);
        this.failed.fire({ uri: doc.uri, version: doc.version, runId, message: text });
      }
      return undefined;
    } finally {
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
    this.showProgressIfSlow(run, runId, `Analysing ${baseName(doc.uri)}`, settings.progressDelay);
    return ((await run) as ResultMessage).result;
  }

  /**
   * Runs the spec's `simulate` block in the worker. `onProgress` receives fractions in
   * [0, 1]. Rejects with `vscode.CancellationError` when `token` is cancelled.
   */
  async simulate(doc: vscode.TextDocument, token?: vscode.CancellationToken, onProgress?: (fraction: number, message: string) => void): Promise<SimulationMessage> {
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
    if (this.cache.delete(key)) this.forgotten.fire(uri);
  }

  /** Drops every cached result (e.g. after workspace trust changed) without cancelling runs. */
  invalidateAll(): void {
    for (const e of [...this.cache.values()]) {
      this.cache.delete(e.uri.toString());
      this.forgotten.fire(e.uri);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.hardCancelTimer);
    for (const [runId, p] of [...this.pending]) {
      this.pending.delete(runId);
      p.reject(new vscode.CancellationError());
    }
    this.stopWorker();
    this.cache.clear();
    this.documentRuns.clear();
    this.analyzed.dispose();
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
    return {
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

  private send(message: AnalyzeRequest | SimulateRequest, token?: vscode.CancellationToken, onProgress?: Pending['onProgress']): Promise<Settle> {
    if (this.disposed) return Promise.reject(new vscode.CancellationError());
    if (token?.isCancellationRequested) return Promise.reject(new vscode.CancellationError());
    return new Promise<Settle>((resolve, reject) => {
      const sub = token?.onCancellationRequested(() => this.cancel(message.runId, 'cancelled'));
      const settle = <T>(f: (v: T) => void) => (v: T): void => {
        sub?.dispose();
        f(v);
      };
      this.pending.set(message.runId, { message, resolve: settle(resolve), reject: settle(reject), onProgress });
      try {
        this.post(message);
      } catch (err) {
        this.pending.delete(message.runId);
        sub?.dispose();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
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

  private showProgressIfSlow(run: Promise<unknown>, runId: number, title: string, delayMs: number): void {
    let done = false;
    const timer = setTimeout(() => {
      if (done || !this.pending.has(runId)) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `SSL Paradigm: ${title}`, cancellable: true },
        (_progress, token) => {
          const sub = token.onCancellationRequested(() => this.cancel(runId, 'cancelled'));
          return run.then(
            () => sub.dispose(),
            () => sub.dispose(),
          );
        },
      );
    }, delayMs);
    const stop = (): void => {
      done = true;
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
    const file = vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath;
    const w = new Worker(file, { name: 'ssl-paradigm-solver', stdout: true, stderr: true });
    this.worker = w;
    this.activeRunId = undefined;
    this.log.info(`solver worker started (thread ${w.threadId})`);
    w.on('message', (m: unknown) => this.onMessage(w, m));
    w.on('error', (err) => this.log.error(`solver worker error: ${err.stack ?? err.message}`));
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
      this.pending.get(m.runId)?.onProgress?.(m.fraction, m.message);
      return;
    }
    if (this.activeRunId === m.runId) this.activeRunId = undefined;
    const p = this.pending.get(m.runId);
    if (m.type === 'error' && !p) {
      this.log.error(`solver worker: ${m.message}`);
      return;
    }
    if (!p) return; // cancelled or superseded: a stale answer
    this.pending.delete(m.runId);
    switch (m.type) {
      case 'result':
      case 'simulation':
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
    this.log.error(`solver worker exited unexpectedly (exit code ${code})` + (culprit !== undefined ? ` while executing run ${culprit}` : ''));
    if (!this.crashNotified) {
      this.crashNotified = true;
      void vscode.window.showWarningMessage('SSL Paradigm Advisor: the solver worker stopped unexpectedly and was restarted. Details are in the log.', 'Show Log').then((choice) => {
        if (choice === 'Show Log') this.log.show(true);
      });
    }
    const crashLoop = this.crashes.length > MAX_CRASHES;
    for (const [runId, p] of [...this.pending]) {
      if (runId === culprit || crashLoop) {
        this.pending.delete(runId);
        p.reject(new Error(runId === culprit ? `the solver worker stopped (exit code ${code}) while running this analysis` : 'the solver worker keeps stopping; see the log'));
      }
    }
    this.resendPending();
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
