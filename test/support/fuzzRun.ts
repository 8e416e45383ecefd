/**
 * Runs one fuzz case (fuzzCases.ts) through the CLI's commands in this process, as
 * `sslexp check`, `sslexp analyze --json`, `sslexp analyze` and, when the spec has a cheap
 * simulate block, `sslexp simulate --json`, and checks the contract of docs/architecture.md §6: a located
 * problem or a result, exit status 0 or 1, exactly one JSON object for --json, well-formed
 * problem lines, never an internal error, no NaN in the numbers printed. A case with an
 * `output` also runs `analyze -o`: an input of the run is never overwritten (exit 2), a
 * written file is a readable .npz, and no other file changes. Returns the violations (empty
 * when the case passes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeCommand } from '../../src/cli/analyze';
import { npzKeys } from '../../src/core/io/npz';
import { check } from '../../src/cli/check';
import type { CliIo } from '../../src/cli/io';
import { runSimulateCommand } from '../../src/cli/simulate';
import { parseSpec } from '../../src/core/spec/parseSpec';
import { simulationCost } from '../../src/core/theories/alignment/simulateSpec';
import type { FuzzCase } from './fuzzCases';

export interface CaseOutcome {
  /** Wall time of all the commands of the case. */
  ms: number;
  violations: string[];
  /** The exit status of `analyze --json`. */
  status: number;
  /** Whether `simulate` ran. */
  simulated: boolean;
}

/** Writes the case's spec and files into `dir` (which must exist and be empty); returns the spec's path. */
export function writeCase(c: FuzzCase, dir: string): string {
  for (const [rel, content] of Object.entries(c.files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === 'object' && !(content instanceof Uint8Array)) {
      try {
        fs.symlinkSync(content.symlink, p);
      } catch {
        // a platform without symlinks: the case runs without that file
      }
    } else fs.writeFileSync(p, content);
  }
  const spec = path.join(dir, c.name);
  fs.writeFileSync(spec, c.spec);
  return spec;
}

function capture(): CliIo & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (s) => outs.push(s), err: (s) => errs.push(s) };
}

const LINE = /^[^\n]*:\d+:\d+: (error|warning|info|hint) [a-z0-9-]+: [^\n\r\u2028\u2029]*$/;

/** Fields of `analyze --json` that are numbers (or "Infinity"): null there is a NaN (toJson writes NaN as null). */
const NUMERIC_FIELDS = new Set(['delta', 'eta', 'boundary', 'alpha2RC', 'alpha2JE', 'alphaRC', 'alphaJE', 'objective', 'minImportant', 'maxNoise', 'alpha']);

/** Where the JSON document holds a NaN: null in a numeric field or among the numbers of an array. */
export function nanPaths(v: unknown, at = '$', out: string[] = []): string[] {
  if (Array.isArray(v)) {
    const numeric = v.some((x) => typeof x === 'number');
    v.forEach((x, i) => {
      if (x === null && numeric) out.push(`${at}[${i}]`);
      else nanPaths(x, `${at}[${i}]`, out);
    });
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (x === null && NUMERIC_FIELDS.has(k) && at !== '$') out.push(`${at}.${k}`);
      else nanPaths(x, `${at}.${k}`, out);
    }
  }
  return out;
}

/** The regular files below `dir` (relative path → bytes as base64). */
function snapshot(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of snapshot(dir, r)) out.set(k, v);
    else if (e.isFile()) out.set(r, fs.readFileSync(path.join(dir, r)).toString('base64'));
  }
  return out;
}

