/**
 * The dense step of the multifrontal Cholesky factorisation (cholesky.ts, docs/theory.md §7.10):
 * the partial factorisation of one frontal matrix
 *
 *     F = [F11 F21ᵀ; F21 F22]  →  L11 L11ᵀ = F11,  L21 = F21 L11^-ᵀ,  U = F22 − L21 L21ᵀ,
 *
 * F of order m with s pivot columns, row-major with row stride m, only its lower triangle
 * read and written. Small fronts run in scalar code as dot products of rows (the rows of L
 * are contiguous); large ones left-looking by panels of {@link PANEL} columns, where the
 * update of each panel by the columns before it and the final U = F22 − L21 L21ᵀ are products
 * of the dense kernels (numerics/dense/blas.ts: WebAssembly SIMD, shared with the kernel
 * helper thread when one runs), which carry almost all the multiply-adds.
 */
import { gemmTN, operand } from '../dense/blas';

/** Columns per panel of the blocked path. */
const PANEL = 64;
/** Fronts whose partial factorisation takes fewer multiply-adds than this run in scalar code. */
const BLOCKED_MIN_MACS = 1 << 21;

/** Multiply-adds of the partial factorisation of a front of order m with s pivots. */
export function frontMacs(m: number, s: number): number {
  // Σ over pivots k of (m − k)² / 2
  return (s * (3 * m * (m - s) + s * s)) / 6;
}

/**
 * Factors the first s columns of the front F (order m) in place: L11 and L21 overwrite F11
 * and F21, U overwrites F22. Returns −1, or the pivot (0-based) that was not positive.
 */
export function partialCholesky(F: Float64Array, m: number, s: number): number {
  return frontMacs(m, s) < BLOCKED_MIN_MACS ? scalarPartial(F, m, s) : blockedPartial(F, m, s);
}

/** Row i of L (columns < min(i + 1, s)) from the rows above it, then row i of U. */
function scalarPartial(F: Float64Array, m: number, s: number): number {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    const jmax = Math.min(i, s - 1);
    for (let j = 0; j <= jmax; j++) {
      const rj = j * m;
      let t = F[ri + j];
      for (let k = 0; k < j; k++) t -= F[ri + k] * F[rj + k];
      if (j === i) {
        if (!(t > 0)) return i;
        F[ri + i] = Math.sqrt(t);
      } else F[ri + j] = t / F[rj + j];
    }
    if (i < s) continue;
    for (let j = s; j <= i; j++) {
      const rj = j * m;
      let t = F[ri + j];
      for (let k = 0; k < s; k++) t -= F[ri + k] * F[rj + k];
      F[ri + j] = t;
    }
  }
  return -1;
}

/**
 * Left-looking by panels: each panel of columns [k0, k1) is updated by all columns before it
 * (one product), its diagonal block factored and the rows below solved against it (scalar);
 * then U = F22 − L21 L21ᵀ in one symmetric product.
 */
function blockedPartial(F: Float64Array, m: number, s: number): number {
  for (let k0 = 0; k0 < s; k0 += PANEL) {
    const k1 = Math.min(s, k0 + PANEL);
    if (k0 > 0) {
      // F[k0.., k0..k1) −= L[k0.., 0..k0) L[k0..k1, 0..k0)ᵀ (the block's upper triangle gets junk, never read)
      gemmTN(-1, operand(F, m, k0, 0, k0, m - k0, true), operand(F, m, k0, 0, k0, k1 - k0, true), F, k0 * m + k0, m, { accumulate: true });
    }
    for (let i = k0; i < m; i++) {
      const ri = i * m;
      const jmax = Math.min(i, k1 - 1);
      for (let j = k0; j <= jmax; j++) {
        const rj = j * m;
        let t = F[ri + j];
        for (let k = k0; k < j; k++) t -= F[ri + k] * F[rj + k];
        if (j === i) {
          if (!(t > 0)) return i;
          F[ri + i] = Math.sqrt(t);
        } else F[ri + j] = t / F[rj + j];
      }
    }
  }
  if (s < m) {
    const l21 = operand(F, m, s, 0, s, m - s, true);
    gemmTN(-1, l21, l21, F, s * m + s, m, { accumulate: true, mirror: false, transOut: true });
  }
  return -1;
}
