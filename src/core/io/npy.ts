/**
 * Reader of NumPy `.npy` files (format versions 1.0, 2.0 and 3.0, as documented in
 * numpy/lib/format.py): numeric dtypes of both byte orders, C or Fortran order. The data
 * are returned as float64 in C (row-major) order. Failures throw `DataFileError`.
 */

export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

export interface NumericArray {
  /** Values in C (row-major) order. */
  data: Float64Array;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
  little: boolean;
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

export function readNpy(bytes: Uint8Array, name = 'array'): NumericArray {
  if (!isNpy(bytes)) throw new DataFileError(`${name} is not a .npy file (it does not start with the \\x93NUMPY magic string).`);
  if (bytes.length < 10) throw new DataFileError(`${name} is truncated: the .npy header is incomplete.`);
  const major = bytes[6];
  const minor = bytes[7];
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataFileError(`${name} is truncated: the .npy header is incomplete.`);
    headerLen = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 16777216;
    headerStart = 12;
  } else {
    throw new DataFileError(`${name} uses .npy format version ${major}.${minor}; versions 1.0, 2.0 and 3.0 are supported.`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new DataFileError(`${name} is truncated: the .npy header says ${headerLen} bytes but the file ends before.`);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: major === 3 }).decode(headerBytes);
  } catch {
    throw new DataFileError(`${name}: the .npy header is not valid UTF-8.`);
  }
  const { descr, fortran, shape } = parseHeader(header, name);
  const dtype = parseDescr(descr, name);
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count)) throw new DataFileError(`${name}: the shape ${shapeText(shape)} is too large.`);
  const need = count * dtype.size;
  const have = bytes.length - dataStart;
  if (have < need) throw new DataFileError(`${name} is truncated: shape ${shapeText(shape)} of ${descr} needs ${need} bytes of data, the file has ${have}.`);
  let data = decode(bytes, dataStart, count, dtype);
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return { data, shape };
}

/** A shape as Python prints it: (3,), (2, 4), (). */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Parses the Python-literal header dict: {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }. */
function parseHeader(header: string, name: string): { descr: string; fortran: boolean; shape: number[] } {
  const h = header.trim();
  if (!h.startsWith('{')) throw new DataFileError(`${name}: malformed .npy header (not a dictionary).`);
  const descrList = /['"]descr['"]\s*:\s*\[/.exec(h);
  if (descrList) throw new DataFileError(`${name} holds a structured (record) array; save a plain numeric array instead.`);
  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(h);
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(h);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(h);
  if (!descrM || !fortM || !shapeM) throw new DataFileError(`${name}: malformed .npy header (missing descr, fortran_order or shape): ${h.slice(0, 120)}`);
  const shape: number[] = [];
  for (const part of shapeM[1].split(',')) {
    const t = part.trim().replace(/L$/, '');
    if (t === '') continue;
    if (!/^\d+$/.test(t)) throw new DataFileError(`${name}: malformed .npy shape (${shapeM[1]}).`);
    shape.push(Number(t));
  }
  return { descr: descrM[1], fortran: fortM[1] === 'True', shape };
}

function parseDescr(descr: string, name: string): Dtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) throw new DataFileError(`${name} has an unsupported dtype '${descr}'.`);
  const [, order, kind, sizeStr] = m;
  const size = sizeStr === '' ? 1 : Number(sizeStr);
  const little = order !== '>';
  const reject = (why: string): never => {
    throw new DataFileError(`${name} has dtype '${descr}' (${why}); only real numeric arrays (float, int, uint, bool) are supported.`);
  };
  switch (kind) {
    case 'f':
      if (size !== 2 && size !== 4 && size !== 8) reject(`a ${size * 8}-bit float`);
      return { kind: 'f', size, little };
    case 'i':
    case 'u':
      if (size !== 1 && size !== 2 && size !== 4 && size !== 8) reject(`a ${size}-byte integer`);
      return { kind, size, little };
    case 'b':
      if (size !== 1) reject('a boolean of unusual size');
      return { kind: 'b', size: 1, little };
    case 'c':
      return reject('complex numbers');
    case 'O':
      return reject('Python objects, stored with pickle');
    case 'U':
    case 'S':
    case 'a':
      return reject('strings');
    case 'M':
    case 'm':
      return reject('dates/times');
    case 'V':
      return reject('raw or structured records');
    default:
      return reject('unknown kind');
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function decode(bytes: Uint8Array, start: number, count: number, t: Dtype): Float64Array {
  if (t.kind === 'f' && t.size === 8 && t.little) {
    // Fast path: one byte copy into the (aligned) result
    const out = new Float64Array(count);
    new Uint8Array(out.buffer).set(bytes.subarray(start, start + count * 8));
    return out;
  }
  const out = new Float64Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, count * t.size);
  const le = t.little;
  if (t.kind === 'f') {
    if (t.size === 8) for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, le);
    else if (t.size === 4) for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, le);
    else for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(i * 2, le));
  } else if (t.kind === 'b') {
    for (let i = 0; i < count; i++) out[i] = dv.getUint8(i) ? 1 : 0;
  } else if (t.kind === 'i') {
    if (t.size === 1) for (let i = 0; i < count; i++) out[i] = dv.getInt8(i);
    else if (t.size === 2) for (let i = 0; i < count; i++) out[i] = dv.getInt16(i * 2, le);
    else if (t.size === 4) for (let i = 0; i < count; i++) out[i] = dv.getInt32(i * 4, le);
    else for (let i = 0; i < count; i++) out[i] = Number(dv.getBigInt64(i * 8, le));
  } else {
    if (t.size === 1) for (let i = 0; i < count; i++) out[i] = dv.getUint8(i);
    else if (t.size === 2) for (let i = 0; i < count; i++) out[i] = dv.getUint16(i * 2, le);
    else if (t.size === 4) for (let i = 0; i < count; i++) out[i] = dv.getUint32(i * 4, le);
    else for (let i = 0; i < count; i++) out[i] = Number(dv.getBigUint64(i * 8, le));
  }
  return out;
}

/** Reorders Fortran (column-major) data of `shape` into C (row-major) order. */
export function fortranToC(data: Float64Array, shape: readonly number[]): Float64Array {
  const n = shape.length;
  const out = new Float64Array(data.length);
  if (n === 2) {
    const [r, c] = shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[i * c + j] = data[i + j * r];
    return out;
  }
  // General n-d: walk C order with an odometer, tracking the Fortran offset.
  const fStride = new Array<number>(n);
  let s = 1;
  for (let d = 0; d < n; d++) {
    fStride[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(n).fill(0);
  let f = 0;
  for (let k = 0; k < data.length; k++) {
    out[k] = data[f];
    for (let d = n - 1; d >= 0; d--) {
      idx[d]++;
      f += fStride[d];
      if (idx[d] < shape[d]) break;
      f -= fStride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}
