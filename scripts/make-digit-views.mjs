#!/usr/bin/env node
// Augmented views of the handwritten digits (examples/data/README.md), two sets from one recipe:
//
// --set=graph  (graph mode, examples/graph/): 500 digits (the first 50 of each class), 2 views, seed 0
//   examples/data/digit-views.npy              float32 (500, 2, 64): image i, view v, 8×8 pixels row-major
//   examples/data/digit-view-labels.npy        int32 (1000,): the digit of each view, in row order
//                                              (graph mode reads the views as N = 1000 rows: 2i and 2i+1 are image i)
// --set=views  (data mode's `augmentation: {views}`, examples/digits-views.sslexp.yaml): 1000 digits
//   (the first 100 of each class), 4 views, seed 14
//   examples/data/digits-clean.npy             float32 (1000, 64): the un-augmented images
//   examples/data/digits-augmented-views.npy   float32 (1000, 4, 64): image i, view v, pixels
//   examples/data/digits-augmented-labels.npy  int32 (1000,): the digit of each image
//
// Images come from examples/data/digits.csv (CC BY 4.0) in file order. Each view, independently:
//   1. a random shift by one of −1, 0, +1 pixels along each axis (dx then dy, each floor(3u) − 1
//      for a uniform draw u; pixels shifted in from outside the image are 0);
//   2. Gaussian pixel noise of standard deviation 1 added to each of the 64 pixels (the pixels are
//      0..16), drawn in row-major order.
// Random numbers: xoshiro128** seeded through SplitMix32, uniform doubles and the Marsaglia polar
// method exactly as in src/core/numerics/rng.ts, drawn in the order image, view, dx, dy, then the
// 64 noise values. The same files come out on every machine.
//
// Usage: node scripts/make-digit-views.mjs [--set=graph|views]           writes the files (both sets by default)
//        node scripts/make-digit-views.mjs [--set=…] --check             rebuilds them in memory and compares (exit 1 if they differ)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(ROOT, 'examples', 'data');
const SIDE = 8;
const NOISE_SD = 1;
/**
 * The two sets of examples/data made here, each from its own seed:
 * graph: 500 digits × 2 views (graph mode, examples/graph/), labels per view row;
 * views: 1000 digits × 4 views plus the clean images (data mode's `augmentation: {views}`), labels per image.
 */
const SETS = {
  graph: { perClass: 50, views: 2, seed: 0 },
  views: { perClass: 100, views: 4, seed: 14 },
};

// ----------------------------------------------------------------------------- the project's RNG

function splitmix32(state) {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Rng {
  constructor(seed) {
    const s = Math.abs(Math.trunc(seed)) % 2 ** 53;
    const a = { x: (s % 4294967296) | 0 };
    const b = { x: (Math.floor(s / 4294967296) ^ 0x6a09e667) | 0 };
    this.s = [0, 0, 0, 0].map(() => (splitmix32(a) ^ splitmix32(b)) | 0);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = undefined;
  }
  nextUint32() {
    const s = this.s;
    const m = Math.imul(s[1], 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  }
  next() {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  normal() {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u, v, s;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }
}

// ----------------------------------------------------------------------------- .npy writer

/** A version 1.0 .npy file: little-endian `descr`, C order, header padded to a multiple of 64 bytes. */
function npy(descr, shape, bytes) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
}

// ----------------------------------------------------------------------------- the views

function makeViews(set) {
  const { perClass: PER_CLASS, views: VIEWS, seed: SEED } = SETS[set];
  const P = SIDE * SIDE;
  const rows = fs
    .readFileSync(path.join(DATA, 'digits.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(',').map(Number));
  const taken = new Array(10).fill(0);
  const images = [];
  for (const r of rows) {
    const y = r[64];
    if (taken[y] < PER_CLASS) {
      taken[y]++;
      images.push({ pixels: r.slice(0, 64), label: y });
    }
  }
  if (images.length !== 10 * PER_CLASS) throw new Error(`digits.csv has fewer than ${PER_CLASS} images of some digit`);
  const rng = new Rng(SEED);
  const clean = new Float32Array(images.length * P);
  const views = new Float32Array(images.length * VIEWS * P);
  // graph mode reads the views as rows, so its labels are per view row; data mode's per image
  const labels = new Int32Array(set === 'graph' ? images.length * VIEWS : images.length);
  let o = 0;
  images.forEach((img, i) => {
    clean.set(img.pixels, i * P);
    if (set === 'views') labels[i] = img.label;
    for (let v = 0; v < VIEWS; v++) {
      const dx = Math.floor(3 * rng.next()) - 1;
      const dy = Math.floor(3 * rng.next()) - 1;
      for (let r = 0; r < SIDE; r++) {
        for (let c = 0; c < SIDE; c++) {
          const sr = r - dy;
          const sc = c - dx;
          const base = sr >= 0 && sr < SIDE && sc >= 0 && sc < SIDE ? img.pixels[sr * SIDE + sc] : 0;
          views[o++] = base + NOISE_SD * rng.normal();
        }
      }
      if (set === 'graph') labels[i * VIEWS + v] = img.label;
    }
  });
  if (set === 'graph') {
    return {
      'digit-views.npy': npy('<f4', [images.length, VIEWS, P], views),
      'digit-view-labels.npy': npy('<i4', [labels.length], labels),
    };
  }
  return {
    'digits-clean.npy': npy('<f4', [images.length, P], clean),
    'digits-augmented-views.npy': npy('<f4', [images.length, VIEWS, P], views),
    'digits-augmented-labels.npy': npy('<i4', [labels.length], labels),
  };
}

const only = process.argv.find((a) => a.startsWith('--set='))?.slice(6);
const files = Object.assign(
  {},
  ...Object.keys(SETS)
    .filter((k) => !only || k === only)
    .map((k) => makeViews(k)),
);
if (process.argv.includes('--check')) {
  let same = true;
  for (const [name, bytes] of Object.entries(files)) {
    const p = path.join(DATA, name);
    const ok = fs.existsSync(p) && Buffer.compare(fs.readFileSync(p), bytes) === 0;
    console.log(`${ok ? 'same' : 'DIFFERENT'}: examples/data/${name}`);
    same &&= ok;
  }
  process.exit(same ? 0 : 1);
}
for (const [name, bytes] of Object.entries(files)) {
  fs.writeFileSync(path.join(DATA, name), bytes);
  console.log(`wrote examples/data/${name} (${bytes.length} bytes)`);
}
