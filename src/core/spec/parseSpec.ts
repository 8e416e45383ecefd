/**
 * Text -> typed spec model (model.ts) + problems. The language is docs/architecture.md §1; the
 * rules on values come from docs/theory.md §3 (variances >= 0, alpha >= 0, k >= 1) and §4.5.
 *
 * Every problem has a stable code (codes.ts), a severity and the exact range of the
 * offending key or value. `parseSpec` never throws and reads no files: spectrum files are
 * read by `resolveSpectra` (spectra.ts), data files by the data-mode pipeline.
 */
import { problem, type Problem, type ProblemFix } from '../problems/problems';
import {
  LIMITS,
  type AugmentationSpec,
  type BlockSpec,
  type DataSourceSpec,
  type DataSpec,
  type NGrid,
  type SimulateSpec,
  type SimulationMetric,
  type Span,
  type Spec,
  type SpectralSpec,
  type SpectrumSpec,
} from './model';
import { describeNode, parseSourceTree, type MapEntry, type MapNode, type SourceNode } from './sourceTree';

export interface ParseSpecOptions {
  /** Chooses JSON (`*.json`) or YAML (anything else). */
  fileName: string;
  /** Directory of the spec; relative file paths are resolved against it (no fs access here). */
  baseDir?: string;
}

export interface ParseSpecResult {
  /** Present only when there is no error-severity problem. */
  spec?: Spec;
  /** Sorted by start offset. */
  problems: Problem[];
  /** The mode the root keys select (`graph` → graph mode), also when the spec has errors. */
  mode?: Spec['mode'];
}

/**
 * The keys allowed at each position of the document. The JSON Schema
 * (schemas/sslexp.schema.json) must list exactly these; test/unit/schema.test.ts checks it.
 */
export const SPEC_KEYS = {
  root: ['sslexp', 'name', 'signal', 'noise', 'alpha', 'latent', 'simulate', 'regularize', 'data', 'augmentation'],
  block: ['count', 'variance', 'augmentation'],
  spectrum: ['flat', 'power_law', 'exponential', 'uniform', 'file', 'scale'],
  // `scale` may sit next to the family or inside its parameters (docs/architecture.md §1: "every family may carry scale")
  power_law: ['first', 'exponent', 'offset', 'scale'],
  exponential: ['first', 'rate', 'scale'],
  uniform: ['low', 'high', 'seed', 'scale'],
  simulate: ['n', 'alpha', 'repeats', 'seed', 'metric'],
  nRange: ['from', 'to', 'points'],
  data: ['file', 'X', 'Y', 'key', 'labels', 'center', 'pca', 'noise'],
  labels: ['column', 'file', 'key'],
  augmentation: ['additive', 'masking', 'covariance'],
  additive: ['alpha', 'theta', 'gamma'],
  masking: ['keep'],
} as const;

export const SPECTRUM_FAMILIES = ['flat', 'power_law', 'exponential', 'uniform', 'file'] as const;
export const SIMULATION_METRICS: readonly SimulationMetric[] = ['probe-gap', 'subspace-angle'];
/** Extensions of 1-D spectrum files (readVector in io/) and of data matrices (readMatrix). */
export const SPECTRUM_FILE_EXTENSIONS = ['.npy', '.csv', '.tsv', '.txt'];
export const DATA_FILE_EXTENSIONS = ['.npy', '.npz', '.csv', '.tsv', '.txt'];
/** simulate.repeats default (docs/architecture.md §1). */
export const DEFAULT_REPEATS = 5;

