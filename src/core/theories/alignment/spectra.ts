/**
 * Evaluation of `<spectrum>` values (docs/architecture.md §1) into per-component arrays, and of a
 * spectral spec into the four spectra of docs/theory.md §3 with the assumption-violation
 * warnings of docs/theory.md §4.5. Tight loops into Float64Array, no per-element allocation.
 */
import { problem, type Problem } from '../../problems/problems';
import type { ResolvedSpectra } from './types';
import { Rng } from '../../numerics/rng';
import { ArrayTooLargeError, DataFileError } from '../../io/npy';
import { readVector } from '../../io/readArray';
import { readReferencedFile, type SpecFileAccess } from '../../spec/referencedFiles';
import { LIMITS, type BlockSpec, type Span, type SpectralSpec, type SpectrumSpec } from '../../spec/model';

/** How spectrum files are read (the spec's directory and the host's reader). */
export type SpectrumContext = SpecFileAccess;

export interface SpectrumResult {
  values?: Float64Array;
  problems: Problem[];
}

/**
 * The values of `s` for `count` components. `count` may be undefined (or negative) for
 * `list` and `file` spectra, whose length then decides it.
 */
export function evaluateSpectrum(s: SpectrumSpec, count: number | undefined, ctx: SpectrumContext, label = 'spectrum'): SpectrumResult {
  try {
    return evaluateUnsafe(s, count !== undefined && count >= 0 ? count : undefined, ctx, label);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [problem('internal-error', 'error', `Internal error while evaluating ${label}: ${message}`, s.span.start, s.span.end)] };
  }
}

function evaluateUnsafe(s: SpectrumSpec, count: number | undefined, ctx: SpectrumContext, label: string): SpectrumResult {
  const err = (code: string, message: string, span: Span = s.span): SpectrumResult => ({ problems: [problem(code, 'error', message, span.start, span.end)] });
  if (s.kind === 'file') return evaluateFile(s, count, ctx, label);
  if (s.kind === 'list') {
    if (count !== undefined && s.values.length !== count)
      return err('count-mismatch', `${label} lists ${s.values.length} values but the block has ${count} components.`);
    const out = Float64Array.from(s.values);
    return finish(out, s.scale, s.span, label);
  }
  if (count === undefined) return err('count-required', `${label}: the number of components is not known (give 'count').`);
  if (!Number.isInteger(count) || count > LIMITS.maxComponentsPerBlock) {
    return err('limit-exceeded', `${label}: ${count} components exceed the limit of ${LIMITS.maxComponentsPerBlock} per block.`);
  }
  const out = new Float64Array(count);
  switch (s.kind) {
    case 'flat':
      out.fill(s.value);
      break;
    case 'power_law':
      powerLaw(out, s.first, s.exponent, s.offset);
      break;
    case 'exponential': {
      // lambda_i = first * exp(-rate (i - 1)), i = 1..count: exact every 32 components, a
      // ratio recurrence in between (relative error < 32 ulp, no drift over long spectra)
      const { first, rate } = s;
      const r = Math.exp(-rate);
      for (let i = 0; i < count; i++) out[i] = (i & 31) === 0 ? first * Math.exp(-rate * i) : out[i - 1] * r;
      break;
    }
    case 'uniform':
      // seeded, portable draws low + (high - low) u, u in [0, 1) (rng.ts)
      new Rng(s.seed).fillUniform(out, s.low, s.high);
      break;
  }
  return finish(out, s.scale, s.span, label);
}

/**
 * lambda_i = first * ((i + offset) / (1 + offset))^(-exponent), i = 1..n (docs/architecture.md §1).
 * Math.pow costs ~100 ns here, too slow for 10^6 components, so: exact pow every 16
 * components (and for i + offset < 1024); in between the ratio lambda_i / lambda_{i-1} =
 * (1 + h)^(-exponent), h = 1 / (x - 1) <= 1/1023, |exponent| <= 4, from 5- and 7-term
 * series of log1p and exp (truncation < 1e-16 relative). Relative error stays below ~1e-14.
 */
