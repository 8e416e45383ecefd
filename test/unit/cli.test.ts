/**
 * The built `sslexp` CLI end to end: spawned as a user would, on the examples and on
 * broken files (docs/architecture.md §2). Requires `npm run build` (dist/cli.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import thresholdOracle from '../oracle/thresholds.json';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const ex = (p: string) => path.join(root, 'examples', p);

function sslexp(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function analyzeJson(file: string, extra: string[] = []) {
  const r = sslexp(['analyze', file, '--json', ...extra]);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
  return { ...r, json: JSON.parse(lines[0]) };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-cli-'));
const write = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

test('analyze --json on the straddling example (docs/theory.md §8.1 case C) carries the contract fields and numbers', () => {
  const { code, json } = analyzeJson(ex('straddling.sslexp.yaml'));
  assert.equal(code, 0);
  assert.equal(json.file, ex('straddling.sslexp.yaml'));
  assert.equal(json.mode, 'spectral');
  assert.deepEqual(json.dimensions, { d: 4, k: 2, latent: 2 });
  const t = json.thresholds;
  assert.ok(Math.abs(t.delta - 2 / 3) < 1e-12);
  assert.ok(Math.abs(t.eta - 2 / Math.sqrt(3)) < 1e-12);
  assert.ok(Math.abs(t.alpha2RC - 0.5833333333333333) < 1e-12);
  assert.ok(Math.abs(t.alpha2JE - 0.5) < 1e-12);
  assert.ok(Math.abs(t.alphaRC - 0.7637626158259734) < 1e-12);
  assert.ok(Math.abs(t.alphaJE - Math.SQRT1_2) < 1e-12);
  assert.ok(Math.abs(t.boundary - 2) < 1e-12);
  assert.equal(t.regime, 'mixed');
  assert.equal(json.atAlpha.alpha, 0.73);
  assert.deepEqual(json.atAlpha.recovers, { supervised: true, reconstruction: false, jointEmbedding: true });
  assert.ok(Math.abs(json.atAlpha.scores.jointEmbedding.minImportant - 2 / 3) < 1e-12);
  assert.equal(json.atAlpha.components, undefined, 'no per-component arrays without --components');
  assert.equal(json.recommendation.paradigm, 'joint-embedding');
  assert.match(json.recommendation.reason, /only joint-embedding recovers/);
  const codes = json.problems.map((p: { code: string }) => p.code);
  assert.ok(codes.includes('alpha-below-rc'), codes.join());
  const rc = json.problems.find((p: { code: string }) => p.code === 'alpha-below-rc');
  // `alpha: 0.73` is on line 15 of the example; the value starts at column 8.
  assert.deepEqual([rc.line, rc.column, rc.endLine, rc.endColumn], [15, 8, 15, 12]);
  assert.equal(rc.severity, 'info');
});

test('analyze --json --alpha overrides and --components adds per-component arrays', () => {
  const { json } = analyzeJson(ex('straddling.sslexp.yaml'), ['--alpha', '0', '--components']);
  assert.equal(json.atAlpha.alpha, 0);
  const c = json.atAlpha.components;
  assert.equal(c.reconstruction.important.length, 2);
  assert.equal(c.reconstruction.noise.length, 2);
  assert.ok(Math.abs(c.reconstruction.important[0] - 3.01511) < 1e-5);
  assert.ok(Math.abs(c.jointEmbedding.noise[1] - 1) < 1e-12);
});

test('analyze --json writes non-finite thresholds as strings', () => {
  const p = write('nonoise.sslexp.yaml', 'sslexp: 1\nsignal:\n  variance: [1, 2]\nnoise:\n  count: 0\n  variance: 1\n');
  const { code, json } = analyzeJson(p);
  assert.equal(code, 0, JSON.stringify(json.problems));
  assert.equal(json.thresholds.alpha2RC, '-Infinity');
  assert.equal(json.thresholds.alpha2JE, '-Infinity');
  assert.equal(json.thresholds.regime, 'no-noise');
  assert.equal(json.recommendation.paradigm, 'either');
});

test('analyze on scenario M strong prints a readable summary with the thresholds', () => {
  const r = sslexp(['analyze', ex('mnist-scale-strong.sslexp.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /α²_RC = 110\.106/);
  assert.match(r.stdout, /α²_JE = 0\.661667/);
  assert.match(r.stdout, /regime: high-noise/);
  assert.match(r.stdout, /recommendation: joint-embedding/);
  assert.match(r.stdout, /reconstruction {2}does not recover/);
});

test('every example analyses without errors', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.sslexp\.(ya?ml|json)$/.test(n)) files.push(p);
    }
  };
  walk(path.join(root, 'examples'));
  assert.ok(files.length >= 12, `examples found: ${files.length}`);
  for (const f of files) {
    const r = sslexp(['check', f]);
    assert.equal(r.code, 0, `${f}: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /: error /, f);
  }
});

/** The thresholds of an example as numpy computes them from its definition (test/oracle/thresholds.py), to 1e-12. */
function assertOracleThresholds(example: string, t: Record<string, number>): void {
  const o = (thresholdOracle as unknown as Record<string, Record<string, number>>)[example];
  for (const key of ['delta', 'eta', 'alpha2RC', 'alpha2JE', 'alphaRC', 'alphaJE', 'boundary']) {
    assert.ok(Math.abs(t[key] - o[key]) <= 1e-12 * Math.abs(o[key]), `${example} ${key}: ${t[key]} vs the oracle's ${o[key]}`);
  }
}

