/**
 * The sufficient statistics of data mode (docs/theory.md §2.1, §6.1): everything the closed
 * forms need is a sum over samples, so the data can be read a block of rows at a time and
 * shards can be added exactly. Memory is O(d²) plus one block.
 *
 * Per sample i with clean features x_i (d), views v_i1..v_iV with mean x̄_i, one-hot label
 * (or target row) y_i and, for P1's pipeline, the appended noise draw ν_i (m):
 *
 *   n, Σ x, Σ x xᵀ                                   (always)
 *   Σ x̄, Σ x̄ x̄ᵀ, Σ x x̄ᵀ, Σ 1/(V−1) Σ_v (v − x̄)(v − x̄)ᵀ   (views)
 *   Σ y, Σ y xᵀ (and Σ y x̄ᵀ with views)             (labels or targets)
 *   Σ x νᵀ, Σ ν, Σ ν νᵀ, Σ y νᵀ                      (the pipeline's corrupted draw)
 *   the same n, Σ x, Σ x xᵀ, Σ y, Σ y xᵀ over the probe's training split
 *
 * All sums are uncentred; centring is applied afterwards (fromStats.ts). Products of a
 * block go through the packed kernel (`gemmTN` with accumulation), the rest are loops.
 */
import { gemmTN, GramStream, operand } from '../../../numerics/dense/blas';
import { Rng } from '../../../numerics/rng';

/** One-hot targets are limited to this many classes (as in loadData.ts). */
export const MAX_CLASSES = 1000;

export interface ViewStats {
  /** V, the views per sample. */
  count: number;
  sumXbar: Float64Array;
  /** Σ x̄ x̄ᵀ (d × d). */
  xbtxb: Float64Array;
  /** Σ x x̄ᵀ (d × d, not symmetric). */
  xtxb: Float64Array;
  /** Σ_i 1/(V−1) Σ_v (v_iv − x̄_i)(v_iv − x̄_i)ᵀ (d × d). */
  scatter: Float64Array;
}

export interface TargetStats {
  /** One-hot labels: the distinct label values, increasing (one target column each). Dense targets: undefined. */
  classes?: Float64Array;
  /** ℓ, the target columns. */
  width: number;
  /** Σ y (for one-hot labels: the class counts). */
  sumY: Float64Array;
  /** Σ y xᵀ (ℓ × d). */
  ytx: Float64Array;
  /** Σ y x̄ᵀ (ℓ × d), with views. */
  ytxb?: Float64Array;
}

export interface NoiseStats {
  /** m, the appended noise coordinates; ν_ij = sqrt(γ_j) · N(0, 1) in row order, from Rng(seed). */
  m: number;
  seed: number;
  /** Σ x νᵀ (d × m). */
  xtn: Float64Array;
  sumN: Float64Array;
  /** Σ ν νᵀ (m × m). */
  ntn: Float64Array;
  /** Σ y νᵀ (ℓ × m). */
  ytn?: Float64Array;
}

export interface ProbeSplitStats {
  seed: number;
  n: number;
  sumX: Float64Array;
  xtx: Float64Array;
  sumY: Float64Array;
  ytx: Float64Array;
}

export interface SufficientStats {
  n: number;
  d: number;
  sumX: Float64Array;
  /** Σ x xᵀ (d × d). */
  xtx: Float64Array;
  views?: ViewStats;
  targets?: TargetStats;
  noise?: NoiseStats;
  /** The probe's training split (one-hot labels only). */
  probe?: ProbeSplitStats;
}

/**
 * A failure of the accumulation (too many classes) or of a merge (shards that do not fit),
 * reported by the caller on the labels or the shard, with a problem code.
 */
export class StatsError extends Error {
  constructor(
    message: string,
    readonly code: 'dimension-mismatch' | 'limit-exceeded' = 'dimension-mismatch',
  ) {
    super(message);
  }
}