function powerLaw(out: Float64Array, first: number, exponent: number, offset: number): void {
  const n = out.length;
  const base = 1 + offset;
  const e = exponent;
  if (e === 0) {
    out.fill(first);
    return;
  }
  if (e === 1) {
    for (let i = 0; i < n; i++) out[i] = (first * base) / (i + 1 + offset);
    return;
  }
  if (e === 2) {
    for (let i = 0; i < n; i++) {
      const r = base / (i + 1 + offset);
      out[i] = first * r * r;
    }
    return;
  }
  const series = Math.abs(e) <= 4;
  for (let i = 0; i < n; i++) {
    const x = i + 1 + offset;
    if (!series || (i & 15) === 0 || x < 1024) {
      out[i] = first * Math.pow(x / base, -e);
      continue;
    }
    const h = 1 / (x - 1);
    const L = h * (1 - h * (0.5 - h * (1 / 3 - h * (0.25 - h * 0.2))));
    const y = -e * L;
    const r = 1 + y * (1 + y * (0.5 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y / 720)))));
    out[i] = out[i - 1] * r;
  }
}

/** Applies `scale` and rejects non-finite results (e.g. a negative exponent over many components). */
function finish(values: Float64Array, scale: number | undefined, span: Span, label: string, indexNote = ''): SpectrumResult {
  if (scale !== undefined && scale !== 1) for (let i = 0; i < values.length; i++) values[i] *= scale;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0) || v === Infinity) {
      const what = Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : String(v);
      const code = Number.isNaN(v) || v === Infinity ? 'invalid-value' : 'negative-variance';
      const msg =
        code === 'invalid-value'
          ? `${label}: component ${i + 1}${indexNote} is ${what}; every variance must be a finite number.`
          : `${label}: component ${i + 1}${indexNote} is ${what}; a variance must be ≥ 0.`;
      return { problems: [problem(code, 'error', msg, span.start, span.end)] };
    }
  }
  return { values, problems: [] };
}

function evaluateFile(s: Extract<SpectrumSpec, { kind: 'file' }>, count: number | undefined, ctx: SpectrumContext, label: string): SpectrumResult {
  const span = s.pathSpan;
  const err = (code: string, message: string): SpectrumResult => ({ problems: [problem(code, 'error', message, span.start, span.end)] });
  const read = readReferencedFile(s.path, s.resolved, ctx, span, `${label} cannot be evaluated`);
  if ('problem' in read) return { problems: [read.problem] };
  const bytes = read.bytes;
  let values: Float64Array;
  try {
    // the length is checked on the header, before any value is decoded (docs/architecture.md §6)
    values = readVector(bytes, s.path, undefined, { maxValues: LIMITS.maxComponentsPerBlock, what: 'components per block' }).data;
  } catch (e) {
    if (e instanceof ArrayTooLargeError) return err('limit-exceeded', `Cannot read '${s.path}': ${e.message}`);
    if (e instanceof DataFileError) return err('file-parse-error', `Cannot read '${s.path}': ${e.message}`);
    throw e;
  }
  if (count !== undefined && values.length !== count)
    return err('count-mismatch', `'${s.path}' has ${values.length} values but ${label} needs ${count} (the block's count).`);
  if (values.length > LIMITS.maxComponentsPerBlock)
    return err('limit-exceeded', `'${s.path}' has ${values.length} values, over the limit of ${LIMITS.maxComponentsPerBlock} components per block.`);
  // File values are checked before scaling so that the index names the file's entry.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v) || v === Infinity || v === -Infinity)
      return err(
        'invalid-value',
        `'${s.path}': the value at index ${i} (component ${i + 1}) is ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}; every variance must be a finite number.`,
      );
    if (v < 0) return err('negative-variance', `'${s.path}': the value at index ${i} (component ${i + 1}) is ${v}; a variance must be ≥ 0.`);
  }
  return finish(values, s.scale, span, label);
}

// ---------------------------------------------------------------------------------------
// Resolution of a spectral spec (docs/theory.md §3) and §4.5 warnings
// ---------------------------------------------------------------------------------------

export interface ResolveResult {
  spectra?: ResolvedSpectra;
  problems: Problem[];
}

