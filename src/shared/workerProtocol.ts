/**
 * The message protocol between the extension host (src/host/solverClient.ts) and the
 * solver worker (src/worker/worker.ts), imported by both sides (docs/architecture.md §3, §5).
 *
 * Every message is a discriminated union member carrying the `runId` the host assigned
 * (monotonically increasing across documents). Everything is structured-clone friendly:
 * plain objects, arrays, numbers (±Infinity and NaN survive `postMessage`). The heavy
 * per-component arrays of the engine never cross the thread boundary: the worker thins
 * them for display (`thinIndices` of src/core/thin.ts) and adds summary statistics.
 *
 * Pure: no `vscode`, no Node APIs.
 */
import type { PostedResultBase, Problem } from '../core/engine/index';

// ---------------------------------------------------------------------------------------
// Host -> worker
// ---------------------------------------------------------------------------------------

/** Fields shared by requests that read a document. */
export interface DocumentRequest {
  runId: number;
  /** `document.uri.toString()`: the key for superseding older runs of the same document. */
  uri: string;
  version: number;
  text: string;
  /** Chooses YAML or JSON and appears in messages (a path or an untitled name). */
  fileName: string;
  /** Directory relative paths resolve against; absent for untitled or non-file documents. */
  baseDir?: string;
  /** Workspace trust: when false the worker never reads a file (the core then reports `untrusted-file`). */
  trusted: boolean;
  /** Upper bound of bytes of any data file the worker reads (trusted only). */
  maxFileBytes?: number;
  /** Refuse spectral specs with more components in total (signal + noise) than this. */
  maxComponents?: number;
  /**
   * Files read by the host (`vscode.workspace.fs`: virtual file systems, the browser), by the
   * absolute path the core resolves. When present, the worker reads no file itself: it serves
   * `readFile` from this map and answers {@link NeedFilesMessage} for paths it lacks.
   */
  files?: Record<string, Uint8Array>;
  /** Paths the host could not read (with `files`): a Node-style error code (`ENOENT`, ...) and the message. */
  fileErrors?: Record<string, FileError>;
}

export interface AnalyzeRequest extends DocumentRequest {
  type: 'analyze';
  /** Overrides the spec's alpha. */
  alpha?: number;
  /** Include per-component RC/JE scores at alpha, thinned (`result.scores`). */
  components?: boolean;
  /** Include the noise-scaling curve alpha2(t) (O(61 d): only when a panel shows it). */
  curve?: boolean;
  /** Maximum points per thinned series (default {@link DEFAULT_THIN_POINTS}). */
  thin?: number;
}

/** Runs the spec's `simulate` block (docs/theory.md §6.1 / §8.3). */
export interface SimulateRequest extends DocumentRequest {
  type: 'simulate';
}

/** Cancels a queued or running request; the worker answers with `cancelled` (or not at all when it already finished). */
export interface CancelRequest {
  type: 'cancel';
  runId: number;
}

/**
 * The `.npz` of a data-mode analysis's solutions (the panel's "Solutions (.npz)" export): the
 * worker analyses the document again and answers with {@link SolutionsFileMessage}, whose
 * bytes are those of `sslexp analyze FILE --output F.npz` (docs/architecture.md §2).
 */
export interface SolutionsRequest extends DocumentRequest {
  type: 'solutions';
}

export type HostToWorkerMessage = AnalyzeRequest | SimulateRequest | SolutionsRequest | CancelRequest;

// ---------------------------------------------------------------------------------------
// Worker -> host
// ---------------------------------------------------------------------------------------

/**
 * What the worker posts for an analysis: the result as its theory's face posts it (heavy
 * arrays thinned; the face's `post`), tagged by the theory. The host reads it only through
 * that face (engine `faceOf`).
 */
export type PostedResult = PostedResultBase;

export interface ResultMessage {
  type: 'result';
  runId: number;
  uri: string;
  version: number;
  result: PostedResult;
  /** Time spent in the worker on this run. */
  elapsedMs: number;
}

/** The result of a `simulate` request. */
export interface SimulationMessage {
  type: 'simulation';
  runId: number;
  uri: string;
  version: number;
  /** Problems that prevented (or accompanied) the simulation, e.g. spec errors. */
  problems: Problem[];
  /** What the panel draws (the theory face's `postSimulation`); absent when the spec could not be simulated (see `problems`). */
  simulation?: unknown;
  elapsedMs: number;
}

/** The answer to a {@link SolutionsRequest}: the `.npz` bytes, or why there are none (`reason`, a sentence). */
export interface SolutionsFileMessage {
  type: 'solutionsFile';
  runId: number;
  uri: string;
  version: number;
  bytes?: Uint8Array;
  reason?: string;
  elapsedMs: number;
}

