/**
 * `sslexp simulate FILE [--json]`: the spec's finite-n experiment (docs/theory.md §6.1, §8.3).
 * Progress goes to stderr (only when it is a terminal or SSLEXP_PROGRESS=1, so logs stay
 * clean); the series go to stdout: a table, or one JSON object
 * `{file, metric, n, alpha, dimensions, series: [{paradigm, alpha, mean[], spread[]}], ...}`.
 */
import * as path from 'node:path';
import { locate, rangeReader, readLimited, readSpecText, safeText, type CliIo } from './io';
import { formatNumber as f, toJson } from '../core/format/format';
import { simulateSpecText } from '../core/engine/simulate';
import type { SimulationResult } from '../core/theories/alignment/simulation';

export async function runSimulateCommand(
  file: string,
  json: boolean,
  io: CliIo,
  progress: boolean = process.stderr.isTTY === true || process.env.SSLEXP_PROGRESS === '1',
): Promise<number> {
  const abs = path.resolve(file);
  const read = readSpecText(file);
  if ('error' in read) {
    if (json)
      io.out(
        toJson({
          file,
          problems: [{ code: read.code, severity: 'error', message: safeText(read.error), line: 1, column: 1, endLine: 1, endColumn: 1 }],
          simulation: null,
        }),
      );
    else io.out(`${safeText(file)}:1:1: error ${read.code}: ${safeText(read.error)}`);
    return 1;
  }
  const text = read.text;
  let lastShown = -1;
  const t0 = Date.now();
  const outcome = await simulateSpecText<SimulationResult>(
    text,
    { fileName: abs, baseDir: path.dirname(abs), readFile: (p) => readLimited(p), ...rangeReader },
    {
      onProgress: (fraction, message) => {
        const pct = Math.floor(fraction * 100);
        if (progress && pct !== lastShown) {
          lastShown = pct;
          io.err(`simulate: ${String(pct).padStart(3)}%  ${message}`);
        }
      },
    },
  );
  const problems = locate(text, outcome.problems);
  const r = outcome.result;
  if (json) {
    io.out(
      toJson({
        file,
        problems,
        simulation: r
          ? {
              mode: r.mode,
              metric: r.metric,
              metricDescription: r.metricDescription,
              n: r.n,
              alpha: r.alpha,
              repeats: r.repeats,
              seed: r.seed,
              dimensions: r.dimensions,
              series: r.series.map((s) => ({
                paradigm: s.paradigm,
                alpha: s.alpha,
                mean: s.mean,
                spread: s.spread,
                ...(s.predictedRecovery !== undefined ? { predictedRecovery: s.predictedRecovery } : {}),
              })),
              extra: r.extra,
              notes: r.notes,
              elapsedMs: Date.now() - t0,
            }
          : null,
      }),
    );
    return r ? 0 : 1;
  }
  for (const p of problems) io.out(`${safeText(file)}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`);
  if (!r) return 1;
  const lines: string[] = [];
  lines.push(
    `${safeText(file)}: finite-n simulation, ${r.mode} mode, d = ${r.dimensions.d} (${r.dimensions.k} important), latent ${r.dimensions.latent}; ${r.repeats} repeat${r.repeats === 1 ? '' : 's'}, seed ${r.seed}`,
  );
  lines.push(`metric ${r.metric}: mean over repeats (± standard deviation)`);
  const width = 20;
  const header = ['paradigm', 'α', ...r.n.map((n) => `n=${n}`)];
  lines.push(header.map((h, i) => (i < 2 ? h.padEnd(i === 0 ? 16 : 7) : h.padStart(width))).join(''));
  for (const s of r.series) {
    const cells = s.mean.map((m, i) => `${f(m, 3)} ±${f(s.spread[i], 2)}`.padStart(width));
    const pred =
      s.predictedRecovery === undefined || s.paradigm === 'supervised' ? '' : s.predictedRecovery ? '   (theory: recovers)' : '   (theory: does not recover)';
    lines.push(`${s.paradigm.padEnd(16)}${f(s.alpha, 3).padEnd(7)}${cells.join('')}${pred}`);
  }
  for (const [p, what] of Object.entries(r.metricDescription)) lines.push(`  ${p}: ${what}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  lines.push(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  io.out(lines.join('\n'));
  return 0;
}
