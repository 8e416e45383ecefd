/**
 * Runs one fuzz case (fuzzCases.ts) through the CLI's commands in this process, as
 * `sslexp check`, `sslexp analyze --json`, `sslexp analyze` and, when the spec has a cheap
 * simulate block, `sslexp simulate --json`, and checks the contract of docs/architecture.md §6: a located
 * problem or a result, exit status 0 or 1, exactly one JSON object for --json, well-formed
 * problem lines, never an internal error. Returns the violations (empty when the case passes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeCommand } from '../../src/cli/analyze';
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