test('the examples show what their comments claim', () => {
  const rec = (f: string) => analyzeJson(ex(f)).json;
  const weak = rec('weak-noise.sslexp.yaml');
  assert.equal(weak.thresholds.regime, 'low-noise');
  assertOracleThresholds('weak-noise.sslexp.yaml', weak.thresholds); // alpha2RC < 0 < alpha2JE = 0.899462
  assert.equal(weak.recommendation.paradigm, 'reconstruction');
  const strong = rec('strong-noise.sslexp.yaml');
  assert.equal(strong.thresholds.regime, 'high-noise');
  assertOracleThresholds('strong-noise.sslexp.yaml', strong.thresholds); // alphaRC = 18.9182, alphaJE = 1.08653
  assert.deepEqual(strong.atAlpha.recovers, { supervised: true, reconstruction: false, jointEmbedding: true }, 'at alpha = 1.5 only joint-embedding recovers');
  assert.equal(strong.recommendation.paradigm, 'joint-embedding');
  assert.equal(rec('straddling.sslexp.yaml').thresholds.regime, 'mixed');
  assert.equal(rec('mnist-scale-weak.sslexp.yaml').recommendation.paradigm, 'either');
  assert.equal(rec('mnist-scale-strong.sslexp.yaml').recommendation.paradigm, 'joint-embedding');
  assert.equal(rec('families/flat.sslexp.yaml').thresholds.regime, 'high-noise');
  const file = rec('families/file.sslexp.yaml');
  assert.deepEqual(file.dimensions, { d: 40, k: 16, latent: 16 });
});

test('check prints FILE:LINE:COLUMN: severity code: message and exits 1 on errors', () => {
  const p = write('typo.sslexp.yaml', 'sslexp: 1\nsignal:\n  varience: [1, 2]\nnoise:\n  variance: [0.5]\n');
  const r = sslexp(['check', p]);
  assert.equal(r.code, 1);
  const line = r.stdout.split('\n').find((l) => l.includes('unknown-key'));
  assert.ok(line, r.stdout);
  assert.ok(line!.startsWith(`${p}:3:3: error unknown-key: `), line);
  assert.match(line!, /did you mean 'variance'\?/);
});

test('check on several files reports each and exits 0 when there are only warnings', () => {
  const r = sslexp(['check', ex('weak-noise.sslexp.yaml'), ex('strong-noise.sslexp.yaml')]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stderr, '');
});

