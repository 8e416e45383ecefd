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

export interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
  little: boolean;
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** What the caller will hold, checked on the header before any value is decoded or allocated. */
export interface ReadLimits {
  /** The most values (elements of the array, each decoded to a float64) the caller accepts. */
  maxValues?: number;
  /** What the limit is of, for the message ("values of the data matrix"). */
  what?: string;
  /**
   * The caller owns `bytes` and accepts a result that is a view of them: aligned
   * little-endian float64 data in C order are then not copied (no second buffer of the
   * file's size to allocate and fault in).
   */
  view?: boolean;
}

/** An array whose header declares more values than the caller's {@link ReadLimits}: nothing was decoded. */
export class ArrayTooLargeError extends DataFileError {
  constructor(
    message: string,
    readonly shape: number[],
    readonly values: number,
  ) {
    super(message);
    this.name = 'ArrayTooLargeError';
  }
}

/** The layout a .npy header declares: dtype, order, shape, number of values and where the data start. */
export interface NpyLayout {
  descr: string;
  dtype: Dtype;
  fortran: boolean;
  shape: number[];
  count: number;
  dataStart: number;
}

/**
 * The header of a .npy file from its first bytes (`bytes` may be just a prefix holding the
 * header): magic, version, header length and the header dict, parsed as numpy does.
 */
export function npyLayout(bytes: Uint8Array, name = 'array'): NpyLayout {
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
  if (headerLen > MAX_NPY_HEADER) throw new DataFileError(`${name}: malformed .npy header (${headerLen} bytes, over numpy's limit of ${MAX_NPY_HEADER}).`);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new DataFileError(`${name} is truncated: the .npy header says ${headerLen} bytes but the file ends before.`);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: major === 3 }).decode(bytes.subarray(headerStart, dataStart));
  } catch {
    throw new DataFileError(`${name}: the .npy header is not valid UTF-8.`);
  }
  const { descr, fortran, shape } = parseHeader(header, name);
  const dtype = parseDescr(descr, name);
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count * dtype.size)) throw new DataFileError(`${name}: the shape ${shapeText(shape)} is too large.`);
  return { descr, dtype, fortran, shape, count, dataStart };
}

/** Throws {@link ArrayTooLargeError} when `layout` declares more values than `limits` allow. */
export function checkLayout(layout: { shape: number[]; count: number }, name: string, limits: ReadLimits): void {
  if (limits.maxValues === undefined || layout.count <= limits.maxValues) return;
  throw new ArrayTooLargeError(
    `${name}: shape ${shapeText(layout.shape)} holds ${layout.count} values, over the limit of ${limits.maxValues}${limits.what ? ` ${limits.what}` : ''}.`,
    layout.shape,
    layout.count,
  );
}

export function readNpy(bytes: Uint8Array, name = 'array', limits: ReadLimits = {}): NumericArray {
  const layout = npyLayout(bytes, name);
  const { descr, dtype, fortran, shape, count, dataStart } = layout;
  checkLayout(layout, name, limits);
  const need = count * dtype.size;
  const have = bytes.length - dataStart;
  if (have < need) throw new DataFileError(`${name} is truncated: shape ${shapeText(shape)} of ${descr} needs ${need} bytes of data, the file has ${have}.`);
  const cOrder = !fortran || shape.length <= 1;
  if (limits.view && cOrder && dtype.kind === 'f' && dtype.size === 8 && dtype.little && (bytes.byteOffset + dataStart) % 8 === 0) {
    return { data: new Float64Array(bytes.buffer, bytes.byteOffset + dataStart, count), shape };
  }
  let data = decode(bytes, dataStart, count, dtype);
  if (!cOrder) data = fortranToC(data, shape);
  return { data, shape };
}

/** A shape as Python prints it: (3,), (2, 4), (). */
export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * numpy's own bound on a header (`max_header_size` of numpy.lib.format, 10000 characters):
 * `np.load` refuses longer headers unless told otherwise, and so does this reader.
 */
