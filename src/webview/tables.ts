/**
 * The numbers behind each chart, as a table (for "Show data", CSV/JSON export and the
 * HTML report). Built with DOM APIs and `textContent` only — never markup from data.
 */
import { csvNumber, fmtTable } from './format';

export type Cell = number | string | null;

export interface TableData {
  caption: string;
  columns: string[];
  rows: Cell[][];
  /** A note under the table (e.g. "thinned from 10^6 components"). */
  note?: string;
}

export function renderTable(data: TableData, doc: Document = document): HTMLTableElement {
  const table = doc.createElement('table');
  table.className = 'data-table';
  const caption = doc.createElement('caption');
  caption.textContent = data.caption;
  table.append(caption);
  const thead = doc.createElement('thead');
  const hr = doc.createElement('tr');
  for (const c of data.columns) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    hr.append(th);
  }
  thead.append(hr);
  table.append(thead);
  const tbody = doc.createElement('tbody');
  for (const row of data.rows) {
    const tr = doc.createElement('tr');
    for (const cell of row) {
      const td = doc.createElement('td');
      if (typeof cell === 'number') {
        td.className = 'num';
        td.textContent = fmtTable(cell);
      } else td.textContent = cell ?? '';
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(tbody);
  return table;
}

function csvCell(cell: Cell | string): string {
  const s = typeof cell === 'number' ? csvNumber(cell) : (cell ?? '');
  // Quote when needed; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) && typeof cell !== 'number' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(data: TableData): string {
  const lines = [data.columns.map(csvCell).join(',')];
  for (const row of data.rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** JSON-safe rows (non-finite numbers as strings). */
export function toJsonRows(data: TableData): { caption: string; columns: string[]; rows: (number | string | null)[][]; note?: string } {
  return {
    caption: data.caption,
    columns: data.columns,
    rows: data.rows.map((r) => r.map((c) => (typeof c === 'number' && !Number.isFinite(c) ? csvNumber(c) : c))),
    ...(data.note ? { note: data.note } : {}),
  };
}
