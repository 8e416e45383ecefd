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
  const reader = new CsvRowReader(src, name, readBytes);
  const rows = reader.rows;
  let out = new Float64Array(0);
  let outLines = new Float64Array(0);
  let outFirst = 0;
  let handed = 0; // rows handed out
  return {
    get shape() {
      return [reader.eof && rows.count === 0 ? reader.total : -1, reader.cols];
    },
    get rows() {
      return reader.eof ? reader.total : undefined;
    },
    get width() {
      while (reader.cols < 0 && !reader.eof) reader.readMore();
      return reader.cols;
    },
    name,
    next(maxRows: number): RowBlock | undefined {
      while (rows.count < maxRows && !reader.eof) reader.readMore();
      const r = Math.min(maxRows, rows.count);
      if (r <= 0) return undefined;
      if (out.length < r * reader.cols) {
        out = new Float64Array(r * reader.cols);
        outLines = new Float64Array(r);
      }
      rows.take(r, out, outLines);
      outFirst = handed;
      handed += r;
      return { data: out.subarray(0, r * reader.cols), rows: r, first: outFirst };
    },
    where(row: number): string {
      const i = row - outFirst;
      return i >= 0 && i < outLines.length && outLines[i] > 0 ? `line ${outLines[i]}` : `row ${row + 1}`;
    },
    progress: () => ({ done: reader.pos, total: src.size }),
  };
}

/** Parsed rows not yet handed out (values and their line numbers), in a buffer that grows and is compacted. */
class PendingRows {
  private values = new Float64Array(0);
  private lines = new Float64Array(0);
  private start = 0; // first pending row
  private end = 0; // one past the last pending row

  constructor(private readonly cols: () => number) {}

  get count(): number {
    return this.end - this.start;
  }

  /** Room for one more row: its values go to `row` from `offset`; {@link commit} then adds it. */
  slot(lineNo: number): { row: Float64Array; offset: number } {
    this.ensure(1);
    this.lines[this.end] = lineNo;
    return { row: this.values, offset: this.end * this.cols() };
  }

  commit(): void {
    this.end++;
  }

  /** Moves the first `r` pending rows to `out` and their line numbers to `outLines`. */
  take(r: number, out: Float64Array, outLines: Float64Array): void {
    const cols = this.cols();
    out.set(this.values.subarray(this.start * cols, (this.start + r) * cols));
    outLines.set(this.lines.subarray(this.start, this.start + r));
    this.start += r;
  }

  private ensure(rowsNeeded: number): void {
    const cols = this.cols();
    const need = (this.count + rowsNeeded) * cols;
    if (this.start > 0 && (this.end + rowsNeeded) * cols > this.values.length) {
      // compact: move the pending rows to the front
      this.values.copyWithin(0, this.start * cols, this.end * cols);
      this.lines.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if ((this.end + rowsNeeded) * cols > this.values.length) {
      const next = new Float64Array(Math.max(need, 2 * this.values.length, 1024 * cols));
      next.set(this.values.subarray(0, this.end * cols));
      this.values = next;
      const lines = new Float64Array(next.length / cols);
      lines.set(this.lines.subarray(0, this.end));
      this.lines = lines;
    }
  }
}

/** The file read a piece at a time (complete lines only) and parsed into {@link PendingRows}. */
class CsvRowReader {
  pos = 0; // next byte to read
  eof = false;
  cols = -1;
  total = 0; // rows parsed
  readonly rows = new PendingRows(() => this.cols);
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private carry = new Uint8Array(0); // bytes after the last newline of the previous read
  private lineNo = 0;
  private split: Splitter | undefined;
  private firstDataLine = 0;
  private headerSeen = false;

  constructor(
    private readonly src: ByteSource,
    private readonly name: string,
    private readonly readBytes: number,
  ) {}

  /** Reads and parses the next piece of the file (complete lines only). */
  readMore(): void {
    const first = this.pos === 0;
    const { src } = this;
    const bytes = this.pos < src.size ? src.read(this.pos, Math.min(this.readBytes, src.size - this.pos)) : new Uint8Array(0);
    this.pos += bytes.length;
    if (bytes.length === 0) this.eof = true;
    let buf: Uint8Array;
    if (this.carry.length) {
      buf = new Uint8Array(this.carry.length + bytes.length);
      buf.set(this.carry);
      buf.set(bytes, this.carry.length);
    } else buf = bytes;
    let cut = buf.length;
    if (!this.eof) {
      cut = buf.lastIndexOf(0x0a) + 1;
      if (cut === 0) {
        this.carry = buf.slice(); // no newline yet: read on
        return;
      }
    }
    this.carry = this.eof ? new Uint8Array(0) : buf.slice(cut);
    const text = this.decode(buf.subarray(0, cut), first);
    for (let p = 0; p < text.length;) {
      let nl = text.indexOf('\n', p);
      if (nl < 0) nl = text.length;
      this.parseLine(text.slice(p, nl));
      p = nl + 1;
    }
    if (this.eof && this.total === 0) throw new DataFileError(`${this.name} has no numeric rows.`);
  }

  private decode(bytes: Uint8Array, first: boolean): string {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      throw new DataFileError(`${this.name} is not UTF-8 text (is it a binary file?).`);
    }
    if (text.includes('\u0000')) throw new DataFileError(`${this.name} is not a text file (it contains NUL bytes).`);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  }

  private parseLine(raw: string): void {
    const lineNo = ++this.lineNo;
    const line = stripComment(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (line.trim() === '') return;
    this.split ??= detectSplitter(line);
    const cells = this.split(line);
    if (this.cols < 0) {
      if (!this.headerSeen && this.total === 0 && cells.some((c) => parseNumberCell(c) === undefined) && isHeaderRow(cells)) {
        this.headerSeen = true; // the first non-blank row is text in every column: a header row (csv.ts)
        return;
      }
      this.cols = cells.length;
      this.firstDataLine = lineNo;
    }
    const cols = this.cols;
    if (cells.length !== cols) {
      throw new DataFileError(
        `${this.name}, line ${lineNo}: ${cells.length} value${cells.length === 1 ? '' : 's'}, expected ${cols} (as on line ${this.firstDataLine}).`,
      );
    }
    const { row, offset } = this.rows.slot(lineNo);
    for (let j = 0; j < cols; j++) {
      const v = parseNumberCell(cells[j]);
      if (v === undefined) {
        const shown = cells[j].trim();
        throw new DataFileError(
          `${this.name}, line ${lineNo}, column ${j + 1}: ${shown === '' ? 'empty cell' : `'${shown.length > 30 ? shown.slice(0, 27) + '...' : shown}' is not a number`}.`,
        );
      }
      row[offset + j] = v;
    }
    this.rows.commit();
    this.total++;
  }
}
