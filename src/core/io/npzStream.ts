/**
 * The members of a `.npz` archive read by position, without the whole archive in memory:
 * the central directory is read from the end of the file (ZIP64 records included), a
 * stored member is a byte range of the archive (so its rows can be streamed like a .npy,
 * see npyStream.ts), and a deflated one is inflated within the reader's byte limit.
 */
import { inflateSync } from 'fflate';
import { IO_LIMITS } from './limits';
import { DataFileError } from './npy';
import { crc32, listZip } from './npz';
import { bytesSource, sliceSource, type ByteSource } from './stream';

export interface NpzMember {
  /** The array name (member name without `.npy`). */
  key: string;
  /** The member's uncompressed bytes as a source. */
  source: ByteSource;
  /** Stored (uncompressed) members are read by range; deflated ones were inflated. */
  stored: boolean;
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 16777216;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 4294967296;

/**
 * The members of an archive by name. The central directory (and the EOCD records) are
 * copied into a small synthetic archive so that the whole-file parser (npz.ts) lists it.
 */
export function npzMembers(src: ByteSource, name: string): Map<string, NpzMember> {
  const bad = (why: string): never => {
    throw new DataFileError(`${name} is not a valid .npz (zip) archive: ${why}.`);
  };
  if (src.size < 22) bad('the file is too short');
  const tailLen = Math.min(src.size, 22 + 65535 + 20);
  const tailStart = src.size - tailLen;
  const tail = src.read(tailStart, tailLen);
  let eocd = -1;
  for (let o = tail.length - 22; o >= 0; o--) {
    if (u32(tail, o) === 0x06054b50) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record (truncated or not a zip file)');
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  if (eocd >= 20 && u32(tail, eocd - 20) === 0x07064b50) {
    const z64 = u64(tail, eocd - 20 + 8);
    const rec = src.read(z64, 56);
    if (rec.length < 56 || u32(rec, 0) !== 0x06064b50) bad('broken ZIP64 end-of-central-directory record');
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdOffset + cdSize > src.size) bad('the central directory lies beyond the end of the file (truncated?)');
  if (cdSize > IO_LIMITS.maxFileBytes) bad('the central directory is too large');
  // A synthetic archive [central directory][EOCD] whose offsets point into it; the local
  // offsets of the entries still refer to the real file.
  const cd = src.read(cdOffset, cdSize);
  // (20 zero bytes between them: no ZIP64 locator is seen in the synthetic archive)
  const synth = new Uint8Array(cdSize + 20 + 22);
  synth.set(cd, 0);
  const e = cdSize + 20;
  synth.set(tail.subarray(eocd, eocd + 22), e);
  const total = (() => {
    // entry count: from the ZIP64 record when the EOCD says 0xFFFF
    let count = 0;
    for (let o = 0; o + 46 <= cd.length && u32(cd, o) === 0x02014b50; count++) o += 46 + u16(cd, o + 28) + u16(cd, o + 30) + u16(cd, o + 32);
    return count;
  })();
  synth[e + 8] = synth[e + 10] = total & 0xff;
  synth[e + 9] = synth[e + 11] = (total >> 8) & 0xff;
  for (const [o, v] of [
    [e + 12, cdSize],
    [e + 16, 0],
  ] as const) {
    synth[o] = v & 0xff;
    synth[o + 1] = (v >>> 8) & 0xff;
    synth[o + 2] = (v >>> 16) & 0xff;
    synth[o + 3] = (v >>> 24) & 0xff;
  }
  const out = new Map<string, NpzMember>();
  for (const entry of listZip(synth, name)) {
    if (entry.name.endsWith('/')) continue;
    const key = entry.name.replace(/\.npy$/, '');
    const where = `${name}: member '${entry.name}'`;
    const member = (): NpzMember => {
      if (entry.flags & 1) throw new DataFileError(`${where} is encrypted; encrypted archives are not supported.`);
      const lh = src.read(entry.localOffset, 30);
      if (lh.length < 30 || u32(lh, 0) !== 0x04034b50) throw new DataFileError(`${where}: corrupt local header (truncated archive?).`);
      const start = entry.localOffset + 30 + u16(lh, 26) + u16(lh, 28);
      if (start + entry.compressedSize > src.size) throw new DataFileError(`${where} is truncated.`);
      if (entry.method === 0) {
        if (entry.compressedSize !== entry.size)
          throw new DataFileError(`${where}: a stored member of ${entry.compressedSize} bytes says ${entry.size} uncompressed.`);
        return { key, source: sliceSource(src, start, entry.size), stored: true };
      }
      if (entry.method !== 8) throw new DataFileError(`${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported.`);
      if (entry.size > IO_LIMITS.maxFileBytes || entry.compressedSize > IO_LIMITS.maxFileBytes) {
        throw new DataFileError(
          `${where} is ${entry.size} bytes uncompressed, over the limit of ${IO_LIMITS.maxFileBytes} for a deflated member; save the archive with numpy.savez (stored) to read it in blocks.`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = inflateSync(src.read(start, entry.compressedSize), { out: new Uint8Array(entry.size) });
      } catch (err) {
        throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
      }
      if (bytes.length !== entry.size) throw new DataFileError(`${where}: expected ${entry.size} bytes after decompression, got ${bytes.length}.`);
      if (crc32(bytes) !== entry.crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
      return { key, source: bytesSource(bytes), stored: false };
    };
    let cached: NpzMember | undefined;
    out.set(key, {
      key,
      get source() {
        cached ??= member();
        return cached.source;
      },
      get stored() {
        return entry.method === 0;
      },
    });
  }
  return out;
}

/** One member of an archive: `key` may be given as `x` or `x.npy`; without it the archive must hold exactly one array. */
export function npzMember(src: ByteSource, name: string, key?: string): NpzMember {
  const members = npzMembers(src, name);
  const keys = [...members.keys()];
  if (keys.length === 0) throw new DataFileError(`${name} is an empty archive (no arrays).`);
  if (key === undefined) {
    if (keys.length > 1) throw new DataFileError(`${name} holds several arrays (${keys.join(', ')}); choose one with 'key'.`);
    return members.get(keys[0])!;
  }
  const k = key.replace(/\.npy$/, '');
  const m = members.get(k);
  if (!m) throw new DataFileError(`${name} has no array '${k}'; available: ${keys.join(', ')}.`);
  return m;
}
