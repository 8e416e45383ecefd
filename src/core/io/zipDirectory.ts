/**
 * The one reader of a ZIP archive's central directory, for both .npz readers (npz.ts, whole
 * file, and npzStream.ts, by blocks): it reads what `numpy.load` reads and refuses what it
 * refuses (docs/architecture.md §5, test/oracle/npz_edge_cases.py):
 *
 * - the end record is the final 22 bytes, or else the last end-of-central-directory signature
 *   in the final 64 KiB + 22 bytes; a ZIP64 end record just before its locator replaces the
 *   32-bit fields;
 * - the central directory is read by its byte size, not by the entry counts (numpy reads a
 *   one-member archive whose end record claims 0 or 65,535 entries);
 * - it must end exactly where the end record (or the ZIP64 end record) begins and the
 *   archive must begin at byte 0: Python's zipfile shifts every offset by the difference,
 *   which numpy then refuses;
 * - a member's local header must carry the central directory's name.
 *
 * Failures throw `DataFileError`. Positions are read through a {@link ByteSource}.
 */
import { IO_LIMITS } from './limits';
import { DataFileError } from './npy';
import type { ByteSource } from './stream';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const SIGNATURE = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50 } as const;
const END_BYTES = 22;
const END64_BYTES = 56;
const LOCATOR64_BYTES = 20;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const FULL32 = 0xffffffff;

export const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
export const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 16777216;
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

type Refuse = (why: string) => never;

function refuser(name: string): Refuse {
  return (why) => {
    throw new DataFileError(`${name} is not a valid .npz (zip) archive: ${why}.`);
  };
}

/** Where the central directory is, from the end record (and the ZIP64 end record when there is one). */
interface EndRecord {
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end: the start of the (ZIP64) end record. */
  cdEnd: number;
}

/**
 * Where the end record is in the file's last bytes, found as zipfile finds it: the final 22
 * bytes when they are an end record without a comment, otherwise the last signature (which
 * may lie too close to the end to be a record: then there is none). -1 when there is no signature.
 */
function endRecordAt(tail: Uint8Array): number {
  const last = tail.length - END_BYTES;
  if (last >= 0 && u32(tail, last) === SIGNATURE.end && u16(tail, last + 20) === 0) return last;
  for (let o = tail.length - 4; o >= 0; o--) if (u32(tail, o) === SIGNATURE.end) return o;
  return -1;
}

function readEndRecord(src: ByteSource, bad: Refuse): EndRecord {
  const tailLength = Math.min(src.size, END_BYTES + 65535 + LOCATOR64_BYTES + END64_BYTES);
  const tailStart = src.size - tailLength;
  const tail = src.read(tailStart, tailLength);
  const at = endRecordAt(tail);
  if (at < 0 || at + END_BYTES > tail.length) bad('no end-of-central-directory record (truncated or not a zip file)');
  const end: EndRecord = { cdSize: u32(tail, at + 12), cdOffset: u32(tail, at + 16), cdEnd: tailStart + at };
  const locator = at - LOCATOR64_BYTES;
  if (locator < 0 || u32(tail, locator) !== SIGNATURE.locator64) return end;
  if (u32(tail, locator + 4) !== 0 || u32(tail, locator + 16) > 1) bad('it spans several disks (multi-part archives are not supported)');
  // as zipfile: the ZIP64 end record is the 56 bytes just before the locator
  const record = tailStart + locator - END64_BYTES;
  if (record < 0) return end;
  const r = src.read(record, END64_BYTES);
  if (u32(r, 0) !== SIGNATURE.end64) return end;
  return { cdSize: u64(r, 40), cdOffset: u64(r, 48), cdEnd: record };
}

