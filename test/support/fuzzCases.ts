/**
 * A seeded generator of hostile inputs for the fuzz suites (docs/architecture.md §6): specs of every mode
 * (valid, nearly valid and broken; YAML and JSON; then often mutated as text) together
 * with the data files they name (.npy with odd dtypes, orders, versions, shapes and crafted
 * headers; .npz stored or deflated, corrupt or declaring huge arrays; .csv with headers,
 * typos and ragged rows; empty, binary and special files). The same seed gives the same
 * case on every machine. Used by test/unit/fuzzProperty.test.ts (thousands of cases in CI)
 * and bench/fuzz.ts (`npm run fuzz`, 10^5 cases before a release).
 */
import { mulberry32 as rng } from './mulberry32';
import * as zlib from 'node:zlib';
import { writeNpz, type NpzEntry } from '../../src/core/io/npzWrite';

/** A file of a case: bytes, text, or a symbolic link to a path. */
export type FuzzFile = Uint8Array | string | { symlink: string };

export interface FuzzCase {
  seed: number;
  /** The spec's file name (its extension chooses YAML or JSON). */
  name: string;
  spec: string;
  /** Files next to the spec, by relative path. */
  files: Record<string, FuzzFile>;
  /** What the generator aimed at (for reports). */
  kind: string;
  /** `analyze -o` to this path (relative to the spec's directory), when the case tries one: a new file, an input, a wrong extension. */
  output?: string;
}

export { rng };

/** The seeded generator of the fuzz cases (and of the mutation fuzzer, test/unit/fuzz.test.ts). */
export class Gen {
  readonly r: () => number;
  /** How often this case departs from a valid spec: most cases are nearly valid, some are wild. */
  bad = 0.05;
  constructor(seed: number) {
    this.r = rng(seed);
    this.bad = this.pick([0, 0.01, 0.03, 0.1, 0.3]);
  }
  /** True with the case's probability of a mistake (times `scale`). */
  oops(scale = 1): boolean {
    return this.r() < this.bad * scale;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  /** A count in [lo, 12]: sometimes at or past a limit, or not a count at all. */
  count(lo = 0): number | string {
    return !this.oops() ? this.int(lo, 12) : this.pick([0, 1, 64, 1000, 4097, 100_000, 10_000_001, -1, 2.5, 1e300, '7', null as unknown as number]);
  }
  /** A positive number: sometimes extreme or not a number at all. */
  num(): unknown {
    if (!this.oops()) return Math.round(this.r() * 1000) / 100 + 0.01;
    return this.pick<unknown>([0, -1, 1e-320, 1e308, -0, 1e6, 3, 'x', null, true, [], {}, '.inf', 1e15, 2 ** 53]);
  }
}

// ---------------------------------------------------------------------------------- specs

/** A length a list or a file can have (counts from `count()` may be anything). */
const length = (n: unknown): number | undefined => (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 5000 ? n : undefined);

function spectrum(g: Gen, files: Record<string, FuzzFile>, count?: number, tell = count === undefined): unknown {
  count = length(count);
  // without a count only a list or a file tells the number of components
  switch (tell && !g.oops() ? g.pick([1, 1, 7]) : g.int(0, 7)) {
    case 0:
      return g.num();
    case 1:
      return Array.from({ length: count ?? g.int(1, 8) }, () => (!g.oops(0.3) ? Math.abs(Number(g.num())) || 1 : g.num()));
    case 2:
      return { flat: g.num() };
    case 3:
      return { power_law: { first: g.num(), exponent: !g.oops() ? g.int(0, 3) : g.num(), ...(g.chance(0.3) ? { offset: g.num() } : {}) } };
    case 4:
      return { exponential: { first: g.num(), rate: !g.oops() ? g.r() : g.num() } };
    case 5:
      return {
        uniform: { low: 0, high: !g.oops() ? g.int(1, 100) : g.num(), seed: !g.oops() ? g.int(0, 9) : g.num() },
        ...(g.chance(0.2) ? { scale: g.num() } : {}),
      };
    default:
      return { file: vectorFile(g, files, count) };
  }
}

function block(g: Gen, files: Record<string, FuzzFile>, signal: boolean): unknown {
  const count = g.count(signal ? 1 : 0);
  const b: Record<string, unknown> = {};
  const listed = typeof count === 'number' && Number.isInteger(count) && count >= 0 && count < 20;
  const written = g.chance(0.7) || g.oops();
  if (written) b.count = count;
  // the lists (and files) of a block agree on its length, unless this case errs
  const sized = written && listed && !g.oops() ? count : !written && !g.oops() ? g.int(1, 8) : undefined;
  b.variance = spectrum(g, files, sized, !written);
  if (g.chance(0.5)) b.augmentation = !written && !g.oops() ? g.num() : spectrum(g, files, sized, !written);
  if (signal && g.oops(0.2)) b.extra = 1;
  return b;
}

function simulate(g: Gen): unknown {
  return {
    n: g.chance(0.7) ? Array.from({ length: g.int(1, 3) }, () => g.int(2, 200)) : { from: g.int(2, 50), to: g.int(50, 300), points: g.int(1, 3) },
    ...(!g.oops() ? { alpha: Array.from({ length: g.int(1, 3) }, () => Math.round(g.r() * 300) / 100) } : {}),
    repeats: !g.oops() ? g.int(1, 2) : g.count(),
    seed: g.int(0, 5),
    ...(g.chance(0.5) ? { metric: !g.oops() ? g.pick(['probe-gap', 'subspace-angle']) : 'probe-gaps' } : {}),
  };
}

function matrix(g: Gen, rows: number, cols: number): unknown[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (!g.oops(0.2) ? Math.round((g.r() - 0.5) * 400) / 100 : g.num())));
}

