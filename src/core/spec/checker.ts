/**
 * The validator's generic checks, driven by the spec language's definition (definition.ts):
 * allowed keys with "did you mean", value kinds, bounds, enumerations, required and mutually
 * exclusive keys. The checks of each position (check*.ts, parseSpec.ts) call these with the
 * definition node of that position, so the messages, codes and ranges are the same
 * everywhere and the JSON Schema generated from the same nodes agrees with them.
 */
import { problem, type Problem, type ProblemFix } from '../problems/problems';
import { own, resolve } from './definition';
import type { BooleanDef, DefNode, EnumDef, ExclusiveGroup, NumberDef, ObjectDef, StringDef } from './definitionTypes';
import type { Span } from './model';
import { describeNode, type MapEntry, type MapNode, type SourceNode } from './sourceTree';

export type Num = { value: number; span: Span; raw: string };
export type Str = { value: string; span: Span };

/** Problems per list or matrix before the rest of it is skipped. */
export const MAX_ITEM_PROBLEMS = 10;

export function fmt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

export function spanOf(node: SourceNode, fallback: Span): Span {
  return node.span.end > node.span.start ? node.span : fallback;
}

export function extensionOf(p: string): string {
  const m = /(\.[^./\\]+)$/.exec(p);
  return m ? m[1].toLowerCase() : '';
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

/** A mapping's keys as a shape: `{count, variance, augmentation}`. */
export function shapeOf(def: ObjectDef): string {
  return `a mapping {${Object.keys(def.properties).join(', ')}}`;
}

// ---------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------

export class Checker {
  constructor(
    readonly text: string,
    readonly format: 'yaml' | 'json',
    readonly baseDir: string | undefined,
    readonly problems: Problem[],
  ) {}

  report(code: string, message: string, span: Span, fixes?: ProblemFix[], severity: Problem['severity'] = 'error'): void {
    this.problems.push(problem(code, severity, message, span.start, span.end, fixes));
  }

  /**
   * Checks the keys of `map` against the definition: unknown keys get a "did you mean" (with a
   * fix) or the list of allowed keys; keys the definition forbids here get `mode-conflict`.
   * Returns the allowed entries by name.
   */
  keys(map: MapNode, def: ObjectDef, where: string): Map<string, MapEntry> {
    const allowed = Object.keys(def.properties);
    const out = new Map<string, MapEntry>();
    for (const e of map.entries) {
      if (allowed.includes(e.key)) {
        out.set(e.key, e);
        continue;
      }
      const forbidden = own(def.forbidden, e.key);
      if (forbidden !== undefined) {
        this.report('mode-conflict', forbidden, e.keySpan);
        continue;
      }
      const s = suggest(e.key, allowed);
      const place = where === '' ? 'at the top level' : `in '${where}'`;
      if (s !== undefined) {
        const fix: ProblemFix = { title: `Replace with '${s}'`, edits: [{ start: e.keyTextSpan.start, end: e.keyTextSpan.end, newText: s }], preferred: true };
        this.report('unknown-key', `Unknown key '${e.key}' ${place}; did you mean '${s}'?`, e.keySpan, [fix]);
      } else {
        this.report(
          'unknown-key',
          `Unknown key '${e.key}' ${place}; allowed keys: ${allowed.length ? allowed.join(', ') : 'none (an empty mapping {})'}.`,
          e.keySpan,
        );
      }
    }
    return out;
  }

  wrongType(path: string, expected: string, node: SourceNode, keySpan: Span): void {
    this.report('wrong-type', `${path}: expected ${expected}, got ${describeNode(node)}.`, spanOf(node, keySpan));
  }

  asMap(entry: MapEntry, path: string, expected: string): MapNode | undefined {
    if (entry.value.kind === 'map') return entry.value;
    this.wrongType(path, expected, entry.value, entry.keySpan);
    return undefined;
  }

  missing(what: string, field: string, keySpan: Span, hint = ''): void {
    this.report('missing-field', `${what === '' ? 'Missing' : `${what}: missing`} required field '${field}'${hint}.`, keySpan);
  }

  /**
   * A mapping at `entry` as the definition says: its keys, its required keys (`missing-field`
   * or, for family parameters, `missing-parameter`, on the entry's key) and its minimum size.
   * `ok` is false when something required is missing; `k` holds the allowed entries. A
   * nullable mapping given as `null` is an empty one.
   */
  object(entry: MapEntry, def: ObjectDef, path: string): { map?: MapNode; k: Map<string, MapEntry>; ok: boolean } | undefined {
    const node = entry.value;
    if (def.nullable && node.kind === 'scalar' && node.value === null) return { k: new Map(), ok: true };
    const expected = def.expected ?? (def.parameters ? `a mapping ${def.parameters.shape}` : shapeOf(def));
    const map = this.asMap(entry, path, expected);
    if (!map) return undefined;
    const k = this.keys(map, def, path);
    let ok = true;
    for (const r of def.required ?? []) {
      if (k.has(r)) continue;
      if (def.parameters) this.report('missing-parameter', `${path}: missing parameter '${r}' (expected ${def.parameters.shape}).`, entry.keySpan);
      else this.missing(path, r, entry.keySpan, def.requiredHints?.[r] ?? '');
      ok = false;
    }
    if (def.minProperties !== undefined && map.entries.length < def.minProperties) {
      this.report('invalid-value', def.minPropertiesMessage ?? `${path}: give at least ${def.minProperties} key(s).`, spanOf(map, entry.keySpan));
      ok = false;
    }
    return { map, k, ok };
  }

  /**
   * The exclusive group of keys of mapping `map` (definition `def`, ExclusiveGroup): each
   * extra key present is `conflicting-keys` (document order); none present is `missing-field`
   * on `keySpan` when the group is required, unless a key unknown here (most likely the
   * misspelt one, already reported) is present. Returns the first key present.
   */
  exclusive(map: MapNode, def: ObjectDef, path: string, keySpan: Span, group: ExclusiveGroup = def.exclusive![0]): { entry?: MapEntry; ok: boolean } {
    const present = map.entries.filter((e) => group.keys.includes(e.key));
    if (present.length === 0) {
      if (!group.required) return { ok: true };
      if (map.entries.some((e) => own(def.properties, e.key) === undefined)) return { ok: false };
      if (group.missingMessage) this.report('missing-field', group.missingMessage.replace('{path}', path).replace('{keys}', group.keys.join(', ')), keySpan);
      else this.missing(path, group.keys[0], keySpan, group.missingHint ?? '');
      return { ok: false };
    }
    for (const extra of present.slice(1))
      this.report('conflicting-keys', `${path}: '${extra.key}' conflicts with '${present[0].key}': ${group.reason}.`, extra.keySpan);
    return { entry: present[0], ok: present.length === 1 };
  }

  // ---------------------------------------------------------------- scalars

  /** A number (any, including non-finite) or a wrong-type problem. */
  anyNumber(node: SourceNode, path: string, keySpan: Span, expected = 'a number'): Num | undefined {
    if (node.kind === 'scalar' && typeof node.value === 'number') return { value: node.value, span: node.span, raw: node.raw ?? fmt(node.value) };
    this.wrongType(path, expected, node, keySpan);
    return undefined;
  }

  /** A finite number; non-finite values are `invalid-value` naming the field. */
  finite(node: SourceNode, path: string, keySpan: Span, expected = 'a number'): Num | undefined {
    const n = this.anyNumber(node, path, keySpan, expected);
    if (!n) return undefined;
    if (!Number.isFinite(n.value)) {
      this.report('invalid-value', `${path}: expected a finite number, got ${n.raw}.`, n.span);
      return undefined;
    }
    return n;
  }

  outOfRange(path: string, rule: string, n: Num): void {
    this.report('out-of-range', `${path}: must be ${rule}, got ${n.raw}.`, n.span);
  }

  /**
   * A number as its definition says: finite; an integer for `integer`; within the bounds
   * (`negative-variance` / `negative-alpha` below zero for variances and alphas, else
   * `out-of-range` with the node's rule); `limit-exceeded` above a documented limit.
   */
  num(node: SourceNode, def: NumberDef, path: string, keySpan: Span): Num | undefined {
    const n = this.finite(node, path, keySpan, def.expected ?? (def.kind === 'integer' ? 'an integer' : 'a number'));
    if (!n) return undefined;
    const v = n.value;
    const rule = def.rule ?? boundsText(def);
    const below = (def.minimum !== undefined && v < def.minimum) || (def.exclusiveMinimum !== undefined && v <= def.exclusiveMinimum);
    const above = (def.maximum !== undefined && v > def.maximum) || (def.exclusiveMaximum !== undefined && v >= def.exclusiveMaximum);
    if (below && def.role === 'variance') {
      this.report('negative-variance', `${path}: a variance must be ≥ 0, got ${n.raw}.`, n.span);
      return undefined;
    }
    if (below && def.role === 'alpha') {
      this.report('negative-alpha', `${path} must be ≥ 0 (the alignment of the augmentation with the noise, docs/theory.md §3), got ${n.raw}.`, n.span);
      return undefined;
    }
    if ((def.kind === 'integer' && !Number.isInteger(v)) || below || above) {
      this.outOfRange(path, rule, n);
      return undefined;
    }
    if (def.limit && v > def.limit.maximum) {
      this.report('limit-exceeded', `${path}: ${n.raw} exceeds the limit of ${def.limit.maximum}${def.limit.what ? ` ${def.limit.what}` : ''}.`, n.span);
      return undefined;
    }
    return n;
  }

  string(entry: MapEntry, path: string, def?: StringDef): Str | undefined {
    const node = entry.value;
    if (node.kind === 'scalar' && typeof node.value === 'string') return { value: node.value, span: node.span };
    this.wrongType(path, def?.expected ?? 'a string', node, entry.keySpan);
    return undefined;
  }

  /** A relative file path: a non-empty string with one of the definition's extensions. */
  filePath(entry: MapEntry, def: StringDef, path: string): Str | undefined {
    const s = this.string(entry, path, def);
    if (!s || !def.file) return s;
    if (s.value.trim() === '') {
      this.report('invalid-value', `${path}: the file path is empty.`, spanOf(entry.value, entry.keySpan));
      return undefined;
    }
    // `C:/x.npy`, `C:x.npy`, `\\server\share\x.npy`, `\x.npy` name Windows locations; next to a
    // POSIX spec they would silently resolve against the process's working directory
    if (/^([a-zA-Z]:|\\)/.test(s.value) && this.baseDir !== undefined && this.baseDir.startsWith('/')) {
      this.report(
        'invalid-value',
        `${path}: '${s.value}' is a Windows path (a drive letter or a backslash root), which does not exist on this system; spec paths are relative to the spec's directory (docs/architecture.md §1), so write it with '/' and relative to the spec.`,
        s.span,
      );
      return undefined;
    }
    const ext = extensionOf(s.value);
    if (!def.file.extensions.includes(ext)) {
      this.report(
        'unsupported-file-type',
        `${path}: unsupported file type '${ext || '(none)'}' for ${def.file.what}; use ${def.file.extensions.join(', ')}.`,
        s.span,
      );
      return undefined;
    }
    return s;
  }

  bool(entry: MapEntry, def: BooleanDef, path: string): boolean | undefined {
    const node = entry.value;
    if (!(node.kind === 'scalar' && typeof node.value === 'boolean')) {
      this.wrongType(path, def.expected ?? 'a boolean (true or false)', node, entry.keySpan);
      return undefined;
    }
    if (def.const !== undefined && node.value !== def.const) {
      this.report('invalid-value', `${path}: must be ${def.rule ?? String(def.const)}, got ${String(node.value)}.`, node.span);
      return undefined;
    }
    return node.value;
  }

  enumValue(entry: MapEntry, def: EnumDef, path: string): string | undefined {
    const s = this.string(entry, path);
    if (!s) return undefined;
    if (def.values.includes(s.value)) return s.value;
    const sug = suggest(s.value, def.values);
    const quoted = this.text[s.span.start] === '"' || this.text[s.span.start] === "'";
    const inner = quoted ? { start: s.span.start + 1, end: s.span.end - 1 } : s.span;
    this.report(
      'invalid-enum',
      `${path}: '${s.value}' is not one of ${def.values.join(', ')}${sug ? `; did you mean '${sug}'?` : '.'}`,
      s.span,
      sug ? [{ title: `Replace with '${sug}'`, edits: [{ start: inner.start, end: inner.end, newText: sug }], preferred: true }] : undefined,
    );
    return undefined;
  }

  // ---------------------------------------------------------------- properties of a mapping

  /**
   * The number at key `key` of a checked mapping `k` (definition `def`): undefined when
   * absent, null when present and invalid (a problem was reported).
   */
  numAt(k: Map<string, MapEntry>, def: ObjectDef, key: string, path: string): Num | undefined | null {
    const e = k.get(key);
    if (!e) return undefined;
    return this.num(e.value, numberDef(def, key), path === '' ? key : `${path}.${key}`, e.keySpan) ?? null;
  }
}

/** The number definition of `def.properties[key]` (a programming error when it is not one). */
export function numberDef(def: ObjectDef, key: string): NumberDef {
  const n = def.properties[key] && resolve(def.properties[key]);
  if (!n || (n.kind !== 'number' && n.kind !== 'integer')) throw new Error(`definition: '${key}' is not a number`);
  return n;
}

/** The definition of `def.properties[key]`, of the expected kind. */
export function childDef<K extends DefNode['kind']>(def: ObjectDef, key: string, kind: K): Extract<DefNode, { kind: K }> {
  const n = def.properties[key] && resolve(def.properties[key]);
  if (!n || n.kind !== kind) throw new Error(`definition: '${key}' is not a ${kind}`);
  return n as Extract<DefNode, { kind: K }>;
}

function boundsText(def: NumberDef): string {
  const parts: string[] = [];
  if (def.minimum !== undefined) parts.push(`≥ ${def.minimum}`);
  if (def.exclusiveMinimum !== undefined) parts.push(`> ${def.exclusiveMinimum}`);
  if (def.maximum !== undefined) parts.push(`≤ ${def.maximum}`);
  if (def.exclusiveMaximum !== undefined) parts.push(`< ${def.exclusiveMaximum}`);
  return [def.kind === 'integer' ? 'an integer' : '', parts.join(' and ')].filter(Boolean).join(' ') || 'a number';
}
