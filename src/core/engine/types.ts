/**
 * The engine's public types: options in, one tagged result out. Pure: no vscode, no global
 * state; file access only through `options.readFile` (absent in untrusted workspaces).
 */
import type { AlignmentEngineResult } from '../theories/alignment/result';
import type { SpectralEmbeddingEngineResult } from '../theories/spectralEmbedding/types';

export type { EngineOptions, SimulationRunOptions, Theory, TheoryId } from '../theories/theory';
export type { AlignmentEngineResult, SpectralEmbeddingEngineResult };

/**
 * One result per analysis, tagged by the theory that owns the spec. A spec that does not
 * parse is tagged by its root keys (a `graph` key means graph mode), with no `mode`.
 */
export type EngineResult = AlignmentEngineResult | SpectralEmbeddingEngineResult;