/**
 * Whether sample `row` belongs to the probe's training split: a seeded hash of its index
 * (SplitMix32's finaliser of `row ⊕ seed`), below 0.8 · 2³². Independent of the order the
 * rows are read in and of any sharding; about 80% of the samples train.
 */
export function inTrainingSplit(row: number, seed: number): boolean {
  let z = (Math.imul((row % 4294967296) | 0, 1) ^ Math.imul(Math.floor(row / 4294967296) | 0, 0x27d4eb2f) ^ (seed | 0) ^ 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z = (z ^ (z >>> 16)) >>> 0;
  return z < 0.8 * 4294967296;
}

/** out += alpha aᵀ b over `rows` rows (a: rows × p, b: rows × q, row-major); `b === a` is the symmetric product. */
function addProduct(out: Float64Array, a: Float64Array, p: number, b: Float64Array, q: number, rows: number, alpha = 1): void {
  if (rows === 0 || p === 0 || q === 0) return;
  const opA = operand(a, p, 0, 0, rows, p, false);
  const opB = b === a && p === q ? opA : operand(b, q, 0, 0, rows, q, false);
  gemmTN(alpha, opA, opB, out, 0, q, { accumulate: true });
}

export function addColumnSums(out: Float64Array, a: Float64Array, rows: number, cols: number): void {
  // four rows per pass over `out`: a quarter of its loads and stores
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const o0 = i * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const o3 = o2 + cols;
    for (let j = 0; j < cols; j++) out[j] += a[o0 + j] + a[o1 + j] + (a[o2 + j] + a[o3 + j]);
  }
  for (; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += a[o + j];
  }
}

export interface AccumulatorOptions {
  /** V when the samples come with views. */
  views?: number;
  /** 'labels': one-hot labels discovered on the way; a number: dense targets of that width. */
  targets?: 'labels' | number;
  /** The pipeline's noise draw (docs/theory.md §6.1). */
  noise?: { gamma: Float64Array; seed: number };
  /** Accumulate the probe's training split (one-hot labels only). */
  probeSeed?: number;
}

/** Per-class rows that grow as labels appear (one-hot targets). */
class ClassRows {
  readonly slots = new Map<number, number>();
  values: number[] = [];
  constructor(private readonly widths: number[]) {
    this.rows = widths.map((w) => new Float64Array(8 * w));
  }
  rows: Float64Array[];
  slot(v: number): number {
    let s = this.slots.get(v);
    if (s === undefined) {
      if (this.values.length >= MAX_CLASSES)
        throw new StatsError(
          `The labels take more than ${MAX_CLASSES} distinct values; one-hot targets are limited to ${MAX_CLASSES} classes.`,
          'limit-exceeded',
        );
      s = this.values.length;
      this.slots.set(v, s);
      this.values.push(v);
      this.rows = this.rows.map((r, t) => {
        const w = this.widths[t];
        if ((s! + 1) * w <= r.length) return r;
        const next = new Float64Array(2 * r.length);
        next.set(r);
        return next;
      });
    }
    return s;
  }
  /** Rows of table t in increasing label order. */
  sorted(t: number): { order: number[]; data: Float64Array } {
    const w = this.widths[t];
    const order = this.values
      .map((v, s) => [v, s] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, s]) => s);
    const data = new Float64Array(order.length * w);
    order.forEach((s, i) => data.set(this.rows[t].subarray(s * w, (s + 1) * w), i * w));
    return { order, data };
  }
}

