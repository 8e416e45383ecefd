/** `sslexp analyze FILE [--json] [--alpha A] [--components] [-o F.npz]`: the analysis as text or one JSON object, through the spec's theory face. */
import * as fs from 'node:fs';
import { faceOf, type CliContext } from '../core/engine/index';
import { toJson } from '../core/format/format';
import { hasError, loadAndAnalyze, locate, progressReporter, safeText, type CliIo, type Loaded } from './io';

function cliContext(loaded: Loaded): CliContext {
  return { file: loaded.file, problems: locate(loaded.text, loaded.result.problems), safe: safeText };
}

/** The JSON document of `analyze --json`: `file`, the theory's fields, `problems` (docs/architecture.md §2 "CLI"). */
export function analysisJson(loaded: Loaded): Record<string, unknown> {
  const context = cliContext(loaded);
  return { file: loaded.file, ...faceOf(loaded.result.theory).json(loaded.result, context), problems: context.problems };
}

export function analyzeCommand(file: string, opts: { json: boolean; alpha?: number; components: boolean; output?: string }, io: CliIo): number {
  const onProgress = progressReporter(io, 'analyze');
  const loaded = loadAndAnalyze(file, { alpha: opts.alpha, components: opts.components, ...(onProgress ? { onProgress } : {}) });
  const r = loaded.result;
  if (opts.output !== undefined && writeSolutions(opts.output, loaded, io) !== 0) return 1;
  if (opts.json) {
    io.out(toJson(analysisJson(loaded)));
    return hasError(r) ? 1 : 0;
  }
  io.out(faceOf(r.theory).text(r, cliContext(loaded)).join('\n'));
  return hasError(r) ? 1 : 0;
}

/** `--output F.npz`: every solution matrix and vector of the analysis, for numpy.load (README "The sslexp command"). */
function writeSolutions(output: string, loaded: Loaded, io: CliIo): number {
  const face = faceOf(loaded.result.theory);
  const file = face.solutionsFile?.(loaded.result) ?? {
    reason: hasError(loaded.result) ? 'the spec has errors' : 'only a data-mode analysis has solution matrices',
  };
  if ('reason' in file) {
    io.err(`sslexp analyze: --output: nothing written to '${safeText(output)}': ${file.reason}.`);
    return 1;
  }
  try {
    fs.writeFileSync(output, file.bytes);
  } catch (e) {
    io.err(`sslexp analyze: cannot write '${safeText(output)}': ${safeText((e as Error).message)}`);
    return 1;
  }
  return 0;
}
