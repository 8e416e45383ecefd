/**
 * `sslexp simulate FILE [--json]`: the spec's finite-n experiment (docs/theory.md §6.1, §8.3).
 * Progress goes to stderr (only when it is a terminal or SSLEXP_PROGRESS=1, so logs stay
 * clean); the series go to stdout: a table, or one JSON object
 * `{file, metric, n, alpha, dimensions, series: [{paradigm, alpha, mean[], spread[]}], ...}`.
 */
import * as path from 'node:path';
import { locate, rangeReader, readLimited, readSpecText, safeText, type CliIo } from './io';
import { toJson } from '../core/format/format';
import { faceOf, simulateSpecText } from '../core/engine/index';

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
  const outcome = await simulateSpecText(
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
  const face = outcome.theory !== undefined ? faceOf(outcome.theory) : undefined;
  if (json) {
    const simulation = r !== undefined && face?.simulationJson ? face.simulationJson(r, Date.now() - t0) : null;
    io.out(toJson({ file, problems, simulation }));
    return simulation ? 0 : 1;
  }
  for (const p of problems) io.out(`${safeText(file)}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`);
  if (r === undefined || !face?.simulationText) return 1;
  io.out(face.simulationText(r, { file, problems, safe: safeText }, Date.now() - t0).join('\n'));
  return 0;
}
