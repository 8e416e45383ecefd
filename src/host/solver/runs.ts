/**
 * The bookkeeping of the solver client's runs (docs/architecture.md §3): run ids, the requests
 * awaiting the worker's answer, cancelling (and why: the user, or a newer edit superseding the
 * document's run), the one run per document whose result is kept, one-off runs under their own
 * `<uri>#oneoff-N` keys, the files the host reads for the worker (`needFiles`: read, then the
 * request is posted again), and what the queued runs become when the worker stops.
 * No `vscode` value is used here: the client injects the worker, the file reader, the
 * cancellation error and the translator, so that this runs under `node --test`.
 */
import type * as vscode from 'vscode';
import type {
  AnalyzeRequest,
  FileError,
  HostToWorkerMessage,
  ResultMessage,
  SimulateRequest,
  SimulationMessage,
  SolutionsFileMessage,
  SolutionsRequest,
  WorkerToHostMessage,
} from '../../shared/workerProtocol';
import { problemsOnly, type Localize } from '../../core/engine/index';
import type { ProgressEvent, SolverLog } from './types';

/** What a run resolves with. */
export type Settle = ResultMessage | SimulationMessage | SolutionsFileMessage;
export type RunRequest = AnalyzeRequest | SimulateRequest | SolutionsRequest;
export type CancelReason = 'cancelled' | 'superseded';

interface Pending {
  message: RunRequest;
  resolve: (m: Settle) => void;
  reject: (err: Error) => void;
  onProgress?: (fraction: number, message: string) => void;
}

/** One file the host read for the worker, or why it could not. */
export type HostFile = { bytes: Uint8Array } | { error: FileError };

/** Why the worker stopped, as {@link Runs.afterCrash} needs it (src/host/solver/workerProcess.ts). */
export interface WorkerCrash {
  /** The run the worker was executing when it stopped. */
  culprit?: number;
  /** `it ran out of memory (…)`, `it exited with code 1: …` */
  reason: string;
  /** It keeps stopping: the queued runs fail instead of being sent again. */
  crashLoop: boolean;
}

export interface RunsDeps {
  /** Posts to the worker, starting it when needed (throws when it cannot start). */
  post(message: HostToWorkerMessage): void;
  /** The run stopped being awaited: the worker drops it (and is restarted if it will not stop). */
  cancelInWorker(runId: number, reason: CancelReason): void;
  /** Reads `path` (absolute) for the spec `documentUri`, at most `limitBytes` (`vscode.workspace.fs` in the host). */
  readHostFile(documentUri: string, path: string, limitBytes: number): Promise<HostFile>;
  /** The worker reported progress of a run (fraction above 0). */
  progressed(e: ProgressEvent): void;
  /** `new vscode.CancellationError()`: what a cancelled run rejects with. */
  cancellationError(): Error;
  log: Pick<SolverLog, 'error'>;
  t: Localize;
}

