/**
 * Pure mapping from what the worker posts ({@link SerializableEngineResult}, plus the
 * latest simulation of the document) to what the panel renders ({@link PanelModel}).
 * No `vscode` import: unit-tested in Node (test/unit/panelModel.test.ts).
 */
import { computeLineStarts, offsetToLineColumn, type Problem } from '../core/problems/problems';
import type { SerializableAlignmentResult, SerializableEngineResult } from '../shared/workerProtocol';
import type { PanelModel, PanelProblem, PanelSimulation } from '../shared/webviewProtocol';

/** The card lists at most this many problems (a broken spec can have hundreds). */
export const MAX_PANEL_PROBLEMS = 50;

const SEVERITY_RANK: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Problems for the card: no hints, the most severe first (stable by offset), capped. */
export function panelProblems(problems: readonly Problem[], lineStarts: readonly number[]): PanelProblem[] {
  return problems
    .filter((p) => p.severity !== 'hint')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => SEVERITY_RANK[a.p.severity] - SEVERITY_RANK[b.p.severity] || a.p.start - b.p.start || a.i - b.i)
    .slice(0, MAX_PANEL_PROBLEMS)
    .map(({ p }) => {
      const offset = Number.isInteger(p.start) && p.start >= 0 ? p.start : undefined;
      return {
        severity: p.severity,
        code: p.code,
        message: p.message,
        line: offset === undefined ? 1 : offsetToLineColumn(lineStarts as number[], offset).line,
        ...(offset === undefined ? {} : { offset }),
      };
    });
}

export interface PanelModelInput {
  result: SerializableEngineResult;
  /** The text the result was computed from (for the problems' line numbers); or its line starts. */
  text?: string;
  lineStarts?: readonly number[];
  /** The latest simulation of the same document, if any. */
  simulation?: PanelSimulation | null;
}

/** SerializableEngineResult (+ simulation) -> PanelModel. */
export function toPanelModel(input: PanelModelInput): PanelModel {
  const { result: anyResult } = input;
  const lineStarts = input.lineStarts ?? computeLineStarts(input.text ?? '');
  const name = anyResult.spec?.name;
  const result: Partial<SerializableAlignmentResult> = anyResult.theory === 'alignment' ? anyResult : {};
  const model: PanelModel = {
    ...(typeof name === 'string' && name.length > 0 ? { name } : {}),
    dimensions: result.dimensions ?? { d: 0, k: 0, latent: 0 },
    thresholds: result.thresholds ?? null,
    atAlpha: result.atAlpha ?? null,
    recommendation: result.recommendation ?? null,
    problems: panelProblems(anyResult.problems, lineStarts),
    spectra: result.spectra ?? null,
    scores: result.scores ?? null,
    curve: result.curve ?? null,
  };
  if (input.simulation) model.simulation = input.simulation;
  return model;
}
