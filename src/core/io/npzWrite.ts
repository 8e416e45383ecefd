/**
 * A writer of NumPy `.npz` archives that `numpy.load` (and the project's reader, npz.ts)
 * read: a ZIP file of stored (uncompressed) `.npy` members with CRC-32, each a format 1.0
 * header (padded so that the data start at a multiple of 64 bytes, as numpy writes it) and
 * little-endian `<f8` or `<i8` data in C order. Timestamps are fixed (1980-01-01), so the
 * same arrays give the same bytes. The core builds the bytes; the host writes the file.
 */
import { crc32, crc32Update } from './zipDirectory';

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

/** The values of an entry as bytes: a view of a Float64Array's own bytes on a little-endian machine, else encoded into a new array. */
function valueBytes(entry: Omit<NpzEntry, 'name'>, count: number): Uint8Array {
  const { data } = entry;
  if (entry.dtype === '<f8' && LITTLE_ENDIAN && data instanceof Float64Array) return new Uint8Array(data.buffer, data.byteOffset, 8 * count);
  const out = new Uint8Array(8 * count);
  writeValues(out, 0, entry, count);
  return out;
}

/**
 * The bytes of a `.npz` archive of `entries` (stored members, no compression) as consecutive
 * parts whose concatenation is the archive: a large Float64Array member is a view of its own
 * bytes, so a host can write the archive without copying it (`writeNpz` concatenates them).
 */
export function npzParts(entries: readonly NpzEntry[]): Uint8Array[] {
  const names = new Set<string>();
  const members: { name: Uint8Array; header: Uint8Array; values: Uint8Array; size: number; crc: number; offset: number }[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new RangeError(`npz writer: '${e.name}' is not a valid array name`);
    if (names.has(e.name)) throw new RangeError(`npz writer: duplicate array '${e.name}'`);
    names.add(e.name);
    const name = te(`${e.name}.npy`);
    const header = npyHeader(e);
    const values = valueBytes(e, valueCount(e));
    const size = header.length + values.length;
    members.push({ name, header, values, size, crc: crc32Update(crc32(header), values), offset });
    offset += 30 + name.length + size;
  }
  const cdSize = members.reduce((n, m) => n + 46 + m.name.length, 0);
  const total = offset + cdSize + 22;
  if (total > 0xffffffff || members.length > 0xffff)
    throw new RangeError(`npz writer: ${total} bytes in ${members.length} members is beyond a ZIP file without ZIP64 records`);
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const local = new Uint8Array(30 + m.name.length);
    const dv = new DataView(local.buffer);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, 20, true); // version needed
    dv.setUint16(6, 0, true); // flags
    dv.setUint16(8, 0, true); // stored
    dv.setUint16(10, DOS_TIME, true);
    dv.setUint16(12, DOS_DATE, true);
    dv.setUint32(14, m.crc, true);
    dv.setUint32(18, m.size, true);
    dv.setUint32(22, m.size, true);
    dv.setUint16(26, m.name.length, true);
    dv.setUint16(28, 0, true);
    local.set(m.name, 30);
    parts.push(local, m.header, m.values);
  }
  const central = new Uint8Array(cdSize + 22);
  const dv = new DataView(central.buffer);
  let o = 0;
  for (const m of members) {
    dv.setUint32(o, 0x02014b50, true);
    dv.setUint16(o + 4, 20, true); // version made by
    dv.setUint16(o + 6, 20, true); // version needed
    dv.setUint16(o + 8, 0, true);
    dv.setUint16(o + 10, 0, true);
    dv.setUint16(o + 12, DOS_TIME, true);
    dv.setUint16(o + 14, DOS_DATE, true);
    dv.setUint32(o + 16, m.crc, true);
    dv.setUint32(o + 20, m.size, true);
    dv.setUint32(o + 24, m.size, true);
    dv.setUint16(o + 28, m.name.length, true);
    // extra, comment, disk, internal attributes: 0
    dv.setUint32(o + 38, 0, true); // external attributes
    dv.setUint32(o + 42, m.offset, true);
    central.set(m.name, o + 46);
    o += 46 + m.name.length;
  }
  dv.setUint32(o, 0x06054b50, true);
  dv.setUint16(o + 8, members.length, true);
  dv.setUint16(o + 10, members.length, true);
  dv.setUint32(o + 12, cdSize, true);
  dv.setUint32(o + 16, offset, true);
  parts.push(central);
  return parts;
}

/** The bytes of a `.npz` archive of `entries` (stored members, no compression). */
export function writeNpz(entries: readonly NpzEntry[]): Uint8Array {
  const parts = npzParts(entries);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
