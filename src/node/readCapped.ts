/**
 * Reads a file for the engine (CLI and analysis worker), never more than `limit` bytes.
 * The cap is enforced on the bytes actually read, not on `stat`: files such as
 * /proc/self/pagemap report a size of 0 and would otherwise be read without end.
 */
import * as fs from 'node:fs';

const CHUNK = 1 << 20;
/**
 * A regular file that reports a size of 0 but has content is a pseudo-file (procfs, sysfs):
 * at most this much of it is read. Data files never look like that, and /proc/self/pagemap
 * would otherwise be read for seconds up to the limit, into buffers of that size.
 */
const UNKNOWN_SIZE_CAP = 1 << 20;

export class FileTooLargeError extends Error {}

export function readFileCapped(absPath: string, limit: number, hint = ''): Uint8Array {
  const st = fs.statSync(absPath);
  if (!st.isFile()) throw new Error(`${absPath} is not a regular file`);
  const over = () => new FileTooLargeError(`${absPath} is over the limit of ${limit} bytes${hint}`);
  if (st.size > limit) throw over();
  const fd = fs.openSync(absPath, 'r');
  try {
    // Regular files of known size: one buffer of that size, plus one byte to detect growth.
    let buf = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(st.size + 1, CHUNK)));
    let used = 0;
    for (;;) {
      if (used === buf.length) {
        if (buf.length > limit) throw over();
        const next = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2));
        buf.copy(next, 0, 0, used);
        buf = next;
      }
      // at most CHUNK per call: one huge read of a pseudo-file (/proc/self/pagemap) is slow and may fail
      const n = fs.readSync(fd, buf, used, Math.min(CHUNK, buf.length - used), null);
      if (n === 0) break;
      used += n;
      if (used > limit) throw over();
      if (st.size === 0 && used > UNKNOWN_SIZE_CAP) {
        throw new FileTooLargeError(
          `${absPath} reports a size of 0 but holds more than ${UNKNOWN_SIZE_CAP} bytes: a special file (such as /proc/self/pagemap), which is not read`,
        );
      }
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, used);
  } finally {
    fs.closeSync(fd);
  }
}

/** The size of a regular file (data read in blocks, docs/architecture.md §5). */
export function fileSizeOf(absPath: string): number {
  const st = fs.statSync(absPath);
  if (!st.isFile()) throw new Error(`${absPath} is not a regular file`);
  return st.size;
}

/**
 * At most `length` bytes of a file from `position` (fewer only at its end): one block of a
 * file read in blocks. Each read is capped at `limit` bytes; the whole file is not. With
 * `into` of at least `length` bytes the bytes are read into it (a block buffer reused
 * block after block: no fresh pages to fault in for every block) and a view of it returned.
 */
export function readRangeCapped(absPath: string, position: number, length: number, limit: number, into?: Uint8Array): Uint8Array {
  if (!(length >= 0) || !(position >= 0)) throw new RangeError(`invalid read of ${length} bytes at ${position}`);
  if (length > limit) throw new FileTooLargeError(`a read of ${length} bytes from ${absPath} is over the limit of ${limit} bytes`);
  const fd = fs.openSync(absPath, 'r');
  try {
    const buf = into && into.length >= length ? into : Buffer.allocUnsafe(length);
    let used = 0;
    while (used < length) {
      const n = fs.readSync(fd, buf, used, length - used, position + used);
      if (n === 0) break;
      used += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, used);
  } finally {
    fs.closeSync(fd);
  }
}
