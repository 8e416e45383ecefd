import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestTResidual, gramError, probeGap, probeLoss, relativeError, sinLargestPrincipalAngle } from '../../src/core/theories/alignment/metrics';
import { matmul, Matrix } from '../../src/core/numerics/dense';
import { Rng } from '../../src/core/numerics/rng';
import {
  randomOrthogonal,
  runSimulation,
  SimulationCancelled,
  spectralSimulationSetup,
  type SimulationResult,
} from '../../src/core/theories/alignment/simulation';
import { simulateSpecText as simulateAny } from '../../src/core/engine/simulate';
const simulateSpecText = (text: string, options: Parameters<typeof simulateAny>[1]) => simulateAny<SimulationResult>(text, options);
import { computeThresholds } from '../../src/core/theories/alignment/thresholds';
import { analyzeText } from '../../src/core/engine/analyze';
import { asAlignment } from '../support/engine';
import { parseSpec } from '../../src/core/spec/parseSpec';
import type { DataSpec } from '../../src/core/spec/model';
import { simulationRefusal } from '../../src/core/theories/alignment/simulateSpec';

// docs/theory.md §8.1 case C, the setup of the finite-n oracle of §8.3.
const caseC = {
  c: Float64Array.from([10, 2]),
  thetaImportant: Float64Array.from([1, 1]),
  gamma: Float64Array.from([3, 0.5]),
  thetaNoise: Float64Array.from([2, 0]),
};

function randomMatrix(rows: number, cols: number, rng: Rng): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function series(r: SimulationResult, paradigm: string, alpha: number): number[] {
  const s = r.series.find((x) => x.paradigm === paradigm && x.alpha === alpha);
  assert.ok(s, `series ${paradigm} at alpha ${alpha}`);
  return s!.mean;
}

// ------------------------------------------------------------------ metrics (docs/theory.md §4.4)

test('metrics: invariant to the equivalence class of each paradigm, and detect a different row space', () => {
  const rng = new Rng(11);
  const e = randomMatrix(2, 5, rng);
  const t = randomMatrix(2, 2, rng); // invertible with probability 1
  const te = matmul(t, e);
  assert.ok(sinLargestPrincipalAngle(e, te) < 1e-7, 'row(TE) = row(E)');
  assert.ok(bestTResidual(e, te) < 1e-12, 'best T fits TE exactly');
  const u = randomOrthogonal(2, rng);
  const uw = matmul(u, e);
  assert.ok(gramError(e, uw) < 1e-12, 'W^T W is invariant to U');
  assert.ok(gramError(e, te) > 1e-3, 'but not to a general T');
  // A row space containing an orthogonal direction: sin = 1.
  const a = Matrix.fromArray([
    [1, 0, 0],
    [0, 1, 0],
  ]);
  const b = Matrix.fromArray([
    [1, 0, 0],
    [0, 0, 1],
  ]);
  assert.ok(Math.abs(sinLargestPrincipalAngle(a, b) - 1) < 1e-12);
  // 30 degrees between the second directions.
  const c = Matrix.fromArray([
    [1, 0, 0],
    [0, Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)],
  ]);
  assert.ok(Math.abs(sinLargestPrincipalAngle(a, c) - 0.5) < 1e-12);
  assert.ok(Math.abs(bestTResidual(a, b) - Math.SQRT1_2) < 1e-12, 'half of ||B||^2 is outside row(A)');
  assert.equal(relativeError(a, a), 0);
});