export const MAX_NPY_HEADER = 10_000;

/** A Python literal as `ast.literal_eval` builds it, for the kinds a .npy header may hold. */
type PyValue =
  | { t: 'str'; v: string }
  | { t: 'int'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'float' }
  | { t: 'tuple' | 'list'; items: PyValue[] }
  | { t: 'dict'; entries: [PyValue, PyValue][] };

const PY_TYPE: Record<PyValue['t'], string> = {
  str: 'a string',
  int: 'an integer',
  bool: 'a boolean',
  none: 'None',
  float: 'a float',
  tuple: 'a tuple',
  list: 'a list',
  dict: 'a dict',
};

/**
 * A Python literal (`ast.literal_eval` semantics, the subset a header can hold: strings with
 * escapes and implicit concatenation, ints with an optional `L` of Python 2 headers, True,
 * False, None, floats, tuples, lists, dicts, comments). Anything else throws `why`.
 */
function parsePyLiteral(src: string, bad: (why: string) => never): PyValue {
  const reader = new PyLiteralReader(src, bad);
  const out = reader.value(0);
  reader.skip();
  if (reader.i < src.length) bad(`text after the dictionary ('${src.slice(reader.i, reader.i + 20)}')`);
  return out;
}

/** One-character escapes of Python strings (`\0` only when no octal digit follows). */
const PY_SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

/** The reader of {@link parsePyLiteral}: a position `i` in `src` and one method per kind of token. */
class PyLiteralReader {
  i = 0;
  private readonly n: number;

  constructor(
    private readonly src: string,
    private readonly bad: (why: string) => never,
  ) {
    this.n = src.length;
  }

  /** Past white space and comments. */
  skip(): void {
    const { src, n } = this;
    for (;;) {
      while (this.i < n && (src[this.i] === ' ' || src[this.i] === '\t' || src[this.i] === '\n' || src[this.i] === '\r' || src[this.i] === '\f')) this.i++;
      if (src[this.i] !== '#') return;
      while (this.i < n && src[this.i] !== '\n') this.i++;
    }
  }

