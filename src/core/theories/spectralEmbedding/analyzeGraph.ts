/**
 * Graph mode's analysis (docs/theory.md §7): reads the rows, builds G, and computes the
 * VICReg / SimCLR / Barlow Twins closed forms and the recommendation.
 */
import { problem, type Problem } from '../../problems/problems';
import type { GraphSpec } from '../../spec/model';
import type { GraphAnalysis } from './types';

export interface GraphFileAccess {
  baseDir?: string;
  readFile?: (absPath: string) => Uint8Array;
}

export function analyzeGraph(spec: GraphSpec, _files: GraphFileAccess, problems: Problem[]): GraphAnalysis | undefined {
  // Filled in by the graph-mode work (issue 11); until then a located error, never a silent result.
  problems.push(problem('not-implemented', 'error', 'Graph mode is not available in this build.', spec.graphKeySpan.start, spec.graphKeySpan.end));
  return undefined;
}
