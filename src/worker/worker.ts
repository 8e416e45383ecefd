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
import { analyzeText } from '../core/engine/analyze';
import { simulateSpecText } from '../core/engine/simulate';
import type { SimulationResult } from '../core/theories/alignment/simulation';
import type { EngineOptions, EngineResult } from '../core/engine/types';
import type { ResolvedSpectra } from '../core/theories/alignment/types';
import { problem, type Problem } from '../core/problems/problems';
import { parseSpec } from '../core/spec/parseSpec';
import { LIMITS } from '../core/spec/model';
import { thinIndices, pick } from '../core/numerics/thin';
import { importantScores, noiseScores } from '../core/theories/alignment/thresholds';
import type { PanelScores, PanelSimulation, PanelSpectra } from '../shared/webviewProtocol';
import { solutionsNpz } from '../core/theories/alignment/data/solutionsFile';
import {
  DEFAULT_THIN_POINTS,
  PROGRESS_PER_SECOND,
  STATS_HEAD,
  isHostToWorkerMessage,
  type AnalyzeRequest,
  type HostToWorkerMessage,
  type SerializableAlignmentResult,
  type SerializableEngineResult,
  type SimulateRequest,
  type SolutionsRequest,
  type SpectrumStats,
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
  simulation?: PanelSimulation;
}