test('metrics: the probe loss is invariant to an invertible T and is the least-squares residual', () => {
  const rng = new Rng(5);
  const x = randomMatrix(40, 4, rng);
  const y = randomMatrix(40, 2, rng);
  const e = randomMatrix(2, 4, rng);
  const t = randomMatrix(2, 2, rng);
  const l1 = probeLoss(x, y, e);
  assert.ok(Math.abs(probeLoss(x, y, matmul(t, e)) - l1) < 1e-10 * Math.max(1, l1));
  // An encoder that sees y exactly (y is a linear function of x) gives zero loss.
  const w = randomMatrix(4, 2, rng);
  const yLin = matmul(x, w);
  assert.ok(probeLoss(x, yLin, w.transpose()) < 1e-20);
  // The loss is at most the mean squared norm of y (V = 0 is feasible).
  let ms = 0;
  for (const v of y.data) ms += v * v;
  assert.ok(l1 <= ms / x.rows + 1e-12);
  assert.equal(probeGap(x, e, x, matmul(t, e), y) < 1e-10, true);
});

// ------------------------------------------------------------------ docs/theory.md §8.3 oracle

/**
 * The runs below are deterministic (the portable seeded generator of rng.ts; Math.log is
 * fdlibm's on every engine), so they are asserted at the values they give, not with the
 * §8.3 table's RNG-tolerant bands. What may differ between machines is round-off in the
 * dense kernels (WebAssembly or JavaScript, summation order): about 1e-12 relative on these
 * O(1e-4..1) quantities, so 1e-6 relative leaves a wide margin; a sine below 1e-5 is
 * sqrt(1 − σ²) with σ within 1e-10 of 1, whose cancellation loses up to ~1e-4 relative,
 * so those get 1e-3. A wrong formula moves them by far more (the §8.3 table's spread).
 */
function closeToRun(actual: number, run: number, what: string): void {
  const rel = Math.abs(run) < 1e-5 ? 1e-3 : 1e-6;
  assert.ok(Math.abs(actual - run) <= rel * Math.abs(run), `${what}: ${actual}, the deterministic run gives ${run} (relative tolerance ${rel})`);
}

test('finite-n oracle of docs/theory.md §8.3 (case C, d = 4, random rotation): angles at n = 1e5', async () => {
  const setup = spectralSimulationSetup(caseC, 2, computeThresholds(caseC, 2));
  assert.equal(setup.rotate, true);
  const r = await runSimulation(setup, { n: [100_000], alpha: [0.5, 0.73, 3], repeats: 5, seed: 1, metric: 'subspace-angle' });
  const [rc05] = series(r, 'reconstruction', 0.5);
  const [je05] = series(r, 'joint-embedding', 0.5);
  const [rc073] = series(r, 'reconstruction', 0.73);
  const [je073] = series(r, 'joint-embedding', 0.73);
  const [rc3] = series(r, 'reconstruction', 3);
  const [je3] = series(r, 'joint-embedding', 3);
  // §8.3's table: RC 0.0009 / JE 0.0003 at alpha 3; ~1.00 / 1.00 at 0.5; 0.94 / 0.05 at 0.73
  closeToRun(rc3, 0.0008752536537969737, 'RC, alpha = 3');
  closeToRun(je3, 0.00037462357188555235, 'JE, alpha = 3');
  closeToRun(rc05, 0.9993942108781697, 'RC, alpha = 0.5');
  closeToRun(je05, 0.9999984889984248, 'JE, alpha = 0.5');
  closeToRun(rc073, 0.967526647792339, 'RC, alpha = 0.73');
  closeToRun(je073, 0.0844967196967392, 'JE, alpha = 0.73');
  // The closed-form prediction travels with each series.
  assert.equal(r.series.find((s) => s.paradigm === 'joint-embedding' && s.alpha === 0.73)!.predictedRecovery, true);
  assert.equal(r.series.find((s) => s.paradigm === 'reconstruction' && s.alpha === 0.73)!.predictedRecovery, false);
});

