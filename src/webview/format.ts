/** Number formatting for the panel (3 significant figures, typographic minus). */
import { formatNumber } from '../core/format/format';

/** 3 significant figures; −, ∞ and "undefined" spelled for display. */
export function fmt(x: number | null | undefined, sig = 3): string {
  if (x === null || x === undefined) return '—';
  return formatNumber(x, sig).replace(/^-/, '−');
}

/** Full precision for tables and CSV (6 significant figures in tables). */
export function fmtTable(x: number | null | undefined): string {
  if (x === null || x === undefined) return '';
  return fmt(x, 6);
}

/** Raw value for CSV / JSON cells: shortest round-trip representation. */
export function csvNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

export const PARADIGM_LABEL: Record<string, string> = {
  'joint-embedding': 'Joint-embedding',
  reconstruction: 'Reconstruction',
  supervised: 'Supervised',
  either: 'Either paradigm',
};

/** Graph mode's methods as the panel names them. */
export const METHOD_LABEL: Record<string, string> = {
  vicreg: 'VICReg',
  simclr: 'SimCLR',
  barlow: 'Barlow Twins',
  any: 'Any method',
};

/** `VICReg, low invariance`, `SimCLR`, `Any method`. */
export function methodTitle(method: string, invariance: 'high' | 'low' | null): string {
  return `${METHOD_LABEL[method] ?? method}${invariance ? `, ${invariance} invariance` : ''}`;
}
