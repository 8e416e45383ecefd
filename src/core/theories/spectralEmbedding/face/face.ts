/**
 * What the outer layers show of P2's results, gathered in one {@link TheoryFace}
 * (docs/architecture.md §3.5). Graph mode's results are plain JSON, posted as they are.
 */
import type { TheoryFace } from '../../face';
import type { SpectralEmbeddingEngineResult } from '../types';
import { graphAnalysisJson, graphAnalysisText } from './cli';
import { graphHover } from './hover';
import { GRAPH_CHART_IDS, graphPanelModel, isGraphPanelModel, type GraphPanelModel } from './panel';
import { graphSummary } from './summary';

/** The parts of the face the panel's webview uses (kept small: the webview bundles only these). */
export const graphPanel = {
  charts: GRAPH_CHART_IDS,
  isPanelModel: isGraphPanelModel,
  recommended: (m: GraphPanelModel): string | null => m.recommendation?.method ?? null,
  offersSolutions: (): boolean => false,
};

export const spectralEmbeddingFace: TheoryFace<SpectralEmbeddingEngineResult, SpectralEmbeddingEngineResult, unknown, GraphPanelModel> = {
  ...graphPanel,
  findingCodes: [],
  post: (r) => r,
  summary: graphSummary,
  hover: graphHover,
  canSimulate: () => false,
  json: graphAnalysisJson,
  text: graphAnalysisText,
  panelModel: graphPanelModel,
};
