/**
 * Problems are what the core reports about a spec: never exceptions. Offsets are
 * UTF-16 code-unit offsets into the source text (what both `yaml` and VS Code's
 * `TextDocument.positionAt` use), `end` exclusive. The host turns them into ranges.
 */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit in offsets; a fix is one or more of them, applied together. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface ProblemFix {
  title: string;
  edits: TextEdit[];
  /** The fix the user most likely wants (VS Code `isPreferred`). */
  preferred?: boolean;
}

export interface Problem {
  /** Stable identifier, e.g. `unknown-key`; listed in README and in `codes.ts`. */
  code: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  /** Quick fixes computed by the core (pure), applied by the host as WorkspaceEdits. */
  fixes?: ProblemFix[];
}

export function problem(code: string, severity: Severity, message: string, start: number, end: number, fixes?: ProblemFix[]): Problem {
  return fixes && fixes.length ? { code, severity, message, start, end, fixes } : { code, severity, message, start, end };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** 1-based line/column of an offset; `lineStarts` from `computeLineStarts`. */
export interface LineColumn {
  line: number;
  column: number;
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

export function offsetToLineColumn(lineStarts: readonly number[], offset: number): LineColumn {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
}
