/**
 * The rows of the finite-n experiment on data read in blocks (docs/theory.md §6.1, "The
 * finite-n experiment"), projected to P1's pipeline coordinates exactly as the in-memory
 * pipeline does: (x − μ) V_k with the mean and PCA basis of the analysis' statistics
 * (fromStats.ts); the raw rows are never kept. {@link directDraws}: every draw reads its own
 * rows of all N by position (memory O(n · k) per draw). {@link samplePipelineRows}: a seeded
 * uniform sample of min(m, N) rows read once (by position where the file allows, else one
 * reservoir pass), for every row (m ≥ N: the in-memory simulation) or for one part per repeat
 * (simulateSpec.ts streamedRows).
 */
import { matmul, Matrix } from '../../../numerics/dense';
import { Rng } from '../../../numerics/rng';
import { pickRows, readRowsAt, reservoirRows, RowCountError, sampleIndices } from '../../../io/sampleRows';
import type { RowAccess, RowStream } from '../../../io/stream';
import { drawRowIndices, rowSampleSeed } from '../simulation';
import type { ResolvedSpectra } from '../types';
import type { Problem } from '../../../problems/problems';
import type { PipelineData } from './pipeline';

/** Where a streamed spec's rows come from, opened (by streamed.ts) only when the simulation runs. */
export interface SampleSources {
  /** The data rows: by position when the layout allows (C-order .npy, stored .npz member), else a stream (text). */
  rows: { access: RowAccess } | { stream: RowStream };
  /** The label column of the rows, removed from the features. */
  labelColumn?: number;
  /** Labels from their own file: whole (within the reader's limit), by position, or a stream. */
  labels?: { values: Float64Array } | { access: RowAccess } | { stream: RowStream };
  /** Inline targets (data.Y), one row per sample. */
  targets?: readonly (readonly number[])[];
}

/** What the analysis learnt that the projection needs. */
export interface PipelineBasis {
  /** V_k (features × k) and the centring shift μ (absent without centring), as the analysis computed them. */
  basis: Matrix;
  mu?: Float64Array;
  spectra: ResolvedSpectra;
  explainedVariance: number;
  /** One-hot classes of the whole data set (sorted label values), when the data have labels. */
  classes?: Float64Array;
  /** N, the rows the analysis read. */
  samples: number;
}

/** A sample of the pipeline's clean rows, ready for the simulation (simulateSpec.ts). */
export interface SampledPipeline {
  pipeline: PipelineData;
  /** One-hot labels or data.Y rows of the sampled rows. */
  y?: Matrix;
  /** The sampled rows' 0-based indices in the file, increasing. */
  indices: Float64Array;
  /** Bytes read by position (0 for a reservoir pass, which reads the whole file). */
  bytesRead: number;
}

/** A file that no longer matches what the analysis read (it changed in between), on the rows or the labels. */
export class SampleMismatch extends Error {
  constructor(
    message: string,
    readonly on: 'rows' | 'labels',
  ) {
    super(message);
  }
}

export interface SampleOptions {
  /** Rows per block of a stream (the analysis' block size). */
  blockRows: number;
  onProgress?: (fraction: number, message: string) => void;
  /** Throws to stop between reads (cancellation). */
  check?: () => void;
}

/**
 * The seeded sample of min(m, N) rows of the data (`seed`: simulate.seed) in PCA
 * coordinates, with their targets. Format errors throw `DataFileError`; a file that
 * changed since the analysis throws {@link SampleMismatch}.
 */