/** Parses and checks the spec, then runs its `simulate` block with progress and cancellation (src/core/simulateSpec.ts). */
async function simulate(request: SimulateRequest, signal: AbortSignal, onProgress: (fraction: number, message: string) => void): Promise<SimulationOutcome> {
  const out = await simulateSpecText<SimulationResult>(
    request.text,
    { fileName: request.fileName, baseDir: request.baseDir, readFile: readerFor(request), ...rangeFor(request) },
    { signal, onProgress },
  );
  if (!out.result) return { problems: out.problems };
  const r = out.result;
  return {
    problems: out.problems,
    simulation: { metric: r.metric, n: r.n, series: r.series.map((s) => ({ paradigm: s.paradigm, alpha: s.alpha, mean: s.mean, spread: s.spread })) },
  };
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

function analyze(request: AnalyzeRequest, onProgress: (fraction: number, message: string) => void): SerializableEngineResult {
  const refused = overComponentLimit(request);
  if (refused) return refused;
  const result = analyzeText(request.text, {
    fileName: request.fileName,
    baseDir: request.baseDir,
    readFile: readerFor(request),
    ...rangeFor(request),
    alpha: request.alpha,
    components: false, // per-component scores travel thinned in `scores`
    curve: request.curve === true,
    onProgress,
  });
  return serializable(result, request);
}

/**
 * The `.npz` of the document's solutions: the document is analysed again as `sslexp analyze`
 * does (the matrices are never kept in the worker) and written by the one function the CLI
 * uses, `solutionsNpz`, so that both produce the same bytes.
 */
function solutionsFile(request: SolutionsRequest, onProgress: (fraction: number, message: string) => void): { bytes: Uint8Array } | { reason: string } {
  const result = analyzeText(request.text, {
    fileName: request.fileName,
    baseDir: request.baseDir,
    readFile: readerFor(request),
    ...rangeFor(request),
    onProgress,
  });
  if (result.theory === 'alignment' && result.mode === 'data' && result.solutions) return { bytes: solutionsNpz(result.solutions) };
  if (result.problems.some((p) => p.severity === 'error')) return { reason: 'the spec has errors' };
  if (result.theory !== 'alignment' || result.mode !== 'data') return { reason: 'only a data-mode analysis has solution matrices' };
  return { reason: 'no solutions were computed' };
}

/**
 * The editor's own bound on the size of a spectral problem (setting
 * sslParadigm.worker.maxComponents), checked on the parsed counts before any spectrum
 * is evaluated, so that a typo like `count: 100000000` cannot exhaust the worker's memory.
 */
function overComponentLimit(request: AnalyzeRequest): SerializableEngineResult | undefined {
  const max = request.maxComponents;
  if (max === undefined || !(max > 0)) return undefined;
  const parsed = parseSpec(request.text, { fileName: request.fileName, baseDir: request.baseDir });
  const spec = parsed.spec;
  if (!spec || spec.mode !== 'spectral') return undefined;
  const total = spec.signal.count + spec.noise.count;
  if (total <= max) return undefined;
  const block = spec.noise.count >= spec.signal.count ? spec.noise : spec.signal;
  const span = block.countSpan ?? block.keySpan ?? block.span;
  const refusal: Problem = problem(
    'limit-exceeded',
    'error',
    `The spec has ${total} components (signal ${spec.signal.count} + noise ${spec.noise.count}), over the editor's limit of ${max} ` +
      `(setting sslParadigm.worker.maxComponents); it is not analysed in the editor. The sslexp command line has no such limit.`,
    span.start,
    span.end,
  );
  const problems = [...parsed.problems, refusal].sort((a, b) => a.start - b.start || a.end - b.end);
  return { theory: 'alignment', problems, spec, mode: spec.mode };
}

function serializable(result: EngineResult, request: AnalyzeRequest): SerializableEngineResult {
  if (result.theory !== 'alignment') return result;
  // `prepared` (data mode's matrices, kept for a simulation in this thread) and `rowSampler`
  // (its lazy sample of data read in blocks) are non-enumerable and never posted; they are
  // named here so that `rest` cannot carry them.
  const { spectra, solutions, prepared: _prepared, rowSampler: _rowSampler, ...rest } = result;
  void _prepared;
  void _rowSampler;
  const out: SerializableAlignmentResult = rest;
  // Data mode: the d x d matrices stay in the worker (the CLI's --json has them); the
  // editor shows the spectra of the solutions and their objectives.
  if (solutions) {
    out.solutionSummary = {
      problem: solutions.problem,
      reconstruction: { phi: solutions.reconstruction.phi, objective: solutions.reconstruction.objective },
      jointEmbedding: { omega: solutions.jointEmbedding.omega, objective: solutions.jointEmbedding.objective },
      ...(solutions.discrepancy ? { discrepancy: solutions.discrepancy } : {}),
      ...(solutions.probe ? { probe: solutions.probe } : {}),
    };
  }
  if (out.atAlpha && out.atAlpha.components) {
    const { components: _dropped, ...atAlpha } = out.atAlpha;
    void _dropped;
    out.atAlpha = atAlpha;
  }
  if (!spectra) return out;
  const maxPoints = request.thin ?? DEFAULT_THIN_POINTS;
  out.spectra = thinSpectra(spectra, maxPoints);
  out.spectrumStats = {
    signal: { variance: stats(spectra.c), augmentation: stats(spectra.thetaImportant) },
    noise: { variance: stats(spectra.gamma), augmentation: stats(spectra.thetaNoise) },
  };
  const alpha = request.alpha ?? result.atAlpha?.alpha ?? result.spec?.alpha;
  if (request.components && alpha !== undefined) out.scores = thinScores(spectra, alpha, maxPoints);
  return out;
}

/** 1-based indices (noise components follow the k important ones, as in PanelSpectra). */
function oneBased(index: number[], offset: number): number[] {
  return index.map((i) => i + 1 + offset);
}

function thinSpectra(s: ResolvedSpectra, maxPoints: number): PanelSpectra {
  const k = s.c.length;
  const imp = thinIndices([s.c, s.thetaImportant], maxPoints);
  const noi = thinIndices([s.gamma, s.thetaNoise], maxPoints);
  return {
    important: { index: oneBased(imp, 0), c: pick(s.c, imp), theta: pick(s.thetaImportant, imp) },
    noise: { index: oneBased(noi, k), gamma: pick(s.gamma, noi), theta: pick(s.thetaNoise, noi) },
    thinned: imp.length < k || noi.length < s.gamma.length,
    total: { k, noise: s.gamma.length },
  };
}

function thinScores(s: ResolvedSpectra, alpha: number, maxPoints: number): PanelScores {
  const k = s.c.length;
  const imp = importantScores(s);
  const noi = noiseScores(s, alpha);
  const ii = thinIndices([imp.rc, imp.je], maxPoints);
  const ni = thinIndices([noi.rc, noi.je], maxPoints);
  return {
    alpha,
    important: { index: oneBased(ii, 0), rc: pick(imp.rc, ii), je: pick(imp.je, ii) },
    noise: { index: oneBased(ni, k), rc: pick(noi.rc, ni), je: pick(noi.je, ni) },
    thinned: ii.length < k || ni.length < s.gamma.length,
  };
}

function stats(values: Float64Array): SpectrumStats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, head: Array.from(values.subarray(0, STATS_HEAD)), sum, min, max };
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