test('docs/theory.md §8.3: at fixed n = 50 every discrepancy shrinks about 100x per 10x in alpha', async () => {
  const setup = spectralSimulationSetup(caseC, 2, null);
  const alphas = [10, 100, 1000];
  const r = await runSimulation(setup, { n: [50], alpha: alphas, repeats: 3, seed: 2, metric: 'subspace-angle' });
  const runs: Record<string, number[]> = {
    reconstruction: [0.0068133352339764044, 0.00006777158184334081, 6.78059483181612e-7],
    'joint-embedding': [0.002066130521331468, 0.00002055321392262503, 2.047349061802232e-7],
    supervised: [0.0013486365640088451, 0.000013681755310816602, 1.368397822787116e-7],
  };
  for (const p of ['reconstruction', 'joint-embedding', 'supervised']) {
    const v = alphas.map((a) => series(r, p, a)[0]);
    v.forEach((x, i) => closeToRun(x, runs[p][i], `${p}, alpha = ${alphas[i]}`));
    // the property of §8.3: about 100× per 10× in alpha (the discrepancy is O(1/alpha²))
    for (let i = 1; i < v.length; i++) {
      const ratio = v[i - 1] / v[i];
      assert.ok(ratio > 95 && ratio < 105, `${p}: ratio ${ratio} between alpha ${alphas[i - 1]} and ${alphas[i]} (${v.join(', ')})`);
    }
  }
  // The JE Gram error and the RC best-T residual shrink the same way (10^4 over 100× in alpha).
  const ex = r.extra;
  closeToRun(ex[0].jeGramError[0], 0.0027956225413392106, 'JE Gram error, alpha = 10');
  closeToRun(ex[2].jeGramError[0], 2.783041194901173e-7, 'JE Gram error, alpha = 1000');
  closeToRun(ex[0].rcBestTResidual[0], 0.005869490939027414, 'RC best-T residual, alpha = 10');
  closeToRun(ex[2].rcBestTResidual[0], 5.845146339544156e-7, 'RC best-T residual, alpha = 1000');
});

test('docs/theory.md §8.3: SL at alpha = 0 converges as n grows, using the pseudo-inverse for the singular clean problem', async () => {
  const setup = spectralSimulationSetup(caseC, 2, null);
  const r = await runSimulation(setup, { n: [100, 10_000, 1_000_000], alpha: [0], repeats: 2, seed: 3, metric: 'subspace-angle' });
  const v = series(r, 'supervised', 0);
  // §8.3: about 6e-2 at n = 1e2 falling to about 1e-3 at n = 1e6
  closeToRun(v[0], 0.12057953747526304, 'SL, n = 1e2');
  closeToRun(v[1], 0.004316877120917047, 'SL, n = 1e4');
  closeToRun(v[2], 0.0006022004651957214, 'SL, n = 1e6');
  assert.ok(v[0] > v[1] && v[1] > v[2], v.join(', '));
});

test('the simulation is seeded: the same seed reproduces the numbers, another seed changes them', async () => {
  const setup = spectralSimulationSetup(caseC, 2, null);
  const plan = { n: [200, 2000], alpha: [0.73, 1], repeats: 2, seed: 7, metric: 'probe-gap' as const };
  const a = await runSimulation(setup, plan);
  const b = await runSimulation(setup, plan);
  const c = await runSimulation(setup, { ...plan, seed: 8 });
  assert.deepEqual(a.series, b.series);
  assert.notDeepEqual(
    a.series.map((s) => s.mean),
    c.series.map((s) => s.mean),
  );
  for (const s of a.series) {
    assert.equal(s.mean.length, 2);
    assert.equal(s.values[0].length, 2);
    for (const v of s.mean) assert.ok(Number.isFinite(v) && v >= 0);
  }
});

test('the simulation stops with SimulationCancelled when its signal aborts, and reports progress', async () => {
  const setup = spectralSimulationSetup(caseC, 2, null);
  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(
    runSimulation(
      setup,
      { n: [1000, 2000, 4000, 8000], alpha: [1], repeats: 50, seed: 0, metric: 'subspace-angle' },
      {
        signal: controller.signal,
        onProgress: (f) => {
          seen.push(f);
          if (seen.length === 3) controller.abort();
        },
      },
    ),
    SimulationCancelled,
  );
  assert.ok(seen.length >= 3 && seen.every((f, i) => i === 0 || f >= seen[i - 1]), seen.join());
});

