/**
 * Dispatch on the file extension for the two shapes the spec needs (docs/architecture.md §1):
 * 1-D eigenvalue vectors (`{file: path}` spectra) and 2-D data matrices (data mode).
 */
import { readCsv } from './csv';
import { ArrayTooLargeError, DataFileError, isNpy, readNpy, shapeText, type NumericArray, type ReadLimits } from './npy';
import { readNpz } from './npz';

export { ArrayTooLargeError, DataFileError, type NumericArray, type ReadLimits };

/** The file name without its directories (for messages). */
export function baseName(fileName: string): string {
  const m = /[^/\\]*$/.exec(fileName);
  return m && m[0] ? m[0] : fileName;
}

/** The lower-cased extension with its dot, or ''. */
export function extension(fileName: string): string {
  const m = /(\.[^./\\]+)$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

/**
 * Reads any supported array file: .npy, .npz (with `key`), .csv / .tsv / .txt. `limits` is
 * checked on the declared shape before any value is decoded (ArrayTooLargeError).
 */
export function readArray(bytes: Uint8Array, fileName: string, key?: string, limits: ReadLimits = {}): NumericArray {
  const name = baseName(fileName);
  const ext = extension(fileName);
  switch (ext) {
    case '.npy':
      return readNpy(bytes, name, limits);
    case '.npz':
      return readNpz(bytes, name, key, limits);
    case '.csv':
    case '.tsv':
    case '.txt':
      if (isNpy(bytes)) throw new DataFileError(`${name} is a .npy file, not text; rename it to .npy.`);
      return readCsv(bytes, name, limits);
    default:
      throw new DataFileError(`${name}: unsupported file type '${ext || '(none)'}'; use .npy, .npz or .csv.`);
  }
}

/** A 1-D vector: an (n,) array, or an (n, 1) / (1, n) one (a single CSV column or row). */
export function readVector(bytes: Uint8Array, fileName: string, key?: string, limits: ReadLimits = {}): NumericArray {
  const a = readArray(bytes, fileName, key, limits);
  const s = a.shape;
  if (s.length === 1 || (s.length === 2 && (s[0] === 1 || s[1] === 1))) {
    return { data: a.data, shape: [a.data.length] };
  }
  throw new DataFileError(`${baseName(fileName)}: expected a 1-D array of eigenvalues, got shape ${shapeText(s)}.`);
}

/** A 2-D matrix (rows are samples). */
export function readMatrix(bytes: Uint8Array, fileName: string, key?: string, limits: ReadLimits = {}): NumericArray {
  const a = readArray(bytes, fileName, key, limits);
  if (a.shape.length !== 2) throw new DataFileError(`${baseName(fileName)}: expected a 2-D array (samples × features), got shape ${shapeText(a.shape)}.`);
  return a;
}

/** A data matrix read as rows: `groups` is V when the file held an n × V × D array. */
export interface RowMatrix extends NumericArray {
  rows: number;
  cols: number;
  groups?: number;
}

/**
 * The rows of a data matrix: a 2-D array (N × D), or a 3-D array (n × V × D, e.g. V views
 * of n samples) read as N = nV rows of D values in C order (sample 0's views first).
 */
export function readRows(bytes: Uint8Array, fileName: string, key?: string, limits: ReadLimits = {}): RowMatrix {
  const a = readArray(bytes, fileName, key, limits);
  const s = a.shape;
  if (s.length === 2) return { ...a, rows: s[0], cols: s[1] };
  if (s.length === 3) return { data: a.data, shape: [s[0] * s[1], s[2]], rows: s[0] * s[1], cols: s[2], groups: s[1] };
  throw new DataFileError(
    `${baseName(fileName)}: expected a 2-D array (rows × features) or a 3-D one (samples × views × features), got shape ${shapeText(s)}.`,
  );
}

/** Pairs (i, j) with an optional weight w: the columns of an m × 2 or m × 3 array (e.g. a CSV "i,j[,w]" with an optional header). */
export interface EdgeList {
  i: Float64Array;
  j: Float64Array;
  /** undefined: a two-column list (every weight 1) */
  w?: Float64Array;
  count: number;
}

/** An edge list file: 2 or 3 columns (indices and weights are checked by the caller, which knows N). */
export function readEdgeList(bytes: Uint8Array, fileName: string, key?: string, limits: ReadLimits = {}): EdgeList {
  const a = readArray(bytes, fileName, key, limits);
  const s = a.shape;
  const cols = s.length === 2 ? s[1] : s.length === 1 && (s[0] === 2 || s[0] === 3) ? s[0] : -1;
  if (cols !== 2 && cols !== 3) throw new DataFileError(`${baseName(fileName)}: expected pairs "i,j" or "i,j,w" (2 or 3 columns), got shape ${shapeText(s)}.`);
  const m = s.length === 2 ? s[0] : 1;
  const i = new Float64Array(m);
  const j = new Float64Array(m);
  const w = cols === 3 ? new Float64Array(m) : undefined;
  for (let r = 0; r < m; r++) {
    i[r] = a.data[r * cols];
    j[r] = a.data[r * cols + 1];
    if (w) w[r] = a.data[r * cols + 2];
  }
  return { i, j, ...(w ? { w } : {}), count: m };
}
