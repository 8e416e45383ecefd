/**
 * The linear probe of data mode with labels (docs/spec.md "Your own augmentations (views)",
 * docs/theory.md §6.4.7): every encoder — the supervised map V, reconstruction's E and
 * joint-embedding's W — is applied to the clean samples, a least-squares map of those
 * features onto the one-hot labels (no intercept, as in docs/theory.md A10) is fitted on the
 * training split, and the accuracy of its argmax is measured on the other samples: the same
 * procedure for all three. The split is a seeded hash of each sample's index
 * (`inTrainingSplit`, about 80% train), so the fit needs only the training split's sums
 * (sufficient.ts) and the score one more pass over the rows, which scores any number of
 * encoder sets at once (the strength what-if, §6.4.8). Each accuracy comes with a 95% Wilson
 * interval, and reconstruction and joint-embedding are compared on the same test samples
 * (paired difference and McNemar's exact test).
 */
import { Matrix, matmul, pinv, solveSPD, spdTolerance, LinalgError } from '../../../numerics/dense';
import { shifted } from './fromStats';
import type { RawSolutions } from './solutions';
import { inTrainingSplit, type ProbeSplitStats } from './sufficient';

/** RC vs JE on the same test samples (docs/theory.md §6.4.7). */
export interface PairedComparison {
  /** accuracy(reconstruction) − accuracy(joint-embedding) */
  difference: number;
  /** 95% interval of the difference (paired normal approximation) */
  interval: [number, number];
  /** test samples that only reconstruction's probe classifies correctly, and only joint-embedding's */
  reconstructionOnly: number;
  jointEmbeddingOnly: number;
  /** two-sided p-value of McNemar's exact test on the discordant samples */
  pValue: number;
}

export interface ProbeResult {
  /** Test accuracy of the probe on V x (the supervised solution's features). */
  supervised?: number;
  /** Test accuracy of the probe on E x (reconstruction's encoder). */
  reconstruction: number;
  /** Test accuracy of the probe on W x (joint-embedding's encoder). */
  jointEmbedding: number;
  /** Samples in the training and the test split. */
  train: number;
  test: number;
  seed: number;
  /** 95% Wilson intervals of the accuracies. */
  intervals?: { supervised?: [number, number]; reconstruction: [number, number]; jointEmbedding: [number, number] };
  paired?: PairedComparison;
}

/** The c × d maps whose argmax the probe takes: Pᵀ F with P = (F C Fᵀ)⁻¹ F (YᵀX)ᵀ on the training split, F the encoder. */
export interface ProbeMaps {
  supervised?: Matrix;
  reconstruction: Matrix;
  jointEmbedding: Matrix;
}

type MapName = keyof ProbeMaps;
const NAMES: readonly MapName[] = ['supervised', 'reconstruction', 'jointEmbedding'];

/** Fits the probes of the three encoders on the training split's sums (centred by `mu` like the data). */
export function fitProbes(raw: RawSolutions, split: ProbeSplitStats, classes: number, mu: Float64Array | undefined): ProbeMaps {
  const d = raw.rc.e.cols;
  // Σ_train (x − μ)(x − μ)ᵀ and Σ_train y (x − μ)ᵀ; their common 1/n_train cancels in P
  const c = new Matrix(d, d, shifted(split.xtx, d, d, split.sumX, split.sumX, mu, mu, split.n, true));
  const yx = new Matrix(classes, d, shifted(split.ytx, classes, d, split.sumY, split.sumX, undefined, mu, split.n));
  const fit = (e: Matrix): Matrix => {
    const a = matmul(e, matmul(c, e.transpose())); // k × k
    const b = matmul(e, yx.transpose()); // k × classes
    let p: Matrix;
    try {
      p = solveSPD(a, b);
    } catch (err) {
      if (!(err instanceof LinalgError)) throw err;
      p = matmul(pinv(a, spdTolerance(a.rows)), b); // a rank-deficient encoding: minimum-norm least squares
    }
    return matmul(p.transpose(), e); // classes × d
  };
  return { reconstruction: fit(raw.rc.e), jointEmbedding: fit(raw.je.w), ...(raw.sl ? { supervised: fit(raw.sl.v) } : {}) };
}

/** Accuracies of one set of encoders (the strength what-if's per-scale entries). */
export type ProbeAccuracies = { supervised?: number; reconstruction: number; jointEmbedding: number };

/**
 * Counts of correct test predictions of several sets of encoders, accumulated block by block
 * (the second pass over the rows). Set 0 is the analysis' own; its RC and JE predictions are
 * also compared sample by sample.
 */
export class ProbeScorer {
  private readonly all: Matrix; // (maps · classes) × d
  private readonly slots: { set: number; name: MapName }[] = [];
  private readonly correct: number[];
  private reconstructionOnly = 0;
  private jointEmbeddingOnly = 0;
  test = 0;
  train = 0;

  constructor(
    private readonly sets: readonly ProbeMaps[],
    private readonly classes: Float64Array,
    private readonly mu: Float64Array | undefined,
    private readonly seed: number,
  ) {
    sets.forEach((maps, set) => NAMES.forEach((name) => maps[name] && this.slots.push({ set, name })));
    const c = classes.length;
    const d = sets[0].reconstruction.cols;
    this.all = new Matrix(this.slots.length * c, d);
    this.slots.forEach(({ set, name }, t) => this.all.data.set(sets[set][name]!.data, t * c * d));
    this.correct = this.slots.map(() => 0);
  }