/** Accumulates {@link SufficientStats} over blocks of rows. */
export class StatsAccumulator {
  readonly d: number;
  n = 0;
  readonly sumX: Float64Array;
  readonly xtx: Float64Array;
  private readonly V: number;
  private readonly views?: ViewStats;
  private xbar = new Float64Array(0);
  private dev = new Float64Array(0);
  private readonly oneHot: boolean;
  private readonly denseWidth: number;
  private dense?: { sumY: Float64Array; ytx: Float64Array; ytxb?: Float64Array; ytn?: Float64Array };
  /** one-hot tables: 0 Σ y xᵀ, 1 Σ y x̄ᵀ, 2 Σ y νᵀ, 3 counts, 4 train counts, 5 train Σ y xᵀ */
  private classes?: ClassRows;
  private readonly noiseOpt?: { gamma: Float64Array; seed: number; rng: Rng; sd: Float64Array };
  private noise?: NoiseStats;
  private nu = new Float64Array(0);
  private readonly probeSeed?: number;
  private probe?: ProbeSplitStats;
  private train = new Float64Array(0);
  /** XᵀX block after block, overlapping the helper thread's share with the next block's read. */
  private readonly gram: GramStream;

  constructor(d: number, opts: AccumulatorOptions = {}) {
    this.d = d;
    this.sumX = new Float64Array(d);
    this.xtx = new Float64Array(d * d);
    this.gram = new GramStream(this.xtx, d);
    this.V = opts.views ?? 0;
    if (this.V)
      this.views = {
        count: this.V,
        sumXbar: new Float64Array(d),
        xbtxb: new Float64Array(d * d),
        xtxb: new Float64Array(d * d),
        scatter: new Float64Array(d * d),
      };
    this.oneHot = opts.targets === 'labels';
    this.denseWidth = typeof opts.targets === 'number' ? opts.targets : 0;
    const m = opts.noise?.gamma.length ?? 0;
    if (this.oneHot) this.classes = new ClassRows([d, this.V ? d : 0, m, 1, 1, d]);
    if (this.denseWidth) {
      const w = this.denseWidth;
      this.dense = {
        sumY: new Float64Array(w),
        ytx: new Float64Array(w * d),
        ...(this.V ? { ytxb: new Float64Array(w * d) } : {}),
        ...(m ? { ytn: new Float64Array(w * m) } : {}),
      };
    }
    if (opts.noise) {
      this.noiseOpt = { ...opts.noise, rng: new Rng(opts.noise.seed), sd: opts.noise.gamma.map(Math.sqrt) };
      this.noise = { m, seed: opts.noise.seed, xtn: new Float64Array(d * m), sumN: new Float64Array(m), ntn: new Float64Array(m * m) };
    }
    if (opts.probeSeed !== undefined && this.oneHot) {
      this.probeSeed = opts.probeSeed;
      this.probe = { seed: opts.probeSeed, n: 0, sumX: new Float64Array(d), xtx: new Float64Array(d * d), sumY: new Float64Array(0), ytx: new Float64Array(0) };
    }
  }

  /**
   * Adds `rows` samples starting at sample index `first`: x (rows × d), their views
   * (rows × V × d), their labels (rows) or dense targets (rows × ℓ); `sums`, when given, are
   * the block's column sums (computed by the caller while checking the values).
   */
  add(
    x: Float64Array,
    rows: number,
    first: number,
    extra: { views?: Float64Array; labels?: Float64Array; targets?: Float64Array; sums?: Float64Array } = {},
  ): void {
    const d = this.d;
    this.n += rows;
    if (extra.sums) for (let j = 0; j < d; j++) this.sumX[j] += extra.sums[j];
    else addColumnSums(this.sumX, x, rows, d);
    this.gram.add(x, rows);
    if (this.views) this.addViews(x, rows, extra.views!);
    const nu = this.noise ? this.drawNoise(rows) : undefined;
    if (this.noise && nu) {
      const m = this.noise.m;
      addProduct(this.noise.xtn, x, d, nu, m, rows);
      addColumnSums(this.noise.sumN, nu, rows, m);
      addProduct(this.noise.ntn, nu, m, nu, m, rows);
    }
    if (this.classes) this.addLabels(x, rows, first, extra.labels!, nu);
    if (this.dense) {
      const w = this.denseWidth;
      const y = extra.targets!;
      addColumnSums(this.dense.sumY, y, rows, w);
      addProduct(this.dense.ytx, y, w, x, d, rows);
      if (this.dense.ytxb) addProduct(this.dense.ytxb, y, w, this.xbar, d, rows);
      if (this.dense.ytn && nu) addProduct(this.dense.ytn, y, w, nu, this.noise!.m, rows);
    }
  }

