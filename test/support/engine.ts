/**
 * Narrows an engine result, a posted result or a panel model to one theory's own type, failing
 * the test otherwise (the product reads them only through their theory's face; tests know the
 * theory they expect).
 */
import assert from 'node:assert/strict';
import type { EngineResult, PanelModelBase, PostedResultBase } from '../../src/core/engine/index';
import type { AlignmentEngineResult, AlignmentPanelModel, AlignmentPostedResult } from '../../src/core/theories/alignment/index';
import type { GraphPanelModel, SpectralEmbeddingEngineResult } from '../../src/core/theories/spectralEmbedding/index';

export function asAlignment(r: EngineResult): AlignmentEngineResult;
export function asAlignment(r: PanelModelBase): AlignmentPanelModel;
export function asAlignment(r: PostedResultBase): AlignmentPostedResult;
export function asAlignment(r: { theory?: string }): unknown {
  assert.equal(r.theory, 'alignment', `expected a result of the alignment theory, got ${String(r.theory)}`);
  return r;
}

export function asGraph(r: EngineResult): SpectralEmbeddingEngineResult;
export function asGraph(r: PanelModelBase): GraphPanelModel;
export function asGraph(r: PostedResultBase): SpectralEmbeddingEngineResult;
export function asGraph(r: { theory?: string }): unknown {
  assert.equal(r.theory, 'spectralEmbedding', `expected a result of graph mode, got ${String(r.theory)}`);
  return r;
}
