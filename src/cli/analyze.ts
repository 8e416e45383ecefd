/** `sslexp analyze FILE [--json] [--alpha A] [--components] [-o F.npz]`: the analysis as text or one JSON object, through the spec's theory face. */
import * as path from 'node:path';
import { faceOf, type CliContext } from '../core/engine/index';
import { toJson } from '../core/format/format';
import { npzKeys } from '../core/io/npz';
import { checkOutputPath, hasError, loadAndAnalyze, locate, progressReporter, safeText, writeFileAtomic, type CliIo, type Loaded } from './io';

function cliContext(loaded: Loaded): CliContext {
  return { file: loaded.file, problems: locate(loaded.text, loaded.result.problems), safe: safeText };
}

/** The JSON document of `analyze --json`: `file`, the theory's fields, `problems` (docs/cli.md). */
export function analysisJson(loaded: Loaded): Record<string, unknown> {
  const context = cliContext(loaded);
  return { file: loaded.file, ...faceOf(loaded.result.theory).json(loaded.result, context), problems: context.problems };
}

export function analyzeCommand(file: string, opts: { json: boolean; alpha?: number; components: boolean; output?: string }, io: CliIo): number {
  // the output must not be the spec (checked now) nor a file the analysis reads (checked after it)
  const refused = opts.output !== undefined ? checkOutputPath(opts.output, [file]) : undefined;
  if (refused) {
    io.err(`sslexp analyze: --output ${refused}.`);
    return 2;
  }
  const onProgress = progressReporter(io, 'analyze');
  const readPaths = new Set<string>([path.resolve(file)]);
  const loaded = loadAndAnalyze(file, { alpha: opts.alpha, components: opts.components, readPaths, ...(onProgress ? { onProgress } : {}) });
  const r = loaded.result;
  // nothing written (1): the analysis is still printed, so that its errors show; an input named as the output (2): a usage error
  const written = opts.output !== undefined ? writeSolutions(opts.output, loaded, readPaths, io) : 0;
  if (written === 2) return 2;
  const status = hasError(r) || written !== 0 ? 1 : 0;
  io.out(opts.json ? toJson(analysisJson(loaded)) : faceOf(r.theory).text(r, cliContext(loaded)).join('\n'));
  return status;
}

/**
 * `--output F.npz`: every solution matrix and vector of the analysis, for numpy.load
 * (docs/cli.md), written atomically; `wrote F (N arrays)` on stderr. 1 when nothing was
 * written (the spec has errors, no solutions, the write failed), 2 when F is one of the files
 * the analysis read.
 */
function writeSolutions(output: string, loaded: Loaded, readPaths: ReadonlySet<string>, io: CliIo): number {
  const r = loaded.result;
  // a spec with errors writes nothing, even when some solutions were computed: exit 1 then always means "no file"
  const file = hasError(r)
    ? { reason: 'the spec has errors' }
    : (faceOf(r.theory).solutionsFile?.(r) ?? { reason: 'only a data-mode analysis has solution matrices' });
  if ('reason' in file) {
    io.err(`sslexp analyze: --output: nothing written to '${safeText(output)}': ${file.reason}.`);
    return 1;
  }
  const refused = checkOutputPath(output, readPaths);
  if (refused) {
    io.err(`sslexp analyze: --output ${refused}.`);
    return 2;
  }
  try {
    writeFileAtomic(output, file.bytes);
  } catch (e) {
    io.err(`sslexp analyze: cannot write '${safeText(output)}': ${safeText((e as Error).message)}`);
    return 1;
  }
  io.err(`wrote ${safeText(output)} (${npzKeys(file.bytes).length} arrays)`);
  return 0;
}