/** A central entry's 8-byte fields from its ZIP64 extra field (id 1), for the fixed fields that say 0xFFFFFFFF, in order. */
function applyZip64Extra(cd: Uint8Array, from: number, to: number, entry: ZipEntry, bad: Refuse, index: number): void {
  for (let e = from; e + 4 <= to;) {
    const id = u16(cd, e);
    const length = u16(cd, e + 2);
    if (e + 4 + length > to) bad(`central directory entry ${index}: its extra field runs past the entry`);
    if (id === 1) {
      let p = e + 4;
      const take = (): number => {
        if (p + 8 > e + 4 + length) bad(`central directory entry ${index}: its ZIP64 extra field is too short`);
        p += 8;
        return u64(cd, p - 8);
      };
      if (entry.size === FULL32) entry.size = take();
      if (entry.compressedSize === FULL32) entry.compressedSize = take();
      if (entry.localOffset === FULL32) entry.localOffset = take();
    }
    e += 4 + length;
  }
}

function parseCentralDirectory(cd: Uint8Array, bad: Refuse): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let o = 0; o < cd.length;) {
    const index = entries.length + 1;
    if (o + CENTRAL_BYTES > cd.length || u32(cd, o) !== SIGNATURE.central) bad(`central directory entry ${index} is corrupt`);
    const nameLength = u16(cd, o + 28);
    const extraEnd = o + CENTRAL_BYTES + nameLength + u16(cd, o + 30);
    const next = extraEnd + u16(cd, o + 32);
    if (next > cd.length) bad(`central directory entry ${index} is corrupt`);
    const entry: ZipEntry = {
      name: decoder.decode(cd.subarray(o + CENTRAL_BYTES, o + CENTRAL_BYTES + nameLength)),
      flags: u16(cd, o + 8),
      method: u16(cd, o + 10),
      crc: u32(cd, o + 16),
      compressedSize: u32(cd, o + 20),
      size: u32(cd, o + 24),
      localOffset: u32(cd, o + 42),
    };
    applyZip64Extra(cd, o + CENTRAL_BYTES + nameLength, extraEnd, entry, bad, index);
    entries.push(entry);
    o = next;
  }
  return entries;
}

/** The entries of the archive `src` (`name` for messages), in the central directory's order. */
export function zipEntries(src: ByteSource, name: string): ZipEntry[] {
  const bad = refuser(name);
  if (src.size < END_BYTES) bad('the file is too short');
  const { cdOffset, cdSize, cdEnd } = readEndRecord(src, bad);
  if (cdOffset + cdSize > src.size) bad('the central directory lies beyond the end of the file (truncated?)');
  if (cdOffset + cdSize !== cdEnd) bad('the central directory does not end where the end-of-central-directory record begins (corrupt offsets or sizes)');
  if (cdSize > IO_LIMITS.maxFileBytes) bad('the central directory is too large');
  const entries = parseCentralDirectory(src.read(cdOffset, cdSize), bad);
  if (entries.length > 0 && u32(src.read(0, 4), 0) !== SIGNATURE.local) {
    bad('it does not begin with a member (bytes before the archive; numpy.load refuses them)');
  }
  return entries;
}

/**
 * Where a member's stored (possibly compressed) bytes begin, after checking its local header
 * (signature, the central directory's name), that it is not encrypted and that its
 * compression method is stored (0) or deflate (8). `where` is "a.npz: member 'x.npy'".
 */
export function memberDataStart(src: ByteSource, entry: ZipEntry, where: string): number {
  if (entry.flags & 1) throw new DataFileError(`${where} is encrypted; encrypted archives are not supported.`);
  const header = src.read(entry.localOffset, LOCAL_BYTES);
  if (header.length < LOCAL_BYTES || u32(header, 0) !== SIGNATURE.local) throw new DataFileError(`${where}: corrupt local header (truncated archive?).`);
  const nameLength = u16(header, 26);
  const localName = new TextDecoder('utf-8').decode(src.read(entry.localOffset + LOCAL_BYTES, nameLength));
  if (localName !== entry.name) {
    throw new DataFileError(`${where}: the local header names it '${localName}' (the archive is corrupt).`);
  }
  const start = entry.localOffset + LOCAL_BYTES + nameLength + u16(header, 28);
  if (start + entry.compressedSize > src.size) throw new DataFileError(`${where} is truncated.`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new DataFileError(`${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported.`);
  }
  return start;
}