function dataBlock(
  g: Gen,
  files: Record<string, FuzzFile>,
  graph: boolean,
  shape: { rows: number; cols: number } = { rows: 0, cols: 0 },
): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  const rows = !g.oops() ? 2 * g.int(4, 8) : g.int(0, 3);
  const cols = !g.oops() ? g.int(2, 6) : g.int(0, 1);
  shape.rows = rows;
  shape.cols = cols;
  if (g.chance(0.6)) d.file = matrixFile(g, files, rows, cols);
  else d.X = matrix(g, rows, cols);
  if (g.chance(0.3) || (graph && g.chance(0.3)))
    d.labels = g.chance(0.5) ? { column: !g.oops() ? g.int(-1, 0) : g.int(-9, 9) } : { file: vectorFile(g, files, !g.oops() ? rows : undefined) };
  if (g.chance(0.15)) d.center = g.chance(0.5);
  if (!graph) {
    if (g.chance(0.7)) d.pca = !g.oops() ? g.int(1, Math.max(1, cols - 1)) : g.count();
    if (g.chance(0.5)) {
      const count = !g.oops() ? g.int(0, 6) : g.count();
      d.noise = {
        count,
        variance: spectrum(g, files, typeof count === 'number' ? count : undefined),
        ...(g.chance(0.4) ? { augmentation: spectrum(g, files, typeof count === 'number' ? count : undefined) } : {}),
      };
    }
    if (g.oops(0.3)) d.Y = matrix(g, g.int(1, 8), g.int(1, 2));
  }
  return d;
}

function augmentation(g: Gen, files: Record<string, FuzzFile>, shape?: { rows: number; cols: number }): unknown {
  if (shape && g.chance(0.25)) return { views: { file: viewsFile(g, files, shape.rows, shape.cols) } };
  switch (g.int(0, 4)) {
    case 0:
      return { masking: { keep: g.chance(0.8) ? g.r() : g.num() } };
    case 1: {
      const n = g.int(1, 4);
      const m = matrix(g, n, n).map((row, i) => row.map((v, j) => (i === j ? Math.abs(Number(v)) || 1 : 0)));
      return { covariance: m };
    }
    default:
      return {
        additive: {
          alpha: g.num(),
          ...(g.chance(0.6) ? { theta: g.chance(0.5) ? g.num() : spectrum(g, files) } : {}),
          ...(g.oops() ? { gamma: spectrum(g, files) } : {}),
        },
      };
  }
}

