/**
 * `simulate` (docs/theory.md §6.1): the finite-n experiment's grid. Bounds and limits come
 * from the definition (definition.ts).
 */
import { Checker, childDef, spanOf } from './checker';
import { DEF, DEFAULT_REPEATS } from './definition';
import type { ArrayDef, NumberDef, UnionDef } from './definitionTypes';
import type { NGrid, SimulateSpec, SimulationMetric, Span } from './model';
import type { MapEntry } from './sourceTree';

const N_LIST = childDef(DEF.simulate, 'n', 'union').branches[0] as ArrayDef;
const ALPHA_LIST = (DEF.simulate.properties.alpha as UnionDef).branches[0] as ArrayDef;
const ALPHA_ONE = (DEF.simulate.properties.alpha as UnionDef).branches[1] as NumberDef;

/**
 * `simulate`; without its own alpha it takes the top-level one (rule 'simulate-alpha'):
 * `topAlpha` is that value, `topAlphaWritten` whether the key is there at all.
 */
export function simulate(c: Checker, entry: MapEntry, top: { alpha?: number; span?: Span; written: boolean }): SimulateSpec | undefined {
  const o = c.object(entry, DEF.simulate, 'simulate');
  if (!o?.map) return undefined;
  let ok = o.ok;
  const nE = o.k.get('n');
  const grid = nE ? nGrid(c, nE) : undefined;
  if (nE && !grid) ok = false;

  let alphas: { values: number[]; span: Span } | undefined;
  const aE = o.k.get('alpha');
  if (aE) {
    alphas = alphaList(c, aE);
    if (!alphas) ok = false;
  } else if (top.alpha !== undefined && top.span) {
    alphas = { values: [top.alpha], span: top.span };
  } else if (!top.written) {
    c.missing('simulate', 'alpha', entry.keySpan, " (a list of alphas, or a top-level 'alpha')");
    ok = false;
  }
  const repeats = c.numAt(o.k, DEF.simulate, 'repeats', 'simulate');
  const seed = c.numAt(o.k, DEF.simulate, 'seed', 'simulate');
  let metric = childDef(DEF.simulate, 'metric', 'enum').default as SimulationMetric;
  const mE = o.k.get('metric');
  if (mE) {
    const m = c.enumValue(mE, childDef(DEF.simulate, 'metric', 'enum'), 'simulate.metric');
    if (m) metric = m as SimulationMetric;
    else ok = false;
  }
  if (!ok || repeats === null || seed === null || !grid || !alphas) return undefined;
  return {
    n: grid,
    alpha: alphas.values,
    alphaSpan: alphas.span,
    repeats: repeats?.value ?? DEFAULT_REPEATS,
    seed: seed?.value ?? 0,
    metric,
    span: o.map.span,
  };
}

/** `simulate.alpha`: a list of alphas or one alpha. */
function alphaList(c: Checker, entry: MapEntry): { values: number[]; span: Span } | undefined {
  const node = entry.value;
  if (node.kind !== 'seq') {
    const n = c.num(node, ALPHA_ONE, 'simulate.alpha', entry.keySpan);
    return n ? { values: [n.value], span: n.span } : undefined;
  }
  if (node.items.length < (ALPHA_LIST.minItems ?? 0)) {
    c.report('invalid-value', 'simulate.alpha: the list is empty; give at least one alpha.', spanOf(node, entry.keySpan));
    return undefined;
  }
  if (node.items.length > ALPHA_LIST.maxItems!) {
    c.report('limit-exceeded', `simulate.alpha: ${node.items.length} values exceed the limit of ${ALPHA_LIST.maxItems}.`, node.span);
    return undefined;
  }
  const values: number[] = [];
  for (let i = 0; i < node.items.length; i++) {
    const n = c.num(node.items[i], ALPHA_LIST.items as NumberDef, `simulate.alpha[${i}]`, node.span);
    if (!n) return undefined;
    values.push(n.value);
  }
  return { values, span: node.span };
}

/** `n`: a list of positive integers, or {from, to, points} log-spaced (docs/architecture.md §1). */
function nGrid(c: Checker, entry: MapEntry): NGrid | undefined {
  const node = entry.value;
  if (node.kind === 'seq') {
    if (node.items.length < (N_LIST.minItems ?? 0)) {
      c.report('invalid-value', 'simulate.n: the list is empty; give at least one sample size.', spanOf(node, entry.keySpan));
      return undefined;
    }
    if (node.items.length > N_LIST.maxItems!) {
      c.report('limit-exceeded', `simulate.n: ${node.items.length} sample sizes exceed the limit of ${N_LIST.maxItems}.`, node.span);
      return undefined;
    }
    const values: number[] = [];
    for (let i = 0; i < node.items.length; i++) {
      const n = c.num(node.items[i], N_LIST.items as NumberDef, `simulate.n[${i}]`, node.span);
      if (!n) return undefined;
      values.push(n.value);
    }
    return { values: [...new Set(values)].sort((a, b) => a - b), span: node.span };
  }
  if (node.kind !== 'map') {
    c.wrongType('simulate.n', childDef(DEF.simulate, 'n', 'union').expected!, node, entry.keySpan);
    return undefined;
  }
  const o = c.object(entry, DEF.nRange, 'simulate.n');
  if (!o || !o.ok) return undefined;
  const [from, to, points] = (['from', 'to', 'points'] as const).map((key) => c.numAt(o.k, DEF.nRange, key, 'simulate.n'));
  if (!from || !to || !points) return undefined;
  if (to.value <= from.value) {
    c.outOfRange('simulate.n.to', `> from (${from.raw})`, to);
    return undefined;
  }
  return { values: logGrid(from.value, to.value, points.value), span: node.span };
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
