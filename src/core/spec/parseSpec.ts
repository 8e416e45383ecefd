/**
 * Text -> typed spec model (model.ts) + problems. The language is defined once in
 * definition.ts (docs/architecture.md §1; the rules on values come from docs/theory.md §3 —
 * variances >= 0, alpha >= 0, k >= 1 — and §4.5); the checks of each position live in
 * check*.ts and the generic ones in checker.ts.
 *
 * Every problem has a stable code (codes.ts), a severity and the exact range of the
 * offending key or value. `parseSpec` never throws and reads no files: spectrum files are
 * read by `resolveSpectra` (spectra.ts), data files by the analyses.
 */
import { problem, type Problem, type ProblemFix } from '../problems/problems';
import { Checker, numberDef } from './checker';
import { augmentation as checkAugmentation, dataSource } from './checkData';
import { graphMode } from './checkGraph';
import { simulate as checkSimulate } from './checkSimulate';
import { block } from './checkSpectra';
import { DEF, SPEC, modeDef, modeOfKeys } from './definition';
import type { SpecMode } from './definitionTypes';
import { LIMITS, type AugmentationSpec, type BlockSpec, type DataSourceSpec, type SimulateSpec, type Span, type Spec } from './model';
import { sectionOfKeys, type RegisteredSection } from './extensions';
import { describeNode, parseSourceTree, type MapEntry, type MapNode, type SourceNode } from './sourceTree';

export { damerauLevenshtein, joinPath, suggest } from './checker';
export { logGrid } from './checkSimulate';
export { DATA_FILE_EXTENSIONS, DEFAULT_REPEATS, SIMULATION_METRICS, SPECTRUM_FAMILIES, SPECTRUM_FILE_EXTENSIONS, SPEC_KEYS } from './definition';
export { lookupSpecNode, type SpecNodeInfo } from './lookup';

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
  /** With mode `extension`: the registered theory its root key selects. */
  theory?: string;
  /**
   * When the only errors are a negative top-level `alpha` (`negative-alpha`): the rest of the
   * spec, without `alpha`, so that the theory can attach quick fixes to that error (engine
   * `repair`). Never analysed.
   */
  repairable?: Spec;
}