function graphRelation(g: Gen, files: Record<string, FuzzFile>): unknown {
  switch (g.int(0, 4)) {
    case 0:
      return { views: !g.oops() ? 2 : g.count() };
    case 1:
      return !g.oops() ? { labels: true } : 'labels';
    case 2:
      return { knn: !g.oops() ? { k: g.int(1, 3) } : g.count() };
    case 3:
      return { edges: Array.from({ length: g.int(1, 6) }, () => (!g.oops() ? [g.int(0, 3), g.int(4, 7)] : [g.int(0, 8), g.int(0, 8), g.num()])) };
    default:
      return { edges: { file: edgeFile(g, files) } };
  }
}

function specObject(g: Gen, files: Record<string, FuzzFile>): { spec: Record<string, unknown>; kind: string } {
  const spec: Record<string, unknown> = {};
  if (!g.oops(0.1)) spec.sslexp = !g.oops(0.1) ? 1 : g.pick([2, '1', null]);
  if (g.chance(0.2)) spec.name = g.pick(['x', 'a\u2028b', '\u202eevil', 'name: with colon', '#hash']);
  const mode = g.pick(['spectral', 'spectral', 'data', 'graph']);
  if (mode === 'spectral') {
    spec.signal = block(g, files, true);
    spec.noise = block(g, files, false);
    if (g.chance(0.7) || !g.oops()) spec.alpha = !g.oops() ? Math.round(g.r() * 500) / 100 : g.num();
    if (g.chance(0.2)) spec.latent = !g.oops() ? g.int(1, 2) : g.count();
    if (g.chance(0.2)) spec.simulate = simulate(g);
  } else if (mode === 'data') {
    const shape = { rows: 0, cols: 0 };
    spec.data = dataBlock(g, files, false, shape);
    if (g.chance(0.15)) {
      // the data as their moments (README "Moments as a file"): labels, Y, key and the rows go
      const { file: _file, X: _x, labels: _labels, Y: _y, ...rest } = spec.data as Record<string, unknown>;
      spec.data = { ...rest, moments: { file: momentsFile(g, files) } };
    }
    const pca = 'pca' in (spec.data as object);
    if (!pca || g.chance(0.6)) spec.augmentation = augmentation(g, files, 'moments' in (spec.data as object) ? undefined : shape);
    if (!pca || g.chance(0.3)) spec.latent = !g.oops() ? 1 : g.int(1, 8);
    if (g.chance(0.4)) spec.alpha = Math.round(g.r() * 300) / 100;
    if (g.chance(0.15)) spec.simulate = simulate(g);
  } else {
    spec.data = dataBlock(g, files, true);
    spec.graph = graphRelation(g, files);
    if (!g.oops() && (spec.graph as { labels?: unknown }).labels !== undefined && !(spec.data as { labels?: unknown }).labels)
      (spec.data as Record<string, unknown>).labels = { file: vectorFile(g, files, ((spec.data as { X?: unknown[] }).X ?? []).length || undefined) };
    spec.embedding = !g.oops() ? 1 : g.count();
    if (g.chance(0.3))
      spec.methods = g.pick([g.oops() ? {} : { simclr: {} }, { vicreg: { variance: g.num(), invariance: g.num() } }, { simclr: {} }, { barlow: {} }]);
  }
  if (g.chance(0.1)) spec.regularize = g.num();
  if (g.oops(0.2)) spec[g.pick(['alpah', 'signa', 'sim', ''])] = 1;
  return { spec, kind: mode };
}

// ---------------------------------------------------------------------------------- YAML / JSON text

function yamlScalar(v: unknown): string {
  if (v === null) return g0(['null', '~', ''])!;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return String(v);
}
let g0Gen: Gen | undefined;
function g0<T>(xs: readonly T[]): T | undefined {
  return g0Gen ? g0Gen.pick(xs) : xs[0];
}

