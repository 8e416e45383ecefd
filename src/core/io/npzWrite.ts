/**
 * A writer of NumPy `.npz` archives that `numpy.load` (and the project's reader, npz.ts)
 * read: a ZIP file of stored (uncompressed) `.npy` members with CRC-32, each a format 1.0
 * header (padded so that the data start at a multiple of 64 bytes, as numpy writes it) and
 * little-endian `<f8` or `<i8` data in C order. Timestamps are fixed (1980-01-01), so the
 * same arrays give the same bytes. The core builds the bytes; the host writes the file.
 */
import { crc32 } from './npz';

export interface NpzEntry {
  /** Array name (the member is `<name>.npy`). */
  name: string;
  dtype: '<f8' | '<i8';
  /** [] for a scalar. */
  shape: readonly number[];
  /** The values in C order (integers for `<i8`). */
  data: ArrayLike<number>;
}

const te = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e) throw new RangeError(`npz writer: non-ASCII character in '${s}'`);
    out[i] = c;
  }
  return out;
};

/** The values of an entry, checked against its shape. */
function valueCount(entry: Omit<NpzEntry, 'name'>): number {
  const count = entry.shape.reduce((p, q) => p * q, 1);
  if (entry.data.length !== count) throw new RangeError(`npz writer: shape (${entry.shape.join(', ')}) needs ${count} values, got ${entry.data.length}`);
  return count;
}

/** The format 1.0 header of an entry: magic, version, length and the dict, padded with spaces so that the data start at a multiple of 64 bytes. */
function npyHeader(entry: Omit<NpzEntry, 'name'>): Uint8Array {
  const shape = `(${entry.shape.join(', ')}${entry.shape.length === 1 ? ',' : ''})`;
  let header = `{'descr': '${entry.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  if (header.length > 65535) throw new RangeError('npz writer: header too long');
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(te(header), 10);
  return out;
}

/** This machine stores doubles little-endian: a Float64Array's bytes are the `<f8` data as they are. */
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

/** Writes `count` values of an entry at out[o..]: one byte copy for a Float64Array on a little-endian machine. */
function writeValues(out: Uint8Array, o: number, entry: Omit<NpzEntry, 'name'>, count: number): void {
  const { data } = entry;
  if (entry.dtype === '<f8' && LITTLE_ENDIAN && data instanceof Float64Array) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, 8 * count), o);
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset + o, 8 * count);
  if (entry.dtype === '<f8') {
    for (let i = 0; i < count; i++) dv.setFloat64(8 * i, data[i], true);
    return;
  }
  for (let i = 0; i < count; i++) {
    const v = data[i];
    if (!Number.isSafeInteger(v)) throw new RangeError(`npz writer: '<i8' value ${v} is not a safe integer`);
    dv.setBigInt64(8 * i, BigInt(v), true);
  }
}

/** The bytes of one `.npy` file (format 1.0). */
export function npyBytes(entry: Omit<NpzEntry, 'name'>): Uint8Array {
  const count = valueCount(entry);
  const header = npyHeader(entry);
  const out = new Uint8Array(header.length + 8 * count);
  out.set(header);
  writeValues(out, header.length, entry, count);
  return out;
}

const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_TIME = 0;

/** The bytes of a `.npz` archive of `entries` (stored members, no compression). */
export function writeNpz(entries: readonly NpzEntry[]): Uint8Array {
  const names = new Set<string>();
  // each member's .npy is written straight into the archive (no copy of its own): large
  // arrays are written once, and the archive is the only fresh memory
  const files: { name: Uint8Array; header: Uint8Array; count: number; entry: NpzEntry; size: number; crc: number; offset: number }[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new RangeError(`npz writer: '${e.name}' is not a valid array name`);
    if (names.has(e.name)) throw new RangeError(`npz writer: duplicate array '${e.name}'`);
    names.add(e.name);
    const name = te(`${e.name}.npy`);
    const count = valueCount(e);
    const header = npyHeader(e);
    const size = header.length + 8 * count;
    files.push({ name, header, count, entry: e, size, crc: 0, offset });
    offset += 30 + name.length + size;
  }
  const cdSize = files.reduce((n, f) => n + 46 + f.name.length, 0);
  const total = offset + cdSize + 22;
  if (total > 0xffffffff || files.length > 0xffff)
    throw new RangeError(`npz writer: ${total} bytes in ${files.length} members is beyond a ZIP file without ZIP64 records`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const f of files) {
    const data = o + 30 + f.name.length;
    out.set(f.header, data);
    writeValues(out, data + f.header.length, f.entry, f.count);
    f.crc = crc32(out.subarray(data, data + f.size));
    dv.setUint32(o, 0x04034b50, true);
    dv.setUint16(o + 4, 20, true); // version needed
    dv.setUint16(o + 6, 0, true); // flags
    dv.setUint16(o + 8, 0, true); // stored
    dv.setUint16(o + 10, DOS_TIME, true);
    dv.setUint16(o + 12, DOS_DATE, true);
    dv.setUint32(o + 14, f.crc, true);
    dv.setUint32(o + 18, f.size, true);
    dv.setUint32(o + 22, f.size, true);
    dv.setUint16(o + 26, f.name.length, true);
    dv.setUint16(o + 28, 0, true);
    out.set(f.name, o + 30);
    o = data + f.size;
  }
  const cdStart = o;
  for (const f of files) {
    dv.setUint32(o, 0x02014b50, true);
    dv.setUint16(o + 4, 20, true); // version made by
    dv.setUint16(o + 6, 20, true); // version needed
    dv.setUint16(o + 8, 0, true);
    dv.setUint16(o + 10, 0, true);
    dv.setUint16(o + 12, DOS_TIME, true);
    dv.setUint16(o + 14, DOS_DATE, true);
    dv.setUint32(o + 16, f.crc, true);
    dv.setUint32(o + 20, f.size, true);
    dv.setUint32(o + 24, f.size, true);
    dv.setUint16(o + 28, f.name.length, true);
    // extra, comment, disk, internal attributes: 0
    dv.setUint32(o + 38, 0, true); // external attributes
    dv.setUint32(o + 42, f.offset, true);
    out.set(f.name, o + 46);
    o += 46 + f.name.length;
  }
  dv.setUint32(o, 0x06054b50, true);
  dv.setUint16(o + 8, files.length, true);
  dv.setUint16(o + 10, files.length, true);
  dv.setUint32(o + 12, o - cdStart, true);
  dv.setUint32(o + 16, cdStart, true);
  return out;
}
