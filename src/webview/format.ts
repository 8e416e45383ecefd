/** Number formatting for the panel (3 significant figures, typographic minus). */
import { formatNumber } from '../core/format/format';
import { t, type MessageKey } from './l10n';

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

const PARADIGM_LABEL: Record<string, MessageKey> = {
  'joint-embedding': 'paradigmJointEmbedding',
  reconstruction: 'paradigmReconstruction',
  supervised: 'paradigmSupervised',
  either: 'paradigmEither',
};

/** A paradigm as the panel names it (`Joint-embedding`); an unknown one as it is. */
export function paradigmLabel(paradigm: string): string {
  const key = PARADIGM_LABEL[paradigm];
  return key ? t(key) : paradigm;
}

/** Graph mode's methods as the panel names them. */
const METHOD_LABEL: Record<string, MessageKey> = {
  vicreg: 'methodVicreg',
  simclr: 'methodSimclr',
  barlow: 'methodBarlow',
  any: 'methodAny',
};

/** `VICReg, low invariance`, `SimCLR`, `Any method`. */
export function methodTitle(method: string, invariance: 'high' | 'low' | null): string {
  const key = METHOD_LABEL[method];
  const name = key ? t(key) : method;
  return invariance ? t(invariance === 'high' ? 'methodHighInvariance' : 'methodLowInvariance', name) : name;
}