test('bad input gets a clear message and exit 1, never a stack trace', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['empty.sslexp.yaml', '', /empty/i],
    ['garbage.sslexp.yaml', ']]]: : {{{\n\t- - ,,', /syntax|expected|unexpected|invalid/i],
    ['binary.sslexp.yaml', Buffer.from([0, 159, 146, 150, 0, 1, 2, 255, 254]), /binary/i],
    ['deep.sslexp.json', '['.repeat(100000) + ']'.repeat(100000), /deep|nest/i],
    ['deep.sslexp.yaml', 'a: '.concat('['.repeat(50000)), /deep|nest|syntax/i],
    ['list.sslexp.yaml', '- 1\n- 2\n', /mapping|object|expected/i],
  ];
  for (const [name, content, re] of cases) {
    const p = write(name, content);
    const r = sslexp(['check', p]);
    assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, re, name);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+\)?/, `${name}: no stack trace`);
    assert.ok(r.stdout.startsWith(p + ':1:'), `${name}: located: ${r.stdout.slice(0, 200)}`);
  }
});

test('a missing file is an error with its name, exit 1', () => {
  const r = sslexp(['analyze', path.join(tmp, 'nope.sslexp.yaml')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /cannot read '.*nope\.sslexp\.yaml': no such file/);
});

test('usage errors exit 2 with the usage text', () => {
  for (const args of [
    [],
    ['frobnicate', 'x'],
    ['analyze'],
    ['analyze', 'a', 'b'],
    ['analyze', 'a', '--alpha', '-1'],
    ['analyze', 'a', '--alpha', 'nan'],
    ['check', 'a', '--bogus'],
  ]) {
    const r = sslexp(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^sslexp: /);
    assert.match(r.stderr, /Usage: sslexp/);
  }
  const h = sslexp(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Usage: sslexp <command>/);
});

// ------------------------------------------------------------------ simulate and data mode

test('simulate --json on the straddling example: the series per paradigm and alpha, progress on stderr', () => {
  const r = spawnSync(process.execPath, [cli, 'simulate', ex('straddling.sslexp.yaml'), '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SSLEXP_PROGRESS: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
  const json = JSON.parse(lines[0]);
  assert.deepEqual(json.problems, []);
  const sim = json.simulation;
  assert.equal(sim.metric, 'subspace-angle');
  assert.deepEqual(sim.n, [100, 1000, 10000, 100000]);
  assert.deepEqual(sim.alpha, [0.5, 0.73, 1, 3]);
  assert.equal(sim.series.length, 12, '3 paradigms x 4 alphas');
  for (const s of sim.series) {
    assert.equal(s.mean.length, 4);
    assert.equal(s.spread.length, 4);
  }
  // docs/theory.md §8.3: alpha = 3 converges, alpha = 0.5 does not.
  const je = (a: number) => sim.series.find((s: { paradigm: string; alpha: number }) => s.paradigm === 'joint-embedding' && s.alpha === a);
  assert.ok(je(3).mean[2] < 0.01 && je(0.5).mean[2] > 0.9);
  assert.equal(je(3).predictedRecovery, true);
  assert.match(r.stderr, /simulate: +\d+% +n = 100, repeat 1\/3/);
  assert.match(r.stderr, /simulate: 100%/);
});

test('simulate: a readable table; a spec without simulate, or with errors, exits 1 with located problems', () => {
  const ok = sslexp(['simulate', ex('straddling.sslexp.yaml')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /joint-embedding 0\.73 .*\(theory: recovers\)/);
  assert.match(ok.stdout, /reconstruction +0\.73 .*\(theory: does not recover\)/);
  const none = sslexp(['simulate', ex('weak-noise.sslexp.yaml')]);
  assert.equal(none.code, 1);
  assert.match(none.stdout, /weak-noise\.sslexp\.yaml:5:1: error missing-field: The spec has no 'simulate' block/);
  const bad = write('badsim.sslexp.yaml', 'sslexp: 1\nsignal:\n  variance: [1]\nnoise:\n  variance: [-2]\nsimulate: {n: [10], alpha: [1]}\n');
  const r = sslexp(['simulate', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /badsim\.sslexp\.yaml:5:\d+: error negative-variance/);
});

test('analyze --json on a data-mode spec adds the pipeline and the solutions (omega and phi of length d)', () => {
  const { code, json } = analyzeJson(ex('digits-strong-noise.sslexp.yaml'));
  assert.equal(code, 0, JSON.stringify(json.problems));
  assert.equal(json.mode, 'data');
  assert.deepEqual(json.dimensions, { d: 40, k: 20, latent: 20 });
  assert.equal(json.thresholds.regime, 'high-noise');
  assert.equal(json.pipeline.classes, 10);
  const s = json.solutions;
  assert.equal(s.jointEmbedding.omega.length, 40);
  assert.equal(s.reconstruction.phi.length, 40);
  assert.equal(s.reconstruction.map.length, 40);
  assert.equal(s.reconstruction.rowProjector[0].length, 40);
  assert.equal(s.jointEmbedding.gram.length, 40);
  assert.equal(s.supervised.V.length, 10);
  assert.ok(s.corrupted && s.discrepancy.reconstruction > 0.9);
  assert.equal(json.recommendation.paradigm, 'joint-embedding');
  // A general problem: thresholds null and an info problem saying why (A6).
  const p = write(
    'general.sslexp.yaml',
    'sslexp: 1\nlatent: 2\ndata: {X: [[2, 0, 1], [0, 1, 1], [1, 1, 0], [-1, 2, 1]]}\naugmentation: {masking: {keep: 0.5}}\n',
  );
  const g = analyzeJson(p);
  assert.equal(g.code, 0);
  assert.equal(g.json.thresholds, null);
  assert.ok(
    g.json.problems.some((q: { code: string; line: number; column: number }) => q.code === 'thresholds-not-applicable' && q.line === 3 && q.column === 7),
  );
  assert.ok(Math.abs(g.json.solutions.jointEmbedding.objective - 1.69164) < 1e-6);
  const text = sslexp(['analyze', ex('digits-weak-noise.sslexp.yaml')]);
  assert.match(
    text.stdout,
    /P1's pipeline: 1797 samples × 64 features, centred; PCA to 20 components \(89\.4% of the variance\) \+ 20 noise coordinates; 10 classes/,
  );
});

test('check reports what simulate would refuse, located on the simulate block, and exits 1', () => {
  const text =
    'sslexp: 1\ndata: {X: [[2, 0, 1], [0, 1, 1], [1, 1, 0], [-1, 2, 1]], pca: 2}\naugmentation: {masking: {keep: 0.5}}\nsimulate:\n  n: [20, 40]\n  alpha: [1]\n  repeats: 1\n  seed: 0\n  metric: subspace-angle\n';
  const p = write('masking-simulate.sslexp.yaml', text);
  const message = "simulate: the finite-n experiment uses P1's augmentation family Θ + α²Γ over the simulate.alpha grid; a masking augmentation has no α.";
  const c = sslexp(['check', p]);
  assert.equal(c.code, 1, c.stdout + c.stderr);
  assert.ok(c.stdout.split('\n').includes(`${p}:5:3: error simulation-unsupported: ${message}`), c.stdout);
  // simulate refuses with the same problem at the same place
  const s = sslexp(['simulate', p, '--json']);
  assert.equal(s.code, 1);
  const json = JSON.parse(s.stdout);
  assert.equal(json.simulation, null);
  assert.deepEqual(json.problems, [{ code: 'simulation-unsupported', severity: 'error', message, line: 5, column: 3, endLine: 10, endColumn: 1 }]);
  // without the simulate block the same spec checks clean of errors
  const clean = sslexp(['check', write('masking.sslexp.yaml', text.slice(0, text.indexOf('simulate:')))]);
  assert.equal(clean.code, 0, clean.stdout);
});

test('the examples with a simulate block check clean: no simulate problem, exit 0', () => {
  const withSimulate = fs
    .readdirSync(path.join(root, 'examples'))
    .filter((f) => /\.sslexp\.(ya?ml|json)$/.test(f) && /^simulate:/m.test(fs.readFileSync(ex(f), 'utf8')));
  assert.ok(withSimulate.length >= 3, withSimulate.join());
  const c = sslexp(['check', ...withSimulate.map(ex)]);
  assert.equal(c.code, 0, c.stdout);
  assert.doesNotMatch(c.stdout, /simulat|: error /);
});
