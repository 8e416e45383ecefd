/**
 * The solver worker (docs/architecture.md §3, §5): a `worker_threads` entry that runs the core off
 * the extension-host thread. Protocol: src/shared/workerProtocol.ts.
 *
 * Scheduling: requests are queued and run one at a time; between runs the worker yields
 * to its event loop so that `cancel` messages and newer requests are seen first. A newer
 * request of the same kind for the same document supersedes a queued (or, for the
 * asynchronous simulation, a running) older one, whose result is dropped. A synchronous
 * analysis cannot be interrupted from here; the host terminates the worker when a user
 * cancels one that is already running (solverClient.ts).
 *
 * Robustness: every message is validated and every handler is wrapped, so a bad message
 * or an engine bug becomes an `error` message, never the death of the worker.
 */
import { parentPort } from 'node:worker_threads';
import { enableKernelThreads } from '../node/kernelThreads';
import { fileSizeOf, readFileCapped, readRangeCapped } from '../node/readCapped';
import { analyzeText, faceOf, simulateSpecText, theoryFor, type EngineOptions, type Problem, type SolutionsFile } from '../core/engine/index';
import { parseSpec } from '../core/spec/parseSpec';
import { LIMITS } from '../core/spec/model';
import {
  DEFAULT_THIN_POINTS,
  PROGRESS_PER_SECOND,
  isHostToWorkerMessage,
  type AnalyzeRequest,
  type HostToWorkerMessage,
  type PostedResult,
  type SimulateRequest,
  type SolutionsRequest,
  type WorkerToHostMessage,
} from '../shared/workerProtocol';

type Request = AnalyzeRequest | SimulateRequest | SolutionsRequest;

interface Job {
  request: Request;
  /** Aborted by `cancel` or by a newer request of the same document (asynchronous runs observe it). */
  controller: AbortController;
  cancelReason?: 'cancelled' | 'superseded';
}

const port = parentPort;
// the dense kernels' helper thread (a second core for data-mode analyses); it ends with this worker
enableKernelThreads();
const queue: Job[] = [];
let active: Job | undefined;
let pumpScheduled = false;

