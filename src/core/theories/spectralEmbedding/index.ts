/**
 * P2 — which joint-embedding method from the positive-pair graph (docs/theory.md §7): the
 * theory's one public entry. Code outside src/core reaches this theory only through this file
 * or the engine (docs/architecture.md §3.5).
 */
export { spectralEmbeddingTheory } from './theory';
export { graphPanel } from './face/face';
export { LOW_DATA_ROWS_PER_FEATURE } from './recommendation';
export { MAX_SIGMA_CURVES, type GraphPanelLinear, type GraphPanelModel, type SigmaSweep } from './face/panel';
export type {
  BarlowLinear,
  GraphAnalysis,
  GraphDimensions,
  GraphKind,
  GraphMethod,
  GraphRecommendation,
  GraphSummary,
  InvarianceSweep,
  PairAlignment,
  SimclrLinear,
  SimclrRepresentation,
  SpectralEmbeddingEngineResult,
  VicregLinear,
  VicregRepresentation,
} from './types';
