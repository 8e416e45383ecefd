/**
 * The engine's public types: options in, one tagged result out. Pure: no vscode, no global
 * state; file access only through `options.readFile` (absent in untrusted workspaces).
 */
import type { AlignmentEngineResult } from '../theories/alignment/index';
import type { SpectralEmbeddingEngineResult } from '../theories/spectralEmbedding/index';

export type { EngineOptions, SimulationRunOptions, Theory, TheoryId } from '../theories/theory';
export type { AlignmentEngineResult, SpectralEmbeddingEngineResult };

/**
 * One result per analysis, tagged by the theory that owns the spec. A spec that does not
 * parse is tagged by its root keys (a `graph` key means graph mode), with no `mode`. (A
 * theory registered at run time returns its own result type; code outside src/core reads
 * every result only through its theory's face: engine/theories.ts `faceOf`.)
 */
export type EngineResult = AlignmentEngineResult | SpectralEmbeddingEngineResult;