function post(message: WorkerToHostMessage): void {
  try {
    port?.postMessage(message);
  } catch (err) {
    // A result that cannot be cloned is a bug; report it instead of losing the run.
    port?.postMessage({ type: 'error', runId: message.runId, message: `Could not send the ${message.type} message: ${errorText(err)}` });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function onMessage(raw: unknown): void {
  try {
    if (!isHostToWorkerMessage(raw)) {
      const runId = typeof raw === 'object' && raw !== null && typeof (raw as { runId?: unknown }).runId === 'number' ? (raw as { runId: number }).runId : 0;
      post({ type: 'error', runId: Number.isSafeInteger(runId) && runId >= 0 ? runId : 0, message: 'The worker received a malformed message and ignored it.' });
      return;
    }
    handle(raw);
  } catch (err) {
    post({ type: 'error', runId: 0, message: `The worker could not handle a message: ${errorText(err)}` });
  }
}

function handle(message: HostToWorkerMessage): void {
  if (message.type === 'cancel') {
    const i = queue.findIndex((j) => j.request.runId === message.runId);
    if (i >= 0) {
      queue.splice(i, 1);
      post({ type: 'cancelled', runId: message.runId, reason: 'cancelled' });
    } else if (active && active.request.runId === message.runId) {
      active.cancelReason = 'cancelled';
      active.controller.abort();
    }
    return;
  }
  // A newer request of the same kind for the same document supersedes older ones.
  for (let i = queue.length - 1; i >= 0; i--) {
    const old = queue[i].request;
    if (old.uri === message.uri && old.type === message.type) {
      queue.splice(i, 1);
      post({ type: 'cancelled', runId: old.runId, reason: 'superseded' });
    }
  }
  if (active && active.request.uri === message.uri && active.request.type === message.type) {
    active.cancelReason = 'superseded';
    active.controller.abort();
  }
  queue.push({ request: message, controller: new AbortController() });
  schedulePump();
}

/** Runs the next job after the event loop has delivered pending messages (cancels, newer requests). */
function schedulePump(): void {
  if (pumpScheduled) return;
  pumpScheduled = true;
  setImmediate(() => {
    pumpScheduled = false;
    void pump();
  });
}

async function pump(): Promise<void> {
  if (active || queue.length === 0) return;
  const job = queue.shift()!;
  active = job;
  const { request } = job;
  const t0 = performance.now();
  try {
    post({ type: 'progress', runId: request.runId, fraction: 0, message: request.type === 'simulate' ? 'Simulating' : 'Analysing' });
    if (request.type === 'analyze') {
      const result = analyze(request, throttledProgress(request.runId));
      const need = needFiles(request);
      if (need) finish(job, () => post(need));
      else
        finish(job, () =>
          post({ type: 'result', runId: request.runId, uri: request.uri, version: request.version, result, elapsedMs: performance.now() - t0 }),
        );
    } else if (request.type === 'solutions') {
      const out = solutionsFile(request, throttledProgress(request.runId));
      const need = needFiles(request);
      if (need) finish(job, () => post(need));
      else
        finish(job, () =>
          post({ type: 'solutionsFile', runId: request.runId, uri: request.uri, version: request.version, ...out, elapsedMs: performance.now() - t0 }),
        );
    } else {
      const out = await simulate(request, job.controller.signal, (fraction, message) => {
        if (!job.controller.signal.aborted) post({ type: 'progress', runId: request.runId, fraction, message });
      });
      const need = needFiles(request);
      if (need) finish(job, () => post(need));
      else
        finish(job, () =>
          post({
            type: 'simulation',
            runId: request.runId,
            uri: request.uri,
            version: request.version,
            problems: out.problems,
            simulation: out.simulation,
            elapsedMs: performance.now() - t0,
          }),
        );
    }
  } catch (err) {
    if (job.cancelReason) post({ type: 'cancelled', runId: request.runId, reason: job.cancelReason });
    else post({ type: 'error', runId: request.runId, message: errorText(err) });
  } finally {
    active = undefined;
    schedulePump();
  }
}

/**
 * The core's progress of a synchronous analysis (data read in blocks: one report per per cent
 * of each pass) as `progress` messages, at most {@link PROGRESS_PER_SECOND} a second; the end
 * of a pass (fraction 1) is always posted. Fractions are kept above 0, which marks a run's start.
 */
function throttledProgress(runId: number): (fraction: number, message: string) => void {
  const gap = 1000 / PROGRESS_PER_SECOND;
  let last = -Infinity;
  return (fraction, message) => {
    const now = performance.now();
    if (now - last < gap && fraction < 1) return;
    last = now;
    post({ type: 'progress', runId, fraction: Math.min(1, Math.max(Number.EPSILON, fraction)), message });
  };
}

/** Posts the outcome unless the job was cancelled or superseded meanwhile (stale results are dropped). */
function finish(job: Job, send: () => void): void {
  if (job.cancelReason) post({ type: 'cancelled', runId: job.request.runId, reason: job.cancelReason });
  else send();
}

// ---------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------

interface SimulationOutcome {
  problems: Problem[];
  simulation?: unknown;
}

/** Parses and checks the spec, then runs its `simulate` block with progress and cancellation; the series as its theory posts them. */
async function simulate(request: SimulateRequest, signal: AbortSignal, onProgress: (fraction: number, message: string) => void): Promise<SimulationOutcome> {
  const out = await simulateSpecText(
    request.text,
    { fileName: request.fileName, baseDir: request.baseDir, readFile: readerFor(request), ...rangeFor(request) },
    { signal, onProgress },
  );
  if (out.result === undefined || out.theory === undefined) return { problems: out.problems };
  const face = faceOf(out.theory);
  return { problems: out.problems, simulation: face.postSimulation ? face.postSimulation(out.result) : out.result };
}

// ---------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------

/** File access for the engine: only in trusted workspaces, and never beyond the size limit. */
function readerFor(request: Request): ((absPath: string) => Uint8Array) | undefined {
  if (!request.trusted) return undefined; // the core reports `untrusted-file` (docs/architecture.md §6)
  const limit = Math.min(request.maxFileBytes ?? LIMITS.maxFileBytes, LIMITS.maxFileBytes);
  if (request.files) return hostFileReader(request, request.files, limit);
  return (absPath: string): Uint8Array => readFileCapped(absPath, limit, ' (setting sslParadigm.worker.maxFileSizeMB)');
}

/** Paths a request with `files` asked for and did not carry: answered with `needFiles` instead of a result. */
const missingFiles = new WeakMap<Request, Set<string>>();

/**
 * `readFile` of a request whose files the host read (`vscode.workspace.fs`: virtual file
 * systems, the browser build): served from the request's map; a path it lacks is recorded
 * and fails for now, and the host sends the request again with it (NeedFilesMessage).
 */
function hostFileReader(request: Request, files: Record<string, Uint8Array>, limit: number): (absPath: string) => Uint8Array {
  const missing = new Set<string>();
  missingFiles.set(request, missing);
  const errors = request.fileErrors ?? {};
  return (absPath: string): Uint8Array => {
    if (Object.hasOwn(files, absPath)) {
      const bytes = files[absPath];
      if (bytes.length > limit) throw new Error(`${absPath} is over the limit of ${limit} bytes (setting sslParadigm.worker.maxFileSizeMB)`);
      return bytes;
    }
    if (Object.hasOwn(errors, absPath)) throw Object.assign(new Error(errors[absPath].message), { code: errors[absPath].code });
    missing.add(absPath);
    throw new Error(`${absPath} has not been read yet`);
  };
}

/** The `needFiles` answer of a run that asked for files its request did not carry, if any. */
function needFiles(request: Request): WorkerToHostMessage | undefined {
  const missing = missingFiles.get(request);
  return missing && missing.size > 0 ? { type: 'needFiles', runId: request.runId, paths: [...missing] } : undefined;
}

/**
 * Positioned reads for data mode's data read in blocks (any file size, each read capped),
 * only in trusted workspaces, like `readerFor`.
 */
function rangeFor(request: Request): Pick<EngineOptions, 'fileSize' | 'readRange'> {
  if (!request.trusted || request.files) return {}; // files read by the host are whole files
  return {
    fileSize: (absPath) => fileSizeOf(absPath),
    readRange: (absPath, position, length, into) => readRangeCapped(absPath, position, length, LIMITS.maxFileBytes, into),
  };
}

function analyze(request: AnalyzeRequest, onProgress: (fraction: number, message: string) => void): PostedResult {
  const refused = editorRefusal(request);
  if (refused) return refused;
  const result = analyzeText(request.text, {
    fileName: request.fileName,
    baseDir: request.baseDir,
    readFile: readerFor(request),
    ...rangeFor(request),
    alpha: request.alpha,
    components: false, // per-component scores travel thinned (the face's `post` with `detail`)
    curve: request.curve === true,
    onProgress,
  });
  return faceOf(result.theory).post(result, { maxPoints: request.thin ?? DEFAULT_THIN_POINTS, detail: request.components === true, alpha: request.alpha });
}

/**
 * The `.npz` of the document's solutions: the document is analysed again as `sslexp analyze`
 * does (the matrices are never kept in the worker) and written by its theory's face, the one
 * function the CLI uses, so that both produce the same bytes.
 */
function solutionsFile(request: SolutionsRequest, onProgress: (fraction: number, message: string) => void): SolutionsFile {
  const result = analyzeText(request.text, {
    fileName: request.fileName,
    baseDir: request.baseDir,
    readFile: readerFor(request),
    ...rangeFor(request),
    onProgress,
  });
  const face = faceOf(result.theory);
  if (face.solutionsFile) return face.solutionsFile(result);
  return { reason: result.problems.some((p) => p.severity === 'error') ? 'the spec has errors' : 'this kind of spec has no solution matrices' };
}

/**
 * The editor's own bounds on a spec (settings sslParadigm.worker.*), checked by the spec's
 * theory on the parsed spec before anything is evaluated, so that a typo like
 * `count: 100000000` cannot exhaust the worker's memory.
 */
function editorRefusal(request: AnalyzeRequest): PostedResult | undefined {
  const parsed = parseSpec(request.text, { fileName: request.fileName, baseDir: request.baseDir });
  const spec = parsed.spec;
  if (!spec) return undefined;
  const refusal = theoryFor(spec).face.editorRefusal?.(spec, { maxComponents: request.maxComponents });
  if (!refusal) return undefined;
  const problems = [...parsed.problems, refusal].sort((a, b) => a.start - b.start || a.end - b.end);
  return { theory: theoryFor(spec).id, problems, spec };
}

if (port) {
  port.on('message', onMessage);
  // The port also reports messages that cannot be deserialised; answer instead of dying.
  port.on('messageerror', (err) => post({ type: 'error', runId: 0, message: `A message could not be deserialised: ${errorText(err)}` }));
}
process.on('uncaughtException', (err) =>
  post({ type: 'error', runId: active?.request.runId ?? 0, message: `Uncaught error in the worker: ${errorText(err)}` }),
);
process.on('unhandledRejection', (err) =>
  post({ type: 'error', runId: active?.request.runId ?? 0, message: `Unhandled rejection in the worker: ${errorText(err)}` }),
);