  value(depth: number): PyValue {
    if (depth > 32) this.bad('nesting deeper than 32 levels');
    this.skip();
    const c = this.src[this.i];
    if (c === undefined) this.bad('an unexpected end');
    if (c === '{' || c === '(' || c === '[') return this.container(c, depth);
    if (this.atString()) return { t: 'str', v: this.strings() };
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.i, this.i + 64));
    if (word) {
      this.i += word[0].length;
      if (word[0] === 'True' || word[0] === 'False') return { t: 'bool', v: word[0] === 'True' };
      if (word[0] === 'None') return { t: 'none' };
      this.bad(`the name '${word[0]}' (only literals are allowed)`);
    }
    return this.number(c);
  }

  /** A dict, tuple or list; `(3)` is the integer 3 (a tuple needs a comma or is empty). */
  private container(open: '{' | '(' | '[', depth: number): PyValue {
    const { src } = this;
    const closer = open === '{' ? '}' : open === '(' ? ')' : ']';
    this.i++;
    const items: PyValue[] = [];
    const entries: [PyValue, PyValue][] = [];
    let comma = false;
    for (;;) {
      this.skip();
      if (src[this.i] === closer) {
        this.i++;
        break;
      }
      if (items.length + entries.length > 0 && !comma) this.bad(`a missing ',' before '${src[this.i] ?? 'the end'}'`);
      const v = this.value(depth + 1);
      if (open === '{') {
        this.skip();
        if (src[this.i] !== ':') this.bad("a dict entry without ':'");
        this.i++;
        entries.push([v, this.value(depth + 1)]);
      } else items.push(v);
      this.skip();
      comma = src[this.i] === ',';
      if (comma) this.i++;
    }
    if (open === '{') return { t: 'dict', entries };
    if (open === '(' && items.length === 1 && !comma) return items[0];
    return { t: open === '(' ? 'tuple' : 'list', items };
  }

  private atString(): boolean {
    return /^[uUrR]?['"]/.test(this.src.slice(this.i, this.i + 2));
  }

  /** One string or several in a row (implicit concatenation: 'a' 'b' is 'ab'). */
  private strings(): string {
    let s = this.str();
    for (;;) {
      const save = this.i;
      this.skip();
      if (!this.atString()) {
        this.i = save;
        return s;
      }
      s += this.str();
    }
  }

  private str(): string {
    const { src, n } = this;
    const prefix = /^[uUrR]?/.exec(src.slice(this.i, this.i + 1))![0];
    const raw = prefix === 'r' || prefix === 'R';
    this.i += prefix.length;
    const q = src[this.i];
    const triple = src.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    let out = '';
    for (;;) {
      if (this.i >= n) this.bad('an unterminated string');
      if (src.startsWith(close, this.i)) {
        this.i += close.length;
        return out;
      }
      const c = src[this.i];
      if (!triple && c === '\n') this.bad('an unterminated string');
      if (c !== '\\' || raw) {
        out += c;
        this.i++;
        continue;
      }
      out += this.escape();
    }
  }

  /** The escape sequence at `i` (a backslash and what follows), as text. */
  private escape(): string {
    const { src } = this;
    const e = src[this.i + 1];
    this.i += 2;
    if (e in PY_SIMPLE_ESCAPES && !(e === '0' && /[0-7]/.test(src[this.i] ?? ''))) return PY_SIMPLE_ESCAPES[e];
    if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(this.i, this.i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.bad('a malformed \\x / \\u escape');
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) this.bad('an escape beyond Unicode');
      this.i += len;
      return String.fromCodePoint(cp);
    }
    if (/[0-7]/.test(e ?? '')) {
      const m = /^[0-7]{0,2}/.exec(src.slice(this.i))![0];
      this.i += m.length;
      return String.fromCharCode(parseInt(e + m, 8));
    }
    return '\\' + (e ?? '');
  }

  /** A number, with unary signs as literal_eval allows them; `c` is the character at `i`, for the message. */
  private number(c: string): PyValue {
    const m =
      /^[-+]*\s*(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][-+]?\d(?:_?\d)*)?[jJ]?)([lL]?)/.exec(
        this.src.slice(this.i, this.i + 400),
      );
    if (!m || !/\d/.test(m[1])) this.bad(`an unexpected character '${c}'`);
    this.i += m[0].length;
    const signs = /^[-+]*/.exec(m[0])![0];
    const negative = (signs.match(/-/g)?.length ?? 0) % 2 === 1;
    const body = m[1].replace(/_/g, '');
    if (/[.eEjJ]/.test(body) && !/^0[xX]/.test(body)) return { t: 'float' };
    if (/^0\d/.test(body) && /[1-9]/.test(body)) this.bad(`the integer '${body}' (leading zeros are not allowed)`);
    const base = /^0[xX]/.test(body) ? 16 : /^0[oO]/.test(body) ? 8 : /^0[bB]/.test(body) ? 2 : 10;
    const digits = base === 10 ? body : body.slice(2);
    let v = 0;
    for (const d of digits) v = v * base + parseInt(d, base);
    return { t: 'int', v: negative ? -v : v };
  }
}

/**
 * Parses the header dict the way numpy does (`numpy.lib.format`: `ast.literal_eval`, then
 * exactly the keys 'descr', 'fortran_order' and 'shape'; a duplicated key keeps its last
 * value, as in a Python dict): {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }.
 */
