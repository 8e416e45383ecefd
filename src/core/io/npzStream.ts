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
import { crc32, crc32Update, memberDataStart, zipEntries, type ZipEntry } from './zipDirectory';
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
  /** Stored (uncompressed) members are read by range (CRC-checked when read in order); deflated ones were inflated. */
  stored: boolean;
  /** A deflated member's compressed bytes, to inflate as they are read ({@link deflatedRows}). */
  deflated?: DeflatedData;
}

/**
 * The members of an archive by array name, from its central directory (zipDirectory.ts,
 * the same reader as the whole-file npz.ts). Directory entries are skipped; of two members
 * of one name the last one counts, as in numpy.load. A member's bytes are located, inflated
 * or checked only when asked for.
 */
export function npzMembers(src: ByteSource, name: string): Map<string, NpzMember> {
  const out = new Map<string, NpzMember>();
  for (const entry of zipEntries(src, name)) {
    if (entry.name.endsWith('/')) continue;
    const member = lazyMember(src, entry, `${name}: member '${entry.name}'`);
    out.delete(member.key); // the last of two members of one name, in its own place
    out.set(member.key, member);
  }
  return out;
}

/** A member whose bytes are read on first use: stored ones by range, deflated ones inflated whole or by rows. */
function lazyMember(src: ByteSource, entry: ZipEntry, where: string): NpzMember {
  const key = entry.name.replace(/\.npy$/, '');
  let source: ByteSource | undefined;
  let deflated: DeflatedData | undefined;
  return {
    key,
    get source() {
      source ??= memberSource(src, entry, where);
      return source;
    },
    get stored() {
      return entry.method === 0;
    },
    get deflated() {
      if (entry.method === 0) return undefined;
      deflated ??= { raw: sliceSource(src, memberDataStart(src, entry, where), entry.compressedSize), size: entry.size, crc: entry.crc, where };
      return deflated;
    },
  };
}

/** A stored member's byte range, or a deflated member inflated whole within the byte limit (size and CRC checked). */
function memberSource(src: ByteSource, entry: ZipEntry, where: string): ByteSource {
  const start = memberDataStart(src, entry, where);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size)
      throw new DataFileError(`${where}: a stored member of ${entry.compressedSize} bytes says ${entry.size} uncompressed.`);
    return crcCheckedSource(sliceSource(src, start, entry.size), entry.crc, where);
  }
  if (entry.size > IO_LIMITS.maxFileBytes || entry.compressedSize > IO_LIMITS.maxFileBytes) {
    throw new DataFileError(`${where} is ${entry.size} bytes uncompressed, over the limit of ${IO_LIMITS.maxFileBytes} for a deflated member read whole.`);
  }
  return bytesSource(inflateChecked(src.read(start, entry.compressedSize), entry.size, entry.crc, where));
}

/**
 * A stored member whose CRC-32 is checked as it is read: reads that continue from the
 * start without a gap (a whole read, or the header and then the rows in order) are summed,
 * and the sum is compared when the last byte has been read. Reads out of order (sampled
 * rows) leave the member unchecked, as they read only part of it.
 */
function crcCheckedSource(src: ByteSource, crc: number, where: string): ByteSource {
  let summedTo = 0;
  let sum = 0;
  let inOrder = true;
  return {
    size: src.size,
    read(position, length, into) {
      const bytes = src.read(position, length, into);
      const end = position + bytes.length;
      if (!inOrder || end <= summedTo) return bytes;
      if (position > summedTo) {
        inOrder = false;
        return bytes;
      }
      sum = crc32Update(sum, bytes.subarray(summedTo - position));
      summedTo = end;
      if (summedTo === src.size && sum !== crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
      return bytes;
    },
  };
}

/** Deflated bytes inflated whole into `size` bytes, with the declared size and CRC-32 checked. */
function inflateChecked(raw: Uint8Array, size: number, crc: number, where: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(raw, { out: new Uint8Array(size) });
  } catch (err) {
    throw new DataFileError(`${where}: corrupt deflate data (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (bytes.length !== size) throw new DataFileError(`${where}: expected ${size} bytes after decompression, got ${bytes.length}.`);
  if (crc32(bytes) !== crc) throw new DataFileError(`${where}: CRC mismatch (the archive is corrupt).`);
  return bytes;
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
  return inflateChecked(z.raw.read(0, z.raw.size), z.size, z.crc, where);
}
