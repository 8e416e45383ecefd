/**
 * Reader of NumPy `.npz` archives (`np.savez`, `np.savez_compressed`): a ZIP file of
 * `.npy` members. The central directory is read here (including the ZIP64 records numpy
 * writes with `force_zip64`); members are stored or deflated (inflated with fflate) and
 * CRC-checked. Failures throw `DataFileError`.
 */
import { Inflate, inflateSync } from 'fflate';
import { IO_LIMITS as LIMITS } from './limits';
import { checkLayout, DataFileError, MAX_NPY_HEADER, npyLayout, readNpy, shapeText, type NumericArray, type ReadLimits } from './npy';

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 16777216;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 4294967296;

/** The CRC-32 tables for eight bytes at a time ("slicing-by-8"): table k maps a byte to its CRC k bytes further on. */
let crcTables: Int32Array | undefined;
function crcTablesOf(): Int32Array {
  if (crcTables) return crcTables;
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) for (let n = 0; n < 256; n++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return (crcTables = t);
}

export function crc32(data: Uint8Array): number {
  return crc32Update(0, data);
}

/** The CRC-32 of bytes seen so far (`crc`, 0 at the start) continued over `data`. */
export function crc32Update(crc: number, data: Uint8Array): number {
  const t = crcTablesOf();
  let c = crc ^ -1;
  const n = data.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const lo = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + data[i + 4]] ^
      t[512 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Lists the members of a ZIP archive from its central directory. */
export function listZip(bytes: Uint8Array, name: string): ZipEntry[] {
  const bad = (why: string): never => {
    throw new DataFileError(`${name} is not a valid .npz (zip) archive: ${why}.`);
  };
  if (bytes.length < 22) bad('the file is too short');
  // End of central directory: the last 0x06054b50 within the final 64 KiB + 22 bytes.
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 65535); o--) {
    if (u32(bytes, o) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record (truncated or not a zip file)');
  let total = u16(bytes, eocd + 10);
  let cdSize = u32(bytes, eocd + 12);
  let cdOffset = u32(bytes, eocd + 16);
  // ZIP64 end of central directory locator just before the EOCD.
  if (eocd >= 20 && u32(bytes, eocd - 20) === 0x07064b50) {
    const z64 = u64(bytes, eocd - 20 + 8);
    if (z64 + 56 > bytes.length || u32(bytes, z64) !== 0x06064b50) bad('broken ZIP64 end-of-central-directory record');
    total = u64(bytes, z64 + 32);
    cdSize = u64(bytes, z64 + 40);
    cdOffset = u64(bytes, z64 + 48);
  }
  if (cdOffset + cdSize > bytes.length) bad('the central directory lies beyond the end of the file (truncated?)');
  const entries: ZipEntry[] = [];
  let o = cdOffset;
  for (let i = 0; i < total; i++) {
    if (o + 46 > bytes.length || u32(bytes, o) !== 0x02014b50) bad(`central directory entry ${i + 1} is corrupt`);
    const flags = u16(bytes, o + 8);
    const method = u16(bytes, o + 10);
    const crc = u32(bytes, o + 16);
    let compressedSize = u32(bytes, o + 20);
    let size = u32(bytes, o + 24);
    const nameLen = u16(bytes, o + 28);
    const extraLen = u16(bytes, o + 30);
    const commentLen = u16(bytes, o + 32);
    let localOffset = u32(bytes, o + 42);
    const entryName = new TextDecoder('utf-8').decode(bytes.subarray(o + 46, o + 46 + nameLen));
    // ZIP64 extra field (id 1): 8-byte values for the fields that are 0xFFFFFFFF, in order.
    let e = o + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = u16(bytes, e);
      const len = u16(bytes, e + 2);
      if (id === 1) {
        let p = e + 4;
        if (size === 0xffffffff) {
          size = u64(bytes, p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(bytes, p);
          p += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(bytes, p);
      }
      e += 4 + len;
    }
    entries.push({ name: entryName, method, flags, crc, compressedSize, size, localOffset });
    o += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one member. */
export function extractZipEntry(bytes: Uint8Array, entry: ZipEntry, name: string): Uint8Array {
  const where = `${name}: member '${entry.name}'`;
  if (entry.flags & 1) throw new DataFileError(`${where} is encrypted; encrypted archives are not supported.`);
  if (entry.size > LIMITS.maxFileBytes) throw new DataFileError(`${where} is ${entry.size} bytes uncompressed, over the limit of ${LIMITS.maxFileBytes}.`);
  const lo = entry.localOffset;
  if (lo + 30 > bytes.length || u32(bytes, lo) !== 0x04034b50) throw new DataFileError(`${where}: corrupt local header (truncated archive?).`);
  const start = lo + 30 + u16(bytes, lo + 26) + u16(bytes, lo + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new DataFileError(`${where} is truncated.`);
  const raw = bytes.subarray(start, end);
  let out: Uint8Array;
  if (entry.method === 0) out = raw;
  else if (entry.method === 8) {
    try {
      out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (err) {
      throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
    }
  } else throw new DataFileError(`${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported.`);
  if (out.length !== entry.size) throw new DataFileError(`${where}: expected ${entry.size} bytes after decompression, got ${out.length}.`);
  if (crc32(out) !== entry.crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
  return out;
}

/** The start and end of a member's stored (possibly compressed) bytes in the archive. */
function memberBytes(bytes: Uint8Array, entry: ZipEntry, where: string): Uint8Array {
  const lo = entry.localOffset;
  if (lo + 30 > bytes.length || u32(bytes, lo) !== 0x04034b50) throw new DataFileError(`${where}: corrupt local header (truncated archive?).`);
  const start = lo + 30 + u16(bytes, lo + 26) + u16(bytes, lo + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new DataFileError(`${where} is truncated.`);
  return bytes.subarray(start, end);
}

/**
 * The first `want` bytes of a deflate stream, inflated a little at a time: a crafted member
 * (a "zip bomb") is not inflated beyond what its header needs.
 */
function inflateHead(raw: Uint8Array, want: number, where: string): Uint8Array {
  const out = new Uint8Array(want);
  let got = 0;
  const inflater = new Inflate((chunk) => {
    const take = Math.min(chunk.length, want - got);
    if (take > 0) out.set(chunk.subarray(0, take), got);
    got += take;
  });
  try {
    for (let o = 0; o < raw.length && got < want; o += 1024) inflater.push(raw.subarray(o, Math.min(raw.length, o + 1024)), o + 1024 >= raw.length);
  } catch (err) {
    throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
  }
  return out.subarray(0, got);
}

/**
 * The .npy header of a member, read before the member is inflated or decoded: the shape is
 * checked against `limits` and against the member's declared size, so that a small archive
 * declaring a huge array is refused without allocating it.
 */
function checkMemberHeader(bytes: Uint8Array, entry: ZipEntry, name: string, arrayName: string, limits: ReadLimits): void {
  const where = `${name}: member '${entry.name}'`;
  if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8)) return; // refused by extractZipEntry
  if (entry.size > LIMITS.maxFileBytes) return;
  const raw = memberBytes(bytes, entry, where);
  const head =
    entry.method === 0 ? raw.subarray(0, Math.min(raw.length, 12 + MAX_NPY_HEADER)) : inflateHead(raw, Math.min(entry.size, 12 + MAX_NPY_HEADER), where);
  const layout = npyLayout(head, arrayName);
  checkLayout(layout, arrayName, limits);
  const need = layout.dataStart + layout.count * layout.dtype.size;
  if (entry.size < need)
    throw new DataFileError(
      `${arrayName} is truncated: shape ${shapeText(layout.shape)} of ${layout.descr} needs ${need} bytes, the archive member has ${entry.size}.`,
    );
}

/** The array names of an archive (member names without `.npy`). */
export function npzKeys(bytes: Uint8Array, name = 'archive'): string[] {
  return listZip(bytes, name).map((e) => e.name.replace(/\.npy$/, ''));
}

/**
 * Reads one array of a `.npz`: `key` may be given as `x` or `x.npy`. Without `key` the
 * archive must hold exactly one array.
 */
export function readNpz(bytes: Uint8Array, name = 'archive', key?: string, limits: ReadLimits = {}): NumericArray & { key: string } {
  const entries = listZip(bytes, name).filter((e) => !e.name.endsWith('/'));
  const keys = entries.map((e) => e.name.replace(/\.npy$/, ''));
  if (entries.length === 0) throw new DataFileError(`${name} is an empty archive (no arrays).`);
  let idx: number;
  if (key === undefined) {
    if (entries.length > 1) throw new DataFileError(`${name} holds several arrays (${keys.join(', ')}); choose one with 'key'.`);
    idx = 0;
  } else {
    const k = key.replace(/\.npy$/, '');
    idx = keys.indexOf(k);
    if (idx < 0) throw new DataFileError(`${name} has no array '${k}'; available: ${keys.join(', ')}.`);
  }
  const arrayName = `${name}[${keys[idx]}]`;
  checkMemberHeader(bytes, entries[idx], name, arrayName, limits);
  const member = extractZipEntry(bytes, entries[idx], name);
  return { ...readNpy(member, arrayName, limits), key: keys[idx] };
}
