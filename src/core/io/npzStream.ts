/**
 * The members of a `.npz` archive read by position, without the whole archive in memory:
 * the central directory is read from the end of the file (ZIP64 records included), a
 * stored member is a byte range of the archive (so its rows can be streamed like a .npy,
 * see npyStream.ts), and a deflated one is inflated as it is read, a piece of compressed
 * bytes at a time ({@link deflatedRows}), or whole within the reader's byte limit (`source`).
 */
import { Inflate, inflateSync } from 'fflate';
import { IO_LIMITS } from './limits';
import { BlockDecoder, DataFileError, MAX_NPY_HEADER, npyLayout, readNpy, shapeText, type NpyLayout } from './npy';
import { crc32, crc32Update, listZip } from './npz';
import { arrayRowStream, bytesSource, fileRowStream, sliceSource, type ByteSource, type RowStream } from './stream';

/** Where a deflated member's compressed bytes are, and what its central-directory entry declares. */
export interface DeflatedData {
  /** The compressed bytes. */
  raw: ByteSource;
  /** Declared uncompressed size and CRC-32. */
  size: number;
  crc: number;
  /** "a.npz: member 'x.npy'", for messages. */
  where: string;
}

export interface NpzMember {
  /** The array name (member name without `.npy`). */
  key: string;
  /** The member's uncompressed bytes as a source (a deflated member is inflated whole, within the byte limit). */
  source: ByteSource;
  /** Stored (uncompressed) members are read by range; deflated ones were inflated. */
  stored: boolean;
  /** A deflated member's compressed bytes, to inflate as they are read ({@link deflatedRows}). */
  deflated?: DeflatedData;
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
    /** Checks the local header; a stored member's bytes, or a deflated member's compressed bytes. */
    const locate = (): { start: number } => {
      if (entry.flags & 1) throw new DataFileError(`${where} is encrypted; encrypted archives are not supported.`);
      const lh = src.read(entry.localOffset, 30);
      if (lh.length < 30 || u32(lh, 0) !== 0x04034b50) throw new DataFileError(`${where}: corrupt local header (truncated archive?).`);
      const start = entry.localOffset + 30 + u16(lh, 26) + u16(lh, 28);
      if (start + entry.compressedSize > src.size) throw new DataFileError(`${where} is truncated.`);
      if (entry.method !== 0 && entry.method !== 8)
        throw new DataFileError(`${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported.`);
      return { start };
    };
    const member = (): NpzMember => {
      const { start } = locate();
      if (entry.method === 0) {
        if (entry.compressedSize !== entry.size)
          throw new DataFileError(`${where}: a stored member of ${entry.compressedSize} bytes says ${entry.size} uncompressed.`);
        return { key, source: sliceSource(src, start, entry.size), stored: true };
      }
      if (entry.size > IO_LIMITS.maxFileBytes || entry.compressedSize > IO_LIMITS.maxFileBytes) {
        throw new DataFileError(`${where} is ${entry.size} bytes uncompressed, over the limit of ${IO_LIMITS.maxFileBytes} for a deflated member read whole.`);
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
    let located: DeflatedData | undefined;
    out.set(key, {
      key,
      get source() {
        cached ??= member();
        return cached.source;
      },
      get stored() {
        return entry.method === 0;
      },
      get deflated() {
        if (entry.method === 0) return undefined;
        located ??= { raw: sliceSource(src, locate().start, entry.compressedSize), size: entry.size, crc: entry.crc, where };
        return located;
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

/**
 * Compressed bytes pushed to the inflater at a time. Deflate expands at most about 1032:1,
 * so one push yields at most ~8.5 MB, less than one block (docs/architecture.md §5),
 * whatever the member declares (a "zip bomb" is inflated no further than it is read).
 */
const PUSH_BYTES = 8 << 10;

/**
 * The rows of a deflated .npy member, inflated as they are read: compressed bytes are
 * pushed a piece at a time to fflate's streaming inflater, the .npy header is parsed from
 * the first inflated bytes, and each block of rows is decoded from the inflated bytes as
 * they come; only one block and the inflater's window are in memory. The declared size
 * and CRC-32 are checked when the last row has been read. A Fortran-order member cannot be
 * read by rows from a stream and is inflated whole (within the byte limit).
 */
export function deflatedRows(z: DeflatedData, name: string): RowStream {
  const { raw, where } = z;
  const queue: Uint8Array[] = [];
  let head = 0; // bytes of queue[0] already taken
  let pushed = 0; // compressed bytes pushed so far
  let inflated = 0; // uncompressed bytes produced so far
  let crc = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (chunk.length) {
      queue.push(chunk);
      inflated += chunk.length;
      crc = crc32Update(crc, chunk);
    }
    if (final) ended = true;
  });
  /** Pushes the next piece of compressed bytes; false when there is none left. */
  const pump = (): boolean => {
    if (ended) return false;
    if (pushed >= raw.size) {
      throw new DataFileError(`${where}: the deflate stream is truncated (it ends after ${inflated} of ${z.size} bytes).`);
    }
    const piece = raw.read(pushed, Math.min(PUSH_BYTES, raw.size - pushed));
    if (piece.length === 0) throw new DataFileError(`${where} is truncated at byte ${pushed} of its compressed data.`);
    try {
      inflater.push(piece, pushed + piece.length >= raw.size);
    } catch (err) {
      throw new DataFileError(
        `${where}: corrupt deflate data near byte ${pushed} of ${raw.size} compressed (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
    pushed += piece.length;
    if (inflated > z.size) throw new DataFileError(`${where} inflates to more than the ${z.size} bytes it declares (the archive is corrupt).`);
    return true;
  };
  /** Moves the next `length` inflated bytes into `dst` (at most what is there when the stream ends). */
  const take = (dst: Uint8Array, length: number): number => {
    let got = 0;
    while (got < length) {
      if (queue.length === 0) {
        if (!pump()) break;
        continue;
      }
      const c = queue[0];
      const n = Math.min(length - got, c.length - head);
      dst.set(c.subarray(head, head + n), got);
      got += n;
      head += n;
      if (head === c.length) {
        queue.shift();
        head = 0;
      }
    }
    return got;
  };
  const prefix = new Uint8Array(Math.min(z.size, 12 + MAX_NPY_HEADER));
  // the magic and the header length, then exactly the header
  let have = take(prefix, Math.min(prefix.length, 12));
  if (have >= 10 && prefix[6] !== 1 && have < 12) have += take(prefix.subarray(have), 12 - have);
  let headerEnd = have;
  if (have >= 10) {
    const len = prefix[6] === 1 ? prefix[8] | (prefix[9] << 8) : (prefix[8] | (prefix[9] << 8) | (prefix[10] << 16)) + prefix[11] * 16777216;
    headerEnd = Math.min(prefix.length, (prefix[6] === 1 ? 10 : 12) + len);
  }
  if (headerEnd > have) have += take(prefix.subarray(have), headerEnd - have);
  const layout: NpyLayout = npyLayout(prefix.subarray(0, have), name);
  const { shape, dtype, count, dataStart, descr } = layout;
  const need = dataStart + count * dtype.size;
  if (need > z.size)
    throw new DataFileError(
      `${name} is truncated: shape ${shapeText(shape)} of ${descr} needs ${count * dtype.size} bytes of data, the member has ${z.size - dataStart}.`,
    );
  if (shape.length === 0) throw new DataFileError(`${name} holds a single number (shape ()), not an array of rows.`);
  if (layout.fortran && shape.length > 1) return arrayRowStream(readNpy(inflateWhole(z), name), name);
  // the bytes between the header and the data (none in numpy's files) are skipped
  const skip = new Uint8Array(Math.max(0, dataStart - have));
  if (take(skip, skip.length) < skip.length) throw new DataFileError(`${name} is truncated: the .npy header is incomplete.`);
  const width = shape.slice(1).reduce((p, q) => p * q, 1);
  const rowBytes = width * dtype.size;
  let buf = new Uint8Array(0);
  const decoder = new BlockDecoder(dtype);
  /** After the last row: the rest of the stream, the declared size and the CRC. */
  const finish = (): void => {
    const sink = new Uint8Array(PUSH_BYTES);
    while (take(sink, sink.length) === sink.length);
    if (inflated !== z.size) throw new DataFileError(`${where}: expected ${z.size} bytes after decompression, got ${inflated}.`);
    if (crc !== z.crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
  };
  const readRows = (at: number, r: number): Float64Array => {
    const length = r * rowBytes;
    if (buf.length < length) buf = new Uint8Array(length);
    if (take(buf, length) < length) {
      throw new DataFileError(
        `${where}: the deflate stream ends after ${inflated} of the ${z.size} bytes it declares, before the end of rows ${at + 1}–${at + r} (corrupt or truncated).`,
      );
    }
    return decoder.decode(buf, r * width);
  };
  return fileRowStream(shape, width, name, rowBytes, readRows, { onEnd: finish, progress: () => ({ done: pushed, total: raw.size }) });
}

/** A deflated member inflated whole, within the reader's byte limit (a Fortran-order member: its rows are not contiguous). */
function inflateWhole(z: DeflatedData): Uint8Array {
  const { where } = z;
  if (z.size > IO_LIMITS.maxFileBytes || z.raw.size > IO_LIMITS.maxFileBytes) {
    throw new DataFileError(
      `${where} is ${z.size} bytes uncompressed and in Fortran order, over the limit of ${IO_LIMITS.maxFileBytes} for a deflated member read whole; save it in C order (numpy.ascontiguousarray) to read it in blocks.`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(z.raw.read(0, z.raw.size), { out: new Uint8Array(z.size) });
  } catch (err) {
    throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (bytes.length !== z.size) throw new DataFileError(`${where}: expected ${z.size} bytes after decompression, got ${bytes.length}.`);
  if (crc32(bytes) !== z.crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
  return bytes;
}
