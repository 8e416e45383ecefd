/**
 * Chunked access to array files (docs/architecture.md §5: data of any size in bounded
 * memory). A {@link ByteSource} is a file seen through positioned reads (the host
 * implements them; io/ never touches the file system); a {@link RowStream} hands out the
 * rows of an array file (the leading dimension; each row holds the product of the other
 * dimensions, in C order) a block at a time, decoded to float64.
 */
import type { NumericArray } from './npy';

/**
 * A file read by position: `read` returns `length` bytes at `position`, fewer only at the
 * end. `into`, when given, is a buffer of at least `length` bytes that the source may fill
 * and return a view of (a reader's block buffer, reused block after block); it may also
 * ignore it.
 */
export interface ByteSource {
  /** Size in bytes. */
  readonly size: number;
  read(position: number, length: number, into?: Uint8Array): Uint8Array;
}

/** A whole file already in memory, as a ByteSource. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (position, length) => bytes.subarray(Math.min(position, bytes.length), Math.min(bytes.length, position + length)),
  };
}

/** The bytes [offset, offset + size) of another source (a stored member of a .npz archive). */
export function sliceSource(src: ByteSource, offset: number, size: number): ByteSource {
  return {
    size,
    read: (position, length, into) => src.read(offset + Math.min(position, size), Math.max(0, Math.min(length, size - position)), into),
  };
}

/** One block of rows: `rows` rows of `width` values each in `data[0 .. rows·width)` (C order). */
export interface RowBlock {
  data: Float64Array;
  rows: number;
  /** 0-based index of the block's first row in the file. */
  first: number;
}

export interface RowStream {
  /** The array's shape (for a CSV: [rows so far or -1 while unknown, columns]). */
  readonly shape: readonly number[];
  /** Rows of the file; undefined until the end for a CSV. */
  readonly rows: number | undefined;
  /** Values per row: the product of the shape's trailing dimensions. */
  readonly width: number;
  /** How a row is numbered in messages: 'row' (0-based in .npy, 1-based CSV line elsewhere). */
  readonly name: string;
  /**
   * The next block of at most `maxRows` rows (exactly `maxRows` unless the file ends first),
   * or undefined at the end. The block's `data` may be reused by the next call.
   */
  next(maxRows: number): RowBlock | undefined;
  /** Where row `i` (0-based) is in the file, for messages: "row 12" or "line 14". */
  where(row: number): string;
  /** Bytes consumed so far and the total (progress). */
  progress(): { done: number; total: number };
}

/**
 * The rows of an array file read by position (a C-order `.npy`, a stored `.npz` member):
 * row i is the `rowBytes` bytes at a fixed offset plus i · rowBytes, so a sample of rows
 * costs only the reads of those rows (sampleRows.ts).
 */
export interface RowAccess {
  readonly rows: number;
  /** Values per row. */
  readonly width: number;
  readonly rowBytes: number;
  /** The file's name, for messages. */
  readonly name: string;
  /** The bytes of rows [first, first + count), one positioned read. */
  read(first: number, count: number): Uint8Array;
  /** Decodes the row whose bytes start at `offset` of `bytes` into `out[0 .. width)`. */
  decode(bytes: Uint8Array, offset: number, out: Float64Array): void;
}

/**
 * The bookkeeping every block reader of a file shares: blocks of at least one and at most
 * `maxRows` rows, numbered from 0; `readRows(first, count)` returns the `count · width`
 * values of rows [first, first + count). `onEnd` runs after the last block is read (a
 * deflated member's size and CRC checks); `progress` defaults to `rowBytes` per row read.
 */
export function fileRowStream(
  shape: readonly number[],
  width: number,
  name: string,
  rowBytes: number,
  readRows: (first: number, count: number) => Float64Array,
  opts: { onEnd?: () => void; progress?: () => { done: number; total: number } } = {},
): RowStream {
  const rows = shape[0];
  let at = 0;
  return {
    shape,
    rows,
    width,
    name,
    next(maxRows) {
      if (at >= rows) return undefined;
      const r = Math.max(1, Math.min(maxRows, rows - at));
      const block = { data: readRows(at, r), rows: r, first: at };
      at += r;
      if (at >= rows) opts.onEnd?.();
      return block;
    },
    where: (row) => `row ${row + 1}`,
    progress: opts.progress ?? (() => ({ done: at * rowBytes, total: rows * rowBytes })),
  };
}

/** An in-memory array (inline data, a deflated .npz member, a Fortran-order .npy) as a RowStream over its leading dimension. */
export function arrayRowStream(a: NumericArray, name: string): RowStream {
  const rows = a.shape.length ? a.shape[0] : 1;
  const width = a.shape.length > 1 ? a.shape.slice(1).reduce((p, q) => p * q, 1) : 1;
  let at = 0;
  return {
    shape: a.shape,
    rows,
    width,
    name,
    next(maxRows) {
      if (at >= rows) return undefined;
      const r = Math.min(maxRows, rows - at);
      const block = { data: a.data.subarray(at * width, (at + r) * width), rows: r, first: at };
      at += r;
      return block;
    },
    where: (row) => `row ${row + 1}`,
    progress: () => ({ done: at * width * 8, total: rows * width * 8 }),
  };
}
