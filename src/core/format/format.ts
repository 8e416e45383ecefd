/** Number formatting shared by the CLI, diagnostics, CodeLens and hovers. */

/** `sig` significant figures, trailing zeros trimmed; ∞ spelled out for prose. */
export function formatNumber(x: number, sig = 3): string {
  if (Number.isNaN(x)) return 'undefined';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) {
    const [m, e] = x.toExponential(sig - 1).split('e');
    return `${trimZeros(m)}e${Number(e)}`;
  }
  return trimZeros(x.toPrecision(sig).includes('e') ? String(Number(x.toPrecision(sig))) : x.toPrecision(sig));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * The smallest number with `sig` significant figures that is >= x (rounding up), used
 * to propose an alpha "just above" a threshold.
 */
export function ceilSignificant(x: number, sig = 3): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const exp = Math.floor(Math.log10(x)) - (sig - 1);
  const unit = 10 ** exp;
  let v = Math.ceil(x / unit - 1e-9) * unit;
  if (v < x) v += unit;
  return Number(v.toPrecision(sig + 1));
}

/** The largest number with `sig` significant figures that is <= x (rounding down). */
export function floorSignificant(x: number, sig = 3): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const exp = Math.floor(Math.log10(x)) - (sig - 1);
  const unit = 10 ** exp;
  let v = Math.floor(x / unit + 1e-9) * unit;
  if (v > x) v -= unit;
  return Number(v.toPrecision(sig + 1));
}

/** Next value one unit of the `sig`-th significant figure above x. */
export function nextSignificant(x: number, sig = 3): number {
  const exp = Math.floor(Math.log10(x)) - (sig - 1);
  return Number((x + 10 ** exp).toPrecision(sig + 1));
}

/** JSON with non-finite numbers written as the strings "Infinity" / "-Infinity" (NaN as null). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? null : v > 0 ? 'Infinity' : '-Infinity';
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    indent,
  );
}
