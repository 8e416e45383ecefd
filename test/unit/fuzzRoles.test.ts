/**
 * Regression cases of the fuzz suite's input roles (test/support/fuzzCases.ts): graph edges
 * files with odd weights and indices, views files of odd shapes and dtypes, moments files
 * valid and perturbed, tags and anchors on YAML keys, `-o` on the run's inputs. Each runs
 * through the fuzz contract (test/support/fuzzRun.ts: check, analyze --json, analyze, -o;
 * no crash, no internal error, every error located, no NaN printed, no input overwritten)
 * and must end in the located problem written here (or in a result).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCommand } from '../../src/cli/analyze';
import { writeNpz, npyBytes, type NpzEntry } from '../../src/core/io/npzWrite';
import type { FuzzCase, FuzzFile } from '../support/fuzzCases';
import { runCase } from '../support/fuzzRun';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-fuzz-roles-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

let next = 0;
/** Runs `spec` with `files` through the fuzz contract; returns the codes of analyze --json's errors (with their line). */
async function contract(spec: string, files: Record<string, FuzzFile>, output?: string): Promise<{ errors: string[]; status: number }> {
  const c: FuzzCase = { seed: ++next, name: `r${next}.sslexp.yaml`, spec, files, kind: 'regression', ...(output !== undefined ? { output } : {}) };
  const dir = path.join(tmp, `r${next}`);
  fs.mkdirSync(dir);
  const out = await runCase(c, dir);
  assert.deepEqual(out.violations, [], spec);
  const outs: string[] = [];
  analyzeCommand(path.join(dir, c.name), { json: true, components: false }, { out: (s) => outs.push(s), err: () => undefined });
  const doc = JSON.parse(outs[0]) as { problems: { code: string; severity: string; line: number }[] };
  return { status: out.status, errors: doc.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.code}`) };
}

const X8 = [
  [1, 2],
  [2, 1],
  [3, 5],
  [4, 3],
  [5, 8],
  [6, 5],
  [7, 9],
  [8, 7],
];
const inlineX = `  X: [${X8.map((r) => `[${r}]`).join(', ')}]\n`;

test('graph edges files: huge, tiny, zero, negative and non-finite weights, out-of-range and non-integer indices', async () => {
  const spec = (file: string) => `sslexp: 1\ndata:\n${inlineX}graph: {edges: {file: ${file}}}\nembedding: 1\n`;
  const cases: [string, string, string[]][] = [
    ['ok', 'i,j,w\n0,1,1\n1,2,0.5\n2,3,2\n3,4,1\n4,5,1\n5,6,1\n6,7,1\n7,0,1\n', []],
    ['nan', '0,1,nan\n1,2,1\n', ['4:invalid-value']],
    ['inf', '0,1,inf\n1,2,1\n', ['4:invalid-value']],
    ['negative', '0,1,-1\n1,2,1\n', ['4:invalid-value']],
    ['out of range', '0,99,1\n', ['4:out-of-range']],
    ['negative index', '-1,2\n', ['4:file-parse-error']],
    ['non-integer index', '1.5,2\n', ['4:file-parse-error']],
  ];
  for (const [what, csv, errors] of cases) {
    const r = await contract(spec('e.csv'), { 'e.csv': csv });
    if (errors.length) assert.deepEqual(r.errors.slice(0, 1), errors, what);
    else
      assert.ok(
        r.errors.every((e) => !e.startsWith('4:')),
        `${what}: ${r.errors.join()}`,
      );
  }
  // weights whose degrees overflow a double (1e308 + 1.7e308): the weights are scaled by a power
  // of four (docs/theory.md §7.10), so the analysis runs; whatever it reports is finite (the
  // contract), and a value of the user's G beyond the largest double would be an error on the
  // edges line, never on the data
  const huge = await contract(spec('h.csv'), { 'h.csv': '0,1,1e308\n1,2,1.7e308\n2,3,1\n3,4,1\n4,5,1\n5,6,1\n6,7,1\n7,0,1\n' });
  assert.ok(
    huge.errors.every((e) => e.startsWith('4:')),
    huge.errors.join(),
  );
  // tiny weights are valid (no error), whatever they do to the spectrum
  const tiny = await contract(spec('t.csv'), { 't.csv': '0,1,1e-320\n1,2,5e-324\n2,3,1\n3,4,1\n4,5,1\n5,6,1\n6,7,1\n7,0,1\n' });
  assert.ok(
    tiny.errors.every((e) => !e.startsWith('4:')),
    tiny.errors.join(),
  );
});

test('views files: n × V × d, and odd shapes and dtypes located on augmentation.views', async () => {
  const data = new Uint8Array(npyBytes({ dtype: '<f8', shape: [8, 2], data: X8.flat() }));
  const views = (shape: number[], dtype: '<f8' | '<i8' = '<f8') =>
    npyBytes({ dtype, shape, data: Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => (dtype === '<i8' ? i % 7 : Math.sin(i) + (i % 3))) });
  const spec = 'sslexp: 1\nlatent: 1\ndata: {file: x.npy}\naugmentation: {views: {file: v.npy}}\n';
  assert.deepEqual((await contract(spec, { 'x.npy': data, 'v.npy': views([8, 3, 2]) })).errors, []);
  assert.deepEqual((await contract(spec, { 'x.npy': data, 'v.npy': views([8, 3, 2], '<i8') })).errors, [], 'integer views are numbers');
  for (const shape of [
    [8, 1, 2],
    [8, 3],
    [9, 3, 2],
    [8, 3, 3],
    [0, 3, 2],
    [8, 3, 2, 1],
  ]) {
    const r = await contract(spec, { 'x.npy': data, 'v.npy': views(shape) });
    assert.equal(r.status, 1, `shape ${shape}`);
    assert.ok(r.errors.length >= 1 && r.errors.every((e) => e.startsWith('4:')), `shape ${shape}: ${r.errors.join()}`);
  }
});

test('moments files: valid, slightly indefinite, not symmetric, huge or zero n, NaN, missing members', async () => {
  const d = 2;
  const xtx = [0, 0, 0, 0];
  const sum = [0, 0];
  for (const [a, b] of X8) {
    xtx[0] += a * a;
    xtx[1] += a * b;
    xtx[2] += b * a;
    xtx[3] += b * b;
    sum[0] += a;
    sum[1] += b;
  }
  const file = (edit: (e: NpzEntry[]) => void = () => undefined) => {
    const e: NpzEntry[] = [
      { name: 'version', dtype: '<i8', shape: [], data: [1] },
      { name: 'n', dtype: '<i8', shape: [], data: [8] },
      { name: 'sum_x', dtype: '<f8', shape: [d], data: sum },
      { name: 'xtx', dtype: '<f8', shape: [d, d], data: xtx },
    ];
    edit(e);
    return writeNpz(e);
  };
  const spec = 'sslexp: 1\nlatent: 1\ndata: {moments: {file: m.npz}}\naugmentation: {masking: {keep: 0.5}}\n';
  assert.deepEqual((await contract(spec, { 'm.npz': file() })).errors, []);
  const set = (name: string, data: number[]) => (e: NpzEntry[]) => void (e.find((m) => m.name === name)!.data = data);
  for (const [what, edit] of [
    ['indefinite', set('xtx', [xtx[0], xtx[1], xtx[2], (xtx[1] * xtx[2]) / xtx[0] - 1e-9])],
    ['not symmetric', set('xtx', [xtx[0], xtx[1] + 1, xtx[2], xtx[3]])],
    ['n = 0', set('n', [0])],
    ['n huge', set('n', [2 ** 53 - 1])],
    ['NaN', set('sum_x', [NaN, 1])],
    ['no xtx', (e: NpzEntry[]) => void e.splice(3, 1)],
    ['version 2', set('version', [2])],
  ] as const) {
    const r = await contract(spec, { 'm.npz': file(edit) });
    // every refusal is located on the moments file's line; a huge n is data, not an error, and
    // an indefinite or non-symmetric XᵀX may be accepted (symmetrised, or refused downstream)
    if (what === 'n huge' || what === 'indefinite' || what === 'not symmetric')
      assert.ok(
        r.errors.every((e) => e.startsWith('3:')),
        `${what}: ${r.errors.join()}`,
      );
    else assert.ok(r.errors.length >= 1 && r.errors.every((e) => e.startsWith('3:')), `${what}: ${r.errors.join()}`);
  }
});

test('tags and anchors on YAML keys go through every command: the tag problem, located on the key line', async () => {
  const base = 'sslexp: 1\nsignal: {count: 2, variance: 1}\nnoise:\n  count: 2\n';
  for (const [key, code] of [
    ['!!seq variance', 'tag-mismatch'],
    ['!!float variance', 'yaml-syntax'],
    ['!foo variance', 'unknown-tag'],
    ['!<tag:yaml.org,2002:int> variance', 'yaml-syntax'],
  ] as const) {
    const r = await contract(`${base}  ${key}: 1\n`, {});
    assert.deepEqual(r.errors, [`5:${code}`], key);
  }
  assert.deepEqual((await contract(`${base}  !!str &v variance: 1\n`, {})).errors, []);
});

test("-o on the run's own inputs: refused (exit 2), nothing changes; a new .npz is written", async () => {
  const data = new Uint8Array(npyBytes({ dtype: '<f8', shape: [8, 2], data: X8.flat() }));
  const spec = 'sslexp: 1\nlatent: 1\ndata: {file: x.npy}\naugmentation: {masking: {keep: 0.5}}\n';
  // the fuzz contract checks every file's bytes and the exit status for each of these outputs
  for (const output of ['x.npy', './x.npy', `r${next + 1}.sslexp.yaml`, 'out.txt', 'out.npz', 'sub/../out.npz'])
    await contract(spec, { 'x.npy': data }, output);
  const dataNpz = writeNpz([{ name: 'X', dtype: '<f8', shape: [8, 2], data: X8.flat() }]);
  await contract('sslexp: 1\nlatent: 1\ndata: {file: x.npz}\naugmentation: {masking: {keep: 0.5}}\n', { 'x.npz': dataNpz }, 'x.npz');
});
