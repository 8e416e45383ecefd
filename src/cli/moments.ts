/**
 * `sslexp moments DATA [--views VIEWS] [--labels LABELS | --label-column I] -o moments.npz`:
 * the sufficient statistics of data mode in one pass over the rows (any file size, in
 * blocks), written as a moments file (README "Moments as a file").
 * `sslexp moments --merge a.npz b.npz ... -o all.npz`: the statistics of the union of
 * disjoint shards, every sum added (never an average of averages).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { momentsNpzParts, readMomentsNpz } from '../core/theories/alignment/data/momentsFile';
import { statsOfSpec } from '../core/theories/alignment/data/streamed';
import { mergeStats, StatsError, type SufficientStats } from '../core/theories/alignment/data/sufficient';
import { DataFileError } from '../core/io/npy';
import type { DataSpec } from '../core/spec/model';
import { progressReporter, rangeReader, readLimited, safeText, type CliIo } from './io';

export interface MomentsOptions {
  files: string[];
  output: string;
  merge: boolean;
  views?: string;
  labels?: string;
  labelColumn?: number;
}

const NOWHERE = { start: 0, end: 0 };

/** A file read by position, for the shards of `--merge`. */
function shardSource(file: string) {
  const abs = path.resolve(file);
  return { size: rangeReader.fileSize(abs), read: (p: number, l: number, into?: Uint8Array) => rangeReader.readRange(abs, p, l, into) };
}

function summary(stats: SufficientStats): string {
  const parts = [`n = ${stats.n}`, `d = ${stats.d}`];
  if (stats.views) parts.push(`V = ${stats.views.count} views`);
  if (stats.targets?.classes) parts.push(`${stats.targets.classes.length} classes`);
  return parts.join(', ');
}

/** Writes the parts one after another: the large arrays go to the file from their own memory, never copied into one archive buffer first. */
function writeParts(output: string, parts: Uint8Array[]): void {
  const fd = fs.openSync(output, 'w');
  try {
    for (const part of parts) for (let done = 0; done < part.length;) done += fs.writeSync(fd, part, done, part.length - done);
  } finally {
    fs.closeSync(fd);
  }
}

function write(output: string, stats: SufficientStats, io: CliIo): number {
  try {
    writeParts(output, momentsNpzParts(stats));
  } catch (e) {
    io.err(`sslexp moments: cannot write '${safeText(output)}': ${safeText((e as Error).message)}`);
    return 1;
  }
  io.out(`${safeText(output)}: ${summary(stats)}`);
  return 0;
}

export function momentsCommand(opts: MomentsOptions, io: CliIo): number {
  if (opts.merge) return merge(opts, io);
  const file = opts.files[0];
  const abs = path.resolve(file);
  // the same reading and checks as a spec `data: {file, labels}` with `augmentation: {views}`
  const spec: DataSpec = {
    sslexp: 1,
    mode: 'data',
    span: NOWHERE,
    data: {
      file,
      fileSpan: NOWHERE,
      fileResolved: abs,
      center: false,
      span: NOWHERE,
      ...(opts.labels !== undefined ? { labels: { file: path.resolve(opts.labels), span: NOWHERE } } : {}),
      ...(opts.labelColumn !== undefined ? { labels: { column: opts.labelColumn } } : {}),
    },
    ...(opts.views !== undefined
      ? { augmentation: { kind: 'views', file: opts.views, fileSpan: NOWHERE, fileResolved: path.resolve(opts.views), span: NOWHERE } }
      : {}),
  };
  const { stats, problems } = statsOfSpec(spec, {
    baseDir: process.cwd(),
    readFile: (p) => readLimited(p),
    ...rangeReader,
    onProgress: progressReporter(io, 'moments'),
  });
  if (!stats) {
    for (const p of problems) io.err(`sslexp moments: ${p.severity} ${p.code}: ${safeText(p.message)}`);
    return 1;
  }
  return write(opts.output, stats, io);
}

function merge(opts: MomentsOptions, io: CliIo): number {
  let total: SufficientStats | undefined;
  for (const file of opts.files) {
    try {
      const s = readMomentsNpz(shardSource(file), path.basename(file));
      total = total ? mergeStats(total, s) : s;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof DataFileError || e instanceof StatsError || code === 'ENOENT' || code === 'EISDIR') {
        io.err(`sslexp moments: ${safeText(file)}: ${code === 'ENOENT' ? 'no such file' : safeText((e as Error).message)}`);
        return 1;
      }
      throw e;
    }
  }
  return write(opts.output, total!, io);
}
