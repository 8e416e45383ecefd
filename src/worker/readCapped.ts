/**
 * Reads a file for the engine (CLI and analysis worker), never more than `limit` bytes.
 * The cap is enforced on the bytes actually read, not on `stat`: files such as
 * /proc/self/pagemap report a size of 0 and would otherwise be read without end.
 */
import * as fs from 'node:fs';

const CHUNK = 1 << 20;

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
      const n = fs.readSync(fd, buf, used, buf.length - used, null);
      if (n === 0) break;
      used += n;
      if (used > limit) throw over();
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, used);
  } finally {
    fs.closeSync(fd);
  }
}
