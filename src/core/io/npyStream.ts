/**
 * A `.npy` file read a block of rows at a time (any numeric dtype, either byte order;
 * float32 and float64 little-endian take a fast path). A C-order block is one positioned
 * read; a Fortran-order block is one read per column segment (the block's rows of each
 * column, which are contiguous in the file). Only the header and one block are in memory. The header is parsed by the same code as the whole-file reader
 * (npy.ts), so both accept and refuse the same files. Failures throw `DataFileError`.
 */
import { BlockDecoder, DataFileError, FloatViews, MAX_NPY_HEADER, decode, isTypedFloat, npyLayout, shapeText, type NpyLayout } from './npy';
import { fileRowStream, type ByteSource, type RowAccess, type RowStream } from './stream';

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

/** The rows of a .npy (the leading dimension; a 1-D array has rows of one value), in C order whatever the file's order. */
export function openNpyStream(src: ByteSource, name: string, header: NpyHeader = readNpyHeader(src, name)): RowStream {
  const { shape, dtype, dataStart } = header;
  if (header.fortran && shape.length > 1) return fortranStream(src, name, header);
  const { width, rowBytes } = rowLayout(header, name);
  const decoder = new BlockDecoder(dtype);
  // the block's bytes are read into one buffer, reused block after block: the first block's
  // own buffer when the source allocated one for it (the host's positioned read)
  let raw: Uint8Array | undefined;
  return fileRowStream(shape, width, name, rowBytes, (at, r) => {
    const length = r * rowBytes;
    const bytes = src.read(dataStart + at * rowBytes, length, raw && raw.length >= length ? raw : undefined);
    if (!raw && bytes.byteOffset === 0 && bytes.buffer.byteLength === length) raw = bytes;
    if (bytes.length < length) throw new DataFileError(`${name} is truncated: rows ${at + 1}–${at + r} end beyond the end of the file.`);
    return decoder.decode(bytes, r * width);
  });
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

/**
 * Where each value of a row lands: a row of a Fortran-order array of shape (n, s1, …, sk)
 * is stored as its `width` values at stride n, the trailing index varying slowest in
 * Fortran order; `cPos[t]` is the C-order position in the row of the t-th of them.
 */
function fortranPositions(trailing: readonly number[]): Int32Array {
  const width = trailing.reduce((p, q) => p * q, 1);
  const cPos = new Int32Array(width);
  const k = trailing.length;
  const cStride = new Array<number>(k);
  let s = 1;
  for (let d = k - 1; d >= 0; d--) {
    cStride[d] = s;
    s *= trailing[d];
  }
  // walk the Fortran order (first index fastest) with an odometer, tracking the C offset
  const idx = new Array<number>(k).fill(0);
  let c = 0;
  for (let t = 0; t < width; t++) {
    cPos[t] = c;
    for (let d = 0; d < k; d++) {
      idx[d]++;
      c += cStride[d];
      if (idx[d] < trailing[d]) break;
      c -= cStride[d] * trailing[d];
      idx[d] = 0;
    }
  }
  return cPos;
}

/** A Fortran-order .npy of two or more dimensions: a block of rows is `width` positioned reads of the block's rows of each column. */
function fortranStream(src: ByteSource, name: string, header: NpyHeader): RowStream {
  const { shape, dtype, dataStart } = header;
  const rows = shape[0];
  const cPos = fortranPositions(shape.slice(1));
  const width = cPos.length;
  let out = new Float64Array(0);
  const floats = new FloatViews();
  const fast = isTypedFloat(dtype);
  return fileRowStream(shape, width, name, width * dtype.size, (at, r) => {
    if (out.length < r * width) out = new Float64Array(r * width);
    const length = r * dtype.size;
    for (let t = 0; t < width; t++) {
      const bytes = src.read(dataStart + (t * rows + at) * dtype.size, length);
      if (bytes.length < length) throw new DataFileError(`${name} is truncated: rows ${at + 1}–${at + r} of column ${t + 1} end beyond the end of the file.`);
      const seg: ArrayLike<number> = fast ? floats.view(bytes, r, dtype.size) : decode(bytes, 0, r, dtype);
      for (let i = 0, o = cPos[t]; i < r; i++, o += width) out[o] = seg[i];
    }
    return out.subarray(0, r * width);
  });
}
