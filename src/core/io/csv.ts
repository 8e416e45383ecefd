/**
 * Reader of numeric delimited text (`.csv`, `.tsv`, `.txt`): an optional header row
 * (detected when every cell of the first row is text, see `isHeaderRow`), comma / semicolon / tab / whitespace
 * delimiters (detected on the first row), blank lines and `#` comments ignored. Ragged
 * rows and non-numeric cells throw `DataFileError` with the line (and column).
 */
import { ArrayTooLargeError, DataFileError, type NumericArray, type ReadLimits } from './npy';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** A numeric cell, or undefined. NaN / inf are accepted (the caller reports them by index). */
export function parseNumberCell(cell: string): number | undefined {
  let c = cell.trim();
  if (c.length >= 2 && ((c[0] === '"' && c[c.length - 1] === '"') || (c[0] === "'" && c[c.length - 1] === "'"))) c = c.slice(1, -1).trim();
  if (NUMBER.test(c)) return Number(c);
  const s = SPECIAL[c.toLowerCase()];
  return s;
}

/** A cell that starts like a number (`5..0`, `1,5`, `0x10`, `-.5e`): a typo in data, never header text. */
const NUMBER_LIKE = /^[-+]?\.?\d/;

function unquoted(cell: string): string {
  const c = cell.trim();
  return c.length >= 2 && ((c[0] === '"' && c[c.length - 1] === '"') || (c[0] === "'" && c[c.length - 1] === "'")) ? c.slice(1, -1).trim() : c;
}

/**
 * The first row is a header only when every cell is non-numeric text (empty cells allowed,
 * as in the unnamed index column pandas writes, but at least one cell has text): a row with
 * a number in it, or a cell that starts like a number, is data with a typo and is reported
 * by row and column instead of being dropped.
 */
export function isHeaderRow(cells: readonly string[]): boolean {
  let text = 0;
  for (const cell of cells) {
    const c = unquoted(cell);
    if (c === '') continue;
    if (parseNumberCell(cell) !== undefined || NUMBER_LIKE.test(c)) return false;
    text++;
  }
  return text > 0;
}

export type Splitter = (line: string) => string[];

export function detectSplitter(line: string): Splitter {
  if (line.includes('\t')) return (l) => l.split('\t');
  if (line.includes(';')) return (l) => l.split(';');
  if (line.includes(',')) return (l) => l.split(',');
  return (l) => l.trim().split(/\s+/);
}

/** Strips a `#` comment that is not inside double quotes. */
export function stripComment(line: string): string {
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQ = !inQ;
    else if (c === '#' && !inQ) return line.slice(0, i);
  }
  return line;
}

export function readCsv(bytes: Uint8Array, name = 'file', limits: ReadLimits = {}): NumericArray & { header?: string[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    if (e instanceof RangeError) throw new DataFileError(`${name} is too large to read as text (${bytes.length} bytes); save it as .npy.`);
    throw new DataFileError(`${name} is not UTF-8 text (is it a binary file?).`);
  }
  if (text.includes('\u0000')) throw new DataFileError(`${name} is not a text file (it contains NUL bytes).`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let split: Splitter | undefined;
  let cols = -1;
  let firstDataLine = 0;
  let header: string[] | undefined;
  // values grow in a typed array (off the JS heap), within the caller's limit
  let values = new Float64Array(1024);
  let used = 0;
  const maxValues = limits.maxValues ?? Number.POSITIVE_INFINITY;
  let rows = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let line = text.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    line = stripComment(line);
    if (line.trim() === '') {
      if (nl >= text.length) break;
      continue;
    }
    if (!split) split = detectSplitter(line);
    const cells = split(line);
    if (cols < 0) {
      const nums = cells.map(parseNumberCell);
      if (!header && rows === 0 && nums.some((v) => v === undefined) && isHeaderRow(cells)) {
        // The first non-blank row is text in every column: a header row.
        header = cells.map((c) => c.trim());
        continue;
      }
      cols = cells.length;
      firstDataLine = lineNo;
    }
    if (cells.length !== cols) {
      throw new DataFileError(
        `${name}, line ${lineNo}: ${cells.length} value${cells.length === 1 ? '' : 's'}, expected ${cols} (as on line ${firstDataLine}).`,
      );
    }
    if (used + cells.length > maxValues) {
      throw new ArrayTooLargeError(
        `${name}: more than ${maxValues} values (at line ${lineNo}), over the limit${limits.what ? ` ${limits.what}` : ''}.`,
        [rows + 1, cols],
        used + cells.length,
      );
    }
    if (used + cells.length > values.length) {
      const grown = new Float64Array(Math.max(values.length * 2, used + cells.length));
      grown.set(values.subarray(0, used));
      values = grown;
    }
    for (let j = 0; j < cells.length; j++) {
      const v = parseNumberCell(cells[j]);
      if (v === undefined) {
        const shown = cells[j].trim();
        const first = rows === 0 && !header ? ' (a header row needs text, not numbers, in every column)' : '';
        throw new DataFileError(
          `${name}, line ${lineNo}, column ${j + 1}: ${shown === '' ? 'empty cell' : `'${shown.length > 30 ? shown.slice(0, 27) + '...' : shown}' is not a number`}${first}.`,
        );
      }
      values[used++] = v;
    }
    rows++;
    if (nl >= text.length) break;
  }
  if (rows === 0) throw new DataFileError(`${name} has no numeric rows.`);
  return { data: values.slice(0, used), shape: [rows, cols], ...(header ? { header } : {}) };
}