/** A request's document URI without the `#oneoff-N` suffix of one-off runs. */
export function documentKey(uri: string): string {
  return uri.replace(/#oneoff-\d+$/, '');
}

/** The `uri` of a one-off run's request: its own key, so that it neither supersedes nor is superseded by the document's runs. */
export function oneOffUri(documentUri: string, runId: number): string {
  return `${documentUri}#oneoff-${runId}`;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

export class Runs {
  private nextRunId = 1;
  private readonly pending = new Map<number, Pending>();
  /** uri -> runId of the document run whose result will be kept. */
  private readonly documentRuns = new Map<string, number>();
  /** Why a run was cancelled (read once by the code awaiting it). */
  private readonly cancelReasons = new Map<number, CancelReason>();
  /** Documents whose files the host reads: the paths their last run needed (read up front next time). */
  private readonly neededFiles = new Map<string, string[]>();
  private disposed = false;

  constructor(private readonly deps: RunsDeps) {}

  /** The id of a new run (increases across documents). */
  newRunId(): number {
    return this.nextRunId++;
  }

  /** The document run of `key` running or queued, if any. */
  documentRun(key: string): number | undefined {
    return this.documentRuns.get(key);
  }

  /** Makes `runId` the document run of `key` (whose result is kept). */
  setDocumentRun(key: string, runId: number): void {
    this.documentRuns.set(key, runId);
  }

  /** The run settled: forgets why it was cancelled; true when it was still the document run of `key` (which is now idle). */
  endDocumentRun(key: string, runId: number): boolean {
    this.cancelReasons.delete(runId);
    if (this.documentRuns.get(key) !== runId) return false;
    this.documentRuns.delete(key);
    return true;
  }

  /** Why `runId` was cancelled, when it was a document run. */
  cancelReason(runId: number): CancelReason | undefined {
    return this.cancelReasons.get(runId);
  }

  /** Is `runId` awaiting the worker's answer? */
  isPending(runId: number): boolean {
    return this.pending.has(runId);
  }

  /** The document `runId` is for (without a one-off suffix), while it is pending. */
  runDocument(runId: number): string | undefined {
    const p = this.pending.get(runId);
    return p ? documentKey(p.message.uri) : undefined;
  }

  /** The document was closed: the paths its runs needed are forgotten. */
  forgetFiles(key: string): void {
    this.neededFiles.delete(key);
  }

  /**
   * Sends `message` to the worker; resolves with its answer, rejects with the cancellation
   * error when `token` or {@link cancel} cancels it and with an Error when the worker fails.
   */
  send(message: RunRequest, token?: vscode.CancellationToken, onProgress?: Pending['onProgress']): Promise<Settle> {
    if (this.disposed || token?.isCancellationRequested) return Promise.reject(this.deps.cancellationError());
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
          this.deps.post(message);
        } catch (err) {
          this.pending.delete(message.runId);
          sub?.dispose();
          reject(asError(err));
        }
      };
      // Files read by the host: those the document's last run needed are read before the first post.
      const known = message.files && message.trusted ? this.neededFiles.get(documentKey(message.uri)) : undefined;
      if (known && known.length > 0) void this.readHostFiles(message, known).then(postNow);
      else postNow();
    });
  }

  /**
   * Stops waiting for `runId` at once (it rejects with the cancellation error); the worker is
   * told to drop it. A document run remembers why, for {@link cancelReason}.
   */
  cancel(runId: number, reason: CancelReason): void {
    const p = this.pending.get(runId);
    if (!p) return;
    this.pending.delete(runId);
    if (this.isDocumentRun(p)) this.cancelReasons.set(runId, reason);
    p.reject(this.deps.cancellationError());
    this.deps.cancelInWorker(runId, reason);
  }

  /** A message of the worker (already checked against the protocol). */
  dispatch(m: WorkerToHostMessage): void {
    const p = this.pending.get(m.runId);
    if (m.type === 'progress') {
      p?.onProgress?.(m.fraction, m.message);
      if (p && m.fraction > 0)
        this.deps.progressed({ uri: documentKey(p.message.uri), runId: m.runId, kind: p.message.type, fraction: m.fraction, message: m.message });
      return;
    }
    if (m.type === 'error' && !p) {
      this.deps.log.error(`solver worker: ${m.message}`);
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
        p.reject(this.deps.cancellationError());
        break;
      case 'error':
        p.reject(new Error(m.message));
        break;
    }
  }

  /**
   * The worker stopped: the document run it was executing gets a `worker-crashed` result, a
   * one-off run it was executing fails, and (in a crash loop) so does every queued run; the
   * others are sent again to a fresh worker.
   */
  afterCrash({ culprit, reason, crashLoop }: WorkerCrash): void {
    for (const [runId, p] of [...this.pending]) {
      if (runId !== culprit && !crashLoop) continue;
      this.pending.delete(runId);
      if (runId === culprit && this.isDocumentRun(p)) p.resolve(crashedResult(p.message as AnalyzeRequest, reason, this.deps.t));
      else
        p.reject(
          new Error(runId === culprit ? `the solver worker stopped while running this analysis: ${reason}` : 'the solver worker keeps stopping; see the log'),
        );
    }
    this.resend();
  }

  /** Sends every queued run again, oldest first (to a fresh worker). */
  resend(): void {
    if (this.pending.size === 0 || this.disposed) return;
    for (const [runId, p] of [...this.pending].sort((a, b) => a[0] - b[0])) {
      try {
        this.deps.post(p.message);
      } catch (err) {
        this.pending.delete(runId);
        p.reject(asError(err));
      }
    }
  }

  /** Every queued run rejects with the cancellation error; nothing is sent any more. */
  dispose(): void {
    this.disposed = true;
    for (const [runId, p] of [...this.pending]) {
      this.pending.delete(runId);
      p.reject(this.deps.cancellationError());
    }
    this.documentRuns.clear();
  }

  /** A document's own analysis (its result is kept and shown as diagnostics), not a one-off or a simulation. */
  private isDocumentRun(p: Pending): boolean {
    const m = p.message;
    return m.type === 'analyze' && this.documentRuns.get(m.uri) === m.runId;
  }

  /**
   * Reads `paths` (absolute, as the core resolved them against the request's `baseDir`) into
   * the request's `files`, within its `maxFileBytes`; a file that cannot be read gets its
   * message in `fileErrors` (the core reports it as usual).
   */
  private async readHostFiles(message: RunRequest, paths: readonly string[]): Promise<void> {
    const files = (message.files ??= {});
    const errors = (message.fileErrors ??= {});
    const limit = message.maxFileBytes ?? Number.POSITIVE_INFINITY;
    const documentUri = documentKey(message.uri);
    await Promise.all(
      paths.map(async (path) => {
        if (Object.hasOwn(files, path) || Object.hasOwn(errors, path)) return;
        const read = await this.deps.readHostFile(documentUri, path, limit);
        if ('bytes' in read) files[path] = read.bytes;
        else errors[path] = read.error;
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
      this.deps.post(p.message);
    } catch (err) {
      this.pending.delete(p.message.runId);
      p.reject(asError(err));
    }
  }
}

/**
 * The result of a document analysis that stopped the worker: one `worker-crashed` error at
 * the start of the spec, so that the spec shows why it has no analysis (docs/architecture.md §6).
 */
function crashedResult(request: AnalyzeRequest, reason: string, t: Localize): ResultMessage {
  return {
    type: 'result',
    runId: request.runId,
    uri: request.uri,
    version: request.version,
    elapsedMs: 0,
    result: problemsOnly([
      {
        code: 'worker-crashed',
        severity: 'error',
        message: t(
          'The analysis of this spec stopped the solver worker: {0}. The worker was restarted and other specs are analysed as usual; this spec is analysed again when it changes.',
          reason,
        ),
        start: 0,
        end: 0,
      },
    ]),
  };
}
