/**
 * Documentation lookup in the spec language's definition (definition.ts), for completion
 * and hover (docs/architecture.md §2): given a path of keys and list indices, the node's documentation,
 * kind, allowed children, enumeration values, examples and snippets.
 */
import { SPEC, keysOf, modeDef, own, resolve } from './definition';
import type { ArrayDef, DefNode, ObjectDef, RefDef, Snippet, SpecMode } from './definitionTypes';

export interface SpecNodeInfo {
  /** The path looked up. */
  path: readonly (string | number)[];
  /** The node's kind (`ref`s resolved). */
  kind: Exclude<DefNode, RefDef>['kind'];
  title?: string;
  description: string;
  markdown: string;
  /** Allowed keys of a mapping (of a union's mapping alternative). */
  children: string[];
  required: string[];
  /** Values of an enumeration (and `true` only for a constant boolean). */
  enum?: readonly unknown[];
  examples: readonly unknown[];
  snippets: readonly Snippet[];
  default?: unknown;
  /** Titles of a union's alternatives or of an exclusive group's keys. */
  alternatives: string[];
  node: DefNode;
}

function mappingOf(node: DefNode): ObjectDef | undefined {
  const n = resolve(node);
  if (n.kind === 'object') return n;
  // A union's mapping alternative, also through a nested union (theta: a matrix or a spectrum).
  if (n.kind === 'union')
    for (const b of n.branches) {
      const m = mappingOf(b);
      if (m) return m;
    }
  return undefined;
}

const MATRIX_ROW: ArrayDef = { kind: 'array', description: 'A row (a list of numbers).', items: { kind: 'number', description: 'An entry.' } };

function step(node: DefNode, seg: string | number, rootMode: SpecMode | undefined, atRoot: boolean): DefNode | undefined {
  const n = resolve(node);
  if (atRoot && typeof seg === 'string') {
    const m = rootMode ? modeDef(rootMode) : undefined;
    if (m && (own(m.forbidden, seg) !== undefined || SPEC.modes.some((o) => o.key === seg && SPEC.modes.indexOf(o) > SPEC.modes.indexOf(m)))) return undefined;
    return own(m?.properties, seg) ?? own(SPEC.properties, seg);
  }
  switch (n.kind) {
    case 'object':
      return typeof seg === 'string' ? own(n.properties, seg) : undefined;
    case 'array':
      return typeof seg === 'number' ? n.items : undefined;
    case 'tuple':
      return typeof seg === 'number' ? n.items[seg] : undefined;
    case 'matrix':
      return typeof seg === 'number' ? MATRIX_ROW : undefined;
    case 'union':
      for (const b of n.branches) {
        const r = step(b, seg, rootMode, false);
        if (r) return r;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The definition of the node at `path` (keys and list indices from the root), e.g.
 * `['signal', 'variance']` or `['graph', 'edges', 0, 2]`; `mode` chooses between the shapes
 * of `data` (data mode by default) and hides keys the mode does not allow.
 */
export function lookupSpecNode(path: readonly (string | number)[], mode?: SpecMode): SpecNodeInfo | undefined {
  let node: DefNode = SPEC;
  for (let i = 0; i < path.length; i++) {
    const next = step(node, path[i], mode, i === 0);
    if (!next) return undefined;
    node = next;
  }
  const n = resolve(node);
  const map = mappingOf(n);
  const children = map ? (path.length === 0 && mode ? keysOf(map).filter((k) => step(SPEC, k, mode, true)) : keysOf(map)) : [];
  const alternatives = [
    ...(n.kind === 'union' ? n.branches.map((b) => b.title ?? resolve(b).title ?? '') : []),
    ...(map?.exclusive ?? []).flatMap((g) => g.keys.map((k) => g.titles[k])),
  ];
  return {
    path,
    kind: n.kind,
    ...((node.title ?? n.title) ? { title: node.title ?? n.title } : {}),
    description: node.description,
    markdown: node.markdown ?? (node.kind === 'ref' ? node.description : (n.markdown ?? n.description)),
    children,
    required: [...(map?.required ?? [])],
    ...(n.kind === 'enum' ? { enum: n.values } : n.kind === 'boolean' && n.const !== undefined ? { enum: [n.const] } : {}),
    examples: node.examples ?? n.examples ?? [],
    snippets: node.snippets ?? n.snippets ?? [],
    ...(node.default !== undefined ? { default: node.default } : n.default !== undefined ? { default: n.default } : {}),
    alternatives,
    node: n,
  };
}