test('simulateSpecText: a spec with a simulate block runs; without one it is a problem at the document start', async () => {
  const spec =
    'sslexp: 1\nsignal:\n  variance: [10, 2]\n  augmentation: [1, 1]\nnoise:\n  variance: [3, 0.5]\n  augmentation: [2, 0]\nsimulate:\n  n: [100, 1000]\n  alpha: [0.5, 3]\n  repeats: 2\n  seed: 0\n  metric: subspace-angle\n';
  const ok = await simulateSpecText(spec, { fileName: 'c.sslexp.yaml' });
  assert.deepEqual(ok.problems, []);
  assert.ok(ok.result);
  assert.deepEqual(ok.result!.n, [100, 1000]);
  assert.equal(ok.result!.series.length, 6); // 3 paradigms x 2 alphas
  const none = await simulateSpecText('sslexp: 1\nsignal:\n  variance: [1]\nnoise:\n  variance: [2]\n', { fileName: 'x.sslexp.yaml' });
  assert.equal(none.result, undefined);
  assert.equal(none.problems[0].code, 'missing-field');
  assert.equal(none.problems[0].start, 0);
  const latent = await simulateSpecText(spec.replace('simulate:', 'latent: 3\nsimulate:'), { fileName: 'c.sslexp.yaml' });
  assert.equal(latent.result, undefined);
  assert.equal(latent.problems[0].code, 'out-of-range');
});

// ------------------------------------------------------------------ what simulate refuses, reported by the analysis

/** The analysis' problems of one code, and the simulation's outcome, for a spec. */
async function refusalOf(text: string, code: string, readFile?: (p: string) => Uint8Array) {
  const options = { fileName: 'r.sslexp.yaml', ...(readFile ? { baseDir: '/specs', readFile } : {}) };
  const analysis = asAlignment(analyzeText(text, options));
  const sim = await simulateSpecText(text, options);
  return { found: analysis.problems.filter((p) => p.code === code), sim, analysis };
}

const SIM_BLOCK = 'simulate:\n  n: [20]\n  alpha: [1]\n  repeats: 1\n  seed: 0\n  metric: subspace-angle\n';
const X6 = JSON.stringify([
  [2, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
  [-1, 2, 1],
  [1, 0, 2],
  [0, 2, 1],
]);

test("the analysis reports simulate's refusals on the simulate block, with simulate's code, message and location", async () => {
  const cases: Array<[string, string, RegExp]> = [
    // a masking (or covariance) augmentation has no alpha grid
    [`sslexp: 1\ndata: {X: ${X6}, pca: 2}\naugmentation: {masking: {keep: 0.5}}\n${SIM_BLOCK}`, 'simulation-unsupported', /a masking augmentation has no α/],
    [
      `sslexp: 1\ndata: {X: ${X6}, pca: 2}\naugmentation: {covariance: [[1, 0], [0, 1]]}\n${SIM_BLOCK}`,
      'simulation-unsupported',
      /a covariance augmentation has no α/,
    ],
    // data mode simulates P1's pipeline only
    [
      `sslexp: 1\nlatent: 2\ndata: {X: ${X6}}\naugmentation: {additive: {alpha: 1, theta: 1, gamma: 1}}\n${SIM_BLOCK}`,
      'simulation-unsupported',
      /add 'data\.pca'/,
    ],
    // latent above k (A14)
    [
      `sslexp: 1\nlatent: 3\nsignal: {variance: [10, 2], augmentation: [1, 1]}\nnoise: {variance: [3, 0.5], augmentation: [2, 0]}\n${SIM_BLOCK}`,
      'out-of-range',
      /simulate: latent = 3 exceeds the 2 important components/,
    ],
    [
      `sslexp: 1\nlatent: 3\ndata: {X: ${X6}, pca: 2, noise: {count: 2, variance: 1}}\naugmentation: {additive: {alpha: 1}}\n${SIM_BLOCK}`,
      'out-of-range',
      /simulate: latent = 3 exceeds the 2 principal components/,
    ],
  ];
  for (const [text, code, message] of cases) {
    const { found, sim, analysis } = await refusalOf(text, code);
    assert.equal(found.length, 1, `${code} once in ${JSON.stringify(analysis.problems)}`);
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, message);
    assert.equal(text.slice(found[0].start, found[0].start + 2), 'n:', 'located on the simulate block');
    assert.equal(sim.result, undefined);
    assert.deepEqual(sim.problems, [found[0]], 'simulate refuses with the very same problem');
  }
});

