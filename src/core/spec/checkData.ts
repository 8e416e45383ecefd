/**
 * `data` (data mode and graph mode) and the top-level `augmentation` of data mode
 * (docs/architecture.md §1). Structure from the definition (definition.ts); the sizes of
 * inline matrices against each other and against d are checked here.
 */
import { Checker, MAX_ITEM_PROBLEMS, childDef, extensionOf, fmt, joinPath, spanOf, type Str } from './checker';
import { block, spectrum } from './checkSpectra';
import { DEF } from './definition';
import type { ObjectDef } from './definitionTypes';
import { LIMITS, type AugmentationSpec, type DataSourceSpec, type Span, type SpectrumSpec } from './model';
import type { MapEntry, MapNode, SeqNode, SourceNode } from './sourceTree';

type Keys = Map<string, MapEntry>;

/** `data`: the rows from a file or inline X, labels, center; in data mode also Y, pca, noise. */
export function dataSource(c: Checker, entry: MapEntry, def: ObjectDef): DataSourceSpec | undefined {
  const o = c.object(entry, def, 'data');
  if (!o?.map) return undefined;
  const src = dataMatrix(c, o.map, o.k, def, entry.keySpan);
  const extras = dataExtras(c, o.k, def, src.X);
  const pipeline = dataPipeline(c, o.k, src.X, extras.labels);
  const momentsOk = !src.moments || momentsAlone(c, o.k);
  if (!o.ok || !src.ok || !extras.ok || !pipeline.ok || !momentsOk) return undefined;
  const { file, key, X, moments } = src;
  const { Y, labels, center } = extras;
  return {
    ...(file ? { file: file.value, fileSpan: file.span, ...(c.baseDir !== undefined ? { fileResolved: joinPath(c.baseDir, file.value) } : {}) } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(X ? { X } : {}),
    ...(Y ? { Y } : {}),
    ...(labels ? { labels } : {}),
    center,
    ...(pipeline.pca !== undefined ? { pca: pipeline.pca } : {}),
    ...(pipeline.noise ? { noise: pipeline.noise } : {}),
    ...(moments ? { moments } : {}),
    span: o.map.span,
  };
}

/** Rule 'moments-alone': the moments file holds the label statistics, so labels, Y and key conflict with it. */
function momentsAlone(c: Checker, k: Keys): boolean {
  let ok = true;
  for (const key of ['labels', 'Y', 'key']) {
    const e = k.get(key);
    if (!e) continue;
    c.report(
      'conflicting-keys',
      `data: '${key}' conflicts with 'moments': the moments file already holds the label statistics (write them with \`sslexp moments --labels\`).`,
      e.keySpan,
    );
    ok = false;
  }
  return ok;
}

/** Exactly one of file | X; `key` only with a .npz file (rule 'data-key-npz'). */
function dataMatrix(c: Checker, map: MapNode, k: Keys, def: ObjectDef, keySpan: Span) {
  const first = c.exclusive(map, def, 'data', keySpan);
  let ok = first.ok;
  let file: Str | undefined;
  let X: number[][] | undefined;
  let moments: DataSourceSpec['moments'];
  if (first.entry?.key === 'file') {
    file = c.filePath(first.entry, childDef(def, 'file', 'string'), 'data.file');
    if (!file) ok = false;
  } else if (first.entry?.key === 'moments') {
    const m = c.object(first.entry, DEF.moments, 'data.moments');
    const fE = m?.ok ? m.k.get('file') : undefined;
    const f = fE ? c.filePath(fE, childDef(DEF.moments, 'file', 'string'), 'data.moments.file') : undefined;
    if (!f || !m?.map) ok = false;
    else moments = { file: f.value, fileSpan: f.span, ...(c.baseDir !== undefined ? { fileResolved: joinPath(c.baseDir, f.value) } : {}), span: m.map.span };
  } else if (first.entry) {
    X = matrix(c, first.entry, 'data.X', {});
    if (!X) ok = false;
  }
  let key: string | undefined;
  const keyE = k.get('key');
  if (keyE) {
    const s = c.string(keyE, 'data.key');
    if (!s) ok = false;
    else if (!file || extensionOf(file.value) !== '.npz') {
      c.report('invalid-value', "data.key: 'key' selects an array inside a .npz archive, but data.file is not a .npz file.", keyE.keySpan);
      ok = false;
    } else key = s.value;
  }
  return { ok, file, key, X, moments };
}

/** Y (data mode), labels and center. */
function dataExtras(c: Checker, k: Keys, def: ObjectDef, X: number[][] | undefined) {
  let ok = true;
  let Y: number[][] | undefined;
  const yE = k.get('Y');
  if (yE) {
    const v = yE.value;
    Y = v.kind === 'seq' && v.items.length && v.items[0].kind !== 'seq' ? vectorAsColumn(c, yE, 'data.Y') : matrix(c, yE, 'data.Y', {});
    if (!Y) ok = false;
    else if (X && Y.length !== X.length) {
      c.report('dimension-mismatch', `data.Y: has ${Y.length} rows but data.X has ${X.length} (one target row per sample).`, v.span);
      ok = false;
    }
  }
  let labels: DataSourceSpec['labels'];
  const lE = k.get('labels');
  if (lE) {
    labels = dataLabels(c, lE, X);
    if (!labels) ok = false;
  }
  // docs/theory.md §1: moments are uncentred unless the user's pipeline centres, as PCA does; so
  // in data mode `center` defaults to true only with `pca`; graph mode's default is in the definition.
  const centerDef = childDef(def, 'center', 'boolean');
  let center = (centerDef.default as boolean | undefined) ?? k.has('pca');
  const cE = k.get('center');
  if (cE) {
    const b = c.bool(cE, centerDef, 'data.center');
    if (b === undefined) ok = false;
    else center = b;
  }
  return { ok, Y, labels, center };
}

/** pca (at most the feature columns of an inline X) and the appended noise block (data mode). */
function dataPipeline(c: Checker, k: Keys, X: number[][] | undefined, labels: DataSourceSpec['labels']) {
  let ok = true;
  const featureCols = X && X.length ? X[0].length - (labels && 'column' in labels ? 1 : 0) : undefined;
  let pca: number | undefined;
  const n = c.numAt(k, DEF.data, 'pca', 'data');
  if (n === null) ok = false;
  else if (n && featureCols !== undefined && n.value > featureCols) {
    c.outOfRange('data.pca', `≤ the number of feature columns of data.X (${featureCols})`, n);
    ok = false;
  } else if (n) pca = n.value;
  let noise: DataSourceSpec['noise'];
  const nE = k.get('noise');
  if (nE) {
    const b = block(c, nE, DEF.dataNoise, 'data.noise');
    if (!b) ok = false;
    else if ((pca ?? 0) + b.count > LIMITS.maxDataDimension) {
      // d = pca + noise.count coordinates are created for every sample: the feature limit counts them all
      c.report(
        'limit-exceeded',
        `data.noise.count: d = ${pca !== undefined ? `pca + noise.count = ${pca} + ${b.count}` : `noise.count = ${b.count}`} coordinates exceed the limit of ${LIMITS.maxDataDimension} dimensions for the dense solvers.`,
        b.countSpan ?? nE.keySpan,
      );
      ok = false;
    } else noise = { count: b.count, variance: b.variance, augmentation: b.augmentation, span: b.span };
  }
  return { ok, pca, noise };
}

/** `data.labels`: exactly one of column | file; `key` only with a .npz file (rule 'labels-key-npz'). */
function dataLabels(c: Checker, entry: MapEntry, X: number[][] | undefined): DataSourceSpec['labels'] | undefined {
  const path = 'data.labels';
  const o = c.object(entry, DEF.labels, path);
  if (!o?.map) return undefined;
  const { entry: first, ok } = c.exclusive(o.map, DEF.labels, path, entry.keySpan);
  if (!first || !ok) return undefined;
  const keyE = o.k.get('key');
  if (first.key === 'column') {
    if (keyE) {
      c.report('conflicting-keys', "data.labels: 'key' applies to a labels file, not to a column.", keyE.keySpan);
      return undefined;
    }
    const n = c.numAt(o.k, DEF.labels, 'column', path);
    if (!n) return undefined;
    const cols = X && X.length ? X[0].length : undefined;
    if (cols !== undefined && (n.value >= cols || n.value < -cols)) {
      c.outOfRange('data.labels.column', `a column index in [${-cols}, ${cols - 1}] for data.X with ${cols} columns`, n);
      return undefined;
    }
    return { column: n.value };
  }
  const f = c.filePath(first, childDef(DEF.labels, 'file', 'string'), 'data.labels.file');
  if (!f) return undefined;
  let key: string | undefined;
  if (keyE) {
    const s = c.string(keyE, 'data.labels.key');
    if (!s) return undefined;
    if (extensionOf(f.value) !== '.npz') {
      c.report('invalid-value', "data.labels.key: 'key' selects an array inside a .npz archive, but data.labels.file is not a .npz file.", keyE.keySpan);
      return undefined;
    }
    key = s.value;
  }
  return { file: f.value, ...(key !== undefined ? { key } : {}), span: o.map.span };
}

/** A 1-D list of numbers as an n×1 matrix (data.Y given as a vector). */
function vectorAsColumn(c: Checker, entry: MapEntry, path: string): number[][] | undefined {
  const node = entry.value as SeqNode;
  const out: number[][] = [];
  for (let i = 0; i < node.items.length; i++) {
    const n = c.finite(node.items[i], `${path}[${i}]`, node.span);
    if (!n) return undefined;
    out.push([n.value]);
  }
  return out;
}

/** A numeric matrix (list of equal-length rows); a covariance is also square, symmetric, with a non-negative diagonal. */
export function matrix(c: Checker, entry: MapEntry, path: string, opts: { covariance?: boolean }): number[][] | undefined {
  const node = entry.value;
  if (node.kind !== 'seq' || node.items.some((r) => r.kind !== 'seq')) {
    const bad = node.kind === 'seq' ? node.items.find((r) => r.kind !== 'seq')! : node;
    c.wrongType(
      node.kind === 'seq' ? `${path}[${node.items.indexOf(bad)}]` : path,
      node.kind === 'seq' ? 'a row (a list of numbers)' : 'a matrix (a list of rows)',
      bad,
      entry.keySpan,
    );
    return undefined;
  }
  if (node.items.length === 0) {
    c.report('invalid-value', `${path}: the matrix is empty.`, spanOf(node, entry.keySpan));
    return undefined;
  }
  const rows = node.items as SeqNode[];
  const cols = rows[0].items.length;
  if (cols === 0) {
    c.report('invalid-value', `${path}: row 1 is empty.`, spanOf(rows[0], node.span));
    return undefined;
  }
  const out: number[][] = [];
  let bad = 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].items.length !== cols) {
      const n = rows[i].items.length;
      c.report('ragged-matrix', `${path}: row ${i + 1} has ${n} value${n === 1 ? '' : 's'}, expected ${cols} (as in row 1).`, rows[i].span);
      return undefined;
    }
    const row: number[] = [];
    for (let j = 0; j < cols; j++) {
      const n = c.finite(rows[i].items[j], `${path}[${i}][${j}]`, rows[i].span);
      if (n) row.push(n.value);
      else if (++bad >= MAX_ITEM_PROBLEMS) return undefined;
    }
    out.push(row);
  }
  if (bad) return undefined;
  return opts.covariance && !isCovariance(c, out, rows, node, path) ? undefined : out;
}