export function samplePipelineRows(src: SampleSources, pb: PipelineBasis, m: number, seed: number, opts: SampleOptions): SampledPipeline {
  const k = pb.basis.cols;
  const rng = new Rng(rowSampleSeed(seed));
  const random = () => rng.next();
  const N = pb.samples;
  const size = Math.min(m, N);
  const xp = new Matrix(size, k);
  const labelsNeeded = src.labelColumn !== undefined || src.labels !== undefined;
  const labels = labelsNeeded ? new Float64Array(size) : undefined;
  const rowsName = 'access' in src.rows ? src.rows.access.name : src.rows.stream.name;
  const progress = (fraction: number) => opts.onProgress?.(fraction, `sampling ${size} of ${N} rows of ${rowsName}`);

  const proj = projector(pb, src.labelColumn, rowsName, xp, labels);
  const keep = proj.keep;
  const flush = proj.flush;
  const pending = proj.pending;

  if (src.labels && 'values' in src.labels && src.labels.values.length !== N)
    throw new SampleMismatch(`the labels file has ${src.labels.values.length} labels, the data have ${N}.`, 'labels');
  let indices: Float64Array;
  let bytesRead = 0;
  if ('access' in src.rows) {
    const access = src.rows.access;
    if (access.rows !== N)
      throw new SampleMismatch(`${access.name} has ${access.rows} rows, the analysis read ${N}: the file changed; analyse it again.`, 'rows');
    indices = sampleIndices(N, size, random);
    const share = src.labels && 'access' in src.labels ? 0.5 : 1; // of the progress: the rows, then the labels
    bytesRead += readRowsAt(access, indices, (slot, row) => keep(slot, row), {
      onProgress: (done, total) => progress((share * done) / total),
      ...(opts.check ? { check: opts.check } : {}),
    });
    flush();
    const lab = src.labels;
    if (lab && 'access' in lab) {
      if (lab.access.rows !== N) throw new SampleMismatch(`${lab.access.name} has ${lab.access.rows} labels, the data have ${N}.`, 'labels');
      bytesRead += readRowsAt(lab.access, indices, (slot, row) => (labels![slot] = row[0]), {
        onProgress: (done, total) => progress(0.5 + (0.5 * done) / total),
        ...(opts.check ? { check: opts.check } : {}),
      });
    } else if (lab && 'stream' in lab) {
      // (a text file's rows are known only at its end: a changed one is found if it ends before the last sampled row)
      if (lab.stream.rows !== undefined && lab.stream.rows !== N)
        throw new SampleMismatch(`${lab.stream.name} has ${lab.stream.rows} labels, the data have ${N}.`, 'labels');
      try {
        pickRows(lab.stream, indices, (slot, row) => (labels![slot] = row[0]), opts.blockRows, opts.check);
      } catch (e) {
        if (e instanceof RowCountError) throw new SampleMismatch(e.message, 'labels');
        throw e;
      }
    }
  } else {
    // text: one pass with a reservoir (the labels file, when not in memory, in lockstep)
    // (streamed.ts opens a large labels file as a stream when the rows are one)
    if (src.labels && 'access' in src.labels) throw new Error('labels read by position need data rows read by position');
    const lab = src.labels && 'stream' in src.labels ? src.labels.stream : undefined;
    const streams = lab ? [src.rows.stream, lab] : [src.rows.stream];
    let res;
    try {
      res = reservoirRows(
        streams,
        size,
        random,
        (slot, rows) => {
          // a slot replaced while its earlier row is still waiting to be projected: project first
          if (pending(slot)) flush();
          keep(slot, rows[0]);
          if (lab) labels![slot] = rows[1][0];
        },
        { blockRows: opts.blockRows, onProgress: (done, total) => progress(total > 0 ? done / total : 1), ...(opts.check ? { check: opts.check } : {}) },
      );
    } catch (e) {
      if (e instanceof RowCountError) throw new SampleMismatch(e.message, 'labels');
      throw e;
    }
    flush();
    if (res.total !== N) throw new SampleMismatch(`${rowsName} has ${res.total} rows, the analysis read ${N}: the file changed; analyse it again.`, 'rows');
    // the slots in file order
    const sorted = new Matrix(size, k);
    const sortedLabels = labels ? new Float64Array(size) : undefined;
    indices = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const s = res.order[i];
      sorted.data.set(xp.data.subarray(s * k, (s + 1) * k), i * k);
      if (sortedLabels) sortedLabels[i] = labels![s];
      indices[i] = res.indices[s];
    }
    xp.data.set(sorted.data);
    if (sortedLabels) labels!.set(sortedLabels);
  }
  if (src.labels && 'values' in src.labels) {
    const v = src.labels.values;
    for (let i = 0; i < size; i++) labels![i] = v[indices[i]];
  }
  progress(1);
  return { pipeline: { xp, spectra: pb.spectra, explainedVariance: pb.explainedVariance }, ...targetsOf(src, pb, labels, indices), indices, bytesRead };
}

/**
 * Projects raw rows to (x − μ) V_k into rows of `xp` (the slot given), a block of rows at a
 * time through the dense kernel, taking the label column out into `labels`.
 */
function projector(pb: PipelineBasis, lc: number | undefined, rowsName: string, xp: Matrix, labels: Float64Array | undefined) {
  const { basis, mu } = pb;
  const features = basis.rows;
  const k = basis.cols;
  // (no block longer than the rows it will hold: a small draw allocates little)
  const B = Math.max(1, Math.min(256, xp.rows, Math.floor((1 << 20) / features)));
  const buf = new Float64Array(B * features);
  const bufSlot = new Int32Array(B);
  let waiting = 0;
  const flush = () => {
    if (!waiting) return;
    const p = matmul(new Matrix(waiting, features, buf.subarray(0, waiting * features)), basis);
    for (let i = 0; i < waiting; i++) xp.data.set(p.data.subarray(i * k, (i + 1) * k), bufSlot[i] * k);
    waiting = 0;
  };
  const keep = (slot: number, raw: Float64Array) => {
    const o = waiting * features;
    let jj = 0;
    for (let j = 0; j < raw.length; j++) {
      if (j === lc) labels![slot] = raw[j];
      else {
        buf[o + jj] = mu ? raw[j] - mu[jj] : raw[j];
        jj++;
      }
    }
    if (jj !== features) throw new SampleMismatch(`${rowsName} has ${jj} features per row, the analysis had ${features}.`, 'rows');
    bufSlot[waiting++] = slot;
    if (waiting === B) flush();
  };
  /** Whether the slot's earlier row still waits to be projected. */
  const pending = (slot: number) => {
    for (let i = 0; i < waiting; i++) if (bufSlot[i] === slot) return true;
    return false;
  };
  return { keep, flush, pending };
}