test('a d over the simulation limit: a warning of the analysis (once, also when the parser has it), an error of simulate', async () => {
  // spectral with the counts written: the parser reports it
  const inline = `sslexp: 1\nsignal: {count: 500, variance: 1}\nnoise: {count: 501, variance: 1}\n${SIM_BLOCK}`;
  // spectral with a count only a file tells: the analysis reports it
  const fromFile = `sslexp: 1\nsignal: {variance: [2, 1]}\nnoise: {variance: {file: noise.csv}}\n${SIM_BLOCK}`;
  const noiseCsv = new TextEncoder().encode(Array.from({ length: 999 }, () => '0.5').join('\n') + '\n');
  for (const [text, readFile] of [
    [inline, undefined],
    [fromFile, () => noiseCsv],
  ] as const) {
    const { found, sim } = await refusalOf(text, 'simulation-too-large', readFile);
    assert.equal(found.length, 1, `reported once: ${JSON.stringify(found)}`);
    assert.equal(found[0].severity, 'warning');
    assert.equal(sim.result, undefined);
    assert.equal(sim.problems.length, 1);
    assert.equal(sim.problems[0].code, 'simulation-too-large');
    assert.equal(sim.problems[0].severity, 'error');
    assert.match(sim.problems[0].message, /^simulate: d = 1001 exceeds the simulation limit of 1000 dimensions\.$/);
  }
  // data mode: d = pca + noise.count, from the pipeline (the dense analysis of d = 2002 is not run here)
  const data = parseSpec(`sslexp: 1\ndata: {X: ${X6}, pca: 2, noise: {count: 1000, variance: 1}}\naugmentation: {additive: {alpha: 1}}\n${SIM_BLOCK}`, {
    fileName: 'd.sslexp.yaml',
  }).spec as DataSpec;
  const refusal = simulationRefusal(data, { d: 1002, k: 2, latent: 2 });
  assert.equal(refusal?.code, 'simulation-too-large');
  assert.equal(refusal?.message, 'simulate: d = 1002 exceeds the simulation limit of 1000 dimensions.');
  assert.equal(simulationRefusal(data, { d: 1000, k: 2, latent: 2 }), undefined);
});

test('specs whose simulate block runs get no simulate problem from the analysis', () => {
  const spec = `sslexp: 1\nsignal: {variance: [10, 2], augmentation: [1, 1]}\nnoise: {variance: [3, 0.5], augmentation: [2, 0]}\n${SIM_BLOCK}`;
  const data = `sslexp: 1\ndata: {X: ${X6}, pca: 2, noise: {count: 2, variance: 1}}\naugmentation: {additive: {alpha: 1}}\n${SIM_BLOCK}`;
  for (const text of [
    spec,
    data,
    spec.replace(SIM_BLOCK, ''),
    data.replace(', noise: {count: 2, variance: 1}', '').replace('{additive: {alpha: 1}}', '{masking: {keep: 0.5}}').replace(SIM_BLOCK, ''),
  ]) {
    const r = asAlignment(analyzeText(text, { fileName: 'ok.sslexp.yaml' }));
    assert.deepEqual(
      r.problems.filter((p) => p.severity === 'error' || /^simulat/.test(p.code)),
      [],
      text,
    );
  }
});
