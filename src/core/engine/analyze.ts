/**
 * Text in, problems and analysis out (the engine behind the CLI, the worker and the
 * editor): parse with the one spec definition, then dispatch to the theory that owns the
 * spec's mode. Never throws on user input: failures become problems.
 */
import type { EngineOptions, EngineResult } from './types';
import { problem, type Problem } from '../problems/problems';
import { parseSpec } from '../spec/parseSpec';
import { DEFAULT_THEORY, theoryFor, theoryForMode } from './theories';

export function analyzeText(text: string, options: EngineOptions): EngineResult {
  try {
    return analyzeUnsafe(text, options);
  } catch (err) {
    // Defence in depth: an engine bug must never crash the host, the worker or the CLI.
    const message = err instanceof Error ? err.message : String(err);
    return problemsOnly([problem('internal-error', 'error', `Internal error while analysing the spec: ${message}`, 0, 0)]);
  }
}

function analyzeUnsafe(text: string, options: EngineOptions): EngineResult {
  const parsed = parseSpec(text, { fileName: options.fileName, baseDir: options.baseDir });
  const problems: Problem[] = [...parsed.problems];
  const spec = parsed.spec;
  // a spec whose only errors a theory can offer fixes for (an invalid α) is repaired, not analysed
  if (parsed.repairable) theoryFor(parsed.repairable).repair?.(parsed.repairable, options, problems);
  if (!spec) return finish({ theory: theoryForMode(parsed.mode ?? 'spectral', parsed.theory)?.id ?? DEFAULT_THEORY, problems } as EngineResult);
  const theory = theoryFor(spec);
  const result = problems.some((p) => p.severity === 'error')
    ? ({ theory: theory.id, problems, spec, mode: spec.mode } as EngineResult)
    : (theory.analyze(spec, options, problems) as EngineResult);
  return finish(result);
}

function finish<R extends EngineResult>(result: R): R {
  result.problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return result;
}

/** A result that carries only problems (a file that cannot be read, an engine failure), tagged with the default theory. */
export function problemsOnly(problems: Problem[]): EngineResult {
  return { theory: DEFAULT_THEORY, problems } as EngineResult;
}