/** A draw that could not read its rows, with the located problems (streamed.ts): the run stops with them. */
export class DrawFailed extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** Rows drawn from the file per draw (data read by position): the draws and what they read. */
export interface DirectDraws {
  /** n distinct rows of all N, the rows and order the in-memory draw takes for `random` (simulation.ts drawRowIndices), in PCA coordinates, with their targets (the coordinates themselves without labels or data.Y). */
  draw(n: number, random: () => number): { x1: Matrix; y: Matrix; indices: Float64Array };
  /** Bytes read by position so far (rows and labels). */
  readonly bytesRead: number;
  /** Rows read so far. */
  readonly rowsRead: number;
}

/**
 * The finite-n draws of data read by position (docs/theory.md §6.1): every draw picks n of
 * all N rows as the in-memory draw does, reads just those rows (sorted, neighbours
 * coalesced: io/sampleRows.ts readRowsAt), projects them as they arrive and puts them back
 * in the draw's order. Memory: O(n · k) per draw plus one read buffer.
 */
export function directDraws(src: SampleSources, pb: PipelineBasis, opts: { check?: () => void } = {}): DirectDraws {
  if (!('access' in src.rows)) throw new Error('direct draws need rows read by position');
  if (src.labels && 'stream' in src.labels) throw new Error('direct draws need labels in memory or by position');
  const access = src.rows.access;
  const N = pb.samples;
  if (access.rows !== N)
    throw new SampleMismatch(`${access.name} has ${access.rows} rows, the analysis read ${N}: the file changed; analyse it again.`, 'rows');
  const lab = src.labels;
  if (lab && 'values' in lab && lab.values.length !== N)
    throw new SampleMismatch(`the labels file has ${lab.values.length} labels, the data have ${N}.`, 'labels');
  if (lab && 'access' in lab && lab.access.rows !== N)
    throw new SampleMismatch(`${lab.access.name} has ${lab.access.rows} labels, the data have ${N}.`, 'labels');
  const k = pb.basis.cols;
  const labelsNeeded = src.labelColumn !== undefined || lab !== undefined;
  const read = opts.check ? { check: opts.check } : {};
  let bytesRead = 0;
  let rowsRead = 0;
  return {
    get bytesRead() {
      return bytesRead;
    },
    get rowsRead() {
      return rowsRead;
    },
    draw(n, random) {
      const indices = drawRowIndices(N, n, random);
      // read in file order; slot = the row's place in the draw
      const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => indices[a] - indices[b]);
      const sorted = Float64Array.from(order, (i) => indices[i]);
      const xp = new Matrix(n, k);
      const labels = labelsNeeded ? new Float64Array(n) : undefined;
      const proj = projector(pb, src.labelColumn, access.name, xp, labels);
      bytesRead += readRowsAt(access, sorted, (t, row) => proj.keep(order[t], row), read);
      proj.flush();
      if (lab && 'access' in lab) bytesRead += readRowsAt(lab.access, sorted, (t, row) => (labels![order[t]] = row[0]), read);
      else if (lab) for (let i = 0; i < n; i++) labels![i] = lab.values[indices[i]];
      rowsRead += n;
      const { y } = targetsOf(src, pb, labels, indices);
      return { x1: xp, y: y ?? new Matrix(n, k, Float64Array.from(xp.data)), indices };
    },
  };
}

/** The probe targets of the sample: one-hot over the whole data set's classes (loadData.ts' order), or the data.Y rows. */
function targetsOf(src: SampleSources, pb: PipelineBasis, labels: Float64Array | undefined, indices: Float64Array): { y?: Matrix } {
  if (labels && pb.classes) {
    const c = pb.classes.length;
    const index = new Map([...pb.classes].map((v, i) => [v, i]));
    const y = new Matrix(labels.length, c);
    for (let i = 0; i < labels.length; i++) {
      const j = index.get(labels[i]);
      if (j === undefined)
        throw new SampleMismatch(
          `row ${indices[i] + 1} has the label ${labels[i]}, which the analysis did not see: the file changed; analyse it again.`,
          'labels',
        );
      y.data[i * c + j] = 1;
    }
    return { y };
  }
  if (src.targets) {
    const t = src.targets;
    const w = t[0].length;
    const y = new Matrix(indices.length, w);
    for (let i = 0; i < indices.length; i++) for (let j = 0; j < w; j++) y.data[i * w + j] = t[indices[i]][j];
    return { y };
  }
  return {};
}