/** Tags and anchors a key may carry (a tag on a key is checked like one on a value). */
const KEY_PROPERTIES = [
  '!!str ',
  '!!seq ',
  '!!map ',
  '!!float ',
  '!!int ',
  '!!null ',
  '!!bool ',
  '!foo ',
  '!!binary ',
  '!<tag:yaml.org,2002:str> ',
  '!<tag:yaml.org,2002:int> ',
  '&k ',
  '!!str &k2 ',
  '&k3 !!seq ',
];

/** A mapping key as written: sometimes with a tag or an anchor. */
function yamlKey(k: string, g: Gen): string {
  return g.oops(0.3) ? `${g.pick(KEY_PROPERTIES)}${k}` : k;
}

function toYaml(v: unknown, g: Gen, indent = 0, flow = false): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (flow || v.length === 0 || v.every((x) => typeof x !== 'object' || x === null) || g.chance(0.5))
      return `[${v.map((x) => toYaml(x, g, 0, true)).join(', ')}]`;
    return '\n' + v.map((x) => `${pad}- ${toYaml(x, g, indent + 2).replace(/^\n\s*/, '')}`).join('\n');
  }
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    if (flow || e.length === 0 || g.chance(0.2)) return `{${e.map(([k, x]) => `${yamlKey(k, g)}: ${toYaml(x, g, 0, true)}`).join(', ')}}`;
    return '\n' + e.map(([k, x]) => `${pad}${yamlKey(k, g)}: ${toYaml(x, g, indent + 2)}`).join('\n');
  }
  return yamlScalar(v);
}

// ---------------------------------------------------------------------------------- text mutations

const TOKENS = [
  '-',
  ':',
  '{',
  '}',
  '[',
  ']',
  ',',
  ' ',
  '\n',
  '\t',
  '#',
  '"',
  "'",
  '&a',
  '*a',
  '!!str',
  '!!null',
  '!!map',
  '!!seq',
  '!!bool',
  '!!float',
  '<<: *a',
  '.nan',
  '.inf',
  '-1',
  '0',
  '1e308',
  '1e-320',
  '9999999',
  '10000001',
  '1000000',
  'null',
  'true',
  '~',
  '|',
  '>-',
  'count',
  'variance',
  'signal',
  'noise',
  'alpha',
  'file',
  'pca',
  'simulate',
  'repeats',
  'latent',
  '\u0000',
  '\ufeff',
  '\u2028',
  'é',
  '𝛼',
  '---',
  '%YAML 1.2',
  '? ',
];

/** 1–4 seeded edits of a spec's text: deletions, inserted tokens, duplicated lines, extreme numbers, truncation. */
export function mutate(text: string, g: Gen): string {
  let s = text;
  const edits = g.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const pos = g.int(0, s.length);
    const op = g.r();
    if (op < 0.3) s = s.slice(0, pos) + s.slice(pos + 1 + g.int(0, 7));
    else if (op < 0.65) s = s.slice(0, pos) + g.pick(TOKENS) + s.slice(pos);
    else if (op < 0.8) {
      const lines = s.split('\n');
      lines.splice(g.int(0, lines.length), 0, lines[g.int(0, lines.length - 1)]);
      s = lines.join('\n');
    } else if (op < 0.95) s = s.replace(/\d+(\.\d+)?(e[+-]?\d+)?/, g.pick(['-3', '0', '1e400', 'NaN', '2.5', '1e7', '-0', '100000000', '4097']));
    else s = s.slice(0, pos);
  }
  return s;
}

// ---------------------------------------------------------------------------------- data files

const DTYPES = ['<f8', '>f8', '<f4', '<f2', '<i4', '>i2', '|i1', '|u1', '<u8', '<i8', '|b1', '<c16', '|O', '<U3', '|V8', 'float64', '<f16', '<M8'];

