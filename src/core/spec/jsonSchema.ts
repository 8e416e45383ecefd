/**
 * The JSON Schema (draft-07) of the spec language, generated from its definition
 * (definition.ts). `npm run schema` writes it to schemas/sslexp.schema.json, for CI and for
 * users who want it in other editors (it is NOT contributed to VS Code: the extension's own
 * diagnostics and language service cover spec files, so nothing is reported twice);
 * test/unit/schema.test.ts fails when the checked-in file differs from `specJsonSchema()`.
 */
import { DEFINITIONS, SPEC, extensionPattern } from './definition';
import type { DefNode, DocFields, ExclusiveGroup, ModeDef, ObjectDef, RootDef } from './definitionTypes';

type Json = { [key: string]: unknown };

export const SCHEMA_ID = 'https://ssl-paradigm-advisor/schemas/sslexp.schema.json';

function doc(d: DocFields): Json {
  return {
    ...(d.title !== undefined ? { title: d.title } : {}),
    description: d.description,
    markdownDescription: d.markdown ?? d.description,
    ...(d.default !== undefined ? { default: d.default } : {}),
    ...(d.examples !== undefined ? { examples: d.examples } : {}),
    ...(d.snippets !== undefined
      ? { defaultSnippets: d.snippets.map((s) => ({ label: s.label, ...(s.description ? { description: s.description } : {}), body: s.body })) }
      : {}),
  };
}

const matrixRow = (): Json => ({
  type: 'array',
  description: 'A row.',
  markdownDescription: 'A row.',
  minItems: 1,
  items: { type: 'number', description: 'An entry.', markdownDescription: 'An entry.' },
});

/** `oneOf` alternatives saying "exactly one of these keys" (or `not` two of them). */
function exclusive(g: ExclusiveGroup): Json {
  if (g.required) return { oneOf: g.keys.map((k) => ({ title: g.titles[k], required: [k] })) };
  const pairs: Json[] = [];
  for (let i = 0; i < g.keys.length; i++) for (let j = i + 1; j < g.keys.length; j++) pairs.push({ required: [g.keys[i], g.keys[j]] });
  return { not: { anyOf: pairs } };
}

function objectSchema(n: ObjectDef, properties: Record<string, unknown>): Json {
  const groups = (n.exclusive ?? []).map(exclusive);
  const extra = [...groups, ...(n.rules ?? []).map((r) => r.schema)];
  const out: Json = {
    type: n.nullable ? ['object', 'null'] : 'object',
    ...doc(n),
    ...(n.required?.length ? { required: n.required } : {}),
    ...(n.minProperties !== undefined ? { minProperties: n.minProperties } : {}),
    properties,
    additionalProperties: false,
  };
  // one extra constraint sits in the object itself (readable), several in an allOf
  if (extra.length === 1 && Object.keys(extra[0]).every((k) => !(k in out))) return { ...out, ...extra[0] };
  return extra.length ? { ...out, allOf: extra } : out;
}

/** The JSON Schema of one definition node. */
export function nodeSchema(n: DefNode): Json {
  switch (n.kind) {
    case 'number':
    case 'integer': {
      const max = n.limit ? Math.min(n.maximum ?? Infinity, n.limit.maximum) : n.maximum;
      return {
        type: n.kind,
        ...doc(n),
        ...(n.const !== undefined ? { const: n.const } : {}),
        ...(n.minimum !== undefined ? { minimum: n.minimum } : {}),
        ...(n.exclusiveMinimum !== undefined ? { exclusiveMinimum: n.exclusiveMinimum } : {}),
        ...(max !== undefined ? { maximum: max } : {}),
        ...(n.exclusiveMaximum !== undefined ? { exclusiveMaximum: n.exclusiveMaximum } : {}),
      };
    }
    case 'string':
      return { type: 'string', ...doc(n), ...(n.file ? { pattern: extensionPattern(n.file.extensions) } : {}) };
    case 'boolean':
      return { type: 'boolean', ...doc(n), ...(n.const !== undefined ? { const: n.const } : {}) };
    case 'enum':
      return { type: 'string', ...doc(n), enum: n.values };
    case 'array':
      return {
        type: 'array',
        ...doc(n),
        ...(n.minItems !== undefined ? { minItems: n.minItems } : {}),
        ...(n.maxItems !== undefined ? { maxItems: n.maxItems } : {}),
        items: nodeSchema(n.items),
      };
    case 'tuple':
      return { type: 'array', ...doc(n), minItems: n.minItems, maxItems: n.items.length, items: n.items.map(nodeSchema), additionalItems: false };
    case 'matrix':
      return { type: 'array', ...doc(n), minItems: 1, items: matrixRow() };
    case 'object':
      return objectSchema(n, Object.fromEntries(Object.entries(n.properties).map(([k, v]) => [k, nodeSchema(v)])));
    case 'union':
      return { ...doc(n), oneOf: n.branches.map(nodeSchema) };
    case 'ref':
      return { $ref: `#/definitions/${n.ref}`, ...doc(n) };
  }
}

/** Root keys a mode allows: not forbidden, and not the key of a later mode (which would select that one). */
function allows(root: RootDef, m: ModeDef, key: string): boolean {
  const later = root.modes.slice(root.modes.indexOf(m) + 1);
  return m.forbidden[key] === undefined && !later.some((o) => o.key === key);
}

function modeSchema(root: RootDef, m: ModeDef, overridden: readonly string[]): Json {
  const later = root.modes.slice(root.modes.indexOf(m) + 1).flatMap((o) => (o.key !== undefined ? [o.key] : []));
  const absent = [...later, ...Object.keys(m.forbidden)];
  const props = overridden.filter((k) => allows(root, m, k));
  return {
    title: m.title,
    description: m.description,
    markdownDescription: m.description,
    required: m.required,
    not: { anyOf: absent.map((k) => ({ required: [k] })) },
    ...(props.length ? { properties: Object.fromEntries(props.map((k) => [k, nodeSchema(m.properties?.[k] ?? root.properties[k])])) } : {}),
    ...(m.rules?.length ? { allOf: m.rules.map((r) => r.schema) } : {}),
  };
}

/** The whole schema, as written to schemas/sslexp.schema.json. */
export function specJsonSchema(root: RootDef = SPEC): Json {
  // a property whose shape depends on the mode: the root says what it is, each mode its shape
  const overridden = Object.keys(root.properties).filter((k) => root.modes.some((m) => m.properties?.[k] !== undefined));
  const properties = Object.fromEntries(
    Object.entries(root.properties).map(([k, v]) => [
      k,
      overridden.includes(k) ? { type: 'object', ...doc({ description: v.description, markdown: v.markdown }) } : nodeSchema(v),
    ]),
  );
  const body = objectSchema(root, properties);
  delete body.title;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: root.title,
    ...body,
    oneOf: root.modes.map((m) => modeSchema(root, m, overridden)),
    definitions: Object.fromEntries(Object.entries(DEFINITIONS).map(([k, v]) => [k, nodeSchema(v)])),
  };
}

/** The schema file's text: two-space JSON and a final newline. */
export function specJsonSchemaText(): string {
  return JSON.stringify(specJsonSchema(), null, 2) + '\n';
}