function evaluateBlock(
  b: BlockSpec,
  name: 'signal' | 'noise',
  ctx: SpectrumContext,
  problems: Problem[],
): { variance?: Float64Array; augmentation?: Float64Array } {
  let count: number | undefined = b.countFromFile ? undefined : b.count;
  // With the count coming from a file, evaluate the file first; the other follows its length.
  const order: ('variance' | 'augmentation')[] = b.countFromFile && b.variance.kind !== 'file' ? ['augmentation', 'variance'] : ['variance', 'augmentation'];
  const out: { variance?: Float64Array; augmentation?: Float64Array } = {};
  for (const part of order) {
    const r = evaluateSpectrum(b[part], count, ctx, `${name}.${part}`);
    problems.push(...r.problems);
    if (!r.values) return {};
    out[part] = r.values;
    count = r.values.length;
    // an empty file is the one way to give a block no component without writing count (docs/architecture.md §6)
    if (count === 0 && name === 'signal') {
      const s = b[part];
      const at = s.kind === 'file' ? s.pathSpan : s.span;
      problems.push(
        problem(
          'invalid-value',
          'error',
          `${name}.${part}${s.kind === 'file' ? `: '${s.path}' holds no values` : ' is empty'}: the signal needs at least one important component (docs/theory.md §3).`,
          at.start,
          at.end,
        ),
      );
      return {};
    }
  }
  return out;
}

/** Up to 5 indices (1-based) where `pred` holds, and how many in total. */
function findIndices(n: number, pred: (i: number) => boolean): { first: number[]; total: number } {
  const first: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (pred(i)) {
      if (first.length < 5) first.push(i + 1);
      total++;
    }
  }
  return { first, total };
}

function listIndices(what: string, f: { first: number[]; total: number }): string {
  const more = f.total - f.first.length;
  return f.total === 1 ? `${what} ${f.first[0]} has` : `${what}s ${f.first.join(', ')}${more ? ` (and ${more} more)` : ''} have`;
}

/**
 * The four spectra c, lambda^Theta (important), lambda^Gamma, lambda^Theta (noise) of
 * docs/theory.md §3, plus the §4.5 warnings: zero signal variance (threshold +inf), zero noise
 * variance (excluded from the max) and singular noise components (Gamma = Theta = 0).
 */
export function resolveSpectra(spec: SpectralSpec, ctx: SpectrumContext): ResolveResult {
  const problems: Problem[] = [];
  try {
    const sig = evaluateBlock(spec.signal, 'signal', ctx, problems);
    const noi = evaluateBlock(spec.noise, 'noise', ctx, problems);
    if (!sig.variance || !sig.augmentation || !noi.variance || !noi.augmentation || problems.some((p) => p.severity === 'error')) return { problems };
    const c = sig.variance;
    const gamma = noi.variance;
    const thetaNoise = noi.augmentation;
    const sv = spec.signal.variance.span;
    const nv = spec.noise.variance.span;

    const zc = findIndices(c.length, (i) => c[i] === 0);
    if (zc.total) {
      problems.push(
        problem(
          'zero-signal-variance',
          'warning',
          `${listIndices('Component', zc)} zero signal variance; the thresholds are infinite (never recovered) (docs/theory.md §4.5).`,
          sv.start,
          sv.end,
        ),
      );
    }
    const zg = findIndices(gamma.length, (j) => gamma[j] === 0 && thetaNoise[j] > 0);
    if (zg.total) {
      problems.push(
        problem(
          'zero-noise-variance',
          'warning',
          `${listIndices('Noise component', zg)} zero noise variance (lambda^Gamma = 0); excluded from the max in the thresholds (docs/theory.md §4.5).`,
          nv.start,
          nv.end,
        ),
      );
    }
    const zs = findIndices(gamma.length, (j) => gamma[j] === 0 && thetaNoise[j] === 0);
    if (zs.total) {
      problems.push(
        problem(
          'singular-noise-component',
          'warning',
          `${listIndices('Noise component', zs)} zero noise and zero augmentation variance; the corrupted second moment S is singular there (docs/theory.md §4.5).`,
          nv.start,
          nv.end,
        ),
      );
    }
    return { spectra: { c, thetaImportant: sig.augmentation, gamma, thetaNoise }, problems };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    problems.push(problem('internal-error', 'error', `Internal error while evaluating the spectra: ${message}`, 0, 0));
    return { problems };
  }
}
