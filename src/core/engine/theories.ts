/**
 * The registry of theories: the engine finds the one that owns a parsed spec's mode here.
 * Adding a theory = a folder under core/theories implementing `Theory`, one line below,
 * its section in the spec definition (core/spec) and its panel section (docs/architecture.md).
 */
import type { Spec } from '../spec/model';
import type { Theory, TheoryResultBase } from '../theories/theory';
import { alignmentTheory } from '../theories/alignment/theory';
import { spectralEmbeddingTheory } from '../theories/spectralEmbedding/theory';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each theory narrows the spec to its own modes
type AnyTheory = Theory<any, TheoryResultBase, unknown>;

export const THEORIES: readonly AnyTheory[] = [alignmentTheory, spectralEmbeddingTheory];

/** The theory that owns a spec's mode (every mode has exactly one; tested). */
export function theoryFor(spec: Spec): AnyTheory {
  const t = THEORIES.find((th) => (th.modes as readonly string[]).includes(spec.mode));
  if (!t) throw new Error(`no theory owns mode '${spec.mode}'`);
  return t;
}
