/**
 * Numeric delimited text (`.csv`, `.tsv`, `.txt`) read a block of rows at a time, with the
 * rules of the whole-file reader (csv.ts): an optional header row, the delimiter detected
 * on the first non-blank line, blank lines and `#` comments skipped, a UTF-8 BOM ignored;
 * ragged rows and non-numeric cells throw `DataFileError` with the line (and column).
 * Bytes are decoded up to the last newline of each read, so a multi-byte character is
 * never split. Only one read and the rows not yet handed out are in memory.
 */
import { detectSplitter, isHeaderRow, parseNumberCell, stripComment, type Splitter } from './csv';
import { DataFileError } from './npy';
import type { ByteSource, RowBlock, RowStream } from './stream';

/** Bytes per read. */
const READ_BYTES = 4 << 20;

export function openCsvStream(src: ByteSource, name: string, readBytes: number = READ_BYTES): RowStream {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pos = 0; // next byte to read
  let carry = new Uint8Array(0); // bytes after the last newline of the previous read
  let eof = false;
  let lineNo = 0;
  let split: Splitter | undefined;
  let cols = -1;
  let firstDataLine = 0;
  let headerSeen = false;
  let total = 0; // rows parsed
  let handed = 0; // rows handed out
  // parsed rows not yet handed out: values and their line numbers
  let pending = new Float64Array(0);
  let pendingLines = new Float64Array(0);
  let pStart = 0; // first pending row
  let pEnd = 0; // one past the last pending row
  let out = new Float64Array(0);
  let outLines = new Float64Array(0);
  let outFirst = 0;

  const decode = (bytes: Uint8Array, first: boolean): string => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new DataFileError(`${name} is not UTF-8 text (is it a binary file?).`);
    }
    if (text.includes('\u0000')) throw new DataFileError(`${name} is not a text file (it contains NUL bytes).`);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  };

  const ensure = (rowsNeeded: number): void => {
    if (cols < 0) return;
    const need = (pEnd - pStart + rowsNeeded) * cols;
    if (pStart > 0 && (pEnd + rowsNeeded) * cols > pending.length) {
      // compact: move the pending rows to the front
      pending.copyWithin(0, pStart * cols, pEnd * cols);
      pendingLines.copyWithin(0, pStart, pEnd);
      pEnd -= pStart;
      pStart = 0;
    }
    if ((pEnd + rowsNeeded) * cols > pending.length) {
      const next = new Float64Array(Math.max(need, 2 * pending.length, 1024 * cols));
      next.set(pending.subarray(0, pEnd * cols));
      pending = next;
      const lines = new Float64Array(next.length / cols);
      lines.set(pendingLines.subarray(0, pEnd));
      pendingLines = lines;
    }
  };

  const parseLine = (raw: string): void => {
    lineNo++;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    line = stripComment(line);
    if (line.trim() === '') return;
    if (!split) split = detectSplitter(line);
    const cells = split(line);
    if (cols < 0) {
      if (!headerSeen && total === 0 && cells.some((c) => parseNumberCell(c) === undefined) && isHeaderRow(cells)) {
        headerSeen = true; // the first non-blank row is text in every column: a header row (csv.ts)
        return;
      }
      cols = cells.length;
      firstDataLine = lineNo;
    }
    if (cells.length !== cols) {
      throw new DataFileError(
        `${name}, line ${lineNo}: ${cells.length} value${cells.length === 1 ? '' : 's'}, expected ${cols} (as on line ${firstDataLine}).`,
      );
    }
    ensure(1);
    const o = pEnd * cols;
    for (let j = 0; j < cols; j++) {
      const v = parseNumberCell(cells[j]);
      if (v === undefined) {
        const shown = cells[j].trim();
        throw new DataFileError(
          `${name}, line ${lineNo}, column ${j + 1}: ${shown === '' ? 'empty cell' : `'${shown.length > 30 ? shown.slice(0, 27) + '...' : shown}' is not a number`}.`,
        );
      }
      pending[o + j] = v;
    }
    pendingLines[pEnd] = lineNo;
    pEnd++;
    total++;
  };

  /** Reads and parses the next piece of the file (complete lines only). */
  const readMore = (): void => {
    const first = pos === 0;
    const bytes = pos < src.size ? src.read(pos, Math.min(readBytes, src.size - pos)) : new Uint8Array(0);
    pos += bytes.length;
    if (bytes.length === 0) eof = true;
    let buf: Uint8Array;
    if (carry.length) {
      buf = new Uint8Array(carry.length + bytes.length);
      buf.set(carry);
      buf.set(bytes, carry.length);
    } else buf = bytes;
    let cut = buf.length;
    if (!eof) {
      cut = buf.lastIndexOf(0x0a) + 1;
      if (cut === 0) {
        carry = buf.slice(); // no newline yet: read on
        return;
      }
    }
    carry = eof ? new Uint8Array(0) : buf.slice(cut);
    const text = decode(buf.subarray(0, cut), first);
    let p = 0;
    while (p < text.length) {
      let nl = text.indexOf('\n', p);
      if (nl < 0) nl = text.length;
      parseLine(text.slice(p, nl));
      p = nl + 1;
    }
    if (eof && total === 0) throw new DataFileError(`${name} has no numeric rows.`);
  };

  const stream: RowStream = {
    get shape() {
      return [eof && pStart === pEnd ? total : -1, cols];
    },
    get rows() {
      return eof ? total : undefined;
    },
    get width() {
      while (cols < 0 && !eof) readMore();
      return cols;
    },
    name,
    next(maxRows: number): RowBlock | undefined {
      while (pEnd - pStart < maxRows && !eof) readMore();
      const r = Math.min(maxRows, pEnd - pStart);
      if (r <= 0) return undefined;
      if (out.length < r * cols) {
        out = new Float64Array(r * cols);
        outLines = new Float64Array(r);
      }
      out.set(pending.subarray(pStart * cols, (pStart + r) * cols));
      outLines.set(pendingLines.subarray(pStart, pStart + r));
      pStart += r;
      outFirst = handed;
      handed += r;
      return { data: out.subarray(0, r * cols), rows: r, first: outFirst };
    },
    where(row: number): string {
      const i = row - outFirst;
      return i >= 0 && i < outLines.length && outLines[i] > 0 ? `line ${outLines[i]}` : `row ${row + 1}`;
    },
    progress: () => ({ done: pos, total: src.size }),
  };
  return stream;
}