export function parseSpec(text: string, options: ParseSpecOptions): ParseSpecResult {
  let problems: Problem[];
  let spec: Spec | undefined;
  let mode: Spec['mode'] | undefined;
  let section: RegisteredSection | undefined;
  let alphaStart: number | undefined;
  try {
    const tree = parseSourceTree(text, options.fileName);
    problems = [...tree.problems];
    if (tree.root && !tree.fatal) {
      const c = new Checker(text, tree.format, options.baseDir, problems);
      section = tree.root.kind === 'map' ? sectionOfKeys(tree.root.entries.map((e) => e.key)) : undefined;
      spec = section ? extensionRoot(c, tree.root as MapNode, section) : validateRoot(c, tree.root);
      if (section) mode = 'extension';
      else if (tree.root.kind === 'map') {
        mode = modeOfKeys(new Set(tree.root.entries.map((e) => e.key)));
        alphaStart = tree.root.entries.find((e) => e.key === 'alpha')?.value.span.start;
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problems: [problem('internal-error', 'error', `Internal error while reading the spec: ${message}`, 0, 0)] };
  }
  problems = dedupeAndSort(problems, text.length);
  const errors = problems.filter((p) => p.severity === 'error');
  const theory = section ? { theory: section.theory } : {};
  // the only errors are a negative top-level α: the rest of the spec, for the theory's quick fixes
  if (spec && errors.length && errors.every((p) => p.code === 'negative-alpha' && p.start === alphaStart))
    return { problems, mode: spec.mode, repairable: spec };
  return errors.length || !spec ? { problems, ...(mode ? { mode } : {}), ...theory } : { spec, problems, mode: spec.mode, ...theory };
}

/** The root of a registered theory's spec: `sslexp`, `name` and its own key (spec/extensions.ts). */
function extensionRoot(c: Checker, node: MapNode, section: RegisteredSection): Spec | undefined {
  const k = new Map<string, MapEntry>();
  for (const e of node.entries) {
    if (e.key === 'sslexp' || e.key === 'name' || e.key === section.key) k.set(e.key, e);
    else c.report('unknown-key', `Unknown key '${e.key}' at the top level; allowed keys: sslexp, name, ${section.key}.`, e.keySpan);
  }
  const root: Root = { c, map: node, k, mode: 'spectral', firstKey: node.entries.length ? node.entries[0].keySpan : { start: 0, end: 0 } };
  const head = header(root);
  const before = c.problems.length;
  const value = section.parse(k.get(section.key)!.value, (code, message, span, severity) => c.report(code, message, span, undefined, severity));
  const failed = c.problems.slice(before).some((p) => p.severity === 'error');
  if (!head.ok || failed || value === undefined || k.size !== node.entries.length) return undefined;
  return {
    sslexp: 1,
    ...(head.name !== undefined ? { name: head.name } : {}),
    span: node.span,
    mode: 'extension',
    theory: section.theory,
    key: section.key,
    value,
  };
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
// The root mapping
// ---------------------------------------------------------------------------------------

/** The checked root: its allowed entries and the mode its keys select. */
interface Root {
  c: Checker;
  map: MapNode;
  k: Map<string, MapEntry>;
  mode: SpecMode;
  firstKey: Span;
}

type Alpha = { ok: boolean; alpha?: number; alphaSpan?: Span; alphaKeySpan?: Span };
type Body = { ok: boolean; signal?: BlockSpec; noise?: BlockSpec; data?: DataSourceSpec; augmentation?: AugmentationSpec };

function validateRoot(c: Checker, node: SourceNode): Spec | undefined {
  if (node.kind !== 'map') {
    c.report('wrong-type', `The document must be a mapping of fields (sslexp, signal, noise, ...), got ${describeNode(node)}.`, node.span);
    return undefined;
  }
  const k = c.keys(node, SPEC, '');
  const r: Root = { c, map: node, k, mode: modeOfKeys(new Set(k.keys())), firstKey: node.entries.length ? node.entries[0].keySpan : { start: 0, end: 0 } };
  const head = header(r);
  const modeOk = modeKeys(r);
  if (r.mode === 'graph') {
    const g = graphMode(c, k);
    if (!head.ok || !modeOk || !g) return undefined;
    return {
      sslexp: 1,
      ...(head.name !== undefined ? { name: head.name } : {}),
      ...(head.regularize !== undefined ? { regularize: head.regularize } : {}),
      span: node.span,
      mode: 'graph',
      ...g,
    };
  }
  const alpha = alphaField(r);
  const body = r.mode === 'spectral' ? spectralBody(r) : dataBody(r, alpha.alpha);
  const latent = latentField(r, body);
  const simulate = simulateField(r, alpha, body);
  if (!head.ok || !modeOk || !alpha.ok || !body.ok || latent === null || simulate === null) return undefined;
  const common = {
    sslexp: 1 as const,
    ...(head.name !== undefined ? { name: head.name } : {}),
    ...(alpha.alpha !== undefined ? { alpha: alpha.alpha, alphaSpan: alpha.alphaSpan, alphaKeySpan: alpha.alphaKeySpan } : {}),
    ...(latent ? { latent: latent.value, latentSpan: latent.span } : {}),
    ...(simulate ? { simulate } : {}),
    ...(head.regularize !== undefined ? { regularize: head.regularize } : {}),
    span: node.span,
  };
  if (r.mode === 'spectral') return { ...common, mode: 'spectral', signal: body.signal!, noise: body.noise! };
  return { ...common, mode: 'data', data: body.data!, ...(body.augmentation ? { augmentation: body.augmentation } : {}) };
}

/** sslexp (required, = 1; docs/architecture.md §1), name, regularize. */
function header({ c, map, k, firstKey }: Root): { ok: boolean; name?: string; regularize?: number } {
  let ok = true;
  const ver = k.get('sslexp');
  if (!ver) {
    c.report('missing-field', "Missing required field 'sslexp' (the format version; add `sslexp: 1`).", firstKey, [insertVersionFix(c, map)]);
    ok = false;
  } else {
    const n = c.anyNumber(ver.value, 'sslexp', ver.keySpan, numberDef(SPEC, 'sslexp').expected);
    if (!n) ok = false;
    else if (n.value !== numberDef(SPEC, 'sslexp').const) {
      c.report('unsupported-version', `Unsupported format version ${n.raw}: this version of SSL Paradigm Advisor reads sslexp: 1.`, n.span);
      ok = false;
    }
  }
  const nameE = k.get('name');
  const name = nameE ? c.string(nameE, 'name') : undefined;
  if (nameE && !name) ok = false;
  const regularize = c.numAt(k, SPEC, 'regularize', '');
  if (regularize === null) ok = false;
  return { ok, ...(name ? { name: name.value } : {}), ...(regularize ? { regularize: regularize.value } : {}) };
}

/** The keys the mode requires and those it forbids (`mode-conflict`, with the definition's message). */
function modeKeys({ c, k, mode, firstKey }: Root): boolean {
  const m = modeDef(mode);
  let ok = true;
  for (const [key, message] of Object.entries(m.forbidden)) {
    const e = k.get(key);
    if (!e) continue;
    c.report('mode-conflict', message, e.keySpan);
    ok = false;
  }
  const at = m.key !== undefined ? k.get(m.key)!.keySpan : firstKey;
  for (const key of m.required) {
    if (k.has(key)) continue;
    c.missing('', key, at, m.requiredHint);
    ok = false;
  }
  return ok;
}

function alphaField({ c, k }: Root): Alpha {
  const e = k.get('alpha');
  if (!e) return { ok: true };
  const n = c.num(e.value, numberDef(SPEC, 'alpha'), 'alpha', e.keySpan);
  if (n) return { ok: true, alpha: n.value, alphaSpan: n.span, alphaKeySpan: e.keySpan };
  // a negative α (reported as negative-alpha) keeps the rest of the spec, so that the
  // theory can offer the values at which each paradigm recovers (engine `repair`)
  const v = e.value;
  const negative = v.kind === 'scalar' && typeof v.value === 'number' && v.value < 0;
  return { ok: negative };
}

function spectralBody({ c, k }: Root): Body {
  const sigE = k.get('signal');
  const noiseE = k.get('noise');
  const signal = sigE ? block(c, sigE, DEF.signal, 'signal') : undefined;
  const noise = noiseE ? block(c, noiseE, DEF.noise, 'noise') : undefined;
  return { ok: !!signal && !!noise, ...(signal ? { signal } : {}), ...(noise ? { noise } : {}) };
}

/** data, augmentation; without data.pca, latent and augmentation are required (rules 'no-pca-needs-*'). */
function dataBody({ c, k }: Root, alpha: number | undefined): Body {
  const dataE = k.get('data')!;
  const augE = k.get('augmentation');
  const written = dataE.value.kind === 'map' ? new Set(dataE.value.entries.map((e) => e.key)) : undefined;
  let ok = true;
  if (written && !written.has('pca') && !k.has('latent')) {
    c.report('missing-field', "Data mode without 'data.pca' needs 'latent': the number of features the encoders keep (k of docs/theory.md §2).", dataE.keySpan);
    ok = false;
  }
  if (written && !written.has('pca') && !written.has('moments') && !augE) {
    c.report(
      'missing-field',
      "Data mode without 'data.pca' needs an 'augmentation' (additive, masking, covariance or views) to define Σ (docs/theory.md §2.1).",
      dataE.keySpan,
    );
    ok = false;
  }
  const data = dataSource(c, dataE, DEF.data);
  const augmentation = augE ? checkAugmentation(c, augE, alpha, data, written?.has('pca') === true) : undefined;
  ok &&= !!data && (!augE || !!augmentation);
  return { ok, ...(data ? { data } : {}), ...(augmentation ? { augmentation } : {}) };
}

/** d of a spectral spec when both counts are written. */
function spectralDimension(body: Body): number | undefined {
  const { signal, noise } = body;
  return signal && noise && !signal.countFromFile && !noise.countFromFile ? signal.count + noise.count : undefined;
}

/** latent in [1, d] (docs/theory.md §4.5, last row). Null when invalid. */
function latentField({ c, k }: Root, body: Body): { value: number; span: Span } | undefined | null {
  const n = c.numAt(k, SPEC, 'latent', '');
  if (!n) return n;
  const d = spectralDimension(body);
  if (d !== undefined && n.value > d) {
    c.outOfRange('latent', `between 1 and d = ${d}`, n);
    return null;
  }
  return n;
}

function simulateField({ c, k }: Root, alpha: Alpha, body: Body): SimulateSpec | undefined | null {
  const e = k.get('simulate');
  if (!e) return undefined;
  const simulate = checkSimulate(c, e, { alpha: alpha.alpha, span: alpha.alphaSpan, written: k.has('alpha') });
  if (!simulate) return null;
  const { signal, noise } = body;
  if (signal && noise && !signal.countFromFile && signal.count + noise.count > LIMITS.maxSimulationDimension) {
    c.report(
      'simulation-too-large',
      `simulate: d = ${signal.count + noise.count} exceeds the simulation limit of ${LIMITS.maxSimulationDimension} dimensions; the finite-n simulation will not run (the closed-form analysis still does).`,
      e.keySpan,
      undefined,
      'warning',
    );
  }
  return simulate;
}

/** Quick fix for a missing `sslexp`: insert it as the first field of the root mapping. */
function insertVersionFix(c: Checker, root: MapNode): ProblemFix {
  const title = "Insert 'sslexp: 1'";
  const first = root.entries[0];
  if (c.format === 'json' || root.flow) {
    const item = c.format === 'json' ? '"sslexp": 1' : 'sslexp: 1';
    const brace = root.span.start; // `{`
    if (!first) return { title, edits: [{ start: brace + 1, end: brace + 1, newText: item }], preferred: true };
    const ws = c.text.slice(brace + 1, first.keySpan.start);
    const sep = /^\s*$/.test(ws) && ws.length ? ws : ' ';
    return { title, edits: [{ start: first.keySpan.start, end: first.keySpan.start, newText: `${item},${sep}` }], preferred: true };
  }
  const at = root.span.start;
  const lineStart = c.text.lastIndexOf('\n', at - 1) + 1;
  const indent = ' '.repeat(Math.max(0, at - lineStart));
  return { title, edits: [{ start: at, end: at, newText: `sslexp: 1\n${indent}` }], preferred: true };
}