function npyFile(g: Gen, shape: number[], values?: (i: number) => number): Uint8Array {
  const descr = !g.oops(0.5) ? g.pick(DTYPES.slice(0, 11)) : g.pick(DTYPES);
  const fortran = g.chance(0.2);
  let dictShape = shape;
  if (g.oops(0.3)) dictShape = shape.map((s) => s * g.pick([0, 2, 1000, 1_000_000]));
  const shapeText = `(${dictShape.join(', ')}${dictShape.length === 1 ? ',' : ''})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  if (g.chance(0.15)) {
    dict = g.pick([
      `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, 'shape': (3,)}`,
      `{'descr': '<i4', 'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}}`,
      `{'x': "'shape': (1,)", 'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}}`,
      `{'descr': '${descr}', 'fortran_order': 0, 'shape': ${shapeText}}`,
      `{'descr': '${descr}', 'fortran_order': False, 'shape': [${dictShape.join(', ')}]}`,
      `{'descr': '${descr}', 'fortran_order': False}`,
      `{"descr": "${descr}", "fortran_order": False, "shape": (${dictShape.map((s) => `${s}L`).join(', ')},)}`,
      `{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ${shapeText}}`,
      `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}} # ${'('.repeat(g.int(0, 40))}`,
      `{'descr': '${descr}', 'fortran_order': False, 'shape': (${'('.repeat(40)}1,${')'.repeat(40)})}`,
      `[${shapeText}]`,
      `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, ` + ' '.repeat(g.pick([100, 11_000])) + '}',
    ]);
  }
  const version = g.chance(0.9) ? 1 : g.pick([2, 3, 4]);
  const pre = version === 1 ? 10 : 12;
  dict += ' '.repeat(Math.max(0, 63 - ((pre + dict.length) % 64))) + '\n';
  const itemSize = Number(/\d+$/.exec(descr)?.[0] ?? 8) || 8;
  const n = shape.reduce((p, q) => p * q, 1);
  const header = new TextEncoder().encode(dict);
  const body = new Uint8Array(n * itemSize);
  const dv = new DataView(body.buffer);
  for (let i = 0; i < n; i++) {
    const v = values ? values(i) : (g.r() - 0.3) * 10;
    if (itemSize === 8) dv.setFloat64(i * 8, g.chance(0.01) ? NaN : v, !descr.startsWith('>'));
    else if (itemSize === 4) dv.setFloat32(i * 4, v, true);
    else if (itemSize === 2) dv.setUint16(i * 2, g.int(0, 65535), !descr.startsWith('>'));
    else dv.setUint8(i, g.int(0, 255));
  }
  const out = new Uint8Array(pre + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) new DataView(out.buffer).setUint16(8, Math.min(header.length, 65535), true);
  else new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, pre);
  out.set(body, pre + header.length);
  if (g.oops(0.3)) return out.subarray(0, g.int(0, out.length)); // truncated
  if (g.oops(0.1)) {
    const copy = Uint8Array.from(out);
    copy[g.int(0, copy.length - 1)] = g.int(0, 255);
    return copy;
  }
  return out;
}

function u32(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(o, v >>> 0, true);
}

/** A .npz with the given members, stored or deflated, optionally with lying sizes or a broken CRC. */
function npzFile(g: Gen, members: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const deflate = g.chance(0.6);
    const payload = deflate ? new Uint8Array(zlib.deflateRawSync(data)) : data;
    let crc = zlib.crc32(data);
    let size = data.length;
    if (g.oops(0.2)) crc ^= 1;
    if (g.oops(0.2)) size = g.pick([0, size + 1, 500_000_000, 0xffffffff]);
    const nm = new TextEncoder().encode(name);
    const local = new Uint8Array(30 + nm.length);
    u32(local, 0, 0x04034b50);
    local[4] = 20;
    local[8] = deflate ? 8 : 0;
    u32(local, 14, crc);
    u32(local, 18, payload.length);
    u32(local, 22, size);
    local[26] = nm.length;
    local.set(nm, 30);
    const c = new Uint8Array(46 + nm.length);
    u32(c, 0, 0x02014b50);
    c[4] = 20;
    c[6] = 20;
    c[10] = deflate ? 8 : 0;
    if (g.oops(0.05)) c[8] = 1; // encrypted flag
    u32(c, 16, crc);
    u32(c, 20, payload.length);
    u32(c, 24, size);
    c[28] = nm.length;
    u32(c, 42, offset);
    c.set(nm, 46);
    parts.push(local, payload);
    central.push(c);
    offset += local.length + payload.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const eocd = new Uint8Array(22);
  u32(eocd, 0, 0x06054b50);
  eocd[8] = eocd[10] = members.length;
  u32(eocd, 12, cdSize);
  u32(eocd, 16, offset);
  const all = [...parts, ...central, eocd];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return g.oops(0.2) ? out.subarray(0, g.int(0, out.length)) : out;
}

