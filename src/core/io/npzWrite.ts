/**
 * A writer of NumPy `.npz` archives that `numpy.load` (and the project's reader, npz.ts)
 * read: a ZIP file of stored (uncompressed) `.npy` members with CRC-32, each a format 1.0
 * header (padded so that the data start at a multiple of 64 bytes, as numpy writes it) and
 * little-endian `<f8` or `<i8` data in C order. Timestamps are fixed (1980-01-01), so the
 * same arrays give the same bytes. The core builds the bytes; the host writes the file.
 */
import { crc32 } from './zipDirectory';

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

/** The bytes of one `.npy` file (format 1.0). */
export function npyBytes(entry: Omit<NpzEntry, 'name'>): Uint8Array {
  const count = entry.shape.reduce((p, q) => p * q, 1);
  if (entry.data.length !== count) throw new RangeError(`npz writer: shape (${entry.shape.join(', ')}) needs ${count} values, got ${entry.data.length}`);
  const shape = `(${entry.shape.join(', ')}${entry.shape.length === 1 ? ',' : ''})`;
  let header = `{'descr': '${entry.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  if (header.length > 65535) throw new RangeError('npz writer: header too long');
  const out = new Uint8Array(10 + header.length + 8 * count);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(te(header), 10);
  const dv = new DataView(out.buffer, 10 + header.length, 8 * count);
  if (entry.dtype === '<f8') {
    for (let i = 0; i < count; i++) dv.setFloat64(8 * i, entry.data[i], true);
  } else {
    for (let i = 0; i < count; i++) {
      const v = entry.data[i];
      if (!Number.isSafeInteger(v)) throw new RangeError(`npz writer: '<i8' value ${v} is not a safe integer`);
      dv.setBigInt64(8 * i, BigInt(v), true);
    }
  }
  return out;
}

const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_TIME = 0;

/** The bytes of a `.npz` archive of `entries` (stored members, no compression). */
export function writeNpz(entries: readonly NpzEntry[]): Uint8Array {
  const names = new Set<string>();
  const files: { name: Uint8Array; data: Uint8Array; crc: number; offset: number }[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new RangeError(`npz writer: '${e.name}' is not a valid array name`);
    if (names.has(e.name)) throw new RangeError(`npz writer: duplicate array '${e.name}'`);
    names.add(e.name);
    const name = te(`${e.name}.npy`);
    const data = npyBytes(e);
    files.push({ name, data, crc: crc32(data), offset });
    offset += 30 + name.length + data.length;
  }
  const cdSize = files.reduce((s, f) => s + 46 + f.name.length, 0);
  const total = offset + cdSize + 22;
  if (total > 0xffffffff || files.length > 0xffff)
    throw new RangeError(`npz writer: ${total} bytes in ${files.length} members is beyond a ZIP file without ZIP64 records`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const f of files) {
    dv.setUint32(o, 0x04034b50, true);
    dv.setUint16(o + 4, 20, true); // version needed
    dv.setUint16(o + 6, 0, true); // flags
    dv.setUint16(o + 8, 0, true); // stored
    dv.setUint16(o + 10, DOS_TIME, true);
    dv.setUint16(o + 12, DOS_DATE, true);
    dv.setUint32(o + 14, f.crc, true);
    dv.setUint32(o + 18, f.data.length, true);
    dv.setUint32(o + 22, f.data.length, true);
    dv.setUint16(o + 26, f.name.length, true);
    dv.setUint16(o + 28, 0, true);
    out.set(f.name, o + 30);
    out.set(f.data, o + 30 + f.name.length);
    o += 30 + f.name.length + f.data.length;
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
    dv.setUint32(o + 20, f.data.length, true);
    dv.setUint32(o + 24, f.data.length, true);
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
