/**
 * Property-based fuzzing of the engine and the CLI (docs/architecture.md §6): seeded specs of every mode
 * with the data files they name (test/support/fuzzCases.ts), each run through `check`,
 * `analyze --json`, `analyze` and a cheap `simulate --json` (test/support/fuzzRun.ts). The
 * contract: a located problem or a result, exit status 0 or 1, exactly one JSON object for
 * --json, well-formed problem lines, no internal error, bounded time per case. A sample runs
 * in child processes with a small heap and a timeout, as a user runs `sslexp`.
 * `npm run fuzz` (bench/fuzz.ts) runs 10^5 cases the same way before a release.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fuzzCase } from '../support/fuzzCases';
import { runCase, writeCase } from '../support/fuzzRun';
import { HANG_GUARD_MS } from '../support/hangGuard';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-fuzz-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** Seeds of this suite; bench/fuzz.ts starts after them. */
const CASES = 3000;
/** Per case (four commands): the guard against hangs; typical cases take milliseconds (their speed: npm run fuzz). */
const CASE_MS = HANG_GUARD_MS;

test(`fuzz: ${CASES} generated and mutated specs with their data files keep the contract in-process`, async () => {
  const kinds = new Map<string, number>();
  let errors = 0;
  let ok = 0;
  let simulated = 0;
  let slowest = { ms: 0, seed: 0 };
  const failures: string[] = [];
  for (let seed = 1; seed <= CASES; seed++) {
    const c = fuzzCase(seed);
    const dir = path.join(tmp, `c${seed}`);
    fs.mkdirSync(dir);
    const out = await runCase(c, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    if (out.ms > slowest.ms) slowest = { ms: out.ms, seed };
    if (out.violations.length || out.ms > CASE_MS)
      failures.push(`seed ${seed} (${c.kind}, ${out.ms.toFixed(0)} ms): ${out.violations.join('; ') || 'too slow'}\n--- ${c.name}\n${c.spec.slice(0, 600)}`);
    if (out.status === 1) errors++;
    else if (out.status === 0) ok++;
    if (out.simulated) simulated++;
    if (failures.length >= 5) break;
  }
  assert.deepEqual(failures, []);
  // the generator must reach both outcomes and every mode, or it is not doing its job
  assert.ok(errors > CASES / 4 && ok > CASES / 10, `errors ${errors}, ok ${ok}`);
  assert.ok(simulated > 20, `simulated ${simulated}`);
  for (const mode of ['spectral', 'data', 'graph'])
    assert.ok(
      [...kinds].some(([k, n]) => k.startsWith(mode) && n > 50),
      `${mode}: ${JSON.stringify([...kinds])}`,
    );
  console.log(`# fuzz: ${CASES} cases, ${ok} exit 0, ${errors} exit 1, ${simulated} simulated; slowest seed ${slowest.seed}: ${slowest.ms.toFixed(0)} ms`);
});

test('fuzz: a sample as child processes of sslexp with a 256 MB heap and a timeout: status 0/1, one JSON object, nothing on stderr', () => {
  const specs: string[] = [];
  for (let seed = 1_000_001; specs.length < 24; seed++) {
    const c = fuzzCase(seed);
    const dir = path.join(tmp, `p${seed}`);
    fs.mkdirSync(dir);
    specs.push(writeCase(c, dir));
  }
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--max-old-space-size=256', cli, ...args], { cwd: tmp, encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20 });
  const ch = run(['check', ...specs]);
  assert.ok(ch.status === 0 || ch.status === 1, `check: status ${ch.status} signal ${ch.signal}\n${ch.stderr}`);
  assert.equal(ch.stderr, '');
  for (const line of ch.stdout.split('\n').filter(Boolean)) {
    assert.ok(
      specs.some((s) => line.startsWith(`${s}:`)),
      line,
    );
    assert.match(line, /:\d+:\d+: (error|warning|info|hint) [a-z0-9-]+: /);
    assert.doesNotMatch(line, /internal-error/);
  }
  for (const spec of specs) {
    const r = run(['analyze', spec, '--json']);
    assert.ok(r.status === 0 || r.status === 1, `${spec}: status ${r.status} signal ${r.signal}\n${r.stderr}`);
    assert.equal(r.stderr, '', spec);
    assert.equal(r.stdout.trimEnd().split('\n').length, 1, 'one line');
    const doc = JSON.parse(r.stdout);
    assert.ok(doc && typeof doc === 'object' && Array.isArray(doc.problems));
    assert.equal(
      r.status === 1,
      doc.problems.some((p: { severity: string }) => p.severity === 'error'),
    );
    assert.ok(!doc.problems.some((p: { code: string }) => p.code === 'internal-error'), JSON.stringify(doc.problems));
  }
});
