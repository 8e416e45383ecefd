/**
 * The two .npz readers (npz.ts, the whole file, as `data.file` of a small spec; npzStream.ts
 * + openRows.ts, by blocks, as `sslexp moments` and large data) against numpy.load, on the
 * edge cases of test/oracle/npz_edge_cases.py (the archives and numpy's verdicts are in
 * test/fixtures/npz). Every case: the two readers agree with each other (the same array or
 * the same message), and with numpy whether the array is read, except the cases numpy reads
 * with a compression method the readers do not implement (refused with a clear message).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNpz } from '../../src/core/io/npz';
import { DataFileError } from '../../src/core/io/npy';
import { openRows } from '../../src/core/io/openRows';
import { bytesSource } from '../../src/core/io/stream';

const root = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(root, 'test', 'fixtures', 'npz');

interface Verdict {
  numpy: 'ok' | 'error';
  requestKey: string | null;
  key?: string;
  shape?: number[];
  values?: number[];
  error?: string;
  numpyOnly?: boolean;
}
const verdicts = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'verdicts.json'), 'utf8')) as { cases: Record<string, Verdict> };

type Outcome = { ok: true; key: string; shape: number[]; values: number[] } | { ok: false; message: string };

function outcome(read: () => { key: string; shape: number[]; values: number[] }): Outcome {
  try {
    return { ok: true, ...read() };
  } catch (e) {
    if (!(e instanceof DataFileError)) throw e; // anything else is a reader bug, not a refusal
    return { ok: false, message: e.message };
  }
}

function wholeFile(bytes: Uint8Array, key: string | undefined): Outcome {
  return outcome(() => {
    const a = readNpz(bytes, 'f.npz', key);
    return { key: a.key, shape: [...a.shape], values: Array.from(a.data) };
  });
}

function byBlocks(bytes: Uint8Array, key: string | undefined): Outcome {
  return outcome(() => {
    const rows = openRows(bytesSource(bytes), 'f.npz', key);
    const values: number[] = [];
    for (let b = rows.next(2); b; b = rows.next(2)) values.push(...b.data.subarray(0, b.rows * rows.width));
    const key2 = /\[(.*)\]$/.exec(rows.name)?.[1] ?? '';
    return { key: key2, shape: [...rows.shape], values };
  });
}

test('npz edge cases: the whole-file and the block reader agree with each other and with numpy.load', () => {
  const names = Object.keys(verdicts.cases);
  assert.ok(names.length >= 20, `${names.length} cases`);
  for (const name of names) {
    const v = verdicts.cases[name];
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, `${name}.npz`)));
    const key = v.requestKey ?? undefined;
    const whole = wholeFile(bytes, key);
    const blocks = byBlocks(bytes, key);
    assert.deepEqual(blocks, whole, `${name}: the two readers differ`);
    if (v.numpyOnly) {
      assert.equal(v.numpy, 'ok', name);
      assert.deepEqual(whole, { ok: false, message: "f.npz: member 'x.npy' uses compression method 12; only stored (0) and deflate (8) are supported." });
      continue;
    }
    if (v.numpy === 'ok') {
      assert.deepEqual(whole, { ok: true, key: v.key, shape: v.shape, values: v.values }, `${name}: numpy reads it`);
    } else {
      assert.equal(whole.ok, false, `${name}: numpy refuses it (${v.error}), the readers read it`);
    }
  }
});

test('npz edge cases: the exact refusal of each case numpy refuses', () => {
  const expected: Record<string, string> = {
    'cd-size-one-of-two':
      'f.npz is not a valid .npz (zip) archive: the central directory does not end where the end-of-central-directory record begins (corrupt offsets or sizes).',
    'end-signature-in-comment': 'f.npz is not a valid .npz (zip) archive: no end-of-central-directory record (truncated or not a zip file).',
    'truncated-end': 'f.npz is not a valid .npz (zip) archive: no end-of-central-directory record (truncated or not a zip file).',
    'bad-crc': "f.npz: member 'x.npy': CRC mismatch (the archive is corrupt).",
    'bad-central-signature': 'f.npz is not a valid .npz (zip) archive: central directory entry 1 is corrupt.',
    'local-name-differs': "f.npz: member 'x.npy': the local header names it 'y.npy' (the archive is corrupt).",
    'prepended-bytes':
      'f.npz is not a valid .npz (zip) archive: the central directory does not end where the end-of-central-directory record begins (corrupt offsets or sizes).',
    'prepended-bytes-offsets-moved':
      'f.npz is not a valid .npz (zip) archive: it does not begin with a member (bytes before the archive; numpy.load refuses them).',
    'encrypted-flag': "f.npz: member 'x.npy' is encrypted; encrypted archives are not supported.",
    'cd-offset-beyond-end': 'f.npz is not a valid .npz (zip) archive: the central directory lies beyond the end of the file (truncated?).',
    'not-a-zip': 'f.npz is not a valid .npz (zip) archive: no end-of-central-directory record (truncated or not a zip file).',
    'empty-archive': 'f.npz is an empty archive (no arrays).',
  };
  const refused = Object.keys(verdicts.cases).filter((n) => verdicts.cases[n].numpy === 'error');
  assert.deepEqual(refused.sort(), Object.keys(expected).sort(), 'every case numpy refuses has its message here');
  for (const [name, message] of Object.entries(expected)) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, `${name}.npz`)));
    assert.deepEqual(wholeFile(bytes, verdicts.cases[name].requestKey ?? undefined), { ok: false, message }, name);
  }
});

test('npz edge cases: the reported archive (end record claims 65,535 entries) reads as numpy reads it', () => {
  const v = verdicts.cases['eocd-count-65535'];
  const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'eocd-count-65535.npz')));
  assert.deepEqual(wholeFile(bytes, undefined), { ok: true, key: 'x', shape: [3, 2], values: [0, 0.25, 0.5, 0.75, 1, 1.25] });
  assert.deepEqual(v.values, [0, 0.25, 0.5, 0.75, 1, 1.25]);
});

test('npz edge cases: the oracle script reproduces the stored verdicts (skipped without python3 + numpy)', (t) => {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    t.skip('python3 with numpy is not installed: the stored verdicts were not regenerated');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-npz-oracle-'));
  try {
    const r = spawnSync('python3', [path.join(root, 'test', 'oracle', 'npz_edge_cases.py'), dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const fresh = JSON.parse(fs.readFileSync(path.join(dir, 'verdicts.json'), 'utf8')) as { cases: Record<string, Verdict & { detail?: string }> };
    const strip = (c: Record<string, Verdict & { detail?: string }>) =>
      Object.fromEntries(Object.entries(c).map(([k, { detail: _detail, ...rest }]) => [k, rest]));
    assert.deepEqual(strip(fresh.cases), strip(verdicts.cases as Record<string, Verdict & { detail?: string }>));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