function csvFile(g: Gen, rows: number, cols: number, positive = false): string {
  const sep = g.pick([',', ',', ';', '\t', ' ']);
  const lines: string[] = [];
  if (g.chance(0.3)) lines.push(Array.from({ length: cols }, (_, j) => g.pick([`c${j}`, '', 'x y', '"q"'])).join(sep));
  for (let i = 0; i < rows; i++) {
    const n = !g.oops(0.2) ? cols : g.int(0, cols + 2);
    lines.push(
      Array.from({ length: n }, () =>
        !g.oops(0.05)
          ? String(Math.round((g.r() - (positive ? 0 : 0.3)) * 1000) / 100 + (positive ? 0.01 : 0))
          : g.pick(['NA', '', '1..2', '0x10', 'nan', 'inf', '"1,5"', '1e999', '#c']),
      ).join(sep),
    );
  }
  if (g.chance(0.1)) lines.splice(g.int(0, lines.length), 0, '# comment', '');
  return lines.join(g.chance(0.9) ? '\n' : '\r\n') + (g.chance(0.8) ? '\n' : '');
}

/** Odd files that are not data at all. */
function oddFile(g: Gen, files: Record<string, FuzzFile>, ext: string): string {
  const name = `odd${Object.keys(files).length}${ext}`;
  files[name] = g.pick<FuzzFile>([
    new Uint8Array(0),
    new Uint8Array([0x93, 0x4e, 0x55, 0x4d]),
    Uint8Array.from({ length: 300 }, () => g.int(0, 255)),
    '\ufeff1\n2\n',
    { symlink: '/proc/self/pagemap' },
    { symlink: '/dev/zero' },
    { symlink: 'missing-target.npy' },
  ]);
  return name;
}

function vectorFile(g: Gen, files: Record<string, FuzzFile>, size?: number): string {
  const n = length(size) ?? (!g.oops() ? g.int(1, 10) : g.pick([0, 100, 5000]));
  const kind = !g.oops() ? g.int(0, 7) : g.int(0, 9);
  if (kind === 9) return oddFile(g, files, g.pick(['.npy', '.csv']));
  if (kind === 8) return g.pick(['missing.npy', '../outside.npy', 'C:/x.npy', 'dir/', 'x.json']);
  const name = `v${Object.keys(files).length}`;
  if (kind < 5) {
    files[`${name}.npy`] = npyFile(g, !g.oops() ? [n] : [n, g.int(0, 2)], (i) => Math.abs(Math.sin(i + 1)) * 10);
    return `${name}.npy`;
  }
  files[`${name}.csv`] = csvFile(g, n, !g.oops() ? 1 : 2, true);
  return `${name}.csv`;
}

