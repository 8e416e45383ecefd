/**
 * Dispatch on the file extension for the two shapes the spec needs (docs/architecture.md §1):
 * 1-D eigenvalue vectors (`{file: path}` spectra) and 2-D data matrices (data mode).
 */
import { readCsv } from './csv';
import { DataFileError, isNpy, readNpy, shapeText, type NumericArray } from './npy';
import { readNpz } from './npz';

export { DataFileError, type NumericArray };

function baseName(fileName: string): string {
  const m = /[^/\\]*$/.exec(fileName);
  return m && m[0] ? m[0] : fileName;
}

function extension(fileName: string): string {
  const m = /(\.[^./\\]+)$/.exec(fileName);
  return m ? m[1].toLowerCase() : '';
}

/** Reads any supported array file: .npy, .npz (with `key`), .csv / .tsv / .txt. */
export function readArray(bytes: Uint8Array, fileName: string, key?: string): NumericArray {
  const name = baseName(fileName);
  const ext = extension(fileName);
  switch (ext) {
    case '.npy':
      return readNpy(bytes, name);
    case '.npz':
      return readNpz(bytes, name, key);
    case '.csv':
    case '.tsv':
    case '.txt':
      if (isNpy(bytes)) throw new DataFileError(`${name} is a .npy file, not text; rename it to .npy.`);
      return readCsv(bytes, name);
    default:
      throw new DataFileError(`${name}: unsupported file type '${ext || '(none)'}'; use .npy, .npz or .csv.`);
  }
}

/** A 1-D vector: an (n,) array, or an (n, 1) / (1, n) one (a single CSV column or row). */
export function readVector(bytes: Uint8Array, fileName: string, key?: string): NumericArray {
  const a = readArray(bytes, fileName, key);
  const s = a.shape;
  if (s.length === 1 || (s.length === 2 && (s[0] === 1 || s[1] === 1))) {
    return { data: a.data, shape: [a.data.length] };
  }
  throw new DataFileError(`${baseName(fileName)}: expected a 1-D array of eigenvalues, got shape ${shapeText(s)}.`);
}

/** A 2-D matrix (rows are samples). */
export function readMatrix(bytes: Uint8Array, fileName: string, key?: string): NumericArray {
  const a = readArray(bytes, fileName, key);
  if (a.shape.length !== 2) throw new DataFileError(`${baseName(fileName)}: expected a 2-D array (samples × features), got shape ${shapeText(a.shape)}.`);
  return a;
}