  /** Scores the test samples among `rows` rows of features x (rows × d) with labels, the first being sample `first`. */
  add(x: Float64Array, rows: number, first: number, labels: Float64Array): void {
    const d = this.all.cols;
    const c = this.classes.length;
    const test: number[] = [];
    for (let i = 0; i < rows; i++) {
      if (inTrainingSplit(first + i, this.seed)) this.train++;
      else test.push(i);
    }
    if (!test.length) return;
    const block = new Matrix(test.length, d);
    test.forEach((i, r) => {
      for (let j = 0; j < d; j++) block.data[r * d + j] = x[i * d + j] - (this.mu ? this.mu[j] : 0);
    });
    const scores = matmul(block, this.all.transpose()); // tests × (maps · c)
    const w = scores.cols;
    const rcSlot = this.slot(0, 'reconstruction');
    const jeSlot = this.slot(0, 'jointEmbedding');
    test.forEach((i, r) => {
      const label = labels[i];
      let rcRight = false;
      let jeRight = false;
      this.slots.forEach((_, t) => {
        let best = 0;
        for (let q = 1; q < c; q++) if (scores.data[r * w + t * c + q] > scores.data[r * w + t * c + best]) best = q;
        if (this.classes[best] !== label) return;
        this.correct[t]++;
        if (t === rcSlot) rcRight = true;
        if (t === jeSlot) jeRight = true;
      });
      if (rcRight && !jeRight) this.reconstructionOnly++;
      if (jeRight && !rcRight) this.jointEmbeddingOnly++;
    });
    this.test += test.length;
  }

  private slot(set: number, name: MapName): number {
    return this.slots.findIndex((s) => s.set === set && s.name === name);
  }

  /** The test accuracy of every set (NaN without test samples). */
  accuracies(): ProbeAccuracies[] {
    return this.sets.map((maps, set) => {
      const acc = (name: MapName) => this.correct[this.slot(set, name)] / this.test;
      return { ...(maps.supervised ? { supervised: acc('supervised') } : {}), reconstruction: acc('reconstruction'), jointEmbedding: acc('jointEmbedding') };
    });
  }

  /** Set 0's accuracies with their intervals and the paired comparison of RC and JE. */
  result(): ProbeResult {
    const a = this.accuracies()[0];
    const n = this.test;
    const wilson = (p: number) => wilsonInterval(Math.round(p * n), n);
    return {
      ...(a.supervised !== undefined ? { supervised: a.supervised } : {}),
      reconstruction: a.reconstruction,
      jointEmbedding: a.jointEmbedding,
      train: this.train,
      test: n,
      seed: this.seed,
      intervals: {
        ...(a.supervised !== undefined ? { supervised: wilson(a.supervised) } : {}),
        reconstruction: wilson(a.reconstruction),
        jointEmbedding: wilson(a.jointEmbedding),
      },
      paired: pairedComparison(this.reconstructionOnly, this.jointEmbeddingOnly, n),
    };
  }
}

const Z95 = 1.959963984540054;

/** The 95% Wilson score interval of `k` successes in `n` trials ([0, 1] for n = 0). */
export function wilsonInterval(k: number, n: number): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = k / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The paired comparison of two classifiers on the same n samples from the discordant
 * counts b (only the first right) and c (only the second right): difference (b − c)/n with
 * a 95% normal interval, se = √(b + c − (b − c)²/n)/n, and McNemar's exact two-sided p-value.
 */
export function pairedComparison(b: number, c: number, n: number): PairedComparison {
  const diff = n > 0 ? (b - c) / n : 0;
  const se = n > 0 ? Math.sqrt(Math.max(0, b + c - ((b - c) * (b - c)) / n)) / n : 0;
  return { difference: diff, interval: [diff - Z95 * se, diff + Z95 * se], reconstructionOnly: b, jointEmbeddingOnly: c, pValue: mcnemarExact(b, c) };
}

/** Discordant counts above which McNemar's test uses its continuity-corrected normal form. */
const MCNEMAR_EXACT_MAX = 100_000;

/**
 * Two-sided McNemar p-value: exact, 2 P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2) capped at
 * 1, summed in log space; beyond {@link MCNEMAR_EXACT_MAX} discordant samples the
 * continuity-corrected normal approximation erfc((|b − c| − 1)/√(2(b + c))).
 */
export function mcnemarExact(b: number, c: number): number {
  const m = b + c;
  if (m === 0) return 1;
  if (m > MCNEMAR_EXACT_MAX) return Math.min(1, erfc(Math.max(0, Math.abs(b - c) - 1) / Math.sqrt(2 * m)));
  const k = Math.min(b, c);
  const logs = new Float64Array(k + 1);
  logs[0] = -m * Math.LN2;
  for (let i = 1; i <= k; i++) logs[i] = logs[i - 1] + Math.log((m - i + 1) / i);
  const top = logs[k]; // the terms increase up to i = m/2 ≥ k
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += Math.exp(logs[i] - top);
  return Math.min(1, 2 * Math.exp(top + Math.log(sum)));
}

/** erfc(x) for x ≥ 0 (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return y;
}
