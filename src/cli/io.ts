/**
 * File access and problem location shared by the sslexp commands (check, analyze,
 * simulate): files are read here, never in the core, and always within a byte limit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, locateProblems, problemsOnly, type EngineResult, type LocatedProblem, type Problem } from '../core/engine/index';
import { LIMITS } from '../core/spec/model';
import { FileTooLargeError, fileSizeOf, readFileCapped, readRangeCapped } from '../node/readCapped';

/** Spec files are small documents; anything larger is refused before parsing. */
const MAX_SPEC_BYTES = 8 * 1024 * 1024;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Reads a file for the engine, refusing anything over the documented limit (counted on the bytes read). */
export function readLimited(absPath: string, limit: number = LIMITS.maxFileBytes): Uint8Array {
  return readFileCapped(absPath, limit);
}

/** Positioned reads for data read in blocks (any file size; each read within the limit). */
export const rangeReader = {
  fileSize: (absPath: string): number => fileSizeOf(absPath),
  readRange: (absPath: string, position: number, length: number, into?: Uint8Array): Uint8Array =>
    readRangeCapped(absPath, position, length, LIMITS.maxFileBytes, into),
};

/** Progress lines on stderr when it is a terminal or SSLEXP_PROGRESS=1 (as `simulate`), one per whole percent. */
export function progressReporter(
  io: CliIo,
  label: string,
  enabled: boolean = process.stderr.isTTY === true || process.env.SSLEXP_PROGRESS === '1',
): ((fraction: number, message: string) => void) | undefined {
  if (!enabled) return undefined;
  let lastShown = -1;
  return (fraction, message) => {
    const pct = Math.floor(fraction * 100);
    if (pct === lastShown) return;
    lastShown = pct;
    io.err(`${label}: ${String(pct).padStart(3)}%  ${safeText(message)}`);
  };
}

/**
 * Control characters, line and paragraph separators in text that came from a spec or a
 * path are escaped before they reach a terminal or a log, so that a crafted file name or
 * key cannot forge a problem line (`FILE:LINE:COL: severity code: message`).
 */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export interface Loaded {
  file: string;
  text: string;
  result: EngineResult;
}

/** The text of a spec file (at most MAX_SPEC_BYTES), or why it cannot be read. */
export function readSpecText(file: string): { text: string } | { error: string; code: 'file-not-found' | 'limit-exceeded' } {
  try {
    return { text: new TextDecoder('utf-8').decode(readLimited(path.resolve(file), MAX_SPEC_BYTES)) };
  } catch (e) {
    if (e instanceof FileTooLargeError)
      return { code: 'limit-exceeded', error: `cannot read '${file}': a spec file may hold at most ${MAX_SPEC_BYTES} bytes (8 MiB)` };
    return {
      code: 'file-not-found',
      error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read '${file}': no such file` : `cannot read '${file}': ${(e as Error).message}`,
    };
  }
}

/**
 * Reads and analyses one spec; an unreadable file becomes a single problem. `readPaths`,
 * when given, receives the absolute path of every file the analysis opened or tried to open
 * (the run's inputs, for {@link checkOutputPath}).
 */
export function loadAndAnalyze(
  file: string,
  opts: { alpha?: number; components?: boolean; curve?: boolean; onProgress?: (fraction: number, message: string) => void; readPaths?: Set<string> },
): Loaded {
  const abs = path.resolve(file);
  const read = readSpecText(file);
  if ('error' in read) return { file, text: '', result: problemsOnly([{ code: read.code, severity: 'error', message: read.error, start: 0, end: 0 }]) };
  const text = read.text;
  const result = analyzeText(text, {
    fileName: abs,
    baseDir: path.dirname(abs),
    readFile: (p) => {
      opts.readPaths?.add(p);
      return readLimited(p);
    },
    fileSize: (p) => {
      opts.readPaths?.add(p);
      return rangeReader.fileSize(p);
    },
    readRange: (p, position, length, into) => {
      opts.readPaths?.add(p);
      return rangeReader.readRange(p, position, length, into);
    },
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    alpha: opts.alpha,
    components: opts.components,
    curve: opts.curve,
  });
  return { file, text, result };
}

export type { LocatedProblem };

/** The problems of `text` with their lines and columns, messages escaped for a terminal. */
export function locate(text: string, problems: readonly Problem[]): LocatedProblem[] {
  return locateProblems(text, problems, safeText);
}

export const hasError = (r: EngineResult): boolean => r.problems.some((p) => p.severity === 'error');

/**
 * Why `output` must not be written by a run that reads `inputs`, or undefined when it may.
 * It must not be a directory nor one of the run's inputs, compared as files (device and
 * inode, so symlinks, hard links and `./` spellings are the same file), then as real paths
 * where inodes are not reliable (a case-insensitive file system's other spellings are not
 * looked for); and, as the file written is a .npz archive, its name must end in .npz
 * (numpy.savez would append it; the message suggests the name instead).
 */
export function checkOutputPath(output: string, inputs: Iterable<string>): string | undefined {
  const target = statOrUndefined(output);
  if (target?.isDirectory()) return `'${safeText(output)}' is a directory`;
  if (target) {
    const targetReal = realPathOrUndefined(output);
    for (const input of inputs) {
      const s = statOrUndefined(input);
      if (!s) continue;
      const sameInode = s.ino !== 0 && s.dev === target.dev && s.ino === target.ino;
      if (sameInode || (targetReal !== undefined && realPathOrUndefined(input) === targetReal)) {
        return `'${safeText(output)}' is an input of this run ('${safeText(input)}'); nothing was written: choose another output file`;
      }
    }
  }
  if (!/\.npz$/i.test(output)) {
    const suggestion = /\.[^./\\]*$/.test(path.basename(output)) ? output.replace(/\.[^./\\]*$/, '.npz') : `${output}.npz`;
    return `'${safeText(output)}' does not end in .npz: the file written is a .npz archive (numpy.load reads it); write it to '${safeText(suggestion)}'`;
  }
  return undefined;
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function realPathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/**
 * Writes `bytes` (or its parts, one after another: large arrays go to the file from their own
 * memory, never copied into one buffer first) to `file` all or nothing: into a new file beside
 * it (same directory, so the rename is atomic), flushed, then renamed over `file`. A failed
 * write leaves `file` as it was and removes the partial file. An existing file's permission
 * bits are kept; a symlink at `file` is replaced by the new file, never written through.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | readonly Uint8Array[]): void {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const previous = statOrUndefined(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', previous ? previous.mode & 0o777 : 0o666);
    for (const part of bytes instanceof Uint8Array ? [bytes] : bytes)
      for (let done = 0; done < part.length;) done += fs.writeSync(fd, part, done, part.length - done);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
