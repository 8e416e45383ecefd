/**
 * P1 — joint-embedding vs reconstruction (docs/theory.md §2–§6): the theory's one public entry.
 * Code outside src/core reaches this theory only through this file or the engine
 * (docs/architecture.md §3.5): its {@link alignmentTheory} (analysis and face), the types the
 * panel draws, and the moments files of data mode (`sslexp moments`).
 */
export { alignmentTheory } from './theory';
export { alignmentPanel, ALIGNMENT_FINDING_CODES } from './face/face';
export type { AlignmentEngineResult } from './result';
export type { AlignmentPostedResult, BlockStats, PanelScoreBlock, PanelScores, PanelSpectra, SolutionSummary, SpectrumStats } from './face/posted';
export type { AlignmentPanelModel, AlphaSweep, PanelProbe, PanelSimulation, PanelStrength, PanelViewsFit } from './face/panel';
export type { AtAlpha, Dimensions, NoiseScalingCurve, Paradigm, Recommendation, Regime, Thresholds } from './types';
export type { SimulatedParadigm, SimulationResult } from './simulation';
// Moments files: written, read and merged by `sslexp moments` (docs/architecture.md §5).
export { momentsNpz, momentsNpzParts, readMomentsNpz } from './data/momentsFile';
export { statsOfSpec } from './data/streamed';
export { mergeStats, StatsError, type SufficientStats } from './data/sufficient';
