/**
 * Problems as the analysis panel's card and the CLI's JSON show them: located by line (and
 * column), the most severe first. Generic over theories: every theory's panel model and
 * `analyze --json` carry them (docs/architecture.md §2).
 */
import { computeLineStarts, offsetToLineColumn, type Problem, type Severity } from './problems';

/** A problem shown on the recommendation card (typically assumption warnings). */
export interface PanelProblem {
  severity: Severity;
  code: string;
  message: string;
  /** 1-based line in the spec. */
  line: number;
  /** UTF-16 offset in the spec; when present the card links to it (`openSource`). */
  offset?: number;
}

/** The card lists at most this many problems (a broken spec can have hundreds). */
export const MAX_PANEL_PROBLEMS = 50;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Problems for the card: no hints, the most severe first (stable by offset), capped. */
export function panelProblems(problems: readonly Problem[], lineStarts: readonly number[]): PanelProblem[] {
  return problems
    .filter((p) => p.severity !== 'hint')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => SEVERITY_RANK[a.p.severity] - SEVERITY_RANK[b.p.severity] || a.p.start - b.p.start || a.i - b.i)
    .slice(0, MAX_PANEL_PROBLEMS)
    .map(({ p }) => {
      const offset = Number.isInteger(p.start) && p.start >= 0 ? p.start : undefined;
      return {
        severity: p.severity,
        code: p.code,
        message: p.message,
        line: offset === undefined ? 1 : offsetToLineColumn(lineStarts, offset).line,
        ...(offset === undefined ? {} : { offset }),
      };
    });
}

/** A problem with its 1-based start and end line and column (`sslexp check`, `analyze --json`). */
export interface LocatedProblem {
  code: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Locates every problem in `text`; `escape` rewrites messages for a terminal (the CLI's `safeText`). */
export function locateProblems(text: string, problems: readonly Problem[], escape: (s: string) => string = (s) => s): LocatedProblem[] {
  const starts = computeLineStarts(text);
  return problems.map((p) => {
    const a = offsetToLineColumn(starts, p.start);
    const b = offsetToLineColumn(starts, p.end);
    return { code: p.code, severity: p.severity, message: escape(p.message), line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  });
}
