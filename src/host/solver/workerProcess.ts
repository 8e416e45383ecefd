/**
 * The life of the solver worker (docs/architecture.md §3, §5): started lazily with the heap
 * limit of `sslParadigm.worker.maxMemoryMB` (restarted when the setting changes), the run it
 * is executing, a hard cancel (a run it executes cannot be interrupted there: after a short
 * grace period the worker is restarted), and its unexpected exits: every one logged, one
 * warning per session, and more than {@link MAX_CRASHES} within {@link CRASH_WINDOW_MS} stop
 * the re-sending of the queued runs. No `vscode` value is used here: the client injects the
 * log, the warning and the translator, so that this runs under `node --test`.
 *
 * The browser build replaces `node:worker_threads` by src/web/hostWorkerThreads.ts (a Web
 * Worker behind the same interface; esbuild.config.mjs `webRedirects`).
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { isWorkerToHostMessage, type HostToWorkerMessage, type WorkerToHostMessage } from '../../shared/workerProtocol';
import type { Localize } from '../../core/engine/index';
import type { CancelReason, WorkerCrash } from './runs';
import type { SolverLog } from './types';

/** How long a cancelled run the worker is executing may take to stop before the worker is restarted. */
export const HARD_CANCEL_GRACE_MS = 200;
/** More crashes than this within {@link CRASH_WINDOW_MS} stop the automatic re-sending of queued runs. */
export const MAX_CRASHES = 3;
export const CRASH_WINDOW_MS = 60_000;

/** The part of a worker thread used here (node:worker_threads, or the browser build's stand-in). */
export interface SolverThread {
  readonly threadId: number;
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  postMessage(message: HostToWorkerMessage): void;
  terminate(): Promise<number>;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}
interface TextStream {
  setEncoding(encoding: 'utf8'): { on(event: 'data', listener: (text: string) => void): unknown };
}

export interface SpawnOptions {
  name: string;
  stdout: true;
  stderr: true;
  resourceLimits: ResourceLimits;
}

export interface WorkerProcessDeps {
  /** The worker script, as `new Worker(...)` takes it (src/host/platform.ts). */
  script: string;
  /** The heap limit for a new worker, MB (setting sslParadigm.worker.maxMemoryMB). */
  memoryMB(): number;
  /** A checked message of the current worker. */
  onMessage(m: WorkerToHostMessage): void;
  /** The current worker stopped on its own (it has been forgotten; the next post starts another). */
  onCrash(crash: WorkerCrash): void;
  /** The worker was restarted on purpose (a new heap limit, a hard cancel): the queued runs go to the new one. */
  onRestart(): void;
  /** The file name of the spec a run is for, to name the culprit of a crash. */
  runName(runId: number): string | undefined;
  /** Shows a warning with buttons; resolves with the one chosen (`vscode.window.showWarningMessage`). */
  warn(message: string, ...actions: string[]): PromiseLike<string | undefined>;
  log: SolverLog;
  t: Localize;
  /** Starts a thread (default: node:worker_threads). */
  spawn?: (script: string, options: SpawnOptions) => SolverThread;
}

/** Counts crashes within a sliding window. */
export class CrashBudget {
  private readonly times: number[] = [];

  constructor(
    readonly max = MAX_CRASHES,
    readonly windowMs = CRASH_WINDOW_MS,
  ) {}

  /** Records a crash at `now` (ms); true when more than `max` crashes fell within the last `windowMs` (a crash loop). */
  record(now: number): boolean {
    this.times.push(now);
    while (this.times.length && now - this.times[0] > this.windowMs) this.times.shift();
    return this.times.length > this.max;
  }
}

const spawnWorkerThread = (script: string, options: SpawnOptions): SolverThread => new Worker(script, options);

export class WorkerProcess {
  private worker: SolverThread | undefined;
  /** Workers terminated on purpose (dispose, restart): their exit is not a crash. */
  private readonly retired = new WeakSet<SolverThread>();
  /** The last 'error' event of each worker (an out-of-memory exit is reported this way). */
  private readonly workerErrors = new WeakMap<SolverThread, Error>();
  /** The heap limit the current worker was started with. */
  private workerMemoryMB: number | undefined;
  /** The run the worker reported as executing (its `progress` 0), until it settles. */
  private activeRunId: number | undefined;
  private hardCancelTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly crashes = new CrashBudget();
  private crashNotified = false;
  private disposed = false;
  private startedWorkers = 0;

  constructor(private readonly deps: WorkerProcessDeps) {}

  /** Has a worker been started (it starts lazily on the first post)? */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Worker threads started so far: a hard cancel, a crash or a new memory limit starts another. */
  get starts(): number {
    return this.startedWorkers;
  }

  /** Posts to the worker, starting one when there is none. */
  post(message: HostToWorkerMessage): void {
    this.ensureWorker().postMessage(message);
  }

