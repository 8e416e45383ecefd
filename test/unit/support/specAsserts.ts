/**
 * Assertions of the spec-parse suites: parse with a fixed base directory (recording every
 * code seen, for the table check at the end of a suite), expect one located problem, apply
 * its quick fix.
 */
import assert from 'node:assert/strict';
import { parseSpec } from '../../../src/core/spec/parseSpec';
import { computeLineStarts, offsetToLineColumn, type Problem } from '../../../src/core/problems/problems';
import type { Spec } from '../../../src/core/spec/model';

export interface Expect {
  code: string;
  line: number;
  column: number;
  /** The exact text covered by the range. */
  text: string;
  message: string;
  severity?: Problem['severity'];
}

export interface SpecAssertOptions {
  /** When a problem is expected, the spec is absent: always, or only when it is an error. */
  specAbsent: 'always' | 'on-error';
  /** The mode the root keys must select, when the suite is about one mode. */
  mode?: Spec['mode'];
}

export function specAsserts(options: SpecAssertOptions) {
  /** Every code seen by `parse`; checked against the table at the end of a suite. */
  const seen = new Map<string, Problem['severity']>();

  function parse(text: string, fileName = 'x.sslexp.yaml') {
    const r = parseSpec(text, { fileName, baseDir: '/work/specs' });
    for (const p of r.problems) seen.set(p.code, p.severity);
    return r;
  }

  /** Asserts that `text` yields a problem exactly as described (code, 1-based position, range text, message). */
  function expectProblem(text: string, e: Expect, fileName?: string): Problem {
    const r = parse(text, fileName);
    const candidates = r.problems.filter((p) => p.code === e.code);
    assert.ok(candidates.length > 0, `expected ${e.code}; got ${JSON.stringify(r.problems.map((p) => [p.code, p.message]))}`);
    const p = candidates.find((q) => q.message === e.message) ?? candidates[0];
    assert.equal(p.message, e.message);
    assert.deepEqual(offsetToLineColumn(computeLineStarts(text), p.start), { line: e.line, column: e.column });
    assert.equal(text.slice(p.start, p.end), e.text);
    assert.equal(p.severity, e.severity ?? 'error');
    if (options.specAbsent === 'always' || (e.severity ?? 'error') === 'error') assert.equal(r.spec, undefined, 'no spec when there are errors');
    if (options.mode) assert.equal(r.mode, options.mode, 'the mode the root keys select');
    return p;
  }

  return { seen, parse, expectProblem };
}

/** `text` with the first quick fix of `p` applied. */
export function applyFix(text: string, p: Problem): string {
  assert.ok(p.fixes && p.fixes.length, 'a quick fix');
  const edits = [...p.fixes[0].edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const ed of edits) out = out.slice(0, ed.start) + ed.newText + out.slice(ed.end);
  return out;
}
