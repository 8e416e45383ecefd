/**
 * The linear probe of data mode with labels (docs/spec.md "Your own augmentations (views)"): each
 * encoder is applied to the clean samples, a least-squares map onto the one-hot labels
 * (no intercept, as in docs/theory.md A10) is fitted on the training split and the
 * accuracy of its argmax is measured on the other samples. The supervised solution is its
 * own map (V x, argmax). The split is a seeded hash of each sample's index
 * (`inTrainingSplit`, about 80% train), so the fit needs only the training split's sums
 * (sufficient.ts) and the score one more pass over the rows.
 */
import { Matrix, matmul, pinv, solveSPD, spdTolerance, LinalgError } from '../../../numerics/dense';
import { shifted } from './fromStats';
import type { RawSolutions } from './solutions';
import { inTrainingSplit, type ProbeSplitStats } from './sufficient';

export interface ProbeResult {
  /** Test accuracy of argmax(V x). */
  supervised?: number;
  /** Test accuracy of the probe on E x (reconstruction's encoder). */
  reconstruction: number;
  /** Test accuracy of the probe on W x (joint-embedding's encoder). */
  jointEmbedding: number;
  /** Samples in the training and the test split. */
  train: number;
  test: number;
  seed: number;
}

/** The c × d maps whose argmax the probe takes: Pᵀ E with P = (E C Eᵀ)⁻¹ E (YᵀX)ᵀ on the training split. */
export interface ProbeMaps {
  supervised?: Matrix;
  reconstruction: Matrix;
  jointEmbedding: Matrix;
}

/** Fits the probes of the RC and JE encoders on the training split's sums (centred by `mu` like the data). */
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
  return { reconstruction: fit(raw.rc.e), jointEmbedding: fit(raw.je.w), ...(raw.sl ? { supervised: raw.sl.v } : {}) };
}

/** Counts of correct test predictions, accumulated block by block (the second pass over the rows). */
export class ProbeScorer {
  private readonly all: Matrix; // (maps · classes) × d
  private readonly names: (keyof ProbeMaps)[];
  private readonly correct: number[];
  test = 0;
  train = 0;

  constructor(
    private readonly maps: ProbeMaps,
    private readonly classes: Float64Array,
    private readonly mu: Float64Array | undefined,
    private readonly seed: number,
  ) {
    this.names = (['supervised', 'reconstruction', 'jointEmbedding'] as const).filter((k) => maps[k] !== undefined);
    const c = classes.length;
    const d = maps.reconstruction.cols;
    this.all = new Matrix(this.names.length * c, d);
    this.names.forEach((k, t) => this.all.data.set(maps[k]!.data, t * c * d));
    this.correct = this.names.map(() => 0);
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
    test.forEach((i, r) => {
      const label = labels[i];
      this.names.forEach((_, t) => {
        let best = 0;
        for (let q = 1; q < c; q++) if (scores.data[r * w + t * c + q] > scores.data[r * w + t * c + best]) best = q;
        if (this.classes[best] === label) this.correct[t]++;
      });
    });
    this.test += test.length;
  }

  result(): ProbeResult {
    const acc = (k: keyof ProbeMaps): number => this.correct[this.names.indexOf(k)] / this.test;
    return {
      ...(this.maps.supervised ? { supervised: acc('supervised') } : {}),
      reconstruction: acc('reconstruction'),
      jointEmbedding: acc('jointEmbedding'),
      train: this.train,
      test: this.test,
      seed: this.seed,
    };
  }
}