  /**
   * Tells the worker to drop `runId`. The worker drops a queued run; a run it is already
   * executing cannot be interrupted there (the analysis is synchronous): when it has not
   * stopped after {@link HARD_CANCEL_GRACE_MS}, the worker is restarted and the other queued
   * runs are re-sent, so neither a user's Cancel nor a newer edit waits for a long stale run.
   */
  cancel(runId: number, reason: CancelReason): void {
    this.worker?.postMessage({ type: 'cancel', runId });
    if (this.activeRunId !== runId) return;
    clearTimeout(this.hardCancelTimer);
    this.hardCancelTimer = setTimeout(() => {
      this.hardCancelTimer = undefined;
      if (this.activeRunId !== runId || this.disposed) return;
      this.deps.log.info(`run ${runId} (${reason}) is still executing after ${HARD_CANCEL_GRACE_MS} ms: restarting the solver worker`);
      this.restart();
    }, HARD_CANCEL_GRACE_MS);
  }

  /** The heap limit setting changed: a running worker with another limit is restarted at once (its queued runs re-sent). */
  memorySettingChanged(): void {
    if (!this.worker || this.disposed) return;
    const memoryMB = this.deps.memoryMB();
    if (memoryMB === this.workerMemoryMB) return;
    this.deps.log.info(`sslParadigm.worker.maxMemoryMB changed to ${memoryMB} MB: restarting the solver worker`);
    this.restart();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.hardCancelTimer);
    this.stop();
  }

  private ensureWorker(): SolverThread {
    if (this.worker) return this.worker;
    // A hostile spec or file must not take the extension host down with it: the worker's
    // heap is bounded, and running out of it ends only the worker (onExit restarts it).
    const memoryMB = this.deps.memoryMB();
    const spawn = this.deps.spawn ?? spawnWorkerThread;
    const w = spawn(this.deps.script, { name: 'ssl-paradigm-solver', stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: memoryMB } });
    this.worker = w;
    this.startedWorkers++;
    this.workerMemoryMB = memoryMB;
    this.activeRunId = undefined;
    const log = this.deps.log;
    log.info(`solver worker started (thread ${w.threadId}, heap limit ${memoryMB} MB)`);
    w.on('message', (m: unknown) => this.onMessage(w, m));
    w.on('error', (err: Error) => {
      this.workerErrors.set(w, err);
      log.error(`solver worker error: ${err.stack ?? err.message}`);
    });
    w.on('exit', (code: number) => this.onExit(w, code));
    // The worker never writes to stdout/stderr on purpose; anything there goes to the log.
    w.stdout.setEncoding('utf8').on('data', (s: string) => log.info(`[worker] ${s.trimEnd()}`));
    w.stderr.setEncoding('utf8').on('data', (s: string) => log.warn(`[worker] ${s.trimEnd()}`));
    return w;
  }

  private onMessage(w: SolverThread, m: unknown): void {
    if (w !== this.worker) return;
    if (!isWorkerToHostMessage(m)) {
      this.deps.log.error('solver worker sent a malformed message; ignored');
      return;
    }
    if (m.type === 'progress') {
      if (m.fraction === 0) this.activeRunId = m.runId;
    } else if (this.activeRunId === m.runId) this.activeRunId = undefined;
    this.deps.onMessage(m);
  }

  private onExit(w: SolverThread, code: number): void {
    if (this.retired.has(w) || w !== this.worker) return;
    this.worker = undefined;
    if (this.disposed) return;
    const crashLoop = this.crashes.record(Date.now());
    const culprit = this.activeRunId;
    this.activeRunId = undefined;
    const error = this.workerErrors.get(w);
    const outOfMemory = (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const reason = outOfMemory
      ? `it ran out of memory (the worker's limit is ${this.workerMemoryMB ?? this.deps.memoryMB()} MB, setting sslParadigm.worker.maxMemoryMB)`
      : `it exited with code ${code}${error ? `: ${error.message}` : ''}`;
    const culpritName = culprit !== undefined ? this.deps.runName(culprit) : undefined;
    this.deps.log.error(
      `solver worker stopped: ${reason}` + (culprit !== undefined ? ` while executing run ${culprit}${culpritName ? ` (${culpritName})` : ''}` : ''),
    );
    if (!this.crashNotified) {
      this.crashNotified = true;
      const t = this.deps.t;
      this.warnOnce(outOfMemory ? t('out of memory') : t('exit code {0}', String(code)), culpritName);
    }
    this.deps.onCrash({ culprit, reason, crashLoop });
  }

  /** The one warning of the session that the worker stopped (every stop is in the log). */
  private warnOnce(why: string, culpritName: string | undefined): void {
    const t = this.deps.t;
    const showLog = t('Show Log');
    const message = culpritName
      ? t(
          'SSL Paradigm Advisor: the analysis of {0} stopped the solver worker ({1}); it was restarted and other specs are analysed as usual. Details are in the log.',
          culpritName,
          why,
        )
      : t(
          'SSL Paradigm Advisor: the solver worker stopped unexpectedly ({0}); it was restarted and other specs are analysed as usual. Details are in the log.',
          why,
        );
    void this.deps.warn(message, showLog).then((choice) => {
      if (choice === showLog) this.deps.log.show(true);
    });
  }

  private stop(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.activeRunId = undefined;
    this.retired.add(w);
    void w.terminate();
  }

  /** Terminates the worker and hands the queued runs to a fresh one. */
  private restart(): void {
    this.stop();
    this.deps.onRestart();
  }
}