  private addViews(x: Float64Array, rows: number, views: Float64Array): void {
    const d = this.d;
    const V = this.V;
    const vs = this.views!;
    if (this.xbar.length < rows * d) this.xbar = new Float64Array(rows * d);
    if (this.dev.length < rows * V * d) this.dev = new Float64Array(rows * V * d);
    const xbar = this.xbar;
    const dev = this.dev;
    const inv = 1 / V;
    for (let i = 0; i < rows; i++) {
      const xo = i * d;
      const vo = i * V * d;
      for (let j = 0; j < d; j++) xbar[xo + j] = 0;
      for (let v = 0; v < V; v++) for (let j = 0; j < d; j++) xbar[xo + j] += views[vo + v * d + j];
      for (let j = 0; j < d; j++) xbar[xo + j] *= inv;
      for (let v = 0; v < V; v++) for (let j = 0; j < d; j++) dev[vo + v * d + j] = views[vo + v * d + j] - xbar[xo + j];
    }
    const xb = rows * d === xbar.length ? xbar : xbar.subarray(0, rows * d);
    const dv = rows * V * d === dev.length ? dev : dev.subarray(0, rows * V * d);
    addColumnSums(vs.sumXbar, xb, rows, d);
    addProduct(vs.xbtxb, xb, d, xb, d, rows);
    addProduct(vs.xtxb, x, d, xb, d, rows);
    // Σ = (1/n) Σ_i 1/(V−1) Σ_v (v − x̄_i)(v − x̄_i)ᵀ (docs/theory.md §2.1 M1 with the views' moments)
    addProduct(vs.scatter, dv, d, dv, d, rows * V, 1 / (V - 1));
  }

  private drawNoise(rows: number): Float64Array {
    const { rng, sd } = this.noiseOpt!;
    const m = sd.length;
    if (this.nu.length < rows * m) this.nu = new Float64Array(rows * m);
    const nu = this.nu.subarray(0, rows * m);
    // the order of corrupt() in simulation.ts: row by row, coordinate by coordinate
    for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) nu[i * m + j] = sd[j] * rng.normal();
    return nu;
  }

  private addLabels(x: Float64Array, rows: number, first: number, labels: Float64Array, nu: Float64Array | undefined): void {
    const d = this.d;
    const c = this.classes!;
    const m = this.noise?.m ?? 0;
    const probe = this.probe;
    let trainRows = 0;
    if (probe && this.train.length < rows * d) this.train = new Float64Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const s = c.slot(labels[i]);
      const [ytx, ytxb, ytn, counts, trainCounts, trainYtx] = c.rows;
      const xo = i * d;
      const o = s * d;
      for (let j = 0; j < d; j++) ytx[o + j] += x[xo + j];
      if (this.V) for (let j = 0; j < d; j++) ytxb[o + j] += this.xbar[xo + j];
      if (nu) for (let j = 0; j < m; j++) ytn[s * m + j] += nu[i * m + j];
      counts[s] += 1;
      if (probe && inTrainingSplit(first + i, this.probeSeed!)) {
        trainCounts[s] += 1;
        for (let j = 0; j < d; j++) trainYtx[o + j] += x[xo + j];
        this.train.set(x.subarray(xo, xo + d), trainRows * d);
        trainRows++;
      }
    }
    if (probe && trainRows) {
      probe.n += trainRows;
      const t = this.train.subarray(0, trainRows * d);
      addColumnSums(probe.sumX, t, trainRows, d);
      addProduct(probe.xtx, t, d, t, d, trainRows);
    }
  }

  finish(): SufficientStats {
    this.gram.finish();
    const d = this.d;
    const out: SufficientStats = { n: this.n, d, sumX: this.sumX, xtx: this.xtx };
    if (this.views) out.views = this.views;
    if (this.noise) out.noise = this.noise;
    if (this.dense) {
      const w = this.denseWidth;
      out.targets = { width: w, sumY: this.dense.sumY, ytx: this.dense.ytx, ...(this.dense.ytxb ? { ytxb: this.dense.ytxb } : {}) };
      if (this.noise && this.dense.ytn) out.noise = { ...this.noise, ytn: this.dense.ytn };
    }
    if (this.classes) {
      const c = this.classes;
      const classes = Float64Array.from([...c.values].sort((a, b) => a - b));
      const table = (t: number) => c.sorted(t).data;
      out.targets = { classes, width: classes.length, sumY: table(3), ytx: table(0), ...(this.V ? { ytxb: table(1) } : {}) };
      if (this.noise) out.noise = { ...this.noise, ytn: table(2) };
      if (this.probe) out.probe = { ...this.probe, sumY: table(4), ytx: table(5) };
    }
    return out;
  }
}

