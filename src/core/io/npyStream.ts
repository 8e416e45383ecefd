/**
 * A C-order `.npy` file read a block of rows at a time (any numeric dtype, either byte
 * order; float32 and float64 little-endian take a fast path). Only the header and one
 * block are in memory. The header is parsed by the same code as the whole-file reader
 * (npy.ts), so both accept and refuse the same files. Failures throw `DataFileError`.
 */
import { DataFileError, MAX_NPY_HEADER, decode, npyLayout, shapeText, type NpyLayout } from './npy';
import type { ByteSource, RowAccess, RowBlock, RowStream } from './stream';

/** The layout of a .npy file read in blocks (the same header parser as the whole-file reader). */
export type NpyHeader = NpyLayout;

/**
 * The header of a .npy file, from its first bytes only (magic, version and a header of at
 * most numpy's length limit), parsed by {@link npyLayout}; then the data the shape declares
 * must fit in the file.
 */
export function readNpyHeader(src: ByteSource, name: string): NpyHeader {
  const layout = npyLayout(src.read(0, Math.min(src.size, 12 + MAX_NPY_HEADER)), name);
  const { descr, shape, count, dtype, dataStart } = layout;
  const need = count * dtype.size;
  const have = src.size - dataStart;
  if (have < need) throw new DataFileError(`${name} is truncated: shape ${shapeText(shape)} of ${descr} needs ${need} bytes of data, the file has ${have}.`);
  return layout;
}

/** Thrown for a Fortran-order array of more than one dimension (its rows are not contiguous). */
export class NotCOrderError extends DataFileError {}

/** Rows, values per row and bytes per row of a C-order array (refuses Fortran order and 0-d arrays). */
function rowLayout(header: NpyHeader, name: string): { rows: number; width: number; rowBytes: number } {
  const { shape, dtype } = header;
  if (header.fortran && shape.length > 1) {
    throw new NotCOrderError(`${name} is stored in Fortran order, so its rows cannot be read in blocks; save it in C order (numpy.ascontiguousarray).`);
  }
  if (shape.length === 0) throw new DataFileError(`${name} holds a single number (shape ()), not an array of rows.`);
  const width = shape.slice(1).reduce((p, q) => p * q, 1);
  return { rows: shape[0], width, rowBytes: width * dtype.size };
}

/**
 * The rows of a C-order .npy (the leading dimension; a 1-D array has rows of one value).
 * `onRead` sees every byte block read (progress).
 */
export function openNpyStream(src: ByteSource, name: string, header: NpyHeader = readNpyHeader(src, name)): RowStream {
  const { shape, dtype, dataStart } = header;
  const { rows, width, rowBytes } = rowLayout(header, name);
  let at = 0;
  let out = new Float64Array(0);
  let scratch = new ArrayBuffer(0);
  const fast = dtype.little && dtype.kind === 'f' && (dtype.size === 4 || dtype.size === 8);
  return {
    shape,
    rows,
    width,
    name,
    next(maxRows: number): RowBlock | undefined {
      if (at >= rows) return undefined;
      const r = Math.max(1, Math.min(maxRows, rows - at));
      const count = r * width;
      const length = count * dtype.size;
      const bytes = src.read(dataStart + at * rowBytes, length);
      if (bytes.length < length) throw new DataFileError(`${name} is truncated: rows ${at + 1}–${at + r} end beyond the end of the file.`);
      let view: Float64Array;
      if (fast && dtype.size === 8 && bytes.byteOffset % 8 === 0) {
        // little-endian float64, aligned: the read buffer itself, no copy
        view = new Float64Array(bytes.buffer, bytes.byteOffset, count);
      } else if (fast) {
        if (out.length < count) out = new Float64Array(count);
        view = out.subarray(0, count);
        // aligned typed-array views where possible, else one copy into an aligned scratch buffer
        let buf = bytes.buffer;
        let off = bytes.byteOffset;
        if (off % dtype.size !== 0) {
          if (scratch.byteLength < length) scratch = new ArrayBuffer(length);
          new Uint8Array(scratch, 0, length).set(bytes);
          buf = scratch;
          off = 0;
        }
        view.set(dtype.size === 4 ? new Float32Array(buf, off, count) : new Float64Array(buf, off, count));
      } else {
        view = decode(bytes, 0, count, dtype);
      }
      const block = { data: view, rows: r, first: at };
      at += r;
      return block;
    },
    where: (row) => `row ${row + 1}`,
    progress: () => ({ done: at * rowBytes, total: rows * rowBytes }),
  };
}

/**
 * The rows of a C-order .npy read by position (io/sampleRows.ts samples them): row i is the
 * `rowBytes` bytes at `dataStart + i · rowBytes`. Throws {@link NotCOrderError} for a
 * Fortran-order array.
 */
export function npyRowAccess(src: ByteSource, name: string, header: NpyHeader = readNpyHeader(src, name)): RowAccess {
  const { dtype, dataStart } = header;
  const { rows, width, rowBytes } = rowLayout(header, name);
  return {
    rows,
    width,
    rowBytes,
    name,
    read(first: number, count: number): Uint8Array {
      const length = count * rowBytes;
      const bytes = src.read(dataStart + first * rowBytes, length);
      if (bytes.length < length) throw new DataFileError(`${name} is truncated: rows ${first + 1}–${first + count} end beyond the end of the file.`);
      return bytes;
    },
    decode(bytes: Uint8Array, offset: number, out: Float64Array): void {
      out.set(decode(bytes, offset, width, dtype));
    },
  };
}