function matrixFile(g: Gen, files: Record<string, FuzzFile>, rows: number, cols: number): string {
  if (g.oops(0.2)) rows = g.pick([0, 200]);
  if (g.oops(0.2)) cols = g.pick([0, 50]);
  const kind = !g.oops() ? g.int(0, 10) : g.int(0, 11);
  if (kind === 11) return oddFile(g, files, g.pick(['.npy', '.npz', '.csv']));
  const name = `m${Object.keys(files).length}`;
  if (kind < 5) {
    files[`${name}.npy`] = npyFile(g, !g.oops() ? [rows, cols] : g.pick([[rows], [rows, 2, cols], []]));
    return `${name}.npy`;
  }
  if (kind < 8) {
    const members: [string, Uint8Array][] = [['x.npy', npyFile(g, [rows, cols])]];
    if (g.oops()) members.push(['y.npy', npyFile(g, [rows])]);
    files[`${name}.npz`] = npzFile(g, members);
    return `${name}.npz`;
  }
  files[`${name}.csv`] = csvFile(g, rows, cols);
  return `${name}.csv`;
}

/** Weights an edges file may carry: ordinary, huge, tiny, zero, negative, not finite, not numbers. */
const EDGE_WEIGHTS = ['1', '0.5', '2', '1e308', '1.7e308', '1e-320', '5e-324', '0', '-1', '-1e-9', 'nan', 'NaN', 'inf', '-inf', '1e400', 'x', ''];
/** Node indices: in range, negative, past the nodes, huge, not integers. */
const EDGE_INDICES = ['-1', '10', '99', '1e9', '4294967296', '9007199254740993', '1.5', '0x1', 'a'];

function edgeFile(g: Gen, files: Record<string, FuzzFile>): string {
  const name = `e${Object.keys(files).length}.csv`;
  const m = g.int(0, 10);
  const index = (hi: number): string => (!g.oops(0.5) ? String(g.int(0, hi)) : g.pick(EDGE_INDICES));
  const weighted = g.chance(0.5);
  files[name] =
    (g.chance(0.3) ? (weighted ? 'i,j,w\n' : 'i,j\n') : '') +
    Array.from(
      { length: m },
      () => `${index(3)},${index(9)}${weighted ? `,${!g.oops() ? g.pick(['1', '0.5', '2', '3.25']) : g.pick(EDGE_WEIGHTS)}` : ''}`,
    ).join('\n') +
    '\n';
  return name;
}

/** A views file n × V × d (augmentation: {views}) for data of `rows` × `cols`: odd shapes and the dtypes of npyFile. */
function viewsFile(g: Gen, files: Record<string, FuzzFile>, rows: number, cols: number): string {
  const name = `views${Object.keys(files).length}.npy`;
  const v = g.int(2, 4);
  const shape = !g.oops()
    ? [rows, v, cols]
    : g.pick([
        [rows, 1, cols],
        [rows, v],
        [rows + 1, v, cols],
        [0, v, cols],
        [rows, v, cols + 1],
        [rows, v, cols, 1],
        [rows, 0, cols],
        [rows * v, cols],
      ]);
  files[name] = npyFile(g, shape, (i) => Math.sin(0.7 * i) + (i % 3));
  return name;
}

/**
 * A moments file: the sums of random data, as `sslexp moments` writes them, valid or perturbed
 * (slightly indefinite, not symmetric, a huge, zero or negative n, a NaN, a wrong shape, a
 * missing member, another version), sometimes with view statistics.
 */