/** `analyze -o OUTPUT` on the case: inputs never overwritten, what is written is a .npz, nothing else changes. */
function checkOutput(c: FuzzCase, dir: string, spec: string, violations: string[]): void {
  const output = c.output!;
  const target = path.normalize(output);
  const before = snapshot(dir);
  const io = capture();
  const st = analyzeCommand(spec, { json: false, components: false, output: `${dir}/${output}` }, io);
  const after = snapshot(dir);
  const err = io.errs.join('\n');
  if (st !== 0 && st !== 1 && st !== 2) violations.push(`analyze -o ${output} exited ${st}`);
  if (/internal[- ]error/i.test(err)) violations.push(`analyze -o ${output}: ${err.slice(0, 300)}`);
  const namedBySpec = target === c.name || (target in c.files && c.spec.includes(path.basename(target)));
  if (target === c.name && st !== 2) violations.push(`analyze -o ${output} (the spec) exited ${st}, not 2`);
  if (st === 0) {
    if (namedBySpec) violations.push(`analyze -o ${output} overwrote a file the spec names`);
    if (!/^wrote .* \(\d+ arrays\)$/.test(err)) violations.push(`analyze -o ${output} said ${JSON.stringify(err.slice(0, 200))}`);
    try {
      if (npzKeys(new Uint8Array(fs.readFileSync(path.join(dir, target)))).length === 0) violations.push(`analyze -o ${output} wrote an empty archive`);
    } catch (e) {
      violations.push(`analyze -o ${output} wrote an unreadable .npz: ${(e as Error).message.slice(0, 200)}`);
    }
  } else if (!err.startsWith('sslexp analyze: ')) violations.push(`analyze -o ${output} exited ${st} with ${JSON.stringify(err.slice(0, 200))}`);
  for (const [f, bytes] of before) {
    if (f === target && st === 0) continue;
    if (after.get(f) !== bytes) violations.push(`analyze -o ${output} (exit ${st}) changed ${f}`);
  }
  for (const f of after.keys()) if (!before.has(f) && !(f === target && st === 0)) violations.push(`analyze -o ${output} (exit ${st}) left ${f}`);
}

/** The simulate block's estimated cost from the analysis (seconds), or undefined without one. */
function simulateSeconds(text: string, fileName: string, doc: Record<string, unknown>): number | undefined {
  const dims = doc.dimensions as { d: number; k: number; latent: number } | null;
  if (!dims) return undefined;
  const sim = parseSpec(text, { fileName }).spec?.simulate;
  if (!sim) return undefined;
  const classes = (doc.pipeline as { classes?: number } | null | undefined)?.classes;
  return simulationCost(
    { ...dims, targets: classes ?? dims.k, rotate: doc.mode === 'spectral' && dims.d <= 400 },
    { n: sim.n.values, alphas: sim.alpha.length, repeats: sim.repeats },
  ).seconds;
}