export function parseHeader(header: string, name: string): { descr: string; fortran: boolean; shape: number[] } {
  const malformed = (why: string): never => {
    throw new DataFileError(`${name}: malformed .npy header (${why}).`);
  };
  if (header.length > MAX_NPY_HEADER) malformed(`${header.length} characters, over numpy's limit of ${MAX_NPY_HEADER}`);
  const d = parsePyLiteral(header, (why) => malformed(`not a Python literal: ${why}`));
  if (d.t !== 'dict') return malformed(`not a dictionary but ${PY_TYPE[d.t]}`);
  const fields = new Map<string, PyValue>();
  for (const [k, v] of d.entries) {
    if (k.t !== 'str') malformed(`a key that is ${PY_TYPE[k.t]}, not a string`);
    fields.set((k as { v: string }).v, v);
  }
  const keys = [...fields.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape')
    malformed(`the keys are ${keys.map((k) => `'${k}'`).join(', ') || 'none'}; numpy expects exactly 'descr', 'fortran_order' and 'shape'`);
  const descr = fields.get('descr')!;
  if (descr.t === 'list' || descr.t === 'tuple') throw new DataFileError(`${name} holds a structured (record) array; save a plain numeric array instead.`);
  if (descr.t !== 'str') return malformed(`'descr' is ${PY_TYPE[descr.t]}, not a string`);
  const fortran = fields.get('fortran_order')!;
  if (fortran.t !== 'bool') return malformed(`'fortran_order' is ${PY_TYPE[fortran.t]}, not True or False`);
  const shapeV = fields.get('shape')!;
  if (shapeV.t !== 'tuple') return malformed(`'shape' is ${PY_TYPE[shapeV.t]}, not a tuple`);
  const shape: number[] = [];
  for (const item of shapeV.items) {
    // numpy accepts any int, and a bool is an int in Python
    const v = item.t === 'int' ? item.v : item.t === 'bool' ? Number(item.v) : malformed(`the shape holds ${PY_TYPE[item.t]}`);
    if (!(v >= 0) || !Number.isSafeInteger(v)) malformed(`the shape holds ${v}`);
    shape.push(v);
  }
  return { descr: descr.v, fortran: fortran.v, shape };
}

export function parseDescr(descr: string, name: string): Dtype {
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

/** Whether values of `t` can be seen through a Float32Array / Float64Array (little-endian float32 or float64). */
export function isTypedFloat(t: Dtype): boolean {
  return t.little && t.kind === 'f' && (t.size === 4 || t.size === 8);
}

/**
 * Little-endian float32/float64 bytes seen as a typed array over them: the block readers'
 * decode without a DataView. Misaligned bytes are copied once into a scratch buffer that is
 * kept for the next block.
 */
export class FloatViews {
  private scratch = new ArrayBuffer(0);

  view(bytes: Uint8Array, count: number, size: number): Float32Array | Float64Array {
    let buf: ArrayBufferLike = bytes.buffer;
    let off = bytes.byteOffset;
    if (off % size !== 0) {
      const length = count * size;
      if (this.scratch.byteLength < length) this.scratch = new ArrayBuffer(length);
      new Uint8Array(this.scratch, 0, length).set(bytes.subarray(0, length));
      buf = this.scratch;
      off = 0;
    }
    return size === 4 ? new Float32Array(buf, off, count) : new Float64Array(buf, off, count);
  }
}

/**
 * A block reader's decode of `count` values of `dtype` to float64: aligned little-endian
 * float64 is a view of the bytes themselves, other float32/float64 go through a typed view
 * into a float64 buffer kept for the next block, the rest through {@link decode}.
 */
export class BlockDecoder {
  private out = new Float64Array(0);
  private readonly floats = new FloatViews();
  private readonly fast: boolean;

  constructor(private readonly dtype: Dtype) {
    this.fast = isTypedFloat(dtype);
  }

  decode(bytes: Uint8Array, count: number): Float64Array {
    const { dtype } = this;
    if (this.fast && dtype.size === 8 && bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, count);
    if (!this.fast) return decode(bytes, 0, count, dtype);
    if (this.out.length < count) this.out = new Float64Array(count);
    const view = this.out.subarray(0, count);
    view.set(this.floats.view(bytes, count, dtype.size));
    return view;
  }
}

export function decode(bytes: Uint8Array, start: number, count: number, t: Dtype): Float64Array {
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