function isCovariance(c: Checker, m: number[][], rows: SeqNode[], node: SourceNode, path: string): boolean {
  const cols = m[0].length;
  if (m.length !== cols) {
    c.report('dimension-mismatch', `${path}: must be a square matrix, got ${m.length} × ${cols}.`, node.span);
    return false;
  }
  for (let i = 0; i < cols; i++) {
    if (m[i][i] < 0) {
      c.report('negative-variance', `${path}[${i}][${i}]: a variance must be ≥ 0, got ${fmt(m[i][i])}.`, rows[i].items[i].span);
      return false;
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = i + 1; j < cols; j++) {
      const a = m[i][j];
      const b = m[j][i];
      if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
        c.report('not-symmetric', `${path}: not symmetric: [${i}][${j}] = ${fmt(a)} but [${j}][${i}] = ${fmt(b)}.`, rows[j].items[i].span);
        return false;
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------- augmentation (data mode)

/** d = (pca ?? feature columns of X) + noise count, when X is inline (decidable without files). */
function dataDimension(data: DataSourceSpec | undefined): number | undefined {
  if (!data?.X || !data.X.length) return undefined;
  const feat = data.X[0].length - (data.labels && 'column' in data.labels ? 1 : 0);
  return (data.pca ?? feat) + (data.noise?.count ?? 0);
}

/**
 * Top-level augmentation of data mode: exactly one of additive / masking / covariance.
 * `pca`: whether data.pca is written (rules 'pca-theta-spectrum', 'pca-no-gamma').
 */
export function augmentation(
  c: Checker,
  entry: MapEntry,
  topAlpha: number | undefined,
  data: DataSourceSpec | undefined,
  pca: boolean,
): AugmentationSpec | undefined {
  const o = c.object(entry, DEF.augmentation, 'augmentation');
  if (!o?.map) return undefined;
  const { entry: kind, ok } = c.exclusive(o.map, DEF.augmentation, 'augmentation', entry.keySpan);
  if (!kind || !ok) return undefined;
  const d = dataDimension(data);
  const span = o.map.span;
  if (kind.key === 'views') return views(c, kind, data, pca, span);
  if (kind.key === 'masking') {
    const p = c.object(kind, DEF.masking, 'augmentation.masking');
    const keep = p?.ok ? c.numAt(p.k, DEF.masking, 'keep', 'augmentation.masking') : undefined;
    return keep ? { kind: 'masking', keep: keep.value, span } : undefined;
  }
  if (kind.key === 'covariance') {
    const m = matrix(c, kind, 'augmentation.covariance', childDef(DEF.augmentation, 'covariance', 'matrix'));
    if (!m) return undefined;
    if (d !== undefined && m.length !== d) {
      c.report('dimension-mismatch', `augmentation.covariance: is ${m.length} × ${m.length} but the data has d = ${d} dimensions.`, kind.value.span);
      return undefined;
    }
    return { kind: 'covariance', matrix: m, span };
  }
  return additive(c, kind, topAlpha, d, pca, span);
}

/** `augmentation.views: {file, key?}`; not with data.pca nor data.moments (rules 'views-not-with-pca', 'views-not-with-moments'). */
function views(c: Checker, entry: MapEntry, data: DataSourceSpec | undefined, pca: boolean, span: Span): AugmentationSpec | undefined {
  const path = 'augmentation.views';
  const o = c.object(entry, DEF.views, path);
  if (!o?.map || !o.ok) return undefined;
  let ok = true;
  if (pca) {
    c.report(
      'conflicting-keys',
      "augmentation.views: your own views give Σ in the data's own coordinates, not in P1's PCA pipeline; remove data.pca (or describe the augmentation with 'additive').",
      entry.keySpan,
    );
    ok = false;
  }
  if (data?.moments) {
    c.report(
      'conflicting-keys',
      'augmentation.views: with data.moments the views are already summarised in the moments file (`sslexp moments DATA --views VIEWS`); remove augmentation.views.',
      entry.keySpan,
    );
    ok = false;
  }
  const f = c.filePath(o.k.get('file')!, childDef(DEF.views, 'file', 'string'), `${path}.file`);
  if (!f) return undefined;
  let key: string | undefined;
  const keyE = o.k.get('key');
  if (keyE) {
    const s = c.string(keyE, `${path}.key`);
    if (!s) return undefined;
    if (extensionOf(f.value) !== '.npz') {
      c.report('invalid-value', `${path}.key: 'key' selects an array inside a .npz archive, but ${path}.file is not a .npz file.`, keyE.keySpan);
      return undefined;
    }
    key = s.value;
  }
  if (!ok) return undefined;
  return {
    kind: 'views',
    file: f.value,
    fileSpan: f.span,
    ...(c.baseDir !== undefined ? { fileResolved: joinPath(c.baseDir, f.value) } : {}),
    ...(key !== undefined ? { key } : {}),
    span,
  };
}

function additive(c: Checker, entry: MapEntry, topAlpha: number | undefined, d: number | undefined, pca: boolean, span: Span): AugmentationSpec | undefined {
  const o = c.object(entry, DEF.additive, 'augmentation.additive');
  if (!o) return undefined;
  let ok = true;
  const a = c.numAt(o.k, DEF.additive, 'alpha', 'augmentation.additive');
  if (a === null) ok = false;
  const part = (name: 'theta' | 'gamma'): number[][] | SpectrumSpec | undefined | null => {
    const e = o.k.get(name);
    if (!e) return undefined;
    const v = e.value;
    const path = `augmentation.additive.${name}`;
    const isMatrix = v.kind === 'seq' && v.items.length > 0 && v.items[0].kind === 'seq';
    if (pca && name === 'theta' && isMatrix) {
      c.report(
        'dimension-mismatch',
        'augmentation.additive.theta: with data.pca the augmentation of the important components is a spectrum over the pca components (a number, a list or a family), not a matrix.',
        v.span,
      );
      return null;
    }
    if (pca && name === 'gamma') {
      c.report('conflicting-keys', 'augmentation.additive.gamma: with data.pca the noise covariance Γ is data.noise.variance; remove gamma.', e.keySpan);
      return null;
    }
    return (isMatrix ? matrix(c, e, path, { covariance: true }) : spectrum(c, v, path, e.keySpan)) ?? null;
  };
  const theta = part('theta');
  const gamma = part('gamma');
  if (theta === null || gamma === null) ok = false;
  const size = (x: number[][] | SpectrumSpec | undefined | null): number | undefined =>
    Array.isArray(x) ? x.length : x && x.kind === 'list' ? x.values.length : undefined;
  const st = size(theta);
  const sg = size(gamma);
  if (ok && st !== undefined && sg !== undefined && st !== sg) {
    c.report('dimension-mismatch', `augmentation.additive.gamma: has size ${sg} but theta has size ${st}.`, o.k.get('gamma')!.value.span);
    ok = false;
  }
  for (const [name, s] of [
    ['theta', st],
    ['gamma', sg],
  ] as const) {
    if (ok && s !== undefined && d !== undefined && s !== d) {
      c.report('dimension-mismatch', `augmentation.additive.${name}: has size ${s} but the data has d = ${d} dimensions.`, o.k.get(name)!.value.span);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    kind: 'additive',
    alpha: a?.value ?? topAlpha ?? 0,
    ...(a ? { alphaSpan: a.span } : {}),
    ...(theta ? { theta } : {}),
    ...(gamma ? { gamma } : {}),
    span,
  };
}