export async function runCase(c: FuzzCase, dir: string, opts: { simulateBelowSeconds?: number } = {}): Promise<CaseOutcome> {
  const violations: string[] = [];
  const t0 = performance.now();
  const spec = writeCase(c, dir);
  let status = -1;
  let simulated = false;
  const internal = (s: string) => /internal[- ]error/i.test(s);
  try {
    // sslexp check
    const ch = capture();
    const st = check([spec], ch);
    if (st !== 0 && st !== 1) violations.push(`check exited ${st}`);
    for (const line of ch.outs) {
      if (!line.startsWith(`${spec}:`) || !LINE.test(line)) violations.push(`check printed a malformed line: ${JSON.stringify(line.slice(0, 200))}`);
      if (internal(line)) violations.push(`check: ${line.slice(0, 300)}`);
    }
    if (ch.errs.length) violations.push(`check wrote to stderr: ${ch.errs.join(' | ').slice(0, 300)}`);
    if (st === 1 && !ch.outs.some((l) => / error [a-z0-9-]+: /.test(l))) violations.push('check exited 1 without an error line');

    // sslexp analyze --json
    const aj = capture();
    status = analyzeCommand(spec, { json: true, components: false }, aj);
    if (status !== 0 && status !== 1) violations.push(`analyze --json exited ${status}`);
    let doc: Record<string, unknown> | undefined;
    if (aj.outs.length !== 1) violations.push(`analyze --json wrote ${aj.outs.length} outputs`);
    else {
      try {
        doc = JSON.parse(aj.outs[0]) as Record<string, unknown>;
        if (!doc || typeof doc !== 'object' || Array.isArray(doc)) violations.push('analyze --json did not print an object');
      } catch (e) {
        violations.push(`analyze --json printed invalid JSON: ${(e as Error).message}`);
      }
    }
    if (aj.errs.length) violations.push(`analyze --json wrote to stderr: ${aj.errs.join(' | ').slice(0, 300)}`);
    const problems = (doc?.problems ?? []) as { code: string; severity: string; line: number; column: number; message: string }[];
    if (doc && !Array.isArray(doc.problems)) violations.push('analyze --json has no problems array');
    const zeroSignal = JSON.stringify(doc?.problems ?? []).includes('"zero-signal-variance"');
    if (doc)
      for (const at of nanPaths(doc)
        // the what-if's null: at that strength S is singular or joint-embedding's solution is not unique (docs/cli.md)
        .filter((p) => !(zeroSignal && p === '$.thresholds.boundary') && !/^\$\.strength\.(objective|probe)\./.test(p))
        .slice(0, 3))
        violations.push(`analyze --json printed NaN (null) at ${at}`);
    for (const p of problems) {
      if (p.code === 'internal-error') violations.push(`internal-error: ${p.message.slice(0, 300)}`);
      if (!(p.line >= 1 && p.column >= 1)) violations.push(`a problem without a location: ${JSON.stringify(p).slice(0, 200)}`);
    }
    if (doc && (status === 1) !== problems.some((p) => p.severity === 'error'))
      violations.push(`analyze --json exited ${status} with ${problems.filter((p) => p.severity === 'error').length} errors`);

    // sslexp analyze (text)
    const at = capture();
    const st2 = analyzeCommand(spec, { json: false, components: false }, at);
    if (st2 !== status) violations.push(`analyze exited ${st2}, analyze --json ${status}`);
    if (at.outs.some(internal) || at.errs.length) violations.push(`analyze: ${[...at.outs, ...at.errs].join('\n').slice(0, 300)}`);
    // a NaN among the printed numbers: problem lines may name one found in the data (the located
    // error), and a zero signal variance makes the boundary η²/δ undefined (docs/theory.md §4.5)
    const documentedNaN = problems.some((p) => p.code === 'zero-signal-variance');
    for (const line of at.outs.join('\n').split('\n')) {
      if (/^\s+\d+:\d+: (error|warning|info|hint) /.test(line)) continue;
      const nan = line.replace(documentedNaN ? /η²\/δ = undefined/ : /$^/, '');
      if (/[=:(,] *(NaN|undefined)\b/.test(nan)) violations.push(`analyze printed a NaN: ${line.slice(0, 200)}`);
    }

    if (c.output !== undefined) checkOutput(c, dir, spec, violations);

    // sslexp simulate --json, when the spec analyses without errors and the run is cheap
    const seconds = doc && status === 0 ? simulateSeconds(c.spec, spec, doc) : undefined;
    if (seconds !== undefined && seconds <= (opts.simulateBelowSeconds ?? 0.5)) {
      simulated = true;
      const sj = capture();
      const st3 = await runSimulateCommand(spec, true, sj, false);
      if (st3 !== 0 && st3 !== 1) violations.push(`simulate --json exited ${st3}`);
      if (sj.outs.length !== 1) violations.push(`simulate --json wrote ${sj.outs.length} outputs`);
      else {
        try {
          const s = JSON.parse(sj.outs[0]) as { problems?: { code: string; message: string }[] };
          for (const p of s.problems ?? []) if (p.code === 'internal-error') violations.push(`simulate internal-error: ${p.message.slice(0, 300)}`);
        } catch (e) {
          violations.push(`simulate --json printed invalid JSON: ${(e as Error).message}`);
        }
      }
      if (sj.errs.some(internal)) violations.push(`simulate: ${sj.errs.join(' | ').slice(0, 300)}`);
    }
  } catch (e) {
    violations.push(`threw: ${(e as Error).stack ?? String(e)}`.slice(0, 1000));
  }
  return { ms: performance.now() - t0, violations, status, simulated };
}
