/**
 * Pure mapping from what the worker posts (a {@link PostedResult}, plus the latest simulation
 * of the document) to what the panel renders: the panel model of the result's theory (its
 * face's `panelModel`), with the card's problems located. No `vscode` import: unit-tested in
 * Node (test/unit/panelModel.test.ts).
 */
import { faceOf, panelProblems, type PanelModelBase } from '../core/engine/index';
import { computeLineStarts } from '../core/problems/problems';
import type { PostedResult } from '../shared/workerProtocol';

export interface PanelModelInput {
  result: PostedResult;
  /** The text the result was computed from (for the problems' line numbers); or its line starts. */
  text?: string;
  lineStarts?: readonly number[];
  /** The latest simulation of the same document, if any (as its theory posted it). */
  simulation?: unknown;
}

/** PostedResult (+ simulation) -> the theory's panel model, tagged by the result's theory. */
export function toPanelModel(input: PanelModelInput): PanelModelBase {
  const lineStarts = input.lineStarts ?? computeLineStarts(input.text ?? '');
  const problems = panelProblems(input.result.problems, lineStarts);
  return faceOf(input.result.theory).panelModel(input.result, { problems, ...(input.simulation ? { simulation: input.simulation } : {}) });
}
