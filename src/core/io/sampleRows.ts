/**
 * A seeded, uniformly random sample of the rows of an array file in bounded memory
 * (docs/architecture.md §5: data of any size; docs/theory.md §6.1: the finite-n experiment
 * draws its rows from such a sample): the sampled rows and one read buffer are all that is
 * held. Rows readable by position ({@link RowAccess}: a C-order `.npy`, a stored `.npz`
 * member) are read row by row at sorted indices, neighbouring rows coalesced into one read;
 * text has no random access, so one pass keeps a reservoir (Algorithm R). The randomness is
 * the caller's (`random`: uniform in [0, 1)), so the sample is as seeded as its generator.
 */
import { DataFileError } from './npy';
import type { RowAccess, RowStream } from './stream';

/** Called for every kept row: its place in the sample, its values (valid during the call only) and its 0-based index in the file. */
export type RowSink = (slot: number, row: Float64Array, index: number) => void;

export interface SampleReadOptions {
  /** Two wanted rows at most this many bytes apart are read in one read (default 8 KiB). */
  gapBytes?: number;
  /** The largest read (default 8 MiB; a single row may exceed it). */
  readBytes?: number;
  /** Progress: rows handed out so far of the sample size. */
  onProgress?: (done: number, total: number) => void;
  /** Called between reads; throws to stop (cancellation). */
  check?: () => void;
}

/** A companion file (labels) with another number of rows than the data. */
export class RowCountError extends DataFileError {}

const GAP_BYTES = 8 * 1024;
const READ_BYTES = 8 * 1024 * 1024;

/**
 * min(m, total) distinct indices of [0, total), increasing, drawn uniformly among all such
 * subsets (Floyd's algorithm: O(m) memory and draws, whatever the total); every index when
 * m ≥ total.
 */
export function sampleIndices(total: number, m: number, random: () => number): Float64Array {
  if (m >= total) return Float64Array.from({ length: total }, (_, i) => i);
  const chosen = new Set<number>();
  for (let j = total - m; j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Float64Array.from(chosen).sort();
}

/**
 * Reads the rows `indices` (increasing, within the file) by positioned reads: a run of
 * wanted rows whose gaps are at most `gapBytes` is one read of at most `readBytes`. The
 * i-th index goes to slot i. Returns the bytes read.
 */
export function readRowsAt(access: RowAccess, indices: Float64Array, sink: RowSink, opts: SampleReadOptions = {}): number {
  const gapRows = Math.floor((opts.gapBytes ?? GAP_BYTES) / Math.max(1, access.rowBytes));
  const spanRows = Math.max(1, Math.floor((opts.readBytes ?? READ_BYTES) / Math.max(1, access.rowBytes)));
  const row = new Float64Array(access.width);
  let bytesRead = 0;
  let i = 0;
  while (i < indices.length) {
    opts.check?.();
    const first = indices[i];
    if (first < 0 || first >= access.rows || (i > 0 && first <= indices[i - 1]))
      throw new RangeError(`row index ${first} is out of order or outside the ${access.rows} rows of ${access.name}`);
    let j = i + 1;
    while (
      j < indices.length &&
      indices[j] > indices[j - 1] &&
      indices[j] - indices[j - 1] - 1 <= gapRows &&
      indices[j] - first < spanRows &&
      indices[j] < access.rows
    )
      j++;
    const count = indices[j - 1] - first + 1;
    const bytes = access.read(first, count);
    bytesRead += bytes.length;
    for (let t = i; t < j; t++) {
      access.decode(bytes, (indices[t] - first) * access.rowBytes, row);
      sink(t, row, indices[t]);
    }
    i = j;
    opts.onProgress?.(i, indices.length);
  }
  return bytesRead;
}

/**
 * The rows `indices` (increasing) of a stream, in one pass that skips the others (a
 * companion file without positioned reads, such as labels in text). The i-th index goes to
 * slot i; a stream that ends first throws {@link RowCountError}.
 */
export function pickRows(stream: RowStream, indices: Float64Array, sink: RowSink, blockRows: number, check?: () => void): void {
  let i = 0;
  while (i < indices.length) {
    check?.();
    const b = stream.next(blockRows);
    if (!b) throw new RowCountError(`${stream.name} has ${stream.rows ?? 'fewer'} rows; row ${indices[i] + 1} was expected.`);
    const end = b.first + b.rows;
    const w = stream.width;
    while (i < indices.length && indices[i] < end) {
      const r = indices[i] - b.first;
      sink(i, b.data.subarray(r * w, (r + 1) * w), indices[i]);
      i++;
    }
  }
}

/** Where a reservoir sample ended: the file index of every slot, the slots in file order, and the rows seen. */
export interface Reservoir {
  /** indices[slot]: the 0-based row of the file the slot holds. */
  indices: Float64Array;
  /** The slots ordered by their row in the file. */
  order: Int32Array;
  /** Rows of the file (every row is seen once). */
  total: number;
}

/**
 * One pass over `streams[0]` (and, in lockstep, the companion streams after it: labels
 * in another file) keeping a uniform sample of min(m, rows) rows: Algorithm R (Vitter
 * 1985) — the first m rows fill the reservoir, row t ≥ m replaces a uniformly chosen slot
 * with probability m/(t+1). `sink` receives the rows of every stream (in `streams`' order)
 * and may overwrite the slot's earlier row. With m ≥ rows every row is kept, slot = row.
 * A companion with a different number of rows throws {@link RowCountError}.
 */
export function reservoirRows(
  streams: readonly RowStream[],
  m: number,
  random: () => number,
  sink: (slot: number, rows: readonly Float64Array[], index: number) => void,
  opts: { blockRows: number; onProgress?: (done: number, total: number) => void; check?: () => void },
): Reservoir {
  const [main, ...companions] = streams;
  const indices = new Float64Array(m);
  const widths = streams.map((s) => s.width);
  const rows: Float64Array[] = streams.map(() => new Float64Array(0));
  let seen = 0;
  for (;;) {
    opts.check?.();
    const b = main.next(opts.blockRows);
    const cb = companions.map((c) => c.next(b ? b.rows : 1));
    if (!b) {
      const extra = cb.findIndex((c) => c !== undefined);
      if (extra >= 0) throw new RowCountError(`${companions[extra].name} has more than the ${seen} rows of ${main.name}.`);
      break;
    }
    cb.forEach((c, s) => {
      if (!c || c.rows !== b.rows) throw new RowCountError(`${companions[s].name} has ${seen + (c ? c.rows : 0)} rows but ${main.name} has more.`);
    });
    for (let r = 0; r < b.rows; r++) {
      const t = seen + r;
      const slot = t < m ? t : Math.floor(random() * (t + 1));
      if (slot >= m) continue;
      indices[slot] = t;
      rows[0] = b.data.subarray(r * widths[0], (r + 1) * widths[0]);
      for (let s = 0; s < cb.length; s++) rows[s + 1] = cb[s]!.data.subarray(r * widths[s + 1], (r + 1) * widths[s + 1]);
      sink(slot, rows, t);
    }
    seen += b.rows;
    const p = main.progress();
    opts.onProgress?.(p.done, p.total);
  }
  const kept = Math.min(m, seen);
  const order = Int32Array.from({ length: kept }, (_, i) => i).sort((a, b) => indices[a] - indices[b]);
  return { indices: indices.subarray(0, kept), order, total: seen };
}
