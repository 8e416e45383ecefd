/**
 * The registry of theories: the engine finds the one that owns a parsed spec's mode here, and
 * the outer layers find a result's face by its theory tag (docs/architecture.md §3.5). Adding
 * a theory = a folder under core/theories with its public entry `index.ts`, and one line below.
 * A theory defined elsewhere (a test's) joins with {@link registerTheory}.
 */
import type { Spec } from '../spec/model';
import type { PanelModelBase, PostedResultBase, TheoryFace } from '../theories/face';
import type { Theory, TheoryResultBase } from '../theories/theory';
import { alignmentTheory } from '../theories/alignment/index';
import { spectralEmbeddingTheory } from '../theories/spectralEmbedding/index';
import { registerSpecSection, type SpecSection } from '../spec/extensions';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each theory narrows the spec, its results and its panel model to its own
export type AnyTheory = Theory<any, TheoryResultBase, any, any, any>;
/** A face as the outer layers use it: over every theory's results. */
export type AnyFace = TheoryFace<TheoryResultBase, PostedResultBase, unknown, PanelModelBase>;

const BUILT_IN: readonly AnyTheory[] = [alignmentTheory, spectralEmbeddingTheory];
const registered: AnyTheory[] = [...BUILT_IN];

/** The theory of results that carry only problems (a spec that does not parse and selects no other theory). */
export const DEFAULT_THEORY = alignmentTheory.id;

/** Every registered theory, the built-in ones first. */
export function theories(): readonly AnyTheory[] {
  return registered;
}

/** The theory that owns a spec's mode (every mode has exactly one; tested). */
export function theoryFor(spec: Spec): AnyTheory {
  const t = theoryForMode(spec.mode, spec.mode === 'extension' ? spec.theory : undefined);
  if (!t) throw new Error(`no theory owns mode '${spec.mode}'`);
  return t;
}

/** The theory of a mode (`extension`: the registered theory `id`). */
export function theoryForMode(mode: string, id?: string): AnyTheory | undefined {
  return mode === 'extension' ? registered.find((t) => t.id === id) : registered.find((t) => (t.modes as readonly string[]).includes(mode));
}

/** The theory a result, a posted result or a panel model is tagged with. */
export function theoryById(id: string): AnyTheory | undefined {
  return registered.find((t) => t.id === id);
}

/** The face of a theory by id; the default theory's for an unknown id (a result from an older session). */
export function faceOf(id: string): AnyFace {
  return (theoryById(id) ?? theoryById(DEFAULT_THEORY)!).face as AnyFace;
}

/**
 * Adds a theory defined outside this folder, with the root key of the spec language that
 * selects it (docs/architecture.md §3.5). Returns a function that removes it again.
 */
export function registerTheory(theory: AnyTheory, section: SpecSection): () => void {
  if (registered.some((t) => t.id === theory.id)) throw new Error(`a theory '${theory.id}' is already registered`);
  registered.push(theory);
  const unregisterSection = registerSpecSection({ ...section, theory: theory.id });
  return () => {
    unregisterSection();
    const i = registered.indexOf(theory);
    if (i >= 0) registered.splice(i, 1);
  };
}

/** Every theory's chart ids, in display order (the panel's section order). */
export function chartIds(): string[] {
  return registered.flatMap((t) => [...t.face.charts]);
}
