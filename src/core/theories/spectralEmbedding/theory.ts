/**
 * P2 as a {@link Theory}: graph mode, which joint-embedding method from the pair graph
 * (docs/theory.md §7).
 */
import type { GraphSpec } from '../../spec/model';
import type { Theory } from '../theory';
import { analyzeGraph } from './analyzeGraph';
import type { SpectralEmbeddingEngineResult } from './types';
import { spectralEmbeddingFace } from './face/face';
import type { GraphPanelModel } from './face/panel';

export const spectralEmbeddingTheory: Theory<GraphSpec, SpectralEmbeddingEngineResult, unknown, SpectralEmbeddingEngineResult, GraphPanelModel> = {
  id: 'spectralEmbedding',
  modes: ['graph'],
  analyze(spec, options, problems) {
    const result: SpectralEmbeddingEngineResult = { theory: 'spectralEmbedding', problems, spec, mode: 'graph' };
    const analysis = analyzeGraph(spec, { baseDir: options.baseDir, readFile: options.readFile }, problems);
    if (analysis) result.analysis = analysis;
    return result;
  },
  face: spectralEmbeddingFace,
};
