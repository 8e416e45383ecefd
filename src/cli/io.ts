/**
 * File access and problem location shared by the sslexp commands (check, analyze,
 * simulate): files are read here, never in the core, and always within a byte limit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../core/engine/analyze';
import type { EngineResult } from '../core/engine/types';
import { computeLineStarts, offsetToLineColumn, type Problem } from '../core/problems/problems';
import { LIMITS } from '../core/spec/model';

/** Spec files are small documents; anything larger is refused before parsing. */
const MAX_SPEC_BYTES = 8 * 1024 * 1024;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Reads a file for the engine, refusing anything over the documented limit. */
export function readLimited(absPath: string, limit: number = LIMITS.maxFileBytes): Uint8Array {
  const st = fs.statSync(absPath);
  if (!st.isFile()) throw new Error(`${absPath} is not a regular file`);
  if (st.size > limit) throw new Error(`${absPath} is ${st.size} bytes, over the limit of ${limit}`);
  return fs.readFileSync(absPath);
}

export interface Loaded {
  file: string;
  text: string;
  result: EngineResult;
}

/** The text of a spec file (at most MAX_SPEC_BYTES), or why it cannot be read. */
export function readSpecText(file: string): { text: string } | { error: string } {
  try {
    return { text: new TextDecoder('utf-8').decode(readLimited(path.resolve(file), MAX_SPEC_BYTES)) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read '${file}': no such file` : `cannot read '${file}': ${(e as Error).message}` };
  }
}

/** Reads and analyses one spec; an unreadable file becomes a single problem. */
export function loadAndAnalyze(file: string, opts: { alpha?: number; components?: boolean; curve?: boolean }): Loaded {
  const abs = path.resolve(file);
  const read = readSpecText(file);
  if ('error' in read) return { file, text: '', result: { theory: 'alignment', problems: [{ code: 'file-not-found', severity: 'error', message: read.error, start: 0, end: 0 }] } };
  const text = read.text;
  const result = analyzeText(text, {
    fileName: abs,
    baseDir: path.dirname(abs),
    readFile: (p) => readLimited(p),
    alpha: opts.alpha,
    components: opts.components,
    curve: opts.curve,
  });
  return { file, text, result };
}

export interface LocatedProblem {
  code: string;
  severity: Problem['severity'];
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function locate(text: string, problems: readonly Problem[]): LocatedProblem[] {
  const starts = computeLineStarts(text);
  return problems.map((p) => {
    const a = offsetToLineColumn(starts, p.start);
    const b = offsetToLineColumn(starts, p.end);
    return { code: p.code, severity: p.severity, message: p.message, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  });
}

export const hasError = (r: EngineResult): boolean => r.problems.some((p) => p.severity === 'error');
