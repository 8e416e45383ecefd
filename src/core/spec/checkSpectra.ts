/**
 * Blocks (`signal`, `noise`, `data.noise`) and `<spectrum>` values (docs/architecture.md §1):
 * the structural checks come from the definition (definition.ts); the count against the
 * lists' lengths and `high >= low` are checked here.
 */
import { Checker, MAX_ITEM_PROBLEMS, childDef, joinPath, numberDef, type Num } from './checker';
import { DEF, DEFINITIONS, FAMILIES_WITH_INNER_SCALE } from './definition';
import type { ArrayDef, NumberDef, ObjectDef, UnionDef } from './definitionTypes';
import type { BlockSpec, Span, SpectrumSpec } from './model';
import type { MapEntry, MapNode, SeqNode, SourceNode } from './sourceTree';

const SPECTRUM = DEFINITIONS.spectrum as UnionDef;
const FLAT_VALUE = SPECTRUM.branches[0] as NumberDef;
const LIST_ITEM = (SPECTRUM.branches[1] as ArrayDef).items as NumberDef;

/** `signal` / `noise` / `data.noise`: {count, variance, augmentation} (definition `def`). */
export function block(c: Checker, entry: MapEntry, def: ObjectDef, path: string): BlockSpec | undefined {
  const o = c.object(entry, def, path);
  if (!o) return undefined;
  let ok = o.ok;
  const count = c.numAt(o.k, def, 'count', path);
  if (count === null) ok = false;
  const spectrumAt = (key: 'variance' | 'augmentation'): SpectrumSpec | undefined | null => {
    const e = o.k.get(key);
    return e ? (spectrum(c, e.value, `${path}.${key}`, e.keySpan) ?? null) : undefined;
  };
  const variance = spectrumAt('variance');
  // rule 'variance-unless-empty': a block of count 0 needs no variance (signal requires it: `required`)
  if (variance === undefined && !def.required?.includes('variance') && !(count && count.value === 0)) {
    c.missing(path, 'variance', entry.keySpan);
    ok = false;
  }
  const augmentation = spectrumAt('augmentation');
  if (!ok || variance === null || augmentation === null) return undefined;

  // default lambda^Theta = 0 (docs/architecture.md §1); an omitted variance (count 0) is flat 0 too
  const zero = (span: Span): SpectrumSpec => ({ kind: 'flat', value: 0, span });
  const v = variance ?? zero(entry.keySpan);
  const a = augmentation ?? zero(entry.keySpan);
  const n = componentCount(c, entry, path, numberDef(def, 'count').minimum ?? 0, count ?? undefined, v, a);
  if (!n) return undefined;
  return {
    count: n.count,
    ...(count ? { countSpan: count.span } : {}),
    ...(n.fromFile ? { countFromFile: true } : {}),
    keySpan: entry.keySpan,
    variance: v,
    augmentation: a,
    span: (o.map as MapNode).span,
  };
}

/** count vs explicit lists; count is required unless a list or a file tells it (rule 'count-or-list'). */
function componentCount(
  c: Checker,
  entry: MapEntry,
  path: string,
  minCount: number,
  count: Num | undefined,
  v: SpectrumSpec,
  a: SpectrumSpec,
): { count: number; fromFile: boolean } | undefined {
  const lists: [string, Extract<SpectrumSpec, { kind: 'list' }>][] = [];
  if (v.kind === 'list') lists.push([`${path}.variance`, v]);
  if (a.kind === 'list') lists.push([`${path}.augmentation`, a]);
  const values = (len: number) => `value${len === 1 ? '' : 's'}`;
  let ok = true;
  if (count) {
    for (const [p, s] of lists) {
      if (s.values.length === count.value) continue;
      c.report('count-mismatch', `${path}.count is ${count.value} but ${p} lists ${s.values.length} ${values(s.values.length)}.`, count.span);
      ok = false;
    }
    return ok ? { count: count.value, fromFile: false } : undefined;
  }
  if (lists.length) {
    const [p0, s0] = lists[0];
    const n = s0.values.length;
    if (lists.length === 2 && lists[1][1].values.length !== n) {
      const len = lists[1][1].values.length;
      c.report('count-mismatch', `${lists[1][0]} lists ${len} ${values(len)} but ${p0} lists ${n}.`, lists[1][1].span);
      ok = false;
    }
    if (n < minCount) {
      c.report('out-of-range', `${p0}: needs at least ${minCount} value (at least one important component, docs/theory.md §3).`, s0.span);
      ok = false;
    }
    const limit = numberDef(DEF.signal, 'count').limit!.maximum;
    if (n > limit) {
      c.report('limit-exceeded', `${p0}: ${n} components exceed the limit of ${limit} components per block.`, s0.span);
      ok = false;
    }
    return ok ? { count: n, fromFile: false } : undefined;
  }
  if (v.kind === 'file' || a.kind === 'file') return { count: 0, fromFile: true };
  c.report('count-required', `${path}: 'count' is required (a ${v.kind} spectrum does not determine the number of components).`, entry.keySpan);
  return undefined;
}

