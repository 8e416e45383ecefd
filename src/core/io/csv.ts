/**
 * Reader of numeric delimited text (`.csv`, `.tsv`, `.txt`): an optional header row
 * (detected when the first row is not numeric), comma / semicolon / tab / whitespace
 * delimiters (detected on the first row), blank lines and `#` comments ignored. Ragged
 * rows and non-numeric cells throw `DataFileError` with the line (and column).
 */
import { DataFileError, type NumericArray } from './npy';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** A numeric cell, or undefined. NaN / inf are accepted (the caller reports them by index). */
export function parseNumberCell(cell: string): number | undefined {
  let c = cell.trim();
  if (c.length >= 2 && ((c[0] === '"' && c[c.length - 1] === '"') || (c[0] === "'" && c[c.length - 1] === "'"))) c = c.slice(1, -1).trim();
  if (NUMBER.test(c)) return Number(c);
  const s = SPECIAL[c.toLowerCase()];
  return s;
}

type Splitter = (line: string) => string[];

function detectSplitter(line: string): Splitter {
  if (line.includes('\t')) return (l) => l.split('\t');
  if (line.includes(';')) return (l) => l.split(';');
  if (line.includes(',')) return (l) => l.split(',');
  return (l) => l.trim().split(/\s+/);
}

/** Strips a `#` comment that is not inside double quotes. */
function stripComment(line: string): string {
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQ = !inQ;
    else if (c === '#' && !inQ) return line.slice(0, i);
  }
  return line;
}

export function readCsv(bytes: Uint8Array, name = 'file'): NumericArray & { header?: string[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataFileError(`${name} is not UTF-8 text (is it a binary file?).`);
  }
  if (text.includes('\u0000')) throw new DataFileError(`${name} is not a text file (it contains NUL bytes).`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let split: Splitter | undefined;
  let cols = -1;
  let firstDataLine = 0;
  let header: string[] | undefined;
  const values: number[] = [];
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
      if (!header && rows === 0 && nums.some((v) => v === undefined)) {
        // The first non-blank row is not numeric: a header row.
        header = cells.map((c) => c.trim());
        continue;
      }
      cols = cells.length;
      firstDataLine = lineNo;
    }
    if (cells.length !== cols) {
      throw new DataFileError(`${name}, line ${lineNo}: ${cells.length} value${cells.length === 1 ? '' : 's'}, expected ${cols} (as on line ${firstDataLine}).`);
    }
    for (let j = 0; j < cells.length; j++) {
      const v = parseNumberCell(cells[j]);
      if (v === undefined) {
        const shown = cells[j].trim();
        throw new DataFileError(`${name}, line ${lineNo}, column ${j + 1}: ${shown === '' ? 'empty cell' : `'${shown.length > 30 ? shown.slice(0, 27) + '...' : shown}' is not a number`}.`);
      }
      values.push(v);
    }
    rows++;
    if (nl >= text.length) break;
  }
  if (rows === 0) throw new DataFileError(`${name} has no numeric rows.`);
  return { data: Float64Array.from(values), shape: [rows, cols], ...(header ? { header } : {}) };
}
