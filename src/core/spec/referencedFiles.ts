/**
 * Reading the files a spec names, for every theory: only through the host's `readFile`
 * callback (docs/architecture.md §6), within the size limit; a file that cannot be read
 * becomes the one located problem that says why.
 */
import { problem, type Problem } from '../problems/problems';
import { joinPath } from './checker';
import { LIMITS, type Span } from './model';

export interface SpecFileAccess {
  /** Directory that relative file paths resolve against (the spec's directory). */
  baseDir?: string;
  /** Reads an absolute path; undefined in untrusted workspaces (docs/architecture.md §6). */
  readFile?: (absPath: string) => Uint8Array;
}

/**
 * The bytes of a file the spec refers to (`path` as written, `resolved` when the parser knew
 * the spec's directory), or the problem on `span`: `untrusted-file` (warning),
 * `file-not-found`, `file-read-error`, `limit-exceeded`. `unread` ends the untrusted-workspace
 * message ("signal.variance cannot be evaluated").
 */
export function readReferencedFile(
  path: string,
  resolved: string | undefined,
  files: SpecFileAccess,
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