export function parseSpec(text: string, options: ParseSpecOptions): ParseSpecResult {
  let problems: Problem[];
  let spec: Spec | undefined;
  let mode: Spec['mode'] | undefined;
  try {
    const tree = parseSourceTree(text, options.fileName);
    problems = [...tree.problems];
    if (tree.root && !tree.fatal) {
      const v = new Validator(text, tree.format, options.baseDir, problems);
      spec = v.root(tree.root);
      if (tree.root.kind === 'map') {
        const keys = new Set(tree.root.entries.map((e) => e.key));
        mode = keys.has('graph') ? 'graph' : keys.has('data') ? 'data' : 'spectral';
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [problem('internal-error', 'error', `Internal error while reading the spec: ${message}`, 0, 0)] };
  }
  problems = dedupeAndSort(problems, text.length);
  const hasError = problems.some((p) => p.severity === 'error');
  return hasError || !spec ? { problems, ...(mode ? { mode } : {}) } : { spec, problems, mode: spec.mode };
}

function dedupeAndSort(problems: Problem[], length: number): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    // Ranges stay inside the text (the YAML library may point one past the end).
    p.start = Math.min(Math.max(0, p.start), length);
    p.end = Math.min(Math.max(p.start, p.end), length);
    const key = `${p.code}\u0000${p.start}\u0000${p.end}\u0000${p.message}`;
    if (seen.has(key)) continue; // an aliased subtree reports at its anchor once
    seen.add(key);
    out.push(p);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

// ---------------------------------------------------------------------------------------
// Suggestions ("did you mean")
// ---------------------------------------------------------------------------------------

/** Optimal-string-alignment Damerau–Levenshtein distance (adjacent transpositions count 1). */
export function damerauLevenshtein(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => {
    const row = new Array<number>(m + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[n][m];
}

/** The closest candidate: a case-insensitive match, else distance <= 2 (and shorter than both words). */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const ci = candidates.find((c) => c.toLowerCase() === lower || c.toLowerCase() === lower.replace(/-/g, '_') || c.toLowerCase() === lower.replace(/_/g, '-'));
  if (ci !== undefined) return ci;
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = damerauLevenshtein(lower, c.toLowerCase());
    if (dist <= 2 && dist < Math.min(word.length, c.length) && dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

type Num = { value: number; span: Span; raw: string };
const MAX_ITEM_PROBLEMS = 10;

function fmt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function spanOf(node: SourceNode, fallback: Span): Span {
  return node.span.end > node.span.start ? node.span : fallback;
}

/** Joins a spec-relative path to a base directory without touching the file system. */
export function joinPath(baseDir: string, p: string): string {
  if (/^([a-zA-Z]:[\\/]|[\\/])/.test(p)) return p;
  const sep = baseDir.includes('\\') && !baseDir.includes('/') ? '\\' : '/';
  const parts = (baseDir.replace(/[\\/]+$/, '') + sep + p).split(/[\\/]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.') continue;
    if (part === '..' && out.length > 1) out.pop();
    else out.push(part);
  }
  return out.join(sep) || sep;
}

function extensionOf(p: string): string {
  const m = /(\.[^./\\]+)$/.exec(p);
  return m ? m[1].toLowerCase() : '';
}

class Validator {
  constructor(
    private readonly text: string,
    private readonly format: 'yaml' | 'json',
    private readonly baseDir: string | undefined,
    private readonly problems: Problem[],
  ) {}

  private report(code: string, message: string, span: Span, fixes?: ProblemFix[], severity: Problem['severity'] = 'error'): void {
    this.problems.push(problem(code, severity, message, span.start, span.end, fixes));
  }

  /** Checks keys against `allowed`; returns the known entries by name. */
  private keys(map: MapNode, allowed: readonly string[], where: string): Map<string, MapEntry> {
    const out = new Map<string, MapEntry>();
    for (const e of map.entries) {
      if (allowed.includes(e.key)) {
        out.set(e.key, e);
        continue;
      }
      const s = suggest(e.key, allowed);
      const place = where === '' ? 'at the top level' : `in '${where}'`;
      if (s !== undefined) {
        const fix: ProblemFix = { title: `Replace with '${s}'`, edits: [{ start: e.keyTextSpan.start, end: e.keyTextSpan.end, newText: s }], preferred: true };
        this.report('unknown-key', `Unknown key '${e.key}' ${place}; did you mean '${s}'?`, e.keySpan, [fix]);
      } else {
        this.report('unknown-key', `Unknown key '${e.key}' ${place}; allowed keys: ${allowed.join(', ')}.`, e.keySpan);
      }
    }
    return out;
  }

  private wrongType(path: string, expected: string, node: SourceNode, keySpan: Span): void {
    this.report('wrong-type', `${path}: expected ${expected}, got ${describeNode(node)}.`, spanOf(node, keySpan));
  }

  private asMap(entry: MapEntry, path: string, expected: string): MapNode | undefined {
    if (entry.value.kind === 'map') return entry.value;
    this.wrongType(path, expected, entry.value, entry.keySpan);
    return undefined;
  }

  /** A number (any, including non-finite) or a wrong-type problem. */
  private anyNumber(node: SourceNode, path: string, keySpan: Span, expected = 'a number'): Num | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'number') return { value: node.value, span: node.span, raw: node.raw ?? fmt(node.value) };
    this.wrongType(path, expected, node, keySpan);
    return undefined;
  }

  /** A finite number; non-finite values are `invalid-value` naming the field. */
  private finite(node: SourceNode, path: string, keySpan: Span, expected = 'a number'): Num | undefined {
    const n = this.anyNumber(node, path, keySpan, expected);
    if (!n) return undefined;
    if (!Number.isFinite(n.value)) {
      this.report('invalid-value', `${path}: expected a finite number, got ${n.raw}.`, n.span);
      return undefined;
    }
    return n;
  }

  /** A variance: finite and >= 0 (docs/theory.md §3: covariances are PSD). */
  private variance(node: SourceNode, path: string, keySpan: Span): Num | undefined {
    const n = this.finite(node, path, keySpan);
    if (!n) return undefined;
    if (n.value < 0) {
      this.report('negative-variance', `${path}: a variance must be >= 0, got ${n.raw}.`, n.span);
      return undefined;
    }
    return n;
  }

  private outOfRange(path: string, rule: string, n: Num): void {
    this.report('out-of-range', `${path}: must be ${rule}, got ${n.raw}.`, n.span);
  }

  /** An integer in [min, max]; `limitMax` beyond which `limit-exceeded` is reported instead. */
  private integer(node: SourceNode, path: string, keySpan: Span, min: number, rule: string, limitMax?: number, limitWhat?: string): Num | undefined {
    const n = this.finite(node, path, keySpan, 'an integer');
    if (!n) return undefined;
    if (!Number.isInteger(n.value) || n.value < min) {
      this.outOfRange(path, rule, n);
      return undefined;
    }
    if (limitMax !== undefined && n.value > limitMax) {
      this.report('limit-exceeded', `${path}: ${n.raw} exceeds the limit of ${limitMax}${limitWhat ? ` ${limitWhat}` : ''}.`, n.span);
      return undefined;
    }
    return n;
  }

  private string(entry: MapEntry, path: string): { value: string; span: Span } | undefined {
    const node = entry.value;
    if (node.kind === 'scalar' && typeof node.value === 'string') return { value: node.value, span: node.span };
    this.wrongType(path, 'a string', node, entry.keySpan);
    return undefined;
  }

  private missing(what: string, field: string, keySpan: Span, hint = ''): void {
    this.report('missing-field', `${what === '' ? 'Missing' : `${what}: missing`} required field '${field}'${hint}.`, keySpan);
  }

  // ---------------------------------------------------------------- root

  root(root: SourceNode): Spec | undefined {
    if (root.kind !== 'map') {
      this.report('wrong-type', `The document must be a mapping of fields (sslexp, signal, noise, ...), got ${describeNode(root)}.`, root.span);
      return undefined;
    }
    const k = this.keys(root, SPEC_KEYS.root, '');
    const firstKey = root.entries.length ? root.entries[0].keySpan : { start: 0, end: 0 };
    let ok = true;

    // sslexp: required, = 1 (docs/architecture.md §1)
    const ver = k.get('sslexp');
    if (!ver) {
      this.report('missing-field', "Missing required field 'sslexp' (the format version; add `sslexp: 1`).", firstKey, [this.insertVersionFix(root)]);
      ok = false;
    } else {
      const n = this.anyNumber(ver.value, 'sslexp', ver.keySpan, 'the number 1');
      if (!n) ok = false;
      else if (n.value !== 1) {
        this.report('unsupported-version', `Unsupported format version ${n.raw}: this version of SSL Paradigm Advisor reads sslexp: 1.`, n.span);
        ok = false;
      }
    }

    let name: string | undefined;
    const nameE = k.get('name');
    if (nameE) {
      const s = this.string(nameE, 'name');
      if (s) name = s.value;
      else ok = false;
    }

    let alpha: number | undefined;
    let alphaSpan: Span | undefined;
    const alphaE = k.get('alpha');
    if (alphaE) {
      const n = this.alphaValue(alphaE.value, 'alpha', alphaE.keySpan);
      if (n) {
        alpha = n.value;
        alphaSpan = n.span;
      } else ok = false;
    }

    let regularize: number | undefined;
    const regE = k.get('regularize');
    if (regE) {
      const n = this.finite(regE.value, 'regularize', regE.keySpan);
      if (n && n.value > 0) regularize = n.value;
      else {
        if (n) this.outOfRange('regularize', '> 0 (eps in S + eps I, docs/theory.md §2.5)', n);
        ok = false;
      }
    }

    // mode: spectral (signal + noise) or data (docs/architecture.md §1)
    const dataE = k.get('data');
    const sigE = k.get('signal');
    const noiseE = k.get('noise');
    const augE = k.get('augmentation');
    let mode: 'spectral' | 'data' = 'spectral';
    if (dataE) {
      mode = 'data';
      for (const e of [sigE, noiseE]) {
        if (e) {
          this.report('mode-conflict', `'${e.key}' cannot be used together with 'data': a spec is either spectral (signal + noise) or data mode (data).`, e.keySpan);
          ok = false;
        }
      }
    } else {
      if (augE) {
        this.report('mode-conflict', "A top-level 'augmentation' belongs to data mode; in spectral mode put 'augmentation' inside 'signal' and 'noise'.", augE.keySpan);
        ok = false;
      }
      if (!sigE) {
        this.missing('', 'signal', firstKey, " (spectral mode needs 'signal' and 'noise'; data mode needs 'data')");
        ok = false;
      }
      if (!noiseE) {
        this.missing('', 'noise', firstKey, " (spectral mode needs 'signal' and 'noise'; data mode needs 'data')");
        ok = false;
      }
    }

    let signal: BlockSpec | undefined;
    let noise: BlockSpec | undefined;
    let data: DataSourceSpec | undefined;
    let augmentation: AugmentationSpec | undefined;
    if (mode === 'spectral') {
      if (sigE) signal = this.block(sigE, 'signal', 1);
      if (noiseE) noise = this.block(noiseE, 'noise', 0);
      if (!signal || !noise) ok = false;
    } else if (dataE) {
      data = this.data(dataE);
      if (!data) ok = false;
      if (augE) {
        augmentation = this.augmentation(augE, alpha, data);
        if (!augmentation) ok = false;
      }
    }

    // latent in [1, d] (docs/theory.md §4.5, last row)
    let latent: number | undefined;
    let latentSpan: Span | undefined;
    const latE = k.get('latent');
    if (latE) {
      const n = this.integer(latE.value, 'latent', latE.keySpan, 1, 'a positive integer (the latent dimension)');
      if (n) {
        const d = signal && noise && !signal.countFromFile && !noise.countFromFile ? signal.count + noise.count : undefined;
        if (d !== undefined && n.value > d) {
          this.outOfRange('latent', `between 1 and d = ${d}`, n);
          ok = false;
        } else {
          latent = n.value;
          latentSpan = n.span;
        }
      } else ok = false;
    }

    let simulate: SimulateSpec | undefined;
    const simE = k.get('simulate');
    if (simE) {
      simulate = this.simulate(simE, alpha, alphaSpan);
      if (!simulate) ok = false;
      else if (signal && noise && !signal.countFromFile && signal.count + noise.count > LIMITS.maxSimulationDimension) {
        this.report(
          'simulation-too-large',
          `simulate: d = ${signal.count + noise.count} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions; the finite-n simulation will not run (the closed-form analysis still does).`,
          simE.keySpan,
          undefined,
          'warning',
        );
      }
    }

    if (!ok) return undefined;
    const common = {
      sslexp: 1 as const,
      ...(name !== undefined ? { name } : {}),
      ...(alpha !== undefined ? { alpha, alphaSpan, alphaKeySpan: alphaE!.keySpan } : {}),
      ...(latent !== undefined ? { latent, latentSpan } : {}),
      ...(simulate ? { simulate } : {}),
      ...(regularize !== undefined ? { regularize } : {}),
      span: root.span,
    };
    if (mode === 'spectral') return { ...common, mode: 'spectral', signal: signal!, noise: noise! } satisfies SpectralSpec;
    return { ...common, mode: 'data', data: data!, ...(augmentation ? { augmentation } : {}) } satisfies DataSpec;
  }

  /** Quick fix for a missing `sslexp`: insert it as the first field of the root mapping. */
  private insertVersionFix(root: MapNode): ProblemFix {
    const title = "Insert 'sslexp: 1'";
    const first = root.entries[0];
    if (this.format === 'json' || root.flow) {
      const item = this.format === 'json' ? '"sslexp": 1' : 'sslexp: 1';
      const brace = root.span.start; // `{`
      if (!first) return { title, edits: [{ start: brace + 1, end: brace + 1, newText: item }], preferred: true };
      const ws = this.text.slice(brace + 1, first.keySpan.start);
      const sep = /^\s*$/.test(ws) && ws.length ? ws : ' ';
      return { title, edits: [{ start: first.keySpan.start, end: first.keySpan.start, newText: `${item},${sep}` }], preferred: true };
    }
    const at = root.span.start;
    const lineStart = this.text.lastIndexOf('\n', at - 1) + 1;
    const indent = ' '.repeat(Math.max(0, at - lineStart));
    return { title, edits: [{ start: at, end: at, newText: `sslexp: 1\n${indent}` }], preferred: true };
  }

  private alphaValue(node: SourceNode, path: string, keySpan: Span): Num | undefined {
    const n = this.finite(node, path, keySpan);
    if (!n) return undefined;
    if (n.value < 0) {
      this.report('negative-alpha', `${path}: alpha must be >= 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got ${n.raw}.`, n.span);
      return undefined;
    }
    return n;
  }

  // ---------------------------------------------------------------- blocks and spectra

  /** `signal` / `noise` / `data.noise`: {count, variance, augmentation}. */
  private block(entry: MapEntry, path: string, minCount: 0 | 1): BlockSpec | undefined {
    const map = this.asMap(entry, path, 'a mapping {count, variance, augmentation}');
    if (!map) return undefined;
    const k = this.keys(map, SPEC_KEYS.block, path);
    let ok = true;

    let count: { value: number; span: Span } | undefined;
    const countE = k.get('count');
    if (countE) {
      const rule = minCount === 1 ? 'a positive integer (at least one important component, docs/theory.md §3)' : 'a non-negative integer';
      const n = this.integer(countE.value, `${path}.count`, countE.keySpan, minCount, rule, LIMITS.maxComponentsPerBlock, 'components per block');
      if (n) count = n;
      else ok = false;
    }

    const varE = k.get('variance');
    let variance: SpectrumSpec | undefined;
    if (varE) {
      variance = this.spectrum(varE.value, `${path}.variance`, varE.keySpan);
      if (!variance) ok = false;
    } else if (!(minCount === 0 && count && count.value === 0)) {
      this.missing(path, 'variance', entry.keySpan);
      ok = false;
    }
    const augEntry = k.get('augmentation');
    let augmentation: SpectrumSpec | undefined;
    if (augEntry) {
      augmentation = this.spectrum(augEntry.value, `${path}.augmentation`, augEntry.keySpan);
      if (!augmentation) ok = false;
    }
    if (!ok) return undefined;

    // default lambda^Theta = 0 (docs/architecture.md §1); an omitted variance (count 0) is flat 0 too
    const zero = (span: Span): SpectrumSpec => ({ kind: 'flat', value: 0, span });
    const v = variance ?? zero(entry.keySpan);
    const a = augmentation ?? zero(entry.keySpan);

    // count vs explicit lists; count required unless a list or a file tells it
    const lists: [string, SpectrumSpec][] = [];
    if (v.kind === 'list') lists.push([`${path}.variance`, v]);
    if (a.kind === 'list') lists.push([`${path}.augmentation`, a]);
    let n: number;
    let countFromFile = false;
    if (count) {
      n = count.value;
      for (const [p, s] of lists) {
        const len = (s as { values: number[] }).values.length;
        if (len !== n) {
          this.report('count-mismatch', `${path}.count is ${n} but ${p} lists ${len} value${len === 1 ? '' : 's'}.`, count.span);
          ok = false;
        }
      }
    } else if (lists.length) {
      const [p0, s0] = lists[0];
      n = (s0 as { values: number[] }).values.length;
      if (lists.length === 2) {
        const len = (lists[1][1] as { values: number[] }).values.length;
        if (len !== n) {
          this.report('count-mismatch', `${lists[1][0]} lists ${len} value${len === 1 ? '' : 's'} but ${p0} lists ${n}.`, lists[1][1].span);
          ok = false;
        }
      }
      if (n < minCount) {
        this.report('out-of-range', `${p0}: needs at least ${minCount} value (at least one important component, docs/theory.md §3).`, s0.span);
        ok = false;
      }
      if (n > LIMITS.maxComponentsPerBlock) {
        this.report('limit-exceeded', `${p0}: ${n} components exceed the limit of ${LIMITS.maxComponentsPerBlock} components per block.`, s0.span);
        ok = false;
      }
    } else if (v.kind === 'file' || a.kind === 'file') {
      n = 0;
      countFromFile = true;
    } else {
      this.report('count-required', `${path}: 'count' is required (a ${v.kind} spectrum does not determine the number of components).`, entry.keySpan);
      return undefined;
    }
    if (!ok) return undefined;
    return {
      count: n,
      ...(count ? { countSpan: count.span } : {}),
      ...(countFromFile ? { countFromFile } : {}),
      keySpan: entry.keySpan,
      variance: v,
      augmentation: a,
      span: map.span,
    };
  }

  /** A `<spectrum>` (docs/architecture.md §1). */
  spectrum(node: SourceNode, path: string, keySpan: Span): SpectrumSpec | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'number') {
      const n = this.variance(node, path, keySpan);
      return n ? { kind: 'flat', value: n.value, span: node.span } : undefined;
    }
    if (node.kind === 'seq') {
      const values: number[] = [];
      let bad = 0;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i];
        if (bad >= MAX_ITEM_PROBLEMS) break;
        const n = this.variance(item, `${path}[${i}]`, node.span);
        if (n) values.push(n.value);
        else bad++;
      }
      return bad ? undefined : { kind: 'list', values, span: node.span };
    }
    if (node.kind !== 'map') {
      this.wrongType(path, 'a number, a list of numbers or a spectrum mapping such as {power_law: {first: 1, exponent: 1}}', node, keySpan);
      return undefined;
    }
    const k = this.keys(node, SPEC_KEYS.spectrum, path);
    const families = node.entries.filter((e) => (SPECTRUM_FAMILIES as readonly string[]).includes(e.key));
    if (families.length === 0) {
      // An unknown key here is most likely the family, misspelled: that problem suffices.
      if (node.entries.some((e) => !(SPEC_KEYS.spectrum as readonly string[]).includes(e.key))) return undefined;
      this.report('missing-field', `${path}: a spectrum mapping needs one family: ${SPECTRUM_FAMILIES.join(', ')}.`, keySpan);
      return undefined;
    }
    let ok = true;
    if (families.length > 1) {
      for (const extra of families.slice(1)) {
        this.report('conflicting-keys', `${path}: '${extra.key}' conflicts with '${families[0].key}': a spectrum has exactly one family.`, extra.keySpan);
      }
      ok = false;
    }
    let scale: number | undefined;
    const scaleE = k.get('scale');
    if (scaleE) {
      const n = this.finite(scaleE.value, `${path}.scale`, scaleE.keySpan);
      if (n && n.value > 0) scale = n.value;
      else {
        if (n) this.outOfRange(`${path}.scale`, '> 0', n);
        ok = false;
      }
    }
    const fam = families[0];
    const fpath = `${path}.${fam.key}`;
    // `scale` inside the parameters ({power_law: {first, exponent, scale}}) is accepted too
    if (fam.value.kind === 'map') {
      const inner = fam.value.entries.find((e) => e.key === 'scale');
      if (inner && (fam.key === 'power_law' || fam.key === 'exponential' || fam.key === 'uniform')) {
        if (scaleE) {
          this.report('conflicting-keys', `${fpath}: 'scale' is given twice (next to '${fam.key}' and inside it); keep one.`, inner.keySpan);
          ok = false;
        } else {
          const n = this.finite(inner.value, `${fpath}.scale`, inner.keySpan);
          if (n && n.value > 0) scale = n.value;
          else {
            if (n) this.outOfRange(`${fpath}.scale`, '> 0', n);
            ok = false;
          }
        }
      }
    }
    const withScale = <T extends object>(s: T): T => (scale !== undefined ? { ...s, scale } : s);
    let out: SpectrumSpec | undefined;
    switch (fam.key) {
      case 'flat': {
        const n = this.variance(fam.value, fpath, fam.keySpan);
        if (n) out = withScale({ kind: 'flat' as const, value: n.value, span: node.span });
        break;
      }
      case 'power_law': {
        // lambda_i = first * ((i + offset) / (1 + offset))^(-exponent)  (docs/architecture.md §1)
        const p = this.params(fam, fpath, SPEC_KEYS.power_law, ['first', 'exponent'], '{first, exponent, offset?}');
        if (!p) break;
        const first = this.variance(p.get('first')!.value, `${fpath}.first`, p.get('first')!.keySpan);
        const exponent = this.finite(p.get('exponent')!.value, `${fpath}.exponent`, p.get('exponent')!.keySpan);
        let offset: Num | undefined = { value: 0, span: fam.keySpan, raw: '0' };
        const offE = p.get('offset');
        if (offE) {
          offset = this.finite(offE.value, `${fpath}.offset`, offE.keySpan);
          if (offset && offset.value <= -1) {
            this.outOfRange(`${fpath}.offset`, '> -1 (so that i + offset > 0 for every i >= 1)', offset);
            offset = undefined;
          }
        }
        if (first && exponent && offset) out = withScale({ kind: 'power_law' as const, first: first.value, exponent: exponent.value, offset: offset.value, span: node.span });
        break;
      }
      case 'exponential': {
        // lambda_i = first * exp(-rate (i - 1))  (docs/architecture.md §1)
        const p = this.params(fam, fpath, SPEC_KEYS.exponential, ['first', 'rate'], '{first, rate}');
        if (!p) break;
        const first = this.variance(p.get('first')!.value, `${fpath}.first`, p.get('first')!.keySpan);
        let rate = this.finite(p.get('rate')!.value, `${fpath}.rate`, p.get('rate')!.keySpan);
        if (rate && rate.value < 0) {
          this.outOfRange(`${fpath}.rate`, '>= 0 (a decaying spectrum)', rate);
          rate = undefined;
        }
        if (first && rate) out = withScale({ kind: 'exponential' as const, first: first.value, rate: rate.value, span: node.span });
        break;
      }
      case 'uniform': {
        const p = this.params(fam, fpath, SPEC_KEYS.uniform, ['low', 'high', 'seed'], '{low, high, seed}');
        if (!p) break;
        const low = this.variance(p.get('low')!.value, `${fpath}.low`, p.get('low')!.keySpan);
        let high = this.finite(p.get('high')!.value, `${fpath}.high`, p.get('high')!.keySpan);
        if (high && high.value < 0) {
          this.outOfRange(`${fpath}.high`, '>= 0 (variances are non-negative)', high);
          high = undefined;
        } else if (high && low && low.value > high.value) {
          this.outOfRange(`${fpath}.high`, `>= low (${low.raw})`, high);
          high = undefined;
        }
        const seed = this.integer(p.get('seed')!.value, `${fpath}.seed`, p.get('seed')!.keySpan, 0, `a non-negative integer <= ${Number.MAX_SAFE_INTEGER}`);
        if (seed && seed.value > Number.MAX_SAFE_INTEGER) {
          this.outOfRange(`${fpath}.seed`, `a non-negative integer <= ${Number.MAX_SAFE_INTEGER}`, seed);
          break;
        }
        if (low && high && seed) out = withScale({ kind: 'uniform' as const, low: low.value, high: high.value, seed: seed.value, span: node.span });
        break;
      }
      case 'file': {
        const f = this.filePath(fam, fpath, SPECTRUM_FILE_EXTENSIONS, 'a 1-D array of eigenvalues');
        if (f) out = withScale({ kind: 'file' as const, path: f.value, span: node.span, pathSpan: f.span, ...(this.baseDir !== undefined ? { resolved: joinPath(this.baseDir, f.value) } : {}) });
        break;
      }
    }
    return ok ? out : undefined;
  }

  /** The parameter mapping of a family; required names missing -> `missing-parameter` on the family key. */
  private params(fam: MapEntry, path: string, allowed: readonly string[], required: readonly string[], shape: string): Map<string, MapEntry> | undefined {
    const map = this.asMap(fam, path, `a mapping ${shape}`);
    if (!map) return undefined;
    const k = this.keys(map, allowed, path);
    let ok = true;
    for (const r of required) {
      if (!k.has(r)) {
        this.report('missing-parameter', `${path}: missing parameter '${r}' (expected ${shape}).`, fam.keySpan);
        ok = false;
      }
    }
    return ok ? k : undefined;
  }

  private filePath(entry: MapEntry, path: string, exts: readonly string[], what: string): { value: string; span: Span } | undefined {
    const s = this.string(entry, path);
    if (!s) return undefined;
    if (s.value.trim() === '') {
      this.report('invalid-value', `${path}: the file path is empty.`, spanOf(entry.value, entry.keySpan));
      return undefined;
    }
    const ext = extensionOf(s.value);
    if (!exts.includes(ext)) {
      this.report('unsupported-file-type', `${path}: unsupported file type '${ext || '(none)'}' for ${what}; use ${exts.join(', ')}.`, s.span);
      return undefined;
    }
    return s;
  }

  // ---------------------------------------------------------------- simulate (docs/theory.md §6.1)

  private simulate(entry: MapEntry, topAlpha: number | undefined, topAlphaSpan: Span | undefined): SimulateSpec | undefined {
    const map = this.asMap(entry, 'simulate', 'a mapping {n, alpha, repeats, seed, metric}');
    if (!map) return undefined;
    const k = this.keys(map, SPEC_KEYS.simulate, 'simulate');
    let ok = true;

    let grid: NGrid | undefined;
    const nE = k.get('n');
    if (!nE) {
      this.missing('simulate', 'n', entry.keySpan, ' (a list of sample sizes or {from, to, points})');
      ok = false;
    } else {
      grid = this.nGrid(nE);
      if (!grid) ok = false;
    }

    let alphas: number[] | undefined;
    let alphaSpan: Span | undefined;
    const aE = k.get('alpha');
    if (aE) {
      const node = aE.value;
      if (node.kind === 'seq') {
        alphas = [];
        if (node.items.length === 0) {
          this.report('invalid-value', 'simulate.alpha: the list is empty; give at least one alpha.', spanOf(node, aE.keySpan));
          ok = false;
        } else if (node.items.length > LIMITS.maxSimulationPoints) {
          this.report('limit-exceeded', `simulate.alpha: ${node.items.length} values exceed the limit of ${LIMITS.maxSimulationPoints}.`, node.span);
          ok = false;
        }
        for (let i = 0; i < node.items.length && ok; i++) {
          const n = this.alphaValue(node.items[i], `simulate.alpha[${i}]`, node.span);
          if (n) alphas.push(n.value);
          else ok = false;
        }
        alphaSpan = node.span;
      } else {
        const n = this.alphaValue(node, 'simulate.alpha', aE.keySpan);
        if (n) {
          alphas = [n.value];
          alphaSpan = n.span;
        } else ok = false;
      }
    } else if (topAlpha !== undefined && topAlphaSpan) {
      alphas = [topAlpha];
      alphaSpan = topAlphaSpan;
    } else {
      this.missing('simulate', 'alpha', entry.keySpan, " (a list of alphas, or a top-level 'alpha')");
      ok = false;
    }

    let repeats = DEFAULT_REPEATS;
    const rE = k.get('repeats');
    if (rE) {
      const n = this.integer(rE.value, 'simulate.repeats', rE.keySpan, 1, 'a positive integer', LIMITS.maxSimulationRepeats);
      if (n) repeats = n.value;
      else ok = false;
    }
    let seed = 0;
    const sE = k.get('seed');
    if (sE) {
      const n = this.integer(sE.value, 'simulate.seed', sE.keySpan, 0, `a non-negative integer <= ${Number.MAX_SAFE_INTEGER}`);
      if (n && n.value <= Number.MAX_SAFE_INTEGER) seed = n.value;
      else {
        if (n) this.outOfRange('simulate.seed', `a non-negative integer <= ${Number.MAX_SAFE_INTEGER}`, n);
        ok = false;
      }
    }
    let metric: SimulationMetric = 'probe-gap';
    const mE = k.get('metric');
    if (mE) {
      const m = this.enumValue(mE, 'simulate.metric', SIMULATION_METRICS);
      if (m) metric = m as SimulationMetric;
      else ok = false;
    }
    if (!ok || !grid || !alphas || !alphaSpan) return undefined;
    return { n: grid, alpha: alphas, alphaSpan, repeats, seed, metric, span: map.span };
  }

  private enumValue(entry: MapEntry, path: string, allowed: readonly string[]): string | undefined {
    const s = this.string(entry, path);
    if (!s) return undefined;
    if (allowed.includes(s.value)) return s.value;
    const sug = suggest(s.value, allowed);
    const quoted = this.text[s.span.start] === '"' || this.text[s.span.start] === "'";
    const inner = quoted ? { start: s.span.start + 1, end: s.span.end - 1 } : s.span;
    this.report(
      'invalid-enum',
      `${path}: '${s.value}' is not one of ${allowed.join(', ')}${sug ? `; did you mean '${sug}'?` : '.'}`,
      s.span,
      sug ? [{ title: `Replace with '${sug}'`, edits: [{ start: inner.start, end: inner.end, newText: sug }], preferred: true }] : undefined,
    );
    return undefined;
  }

  /** `n`: a list of positive integers, or {from, to, points} log-spaced (docs/architecture.md §1). */
  private nGrid(entry: MapEntry): NGrid | undefined {
    const node = entry.value;
    const lim = LIMITS.maxSimulationN;
    if (node.kind === 'seq') {
      if (node.items.length === 0) {
        this.report('invalid-value', 'simulate.n: the list is empty; give at least one sample size.', spanOf(node, entry.keySpan));
        return undefined;
      }
      if (node.items.length > LIMITS.maxSimulationPoints) {
        this.report('limit-exceeded', `simulate.n: ${node.items.length} sample sizes exceed the limit of ${LIMITS.maxSimulationPoints}.`, node.span);
        return undefined;
      }
      const values: number[] = [];
      for (let i = 0; i < node.items.length; i++) {
        const n = this.integer(node.items[i], `simulate.n[${i}]`, node.span, 1, 'a positive integer', lim, 'samples');
        if (!n) return undefined;
        values.push(n.value);
      }
      return { values: [...new Set(values)].sort((a, b) => a - b), span: node.span };
    }
    if (node.kind !== 'map') {
      this.wrongType('simulate.n', 'a list of sample sizes or a mapping {from, to, points}', node, entry.keySpan);
      return undefined;
    }
    const p = this.params(entry, 'simulate.n', SPEC_KEYS.nRange, ['from', 'to', 'points'], '{from, to, points}');
    if (!p) return undefined;
    const from = this.integer(p.get('from')!.value, 'simulate.n.from', p.get('from')!.keySpan, 1, 'a positive integer', lim, 'samples');
    const to = this.integer(p.get('to')!.value, 'simulate.n.to', p.get('to')!.keySpan, 1, 'a positive integer', lim, 'samples');
    const points = this.integer(p.get('points')!.value, 'simulate.n.points', p.get('points')!.keySpan, 2, 'an integer >= 2', LIMITS.maxSimulationPoints, 'points');
    if (!from || !to || !points) return undefined;
    if (to.value <= from.value) {
      this.outOfRange('simulate.n.to', `> from (${from.raw})`, to);
      return undefined;
    }
    return { values: logGrid(from.value, to.value, points.value), span: node.span };
  }

  // ---------------------------------------------------------------- data mode (docs/architecture.md §1)

  private data(entry: MapEntry): DataSourceSpec | undefined {
    const map = this.asMap(entry, 'data', 'a mapping {file | X, labels, center, pca, noise}');
    if (!map) return undefined;
    const k = this.keys(map, SPEC_KEYS.data, 'data');
    let ok = true;
    const fileE = k.get('file');
    const xE = k.get('X');
    let file: { value: string; span: Span } | undefined;
    let X: number[][] | undefined;
    if (fileE && xE) {
      this.report('conflicting-keys', "data: 'X' conflicts with 'file': give the data either inline (X) or as a file.", xE.keySpan);
      ok = false;
    } else if (!fileE && !xE) {
      this.missing('data', 'file', entry.keySpan, " (or an inline matrix 'X')");
      ok = false;
    }
    if (fileE) {
      file = this.filePath(fileE, 'data.file', DATA_FILE_EXTENSIONS, 'a data matrix');
      if (!file) ok = false;
    }
    if (xE && !fileE) {
      X = this.matrix(xE, 'data.X', {});
      if (!X) ok = false;
    }
    let key: string | undefined;
    const keyE = k.get('key');
    if (keyE) {
      const s = this.string(keyE, 'data.key');
      if (!s) ok = false;
      else if (!file || extensionOf(file.value) !== '.npz') {
        this.report('invalid-value', "data.key: 'key' selects an array inside a .npz archive, but data.file is not a .npz file.", keyE.keySpan);
        ok = false;
      } else key = s.value;
    }
    let Y: number[][] | undefined;
    const yE = k.get('Y');
    if (yE) {
      Y = yE.value.kind === 'seq' && yE.value.items.length && yE.value.items[0].kind !== 'seq' ? this.vectorAsColumn(yE, 'data.Y') : this.matrix(yE, 'data.Y', {});
      if (!Y) ok = false;
      else if (X && Y.length !== X.length) {
        this.report('dimension-mismatch', `data.Y: has ${Y.length} rows but data.X has ${X.length} (one target row per sample).`, yE.value.span);
        ok = false;
      }
    }
    let labels: DataSourceSpec['labels'];
    const lE = k.get('labels');
    if (lE) {
      labels = this.labels(lE, X);
      if (!labels) ok = false;
    }
    // docs/theory.md §1: moments are uncentred unless the user's pipeline centres, as PCA does; so
    // `center` defaults to true only with `pca` (P1's pipeline) and to false otherwise.
    let center = k.has('pca');
    const cE = k.get('center');
    if (cE) {
      if (cE.value.kind === 'scalar' && typeof cE.value.value === 'boolean') center = cE.value.value;
      else {
        this.wrongType('data.center', 'a boolean (true or false)', cE.value, cE.keySpan);
        ok = false;
      }
    }
    const featureCols = X && X.length ? X[0].length - (labels && 'column' in labels ? 1 : 0) : undefined;
    let pca: number | undefined;
    const pE = k.get('pca');
    if (pE) {
      const n = this.integer(pE.value, 'data.pca', pE.keySpan, 1, 'a positive integer (the number of principal components kept)');
      if (!n) ok = false;
      else if (featureCols !== undefined && n.value > featureCols) {
        this.outOfRange('data.pca', `<= the number of feature columns of data.X (${featureCols})`, n);
        ok = false;
      } else pca = n.value;
    }
    let noise: DataSourceSpec['noise'];
    const nE = k.get('noise');
    if (nE) {
      const b = this.block(nE, 'data.noise', 0);
      if (!b) ok = false;
      else noise = { count: b.count, variance: b.variance, augmentation: b.augmentation, span: b.span };
    }
    if (!ok) return undefined;
    return {
      ...(file ? { file: file.value, fileSpan: file.span, ...(this.baseDir !== undefined ? { fileResolved: joinPath(this.baseDir, file.value) } : {}) } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(X ? { X } : {}),
      ...(Y ? { Y } : {}),
      ...(labels ? { labels } : {}),
      center,
      ...(pca !== undefined ? { pca } : {}),
      ...(noise ? { noise } : {}),
      span: map.span,
    };
  }

  private labels(entry: MapEntry, X: number[][] | undefined): DataSourceSpec['labels'] | undefined {
    const map = this.asMap(entry, 'data.labels', 'a mapping {column} or {file, key?}');
    if (!map) return undefined;
    const k = this.keys(map, SPEC_KEYS.labels, 'data.labels');
    const colE = k.get('column');
    const fileE = k.get('file');
    const keyE = k.get('key');
    if (colE && fileE) {
      this.report('conflicting-keys', "data.labels: 'file' conflicts with 'column': labels come either from a column of the data or from a file.", fileE.keySpan);
      return undefined;
    }
    if (colE) {
      if (keyE) {
        this.report('conflicting-keys', "data.labels: 'key' applies to a labels file, not to a column.", keyE.keySpan);
        return undefined;
      }
      const n = this.finite(colE.value, 'data.labels.column', colE.keySpan, 'an integer');
      if (!n) return undefined;
      if (!Number.isInteger(n.value)) {
        this.outOfRange('data.labels.column', 'an integer column index (negative counts from the end)', n);
        return undefined;
      }
      const cols = X && X.length ? X[0].length : undefined;
      if (cols !== undefined && (n.value >= cols || n.value < -cols)) {
        this.outOfRange('data.labels.column', `a column index in [${-cols}, ${cols - 1}] for data.X with ${cols} columns`, n);
        return undefined;
      }
      return { column: n.value };
    }
    if (fileE) {
      const f = this.filePath(fileE, 'data.labels.file', DATA_FILE_EXTENSIONS, 'labels');
      if (!f) return undefined;
      let key: string | undefined;
      if (keyE) {
        const s = this.string(keyE, 'data.labels.key');
        if (!s) return undefined;
        if (extensionOf(f.value) !== '.npz') {
          this.report('invalid-value', "data.labels.key: 'key' selects an array inside a .npz archive, but data.labels.file is not a .npz file.", keyE.keySpan);
          return undefined;
        }
        key = s.value;
      }
      return { file: f.value, ...(key !== undefined ? { key } : {}), span: map.span };
    }
    this.missing('data.labels', 'column', entry.keySpan, " (or 'file')");
    return undefined;
  }

  /** A 1-D list of numbers as an n×1 matrix (data.Y given as a vector). */
  private vectorAsColumn(entry: MapEntry, path: string): number[][] | undefined {
    const node = entry.value as Extract<SourceNode, { kind: 'seq' }>;
    const out: number[][] = [];
    for (let i = 0; i < node.items.length; i++) {
      const n = this.finite(node.items[i], `${path}[${i}]`, node.span);
      if (!n) return undefined;
      out.push([n.value]);
    }
    return out;
  }

  /** A numeric matrix (list of equal-length rows). */
  private matrix(entry: MapEntry, path: string, opts: { square?: boolean; covariance?: boolean }): number[][] | undefined {
    const node = entry.value;
    if (node.kind !== 'seq' || node.items.some((r) => r.kind !== 'seq')) {
      const bad = node.kind === 'seq' ? node.items.find((r) => r.kind !== 'seq')! : node;
      this.wrongType(node.kind === 'seq' ? `${path}[${node.items.indexOf(bad)}]` : path, node.kind === 'seq' ? 'a row (a list of numbers)' : 'a matrix (a list of rows)', bad, entry.keySpan);
      return undefined;
    }
    if (node.items.length === 0) {
      this.report('invalid-value', `${path}: the matrix is empty.`, spanOf(node, entry.keySpan));
      return undefined;
    }
    const rows = node.items as Extract<SourceNode, { kind: 'seq' }>[];
    const cols = rows[0].items.length;
    if (cols === 0) {
      this.report('invalid-value', `${path}: row 1 is empty.`, spanOf(rows[0], node.span));
      return undefined;
    }
    const out: number[][] = [];
    let bad = 0;
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].items.length !== cols) {
        this.report('ragged-matrix', `${path}: row ${i + 1} has ${rows[i].items.length} value${rows[i].items.length === 1 ? '' : 's'}, expected ${cols} (as in row 1).`, rows[i].span);
        return undefined;
      }
      const row: number[] = [];
      for (let j = 0; j < cols; j++) {
        const n = this.finite(rows[i].items[j], `${path}[${i}][${j}]`, rows[i].span);
        if (n) row.push(n.value);
        else if (++bad >= MAX_ITEM_PROBLEMS) return undefined;
      }
      out.push(row);
    }
    if (bad) return undefined;
    if (opts.square || opts.covariance) {
      if (rows.length !== cols) {
        this.report('dimension-mismatch', `${path}: must be a square matrix, got ${rows.length} × ${cols}.`, node.span);
        return undefined;
      }
    }
    if (opts.covariance) {
      for (let i = 0; i < cols; i++) {
        if (out[i][i] < 0) {
          this.report('negative-variance', `${path}[${i}][${i}]: a variance must be >= 0, got ${fmt(out[i][i])}.`, rows[i].items[i].span);
          return undefined;
        }
      }
      for (let i = 0; i < cols; i++) {
        for (let j = i + 1; j < cols; j++) {
          const a = out[i][j];
          const b = out[j][i];
          if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
            this.report('not-symmetric', `${path}: not symmetric: [${i}][${j}] = ${fmt(a)} but [${j}][${i}] = ${fmt(b)}.`, rows[j].items[i].span);
            return undefined;
          }
        }
      }
    }
    return out;
  }

  /** Top-level augmentation of data mode: exactly one of additive / masking / covariance. */
  private augmentation(entry: MapEntry, topAlpha: number | undefined, data: DataSourceSpec | undefined): AugmentationSpec | undefined {
    const map = this.asMap(entry, 'augmentation', 'a mapping with one of additive, masking, covariance');
    if (!map) return undefined;
    this.keys(map, SPEC_KEYS.augmentation, 'augmentation');
    const kinds = map.entries.filter((e) => (SPEC_KEYS.augmentation as readonly string[]).includes(e.key));
    if (kinds.length === 0) {
      this.missing('augmentation', 'additive', entry.keySpan, " (or 'masking' or 'covariance')");
      return undefined;
    }
    if (kinds.length > 1) {
      for (const extra of kinds.slice(1)) this.report('conflicting-keys', `augmentation: '${extra.key}' conflicts with '${kinds[0].key}': give exactly one augmentation.`, extra.keySpan);
      return undefined;
    }
    // d = (pca ?? feature columns of X) + noise count, when X is inline (decidable without files)
    let d: number | undefined;
    if (data?.X && data.X.length) {
      const feat = data.X[0].length - (data.labels && 'column' in data.labels ? 1 : 0);
      d = (data.pca ?? feat) + (data.noise?.count ?? 0);
    }
    const kind = kinds[0];
    switch (kind.key) {
      case 'masking': {
        const p = this.params(kind, 'augmentation.masking', SPEC_KEYS.masking, ['keep'], '{keep}');
        if (!p) return undefined;
        const keep = this.finite(p.get('keep')!.value, 'augmentation.masking.keep', p.get('keep')!.keySpan);
        if (!keep) return undefined;
        if (!(keep.value > 0 && keep.value <= 1)) {
          this.outOfRange('augmentation.masking.keep', 'in (0, 1] (the probability of keeping a coordinate)', keep);
          return undefined;
        }
        return { kind: 'masking', keep: keep.value, span: map.span };
      }
      case 'covariance': {
        const m = this.matrix(kind, 'augmentation.covariance', { covariance: true });
        if (!m) return undefined;
        if (d !== undefined && m.length !== d) {
          this.report('dimension-mismatch', `augmentation.covariance: is ${m.length} × ${m.length} but the data has d = ${d} dimensions.`, kind.value.span);
          return undefined;
        }
        return { kind: 'covariance', matrix: m, span: map.span };
      }
      default: {
        const node = kind.value;
        if (!(node.kind === 'map' || (node.kind === 'scalar' && node.value === null))) {
          this.wrongType('augmentation.additive', 'a mapping {alpha?, theta?, gamma?}', node, kind.keySpan);
          return undefined;
        }
        const k = node.kind === 'map' ? this.keys(node, SPEC_KEYS.additive, 'augmentation.additive') : new Map<string, MapEntry>();
        let ok = true;
        let alpha = topAlpha ?? 0;
        const aE = k.get('alpha');
        if (aE) {
          const n = this.alphaValue(aE.value, 'augmentation.additive.alpha', aE.keySpan);
          if (n) alpha = n.value;
          else ok = false;
        }
        const part = (name: 'theta' | 'gamma'): number[][] | SpectrumSpec | undefined | null => {
          const e = k.get(name);
          if (!e) return undefined;
          const v = e.value;
          const path = `augmentation.additive.${name}`;
          const r = v.kind === 'seq' && v.items.length > 0 && v.items[0].kind === 'seq' ? this.matrix(e, path, { covariance: true }) : this.spectrum(v, path, e.keySpan);
          return r ?? null;
        };
        const theta = part('theta');
        const gamma = part('gamma');
        if (theta === null || gamma === null) ok = false;
        const size = (x: number[][] | SpectrumSpec | undefined | null): number | undefined => (Array.isArray(x) ? x.length : x && x.kind === 'list' ? x.values.length : undefined);
        const st = size(theta);
        const sg = size(gamma);
        if (ok && st !== undefined && sg !== undefined && st !== sg) {
          this.report('dimension-mismatch', `augmentation.additive.gamma: has size ${sg} but theta has size ${st}.`, k.get('gamma')!.value.span);
          ok = false;
        }
        for (const [name, s] of [['theta', st], ['gamma', sg]] as const) {
          if (ok && s !== undefined && d !== undefined && s !== d) {
            this.report('dimension-mismatch', `augmentation.additive.${name}: has size ${s} but the data has d = ${d} dimensions.`, k.get(name)!.value.span);
            ok = false;
          }
        }
        if (!ok) return undefined;
        return { kind: 'additive', alpha, ...(theta ? { theta } : {}), ...(gamma ? { gamma } : {}), span: map.span };
      }
    }
  }
}

/**
 * `{from, to, points}`: `points` log-spaced values from `from` to `to`, rounded to integers
 * and deduplicated (docs/architecture.md §1); the end points are exact.
 */
export function logGrid(from: number, to: number, points: number): number[] {
  const out: number[] = [];
  const a = Math.log(from);
  const b = Math.log(to);
  for (let t = 0; t < points; t++) {
    const v = t === 0 ? from : t === points - 1 ? to : Math.round(Math.exp(a + ((b - a) * t) / (points - 1)));
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}