function momentsFile(g: Gen, files: Record<string, FuzzFile>): string {
  const name = `moments${Object.keys(files).length}.npz`;
  const d = g.int(1, 4);
  // fewer rows than columns now and then: XᵀX singular, so a tiny perturbation makes it indefinite
  const n = g.chance(0.3) ? g.int(1, d) : g.int(d + 1, 40);
  const x = Array.from({ length: n * d }, () => Math.round((g.r() - 0.4) * 800) / 100);
  const sumX = Array.from({ length: d }, (_, j) => x.reduce((s, _v, i) => (i % d === j ? s + x[i] : s), 0));
  const xtx = Array.from({ length: d * d }, (_, q) => {
    const [a, b] = [Math.floor(q / d), q % d];
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + a] * x[i * d + b];
    return s;
  });
  const e: NpzEntry[] = [
    { name: 'version', dtype: '<i8', shape: [], data: [1] },
    { name: 'n', dtype: '<i8', shape: [], data: [n] },
    { name: 'sum_x', dtype: '<f8', shape: [d], data: sumX },
    { name: 'xtx', dtype: '<f8', shape: [d, d], data: xtx },
  ];
  if (g.chance(0.4)) {
    const scatter = xtx.map((v, q) => (Math.floor(q / d) === q % d ? v / n + 0.1 : v / (10 * n)));
    e.push(
      { name: 'views', dtype: '<i8', shape: [], data: [g.int(2, 4)] },
      { name: 'sum_xbar', dtype: '<f8', shape: [d], data: sumX.map((v) => 0.9 * v) },
      { name: 'xbar_t_xbar', dtype: '<f8', shape: [d, d], data: xtx.map((v) => 0.81 * v) },
      { name: 'x_t_xbar', dtype: '<f8', shape: [d, d], data: xtx.map((v) => 0.9 * v) },
      { name: 'scatter', dtype: '<f8', shape: [d, d], data: scatter },
    );
  }
  if (g.oops(2)) perturbMoments(g, e, d);
  files[name] = writeNpz(e);
  return name;
}

function perturbMoments(g: Gen, e: NpzEntry[], d: number): void {
  const get = (k: string) => e.find((m) => m.name === k)!;
  const xtx = Array.from(get('xtx').data);
  switch (g.int(0, 7)) {
    case 0: // slightly indefinite: the smallest eigenvalue pushed just below 0
      for (let i = 0; i < d; i++) xtx[i * d + i] -= g.pick([1e-12, 1e-9, 1e-6]) * (1 + Math.abs(xtx[0]));
      get('xtx').data = xtx;
      break;
    case 1: // not symmetric
      if (d > 1) xtx[1] += g.pick([1e-9, 1e-3, 10]);
      get('xtx').data = xtx;
      break;
    case 2:
      get('n').data = [g.pick([0, -5, 1, 2 ** 53 - 1, 1e15])];
      break;
    case 3:
      get('sum_x').data = Array.from(get('sum_x').data).map((v, i) => (i === 0 ? g.pick([NaN, Infinity, 1e308]) : v));
      break;
    case 4:
      get('xtx').shape = [d, d + 1];
      get('xtx').data = [...xtx, ...Array.from({ length: d }, () => 0)];
      break;
    case 5:
      e.splice(
        e.findIndex((m) => m.name === g.pick(['xtx', 'sum_x', 'n', 'version'])),
        1,
      );
      break;
    case 6:
      get('version').data = [g.pick([0, 2, 99])];
      break;
    default: // huge values whose products overflow
      get('xtx').data = xtx.map((v) => v * 1e300);
  }
}

// ---------------------------------------------------------------------------------- cases

/** The case of `seed`. */
export function fuzzCase(seed: number): FuzzCase {
  const g = new Gen(seed);
  g0Gen = g;
  const files: Record<string, FuzzFile> = {};
  const { spec, kind } = specObject(g, files);
  const json = g.chance(0.3);
  let text = json ? JSON.stringify(spec, null, g.chance(0.5) ? 2 : undefined) : toYaml(spec, g).replace(/^\n/, '') + '\n';
  let how = 'generated';
  if (g.chance(0.35)) {
    text = mutate(text, g);
    how = 'mutated';
  }
  g0Gen = undefined;
  const name = `case${seed}.sslexp.${json ? 'json' : 'yaml'}`;
  // `analyze -o`: a new .npz, the spec itself, one of its data files, a wrong extension, a path through a directory
  const inputs = Object.keys(files).filter((f) => !/\/$/.test(f));
  const output = g.chance(0.25)
    ? g.pick([name, 'out.npz', 'out.txt', 'sub/../out.npz', './out', ...(inputs.length ? [g.pick(inputs), `./${g.pick(inputs)}`] : [])])
    : undefined;
  return { seed, name, spec: text, files, kind: `${kind}/${json ? 'json' : 'yaml'}/${how}`, ...(output !== undefined ? { output } : {}) };
}
