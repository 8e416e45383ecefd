/**
 * The editor's own bound on the size of a spectral problem (setting
 * sslParadigm.worker.maxComponents), checked on the parsed counts before any spectrum is
 * evaluated, so that a typo like `count: 100000000` cannot exhaust the worker's memory. The
 * `sslexp` command has no such limit.
 */
import { problem, type Problem } from '../../../problems/problems';
import type { Spec } from '../../../spec/model';
import type { EditorLimits } from '../../face';

export function alignmentEditorRefusal(spec: Spec, limits: EditorLimits): Problem | undefined {
  const max = limits.maxComponents;
  if (max === undefined || !(max > 0) || spec.mode !== 'spectral') return undefined;
  const total = spec.signal.count + spec.noise.count;
  if (total <= max) return undefined;
  const block = spec.noise.count >= spec.signal.count ? spec.noise : spec.signal;
  const span = block.countSpan ?? block.keySpan ?? block.span;
  return problem(
    'limit-exceeded',
    'error',
    `The spec has ${total} components (signal ${spec.signal.count} + noise ${spec.noise.count}), over the editor's limit of ${max} ` +
      `(setting sslParadigm.worker.maxComponents); it is not analysed in the editor. The sslexp command line has no such limit.`,
    span.start,
    span.end,
  );
}
