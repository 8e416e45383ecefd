/**
 * `npm run fuzz`: the release fuzz run (docs/architecture.md §6). 10^5 seeded cases (test/support/fuzzCases.ts:
 * specs of every mode with their data files, generated and mutated) through `check`,
 * `analyze --json`, `analyze` and cheap `simulate --json` runs (test/support/fuzzRun.ts), in
 * child processes with a 2 GB heap: a child that dies is a crash, a case that gives no answer
 * within the per-case timeout is a hang (the child is killed and the run goes on after it),
 * a broken contract is a violation. Prints the cases, crashes, hangs, violations, the rate
 * and the peak RSS of the children; writes test-results/fuzz-report.json; exit 1 on any finding.
 *
 *   node out/bench/fuzz.js [--cases 100000] [--start 10000001] [--jobs 2] [--minutes M] [--timeout-ms 30000]
 *
 * Self-test of the harness: SSLEXP_FUZZ_SELFTEST=crash:SEED,hang:SEED makes the child abort or
 * spin at those seeds, which must be reported as one crash and one hang.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fuzzCase } from '../test/support/fuzzCases';
import { runCase } from '../test/support/fuzzRun';

interface Line {
  seed: number;
  ms: number;
  /** peak RSS of the child so far, bytes */
  maxRss: number;
  violations: string[];
  status: number;
  simulated: boolean;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child: runs seeds [from, to) and prints one JSON line per case. */
async function child(from: number, to: number): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-fuzz-'));
  try {
    for (let seed = from; seed < to; seed++) {
      const dir = path.join(tmp, String(seed));
      fs.mkdirSync(dir);
      process.stdout.write(JSON.stringify({ start: seed }) + '\n');
      const selftest = process.env.SSLEXP_FUZZ_SELFTEST ?? '';
      if (selftest.split(',').includes(`crash:${seed}`)) process.abort();
      if (selftest.split(',').includes(`hang:${seed}`)) for (;;);
      const out = await runCase(fuzzCase(seed), dir);
      fs.rmSync(dir, { recursive: true, force: true });
      const line: Line = {
        seed,
        ms: out.ms,
        maxRss: process.resourceUsage().maxRSS * 1024,
        violations: out.violations,
        status: out.status,
        simulated: out.simulated,
      };
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface Finding {
  kind: 'crash' | 'hang' | 'violation';
  seed: number;
  detail: string;
  spec?: string;
  caseKind?: string;
}

async function parent(): Promise<void> {
  const cases = arg('cases', 100_000);
  const start = arg('start', 10_000_001);
  const jobs = Math.max(1, arg('jobs', 2));
  const minutes = arg('minutes', Infinity);
  const timeoutMs = arg('timeout-ms', 30_000);
  const deadline = Date.now() + minutes * 60_000;
  const findings: Finding[] = [];
  let done = 0;
  let exit0 = 0;
  let exit1 = 0;
  let simulated = 0;
  let peakRss = 0;
  let slowest = { ms: 0, seed: 0 };
  let next = start;
  const end = start + cases;
  const t0 = Date.now();
  const chunk = 2000;

  const record = (f: Finding): void => {
    let c: { spec: string; kind: string };
    try {
      c = fuzzCase(f.seed);
    } catch (e) {
      c = { spec: '', kind: `the generator failed: ${(e as Error).message}` };
    }
    findings.push({ ...f, spec: c.spec.slice(0, 2000), caseKind: c.kind });
    process.stdout.write(`  ${f.kind} at seed ${f.seed} (${c.kind}): ${f.detail.slice(0, 300)}\n`);
  };

  /** Runs seeds [from, to) in children until every seed is done or the deadline passes. */
  const worker = async (): Promise<void> => {
    while (next < end && Date.now() < deadline) {
      const from = next;
      const to = Math.min(end, from + chunk);
      next = to;
      let seed = from;
      while (seed < to && Date.now() < deadline) {
        seed = await new Promise<number>((resolve) => {
          const proc = spawn(process.execPath, ['--max-old-space-size=2048', __filename, '--child', String(seed), String(to)], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let current = seed;
          let started = false;
          let stderr = '';
          let finished = false;
          let timer: NodeJS.Timeout | undefined;
          const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              if (finished) return;
              finished = true;
              record({ kind: 'hang', seed: current, detail: `no answer within ${timeoutMs} ms` });
              done++;
              proc.kill('SIGKILL');
              resolve(current + 1);
            }, timeoutMs);
          };
          arm();
          proc.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
          readline.createInterface({ input: proc.stdout }).on('line', (text) => {
            if (finished) return;
            const m = JSON.parse(text) as Partial<Line> & { start?: number };
            if (m.start !== undefined) {
              current = m.start;
              started = true;
              arm();
              if (Date.now() >= deadline) {
                finished = true;
                clearTimeout(timer);
                proc.kill('SIGKILL');
                resolve(to);
              }
              return;
            }
            started = false;
            const line = m as Line;
            done++;
            peakRss = Math.max(peakRss, line.maxRss);
            if (line.ms > slowest.ms) slowest = { ms: line.ms, seed: line.seed };
            if (line.status === 0) exit0++;
            else if (line.status === 1) exit1++;
            if (line.simulated) simulated++;
            if (line.violations.length) record({ kind: 'violation', seed: line.seed, detail: line.violations.join('; ') });
            current = line.seed + 1;
          });
          proc.on('exit', (code, signal) => {
            clearTimeout(timer);
            if (finished) return;
            finished = true;
            if (started || current < to) {
              if (started) {
                record({
                  kind: 'crash',
                  seed: current,
                  detail: `the child exited (code ${code}, signal ${signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
                });
                done++;
                resolve(current + 1);
                return;
              }
            }
            resolve(Math.max(current, to));
          });
        });
      }
    }
  };

  const progress = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    process.stdout.write(
      `fuzz: ${done} cases in ${s.toFixed(0)} s (${(done / s).toFixed(1)}/s); ${findings.length} findings; peak RSS ${(peakRss / 1e6).toFixed(0)} MB\n`,
    );
  }, 30_000);
  await Promise.all(Array.from({ length: jobs }, worker));
  clearInterval(progress);
  const seconds = (Date.now() - t0) / 1000;
  const count = (k: Finding['kind']) => findings.filter((f) => f.kind === k).length;
  const summary = {
    cases: done,
    seeds: [start, start + done - 1],
    seconds: Math.round(seconds),
    ratePerSecond: Number((done / seconds).toFixed(1)),
    jobs,
    crashes: count('crash'),
    hangs: count('hang'),
    violations: count('violation'),
    exit0,
    exit1,
    simulated,
    peakRssMB: Math.round(peakRss / 1e6),
    slowestCase: { seed: slowest.seed, ms: Math.round(slowest.ms) },
  };
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/fuzz-report.json', JSON.stringify({ summary, findings }, null, 2));
  process.stdout.write(
    `fuzz: ${summary.cases} cases (seeds ${summary.seeds.join('..')}) in ${summary.seconds} s, ${summary.ratePerSecond} cases/s with ${jobs} processes; ` +
      `${summary.crashes} crashes, ${summary.hangs} hangs, ${summary.violations} violations; exit 0: ${exit0}, exit 1: ${exit1}, simulated: ${simulated}; ` +
      `peak RSS ${summary.peakRssMB} MB; slowest case ${summary.slowestCase.ms} ms (seed ${summary.slowestCase.seed})\n`,
  );
  process.exitCode = findings.length ? 1 : 0;
}

if (process.argv[2] === '--child') void child(Number(process.argv[3]), Number(process.argv[4]));
else void parent();