/** a + b, element by element (the shards' sums). */
function sum(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/**
 * The statistics of the union of two disjoint sets of samples: every sum added (never an
 * average of averages). Label classes are united (a class missing from one shard has zero
 * counts there). Views need the same V in both; the noise draw and the probe split belong
 * to one pass and are not merged.
 */
export function mergeStats(a: SufficientStats, b: SufficientStats): SufficientStats {
  if (a.d !== b.d) throw new StatsError(`the shards have d = ${a.d} and d = ${b.d} features`);
  const d = a.d;
  const out: SufficientStats = { n: a.n + b.n, d, sumX: sum(a.sumX, b.sumX), xtx: sum(a.xtx, b.xtx) };
  if (!!a.views !== !!b.views) throw new StatsError('one shard has view statistics and the other has none');
  if (a.views && b.views) {
    if (a.views.count !== b.views.count) throw new StatsError(`the shards have V = ${a.views.count} and V = ${b.views.count} views per sample`);
    out.views = {
      count: a.views.count,
      sumXbar: sum(a.views.sumXbar, b.views.sumXbar),
      xbtxb: sum(a.views.xbtxb, b.views.xbtxb),
      xtxb: sum(a.views.xtxb, b.views.xtxb),
      scatter: sum(a.views.scatter, b.views.scatter),
    };
  }
  if (!!a.targets !== !!b.targets) throw new StatsError('one shard has label statistics and the other has none');
  if (a.targets && b.targets) out.targets = mergeTargets(a.targets, b.targets, d);
  return out;
}

function mergeTargets(a: TargetStats, b: TargetStats, d: number): TargetStats {
  if (!a.classes || !b.classes) {
    if (a.classes || b.classes || a.width !== b.width) throw new StatsError('the shards have different targets');
    return { width: a.width, sumY: sum(a.sumY, b.sumY), ytx: sum(a.ytx, b.ytx), ...(a.ytxb && b.ytxb ? { ytxb: sum(a.ytxb, b.ytxb) } : {}) };
  }
  const classes = Float64Array.from(new Set([...a.classes, ...b.classes])).sort();
  if (classes.length > MAX_CLASSES)
    throw new StatsError(`the shards together have ${classes.length} classes, over the limit of ${MAX_CLASSES}`, 'limit-exceeded');
  const c = classes.length;
  const index = new Map([...classes].map((v, i) => [v, i]));
  const out: TargetStats = { classes, width: c, sumY: new Float64Array(c), ytx: new Float64Array(c * d), ...(a.ytxb ? { ytxb: new Float64Array(c * d) } : {}) };
  for (const t of [a, b]) {
    t.classes!.forEach((v, i) => {
      const r = index.get(v)!;
      out.sumY[r] += t.sumY[i];
      for (let j = 0; j < d; j++) out.ytx[r * d + j] += t.ytx[i * d + j];
      if (out.ytxb && t.ytxb) for (let j = 0; j < d; j++) out.ytxb[r * d + j] += t.ytxb[i * d + j];
    });
  }
  return out;
}
