// Writes media/icon.png (128x128 RGBA), the extension's marketplace icon: axes and the two
// threshold curves of the panel's first chart on a dark blue tile. Dependency-free (node:zlib).
// Usage: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Float64Array(N * N * 4);
const blend = (x, y, [r, g, b], a) => {
  if (x < 0 || y < 0 || x >= N || y >= N || a <= 0) return;
  const i = (y * N + x) * 4;
  const k = Math.min(1, a);
  px[i] = px[i] * (1 - k) + r * k;
  px[i + 1] = px[i + 1] * (1 - k) + g * k;
  px[i + 2] = px[i + 2] * (1 - k) + b * k;
  px[i + 3] = Math.max(px[i + 3], k * 255);
};
// Tile with rounded corners (radius 20), 4x supersampled coverage.
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    let cover = 0;
    for (let s = 0; s < 16; s++) {
      const sx = x + ((s % 4) + 0.5) / 4,
        sy = y + (Math.floor(s / 4) + 0.5) / 4;
      const dx = Math.max(20 - sx, sx - (N - 20), 0),
        dy = Math.max(20 - sy, sy - (N - 20), 0);
      if (dx * dx + dy * dy <= 400) cover++;
    }
    blend(x, y, [30, 58, 95], cover / 16);
  }
/** A thick anti-aliased polyline through f(t), t in [0, 1]. */
function stroke(f, width, color) {
  const pts = Array.from({ length: 400 }, (_, i) => f(i / 399));
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      let d = Infinity;
      for (let i = 1; i < pts.length; i++) {
        const [ax, ay] = pts[i - 1],
          [bx, by] = pts[i];
        const vx = bx - ax,
          vy = by - ay;
        const t = Math.max(0, Math.min(1, ((x + 0.5 - ax) * vx + (y + 0.5 - ay) * vy) / (vx * vx + vy * vy || 1)));
        d = Math.min(d, Math.hypot(x + 0.5 - ax - t * vx, y + 0.5 - ay - t * vy));
      }
      blend(x, y, color, width / 2 - d + 0.5);
    }
}
stroke((t) => (t < 0.5 ? [22, 20 + t * 2 * 86] : [22 + (t - 0.5) * 2 * 86, 106]), 6, [232, 238, 245]);
stroke((t) => [30 + 72 * t, 30 + 64 * Math.pow(t, 0.45)], 7, [79, 195, 247]);
stroke((t) => [30 + 72 * t, 92 - 56 * t * t], 7, [255, 183, 77]);
// PNG encoding.
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) for (let x = 0; x < N * 4; x++) raw[y * (N * 4 + 1) + 1 + x] = Math.round(px[y * N * 4 + x]);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
writeFileSync(
  new URL('../media/icon.png', import.meta.url),
  Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]),
);
