/**
 * The solutions of a data-mode analysis as a `.npz` that `numpy.load` reads
 * (`sslexp analyze FILE --output solutions.npz`; docs/cli.md): every matrix
 * and vector of `solutions` under a flat name, scalars as 0-d arrays.
 */
import { writeNpz, type NpzEntry } from '../../../io/npzWrite';
import type { SolutionSet } from './solutions';
import type { ProbeResult } from './probe';

export const SOLUTIONS_VERSION = 1;

interface SolutionsLike extends SolutionSet {
  corrupted?: SolutionSet & { seed: number };
  discrepancy?: { supervised?: number; reconstruction: number; jointEmbedding: number; jointEmbeddingGram: number };
  probe?: ProbeResult;
}

const matrix = (name: string, m: number[][]): NpzEntry => ({ name, dtype: '<f8', shape: [m.length, m.length ? m[0].length : 0], data: m.flat() });
const vector = (name: string, v: number[]): NpzEntry => ({ name, dtype: '<f8', shape: [v.length], data: v });
const scalar = (name: string, v: number): NpzEntry => ({ name, dtype: '<f8', shape: [], data: [v] });
const integer = (name: string, v: number): NpzEntry => ({ name, dtype: '<i8', shape: [], data: [v] });

function setEntries(prefix: string, s: SolutionSet): NpzEntry[] {
  const out: NpzEntry[] = [];
  if (s.supervised) out.push(matrix(`${prefix}supervised_V`, s.supervised.V), integer(`${prefix}supervised_singular`, s.supervised.singular ? 1 : 0));
  out.push(
    vector(`${prefix}reconstruction_phi`, s.reconstruction.phi),
    matrix(`${prefix}reconstruction_map`, s.reconstruction.map),
    matrix(`${prefix}reconstruction_row_projector`, s.reconstruction.rowProjector),
    scalar(`${prefix}reconstruction_objective`, s.reconstruction.objective),
    vector(`${prefix}joint_embedding_omega`, s.jointEmbedding.omega),
    matrix(`${prefix}joint_embedding_gram`, s.jointEmbedding.gram),
    scalar(`${prefix}joint_embedding_objective`, s.jointEmbedding.objective),
  );
  return out;
}

/**
 * The .npz bytes: `version`; `supervised_V` (ℓ × d) and `supervised_singular`;
 * `reconstruction_{phi, map, row_projector, objective}`; `joint_embedding_{omega, gram,
 * objective}` (the gram is WᵀW); for P1's pipeline the same under `corrupted_` with
 * `corrupted_seed` and `discrepancy_{supervised, reconstruction, joint_embedding,
 * joint_embedding_gram}`; with a probe `probe_{supervised, reconstruction, joint_embedding}`
 * (test accuracies), `probe_train`, `probe_test`, `probe_seed`.
 */
export function solutionsNpz(s: SolutionsLike): Uint8Array {
  const e: NpzEntry[] = [integer('version', SOLUTIONS_VERSION), ...setEntries('', s)];
  if (s.corrupted) e.push(...setEntries('corrupted_', s.corrupted), integer('corrupted_seed', s.corrupted.seed));
  const q = s.discrepancy;
  if (q) {
    if (q.supervised !== undefined) e.push(scalar('discrepancy_supervised', q.supervised));
    e.push(
      scalar('discrepancy_reconstruction', q.reconstruction),
      scalar('discrepancy_joint_embedding', q.jointEmbedding),
      scalar('discrepancy_joint_embedding_gram', q.jointEmbeddingGram),
    );
  }
  const p = s.probe;
  if (p) {
    if (p.supervised !== undefined) e.push(scalar('probe_supervised', p.supervised));
    e.push(
      scalar('probe_reconstruction', p.reconstruction),
      scalar('probe_joint_embedding', p.jointEmbedding),
      integer('probe_train', p.train),
      integer('probe_test', p.test),
      integer('probe_seed', p.seed),
    );
  }
  return writeNpz(e);
}
