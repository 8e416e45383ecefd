/**
 * The engine's public interface (docs/architecture.md §3): what code outside src/core uses to
 * analyse specs and to show results — through each result's theory face, never by a theory's
 * name — and everything needed to write and register another theory (§3.5).
 */
export { analyzeText, problemsOnly } from './analyze';
export { simulateSpecText, type SpecSimulationOutcome } from './simulate';
export { chartIds, DEFAULT_THEORY, faceOf, registerTheory, theories, theoryById, theoryFor, type AnyFace, type AnyTheory } from './theories';
export type { AlignmentEngineResult, EngineOptions, EngineResult, SimulationRunOptions, SpectralEmbeddingEngineResult, Theory, TheoryId } from './types';
export type { TheoryResultBase } from '../theories/theory';
export {
  english,
  type CliContext,
  type EditorLimits,
  type EditorSummary,
  type HoverAnswer,
  type Localize,
  type PanelContext,
  type PanelModelBase,
  type PostedResultBase,
  type PostOptions,
  type SolutionsFile,
  type TheoryFace,
} from '../theories/face';
export type { SourceNode, SpecReport, SpecSection } from '../spec/extensions';
export type { ExtensionSpec, Span } from '../spec/model';
export { panelProblems, locateProblems, type LocatedProblem, type PanelProblem } from '../problems/panelProblems';
export { problem, type Problem, type Severity } from '../problems/problems';