/** A `<spectrum>` (docs/architecture.md §1): a number, a list or a family mapping. */
export function spectrum(c: Checker, node: SourceNode, path: string, keySpan: Span): SpectrumSpec | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    const n = c.num(node, FLAT_VALUE, path, keySpan);
    return n ? { kind: 'flat', value: n.value, span: node.span } : undefined;
  }
  if (node.kind === 'seq') return list(c, node, path);
  if (node.kind !== 'map') {
    c.wrongType(path, SPECTRUM.expected!, node, keySpan);
    return undefined;
  }
  const k = c.keys(node, DEF.spectrumMapping, path);
  const { entry: fam, ok } = c.exclusive(node, DEF.spectrumMapping, path, keySpan);
  if (!fam) return undefined;
  const scale = spectrumScale(c, k, fam, path);
  const out = FAMILIES[fam.key as keyof typeof FAMILIES](c, fam, `${path}.${fam.key}`, node.span);
  if (!ok || scale === null || !out) return undefined;
  return scale !== undefined ? { ...out, scale: scale.value } : out;
}

function list(c: Checker, node: SeqNode, path: string): SpectrumSpec | undefined {
  const values: number[] = [];
  let bad = 0;
  for (let i = 0; i < node.items.length && bad < MAX_ITEM_PROBLEMS; i++) {
    const n = c.num(node.items[i], LIST_ITEM, `${path}[${i}]`, node.span);
    if (n) values.push(n.value);
    else bad++;
  }
  return bad ? undefined : { kind: 'list', values, span: node.span };
}

/** `scale` next to the family or inside its parameters (rule 'scale-once'). */
function spectrumScale(c: Checker, k: Map<string, MapEntry>, fam: MapEntry, path: string): Num | undefined | null {
  const outer = c.numAt(k, DEF.spectrumMapping, 'scale', path);
  const inner =
    fam.value.kind === 'map' && (FAMILIES_WITH_INNER_SCALE as readonly string[]).includes(fam.key)
      ? fam.value.entries.find((e) => e.key === 'scale')
      : undefined;
  if (!inner) return outer;
  const fpath = `${path}.${fam.key}`;
  if (k.has('scale')) {
    c.report('conflicting-keys', `${fpath}: 'scale' is given twice (next to '${fam.key}' and inside it); keep one.`, inner.keySpan);
    return null;
  }
  return c.num(inner.value, numberDef(DEF.spectrumMapping, 'scale'), `${fpath}.scale`, inner.keySpan) ?? null;
}

type Family = (c: Checker, fam: MapEntry, path: string, span: Span) => SpectrumSpec | undefined;

/** The parameters of a family; undefined when a required one is missing or the shape is wrong. */
function params(c: Checker, fam: MapEntry, def: ObjectDef, path: string): ((key: string) => Num | undefined | null) | undefined {
  const o = c.object(fam, def, path);
  if (!o || !o.ok) return undefined;
  return (key) => c.numAt(o.k, def, key, path);
}

const FAMILIES: Record<'flat' | 'power_law' | 'exponential' | 'uniform' | 'file', Family> = {
  flat(c, fam, path, span) {
    const n = c.num(fam.value, numberDef(DEF.spectrumMapping, 'flat'), path, fam.keySpan);
    return n ? { kind: 'flat', value: n.value, span } : undefined;
  },
  // lambda_i = first * ((i + offset) / (1 + offset))^(-exponent)  (docs/architecture.md §1)
  power_law(c, fam, path, span) {
    const p = params(c, fam, DEF.powerLaw, path);
    if (!p) return undefined;
    const [first, exponent, offset] = [p('first'), p('exponent'), p('offset')];
    if (!first || !exponent || offset === null) return undefined;
    return { kind: 'power_law', first: first.value, exponent: exponent.value, offset: offset?.value ?? 0, span };
  },
  // lambda_i = first * exp(-rate (i - 1))  (docs/architecture.md §1)
  exponential(c, fam, path, span) {
    const p = params(c, fam, DEF.exponential, path);
    if (!p) return undefined;
    const [first, rate] = [p('first'), p('rate')];
    return first && rate ? { kind: 'exponential', first: first.value, rate: rate.value, span } : undefined;
  },
  uniform(c, fam, path, span) {
    const p = params(c, fam, DEF.uniform, path);
    if (!p) return undefined;
    const [low, high, seed] = [p('low'), p('high'), p('seed')];
    if (high && low && low.value > high.value) {
      c.outOfRange(`${path}.high`, `≥ low (${low.raw})`, high);
      return undefined;
    }
    return low && high && seed ? { kind: 'uniform', low: low.value, high: high.value, seed: seed.value, span } : undefined;
  },
  file(c, fam, path, span) {
    const f = c.filePath(fam, childDef(DEF.spectrumMapping, 'file', 'string'), path);
    if (!f) return undefined;
    return { kind: 'file', path: f.value, span, pathSpan: f.span, ...(c.baseDir !== undefined ? { resolved: joinPath(c.baseDir, f.value) } : {}) };
  },
};
