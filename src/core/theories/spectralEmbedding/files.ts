/**
 * File access of graph mode: every file is read through the host's `readFile(absPath)`
 * callback; without it (an untrusted workspace) nothing is read and the spec gets an
 * `untrusted-file` warning at the path (docs/architecture.md §6).
 */
import { problem, type Problem } from '../../problems/problems';
import { joinPath } from '../../spec/parseSpec';
import { LIMITS, type Span } from '../../spec/model';

export interface GraphFileAccess {
  /** Directory that relative paths resolve against (the spec's). */
  baseDir?: string;
  /** Reads an absolute path; undefined in an untrusted workspace. */
  readFile?: (absPath: string) => Uint8Array;
}

/**
 * The bytes of a file named in the spec (`resolved` when the parser resolved it), or the
 * located problem: `untrusted-file` (warning), `file-not-found`, `file-read-error`,
 * `limit-exceeded`. `unread` completes the untrusted-workspace message.
 */
export function readSpecFile(
  path: string,
  resolved: string | undefined,
  files: GraphFileAccess,
  span: Span,
  unread: string,
): { bytes: Uint8Array } | { problem: Problem } {
  const err = (code: string, message: string, severity: 'error' | 'warning' = 'error') => ({ problem: problem(code, severity, message, span.start, span.end) });
  if (!files.readFile) return err('untrusted-file', `Data files are not read in an untrusted workspace: '${path}' is ignored and ${unread}.`, 'warning');
  let abs = resolved;
  if (abs === undefined) {
    if (files.baseDir !== undefined) abs = joinPath(files.baseDir, path);
    else if (/^([a-zA-Z]:[\\/]|[\\/])/.test(path)) abs = path;
    else return err('file-not-found', `Cannot resolve '${path}': the spec has no directory (save it first).`);
  }
  let bytes: Uint8Array;
  try {
    bytes = files.readFile(abs);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return err('file-not-found', `File '${path}' not found (looked for ${abs}).`);
    if (/over the limit/.test(msg)) return err('limit-exceeded', `File '${path}' is larger than the limit of ${LIMITS.maxFileBytes} bytes.`);
    return err('file-read-error', `Cannot read '${path}': ${msg}`);
  }
  if (bytes.length > LIMITS.maxFileBytes) return err('limit-exceeded', `File '${path}' is ${bytes.length} bytes, over the limit of ${LIMITS.maxFileBytes}.`);
  return { bytes };
}