/**
 * A run started (`fraction` 0) or advanced. Analyses that read data in blocks report each
 * pass (`reading data.npy: 120000 samples`), at most {@link PROGRESS_PER_SECOND} a second.
 */
export interface ProgressMessage {
  type: 'progress';
  runId: number;
  /** 0..1 */
  fraction: number;
  message: string;
}

/** A run ended without a result because of a bug or a resource failure (never user input: that is a problem). */
export interface ErrorMessage {
  type: 'error';
  runId: number;
  message: string;
}

/** A run was cancelled or superseded by a newer run of the same document before it finished. */
export interface CancelledMessage {
  type: 'cancelled';
  runId: number;
  reason: 'cancelled' | 'superseded';
}

/** Why the host could not read a file (`code` as node:fs would set it, so the core reports `file-not-found` alike). */
export interface FileError {
  code?: string;
  message: string;
}

/**
 * A request with `files` needed files it did not carry: the host reads `paths` (absolute, as the
 * core resolved them against `baseDir`) and sends the same request again with them added.
 */
export interface NeedFilesMessage {
  type: 'needFiles';
  runId: number;
  paths: string[];
}

export type WorkerToHostMessage =
  ResultMessage | SimulationMessage | SolutionsFileMessage | ProgressMessage | ErrorMessage | CancelledMessage | NeedFilesMessage;

// ---------------------------------------------------------------------------------------
// Constants and validation
// ---------------------------------------------------------------------------------------

/** Default maximum points per thinned series (the panel draws a few thousand). */
export const DEFAULT_THIN_POINTS = 4000;
/** Progress messages a run posts per second at most (the worker drops the others). */
export const PROGRESS_PER_SECOND = 10;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isRunId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isOptionalFiniteNumber = (x: unknown): boolean => x === undefined || (typeof x === 'number' && Number.isFinite(x));
const isOptionalBoolean = (x: unknown): boolean => x === undefined || typeof x === 'boolean';

function isDocumentRequest(x: Record<string, unknown>): boolean {
  return (
    isRunId(x.runId) &&
    typeof x.uri === 'string' &&
    typeof x.version === 'number' &&
    typeof x.text === 'string' &&
    typeof x.fileName === 'string' &&
    (x.baseDir === undefined || typeof x.baseDir === 'string') &&
    typeof x.trusted === 'boolean' &&
    isOptionalFiniteNumber(x.maxFileBytes) &&
    isOptionalFiniteNumber(x.maxComponents) &&
    (x.files === undefined || (isRecord(x.files) && Object.values(x.files).every((v) => v instanceof Uint8Array))) &&
    (x.fileErrors === undefined ||
      (isRecord(x.fileErrors) &&
        Object.values(x.fileErrors).every((v) => isRecord(v) && typeof v.message === 'string' && (v.code === undefined || typeof v.code === 'string'))))
  );
}

/** The worker's check of every incoming message (a bad message is answered, never fatal). */
export function isHostToWorkerMessage(x: unknown): x is HostToWorkerMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'analyze':
      return (
        isDocumentRequest(x) &&
        (x.alpha === undefined || (typeof x.alpha === 'number' && Number.isFinite(x.alpha) && x.alpha >= 0)) &&
        isOptionalBoolean(x.components) &&
        isOptionalBoolean(x.curve) &&
        (x.thin === undefined || (typeof x.thin === 'number' && Number.isInteger(x.thin) && x.thin > 0))
      );
    case 'simulate':
    case 'solutions':
      return isDocumentRequest(x);
    case 'cancel':
      return isRunId(x.runId);
    default:
      return false;
  }
}

/** The host's check of messages from its own worker (cheap: only the envelope). */
export function isWorkerToHostMessage(x: unknown): x is WorkerToHostMessage {
  if (!isRecord(x) || !isRunId(x.runId)) return false;
  switch (x.type) {
    case 'result':
      return typeof x.uri === 'string' && typeof x.version === 'number' && isRecord(x.result) && Array.isArray(x.result.problems);
    case 'simulation':
      return typeof x.uri === 'string' && typeof x.version === 'number' && Array.isArray(x.problems);
    case 'solutionsFile':
      return (
        typeof x.uri === 'string' &&
        typeof x.version === 'number' &&
        (x.bytes === undefined || x.bytes instanceof Uint8Array) &&
        (x.reason === undefined || typeof x.reason === 'string') &&
        (x.bytes !== undefined) !== (x.reason !== undefined)
      );
    case 'progress':
      return typeof x.fraction === 'number' && typeof x.message === 'string';
    case 'error':
      return typeof x.message === 'string';
    case 'cancelled':
      return x.reason === 'cancelled' || x.reason === 'superseded';
    case 'needFiles':
      return Array.isArray(x.paths) && x.paths.every((p) => typeof p === 'string');
    default:
      return false;
  }
}
