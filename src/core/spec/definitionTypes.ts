/**
 * The node types of the spec language's definition (definition.ts): what each position of a
 * `*.sslexp.{yaml,yml,json}` document may hold. One description drives the validator's
 * structural checks (parseSpec.ts and the check*.ts files), the generated JSON Schema
 * (jsonSchema.ts -> schemas/sslexp.schema.json) and the documentation lookup for completion
 * and hover (`lookupSpecNode`).
 */

/** A JSON Schema (draft-07) fragment, for cross-field rules the generic node types do not cover. */
export type JsonSchemaFragment = { [key: string]: unknown };

/** A completion proposal (`defaultSnippets` of VS Code's JSON and YAML support). */
export interface Snippet {
  label: string;
  description?: string;
  /** The inserted value; always a valid value at its position. */
  body: unknown;
}

/** Documentation and editor help shared by every node. */
export interface DocFields {
  /** Plain text (JSON Schema `description`). */
  description: string;
  /** Markdown shown by editors (`markdownDescription`); defaults to `description`. */
  markdown?: string;
  /** A short name: every alternative of a union carries one (completion labels). */
  title?: string;
  /** Scalar or list values offered by completion; valid at this position. */
  examples?: readonly unknown[];
  /** The value used when the key is omitted (only where the language has one fixed default). */
  default?: unknown;
  /** Mapping skeletons offered by completion; valid at this position. */
  snippets?: readonly Snippet[];
  /** What a `wrong-type` problem says is expected ("an integer", "a mapping {n, alpha}"). */
  expected?: string;
}

export interface NumberDef extends DocFields {
  kind: 'number' | 'integer';
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  const?: number;
  /** The allowed range as said by `out-of-range` problems: "must be <rule>, got x." */
  rule?: string;
  /**
   * Below the minimum, a variance is `negative-variance` and an alpha `negative-alpha`
   * (their own messages) instead of `out-of-range`.
   */
  role?: 'variance' | 'alpha';
  /** A documented limit (LIMITS in model.ts): above it `limit-exceeded`, "exceeds the limit of N <what>". */
  limit?: { maximum: number; what?: string };
}

export interface StringDef extends DocFields {
  kind: 'string';
  /** A path relative to the spec: non-empty, with one of these extensions (case-insensitive). */
  file?: { extensions: readonly string[]; what: string };
}

export interface BooleanDef extends DocFields {
  kind: 'boolean';
  const?: boolean;
  /** Message of `invalid-value` when `const` is not met. */
  rule?: string;
}

export interface EnumDef extends DocFields {
  kind: 'enum';
  values: readonly string[];
}

export interface ArrayDef extends DocFields {
  kind: 'array';
  items: DefNode;
  minItems?: number;
  maxItems?: number;
}

/** A fixed-length list whose positions have their own meaning (an edge [i, j, w?]). */
export interface TupleDef extends DocFields {
  kind: 'tuple';
  items: readonly DefNode[];
  minItems: number;
}

/** A numeric matrix: a non-empty list of non-empty rows of numbers (equal lengths, checked in code). */
export interface MatrixDef extends DocFields {
  kind: 'matrix';
  /** Square and symmetric with a non-negative diagonal (checked in code). */
  covariance?: boolean;
}

/**
 * Keys of a mapping of which exactly one (`required`) or at most one may be present: spectrum
 * families, data file | X, labels column | file, augmentation kinds, graph relations.
 */
export interface ExclusiveGroup {
  keys: readonly string[];
  required: boolean;
  /** Said by `conflicting-keys`: "<path>: 'b' conflicts with 'a': <reason>." */
  reason: string;
  /** Titles of the schema alternatives, one per key (completion labels). */
  titles: Readonly<Record<string, string>>;
  /** Appended to "missing required field '<first key>'" when none is present. */
  missingHint?: string;
  /** Replaces the missing-field message: `{path}` and `{keys}` are substituted. */
  missingMessage?: string;
}

/** A cross-field rule. The schema says it with `schema`; the validator implements `id` in code. */
export interface Rule {
  id: string;
  doc: string;
  schema: JsonSchemaFragment;
}

export interface ObjectDef extends DocFields {
  kind: 'object';
  properties: Readonly<Record<string, DefNode>>;
  required?: readonly string[];
  /** Appended to "missing required field 'x'" messages. */
  requiredHints?: Readonly<Record<string, string>>;
  /**
   * Family parameters: a missing required key is `missing-parameter` on the parent key,
   * "(expected <shape>)", instead of `missing-field`.
   */
  parameters?: { shape: string };
  exclusive?: readonly ExclusiveGroup[];
  /** Keys the language knows elsewhere but not here: `mode-conflict` with this message. */
  forbidden?: Readonly<Record<string, string>>;
  /** `null` (an empty YAML value) stands for `{}`. */
  nullable?: boolean;
  minProperties?: number;
  /** Said by `invalid-value` when fewer keys than `minProperties` are given. */
  minPropertiesMessage?: string;
  rules?: readonly Rule[];
}

/** One of several shapes (by the value's kind: number, list, mapping). Every branch has a title. */
export interface UnionDef extends DocFields {
  kind: 'union';
  branches: readonly DefNode[];
}

/** A reference to a shared definition (JSON Schema `definitions`). */
export interface RefDef extends DocFields {
  kind: 'ref';
  ref: string;
}

export type DefNode = NumberDef | StringDef | BooleanDef | EnumDef | ArrayDef | TupleDef | MatrixDef | ObjectDef | UnionDef | RefDef;

export type SpecMode = 'spectral' | 'data' | 'graph';

/** A mode of the document, selected by its root keys (docs/architecture.md §1). */
export interface ModeDef {
  mode: SpecMode;
  title: string;
  description: string;
  /** The root key whose presence selects the mode (none: the default mode). Later modes win. */
  key?: string;
  required: readonly string[];
  /** Appended to "Missing required field 'x'". */
  requiredHint: string;
  /** Root keys not allowed in this mode, each with its `mode-conflict` message. */
  forbidden: Readonly<Record<string, string>>;
  /** Root properties whose shape differs in this mode (graph mode's `data`). */
  properties?: Readonly<Record<string, DefNode>>;
  rules?: readonly Rule[];
}

export interface RootDef extends ObjectDef {
  modes: readonly ModeDef[];
}
