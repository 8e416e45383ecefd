/**
 * Spec sections of theories registered at run time (docs/architecture.md §3.5): a root key
 * that selects the theory, and the check of its value. The built-in theories' keys come from
 * the one spec definition (definition.ts); a registered theory's document holds `sslexp`,
 * `name` and its own key, which its section checks (the JSON Schema and the language service
 * describe the built-in language only).
 */
import type { Severity } from '../problems/problems';
import type { Span } from './model';
import type { SourceNode } from './sourceTree';

export type { SourceNode };

/** Reports a problem of the section's value (severity `error` unless given). */
export type SpecReport = (code: string, message: string, span: Span, severity?: Severity) => void;

export interface SpecSection {
  /** The root key that selects the theory (it must not be a key of the built-in language). */
  key: string;
  /** Checks the key's value; returns what the theory analyses, or undefined when it reported an error. */
  parse(value: SourceNode, report: SpecReport): unknown;
}

export interface RegisteredSection extends SpecSection {
  /** The id of the theory the section selects. */
  theory: string;
}

const sections: RegisteredSection[] = [];

/** Adds a section; returns a function that removes it again. */
export function registerSpecSection(section: RegisteredSection): () => void {
  if (sections.some((s) => s.key === section.key)) throw new Error(`the root key '${section.key}' already selects a theory`);
  sections.push(section);
  return () => {
    const i = sections.indexOf(section);
    if (i >= 0) sections.splice(i, 1);
  };
}

/** The registered section selected by one of these root keys, if any. */
export function sectionOfKeys(keys: Iterable<string>): RegisteredSection | undefined {
  for (const k of keys) {
    const s = sections.find((x) => x.key === k);
    if (s) return s;
  }
  return undefined;
}
