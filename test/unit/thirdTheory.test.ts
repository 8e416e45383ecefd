/**
 * Adding a theory (docs/architecture.md §3.5), proven: a tiny third theory defined here, through
 * the engine's public interface only (src/core/engine/index.ts), registered at run time, is
 * analysed by the engine, printed by the CLI (text, --json, check), gets its problems (what the
 * editor shows as diagnostics, with its quick fix) and its panel model, its summary and its
 * hover — and no outer layer names it.
 *
 * The theory: `toy: {value: v}` doubles v; an odd v is an info finding `toy-odd` with a fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  analyzeText,
  chartIds,
  english,
  faceOf,
  problem,
  registerTheory,
  type ExtensionSpec,
  type PanelModelBase,
  type PostedResultBase,
  type Problem,
  type SourceNode,
  type Span,
  type SpecReport,
  type Theory,
  type TheoryResultBase,
} from '../../src/core/engine/index';
import { main } from '../../src/cli/main';
import { toPanelModel } from '../../src/preview/panelModel';
import { isPanelModel } from '../../src/shared/webviewProtocol';

interface ToyValue {
  value: number;
  span: Span;
}
interface ToyResult extends TheoryResultBase {
  theory: 'toy';
  spec?: ExtensionSpec;
  doubled?: number;
}
interface ToyModel extends PanelModelBase {
  theory: 'toy';
  doubled: number | null;
}

/** `toy: {value: <number>}`, checked with located problems. */
function parseToy(node: SourceNode, report: SpecReport): ToyValue | undefined {
  if (node.kind !== 'map') {
    report('wrong-type', `toy: expected a mapping {value}, got a ${node.kind}.`, node.span);
    return undefined;
  }
  const entry = node.entries.find((e) => e.key === 'value');
  for (const e of node.entries) if (e.key !== 'value') report('unknown-key', `Unknown key '${e.key}' in 'toy'; allowed keys: value.`, e.keySpan);
  if (!entry || entry.value.kind !== 'scalar' || typeof entry.value.value !== 'number') {
    report('wrong-type', 'toy.value: expected a number.', entry?.value.span ?? node.span);
    return undefined;
  }
  return { value: entry.value.value, span: entry.value.span };
}

const toy: Theory<never, ToyResult, unknown, ToyResult, ToyModel> = {
  id: 'toy',
  modes: [],
  analyze(spec, _options, problems) {
    const s = spec as unknown as ExtensionSpec;
    const v = s.value as ToyValue;
    const out: Problem[] = [];
    if (v.value % 2 !== 0)
      out.push(
        problem('toy-odd', 'info', `toy.value = ${v.value} is odd; its double is ${2 * v.value}.`, v.span.start, v.span.end, [
          { title: `Use ${v.value + 1}`, edits: [{ start: v.span.start, end: v.span.end, newText: String(v.value + 1) }] },
        ]),
      );
    return { theory: 'toy', problems: [...problems, ...out], spec: s, doubled: 2 * v.value };
  },
  face: {
    findingCodes: ['toy-odd'],
    charts: ['toy-bars'],
    post: (r) => r,
    summary: (r, t) => (r.doubled === undefined ? undefined : { title: t('toy: {0}', r.doubled), tooltip: t('twice the value'), label: t('toy') }),
    hover: (r, _text, offset, t) => {
      const v = r.spec?.value as ToyValue | undefined;
      return v && offset >= v.span.start && offset <= v.span.end ? { markdown: t('**doubled: {0}**', r.doubled ?? 0), ...v.span } : undefined;
    },
    canSimulate: () => false,
    json: (r) => ({ mode: 'toy', doubled: r.doubled ?? null }),
    text: (r, c) => [`${c.file}: toy theory`, `  doubled: ${r.doubled ?? '—'}`, ...c.problems.map((p) => `  ${p.line}:${p.column}: ${p.code}`)],
    panelModel: (r, c) => ({ theory: 'toy', problems: c.problems, doubled: r.doubled ?? null }),
    isPanelModel: (m) => m.doubled === null || typeof m.doubled === 'number',
    recommended: () => null,
    offersSolutions: () => false,
  },
};

const SPEC = 'sslexp: 1\nname: A toy\ntoy: {value: 3}\n';

function withToy(run: () => Promise<void> | void): () => Promise<void> {
  return async () => {
    const unregister = registerTheory(toy as never, { key: 'toy', parse: parseToy });
    try {
      await run();
    } finally {
      unregister();
    }
  };
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: () => {} });
  return { code, out: out.join('\n') };
}

test(
  'a registered third theory: the engine analyses its spec, with its problems located and fixed',
  withToy(() => {
    const r = analyzeText(SPEC, { fileName: 'a.sslexp.yaml' }) as unknown as ToyResult;
    assert.equal(r.theory, 'toy');
    assert.equal(r.doubled, 6);
    assert.equal(r.spec?.name, 'A toy');
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.severity, SPEC.slice(p.start, p.end), p.fixes?.[0].title]),
      [['toy-odd', 'info', '3', 'Use 4']],
    );
    // Its own checks, located on its value; keys it does not know, located on the key.
    const badText = 'sslexp: 1\ntoy: {value: x, extra: 1}\nalpha: 2\n';
    const bad: TheoryResultBase = analyzeText(badText, { fileName: 'b.sslexp.yaml' });
    assert.equal(bad.theory, 'toy');
    assert.deepEqual(
      bad.problems.map((p) => [p.code, badText.slice(p.start, p.end)]),
      [
        ['wrong-type', 'x'],
        ['unknown-key', 'extra'],
        ['unknown-key', 'alpha'],
      ],
    );
  }),
);

test(
  'a registered third theory in the CLI: analyze (text and --json) and check go through its face',
  withToy(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sslexp-toy-'));
    const file = path.join(dir, 'toy.sslexp.yaml');
    fs.writeFileSync(file, SPEC);
    const json = await cli(['analyze', file, '--json']);
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.out);
    assert.deepEqual(Object.keys(doc), ['file', 'mode', 'doubled', 'problems']);
    assert.equal(doc.doubled, 6);
    assert.deepEqual(
      doc.problems.map((p: { code: string; line: number; column: number }) => [p.code, p.line, p.column]),
      [['toy-odd', 3, 14]],
    );
    const text = await cli(['analyze', file]);
    assert.deepEqual(text.out.split('\n'), [`${file}: toy theory`, '  doubled: 6', '  3:14: toy-odd']);
    const check = await cli(['check', file]);
    assert.equal(check.code, 0);
    assert.equal(check.out, `${file}:3:14: info toy-odd: toy.value = 3 is odd; its double is 6.`);
  }),
);

test(
  "a registered third theory in the editor's layers: posted result, summary, hover, findings setting and panel model",
  withToy(() => {
    const r = analyzeText(SPEC, { fileName: 'a.sslexp.yaml' });
    const face = faceOf(r.theory);
    const posted: PostedResultBase = face.post(r, { maxPoints: 100, detail: true });
    assert.deepEqual(face.summary(posted, english), { title: 'toy: 6', tooltip: 'twice the value', label: 'toy' });
    const three = SPEC.indexOf('3');
    assert.deepEqual(face.hover?.(posted, SPEC, three, english), { markdown: '**doubled: 6**', start: three, end: three + 1 });
    assert.deepEqual([...face.findingCodes], ['toy-odd']);
    const model = toPanelModel({ result: posted, text: SPEC });
    assert.deepEqual(model, {
      theory: 'toy',
      problems: [{ severity: 'info', code: 'toy-odd', message: 'toy.value = 3 is odd; its double is 6.', line: 3, offset: three }],
      doubled: 6,
    });
    assert.ok(isPanelModel(model), 'the protocol carries its model');
    assert.ok(face.isPanelModel(model as unknown as Record<string, unknown>));
    assert.deepEqual(chartIds().slice(-1), ['toy-bars']);
  }),
);

test('unregistered, the third theory is gone: its key is unknown again and the built-in theories are untouched', () => {
  const r = analyzeText(SPEC, { fileName: 'a.sslexp.yaml' });
  assert.equal(r.theory, 'alignment');
  assert.ok(r.problems.some((p) => p.code === 'unknown-key' && SPEC.slice(p.start, p.end) === 'toy'));
  assert.ok(!chartIds().includes('toy-bars'));
  assert.throws(() => registerTheory({ ...toy, id: 'alignment' } as never, { key: 'other', parse: parseToy }), /already registered/);
});
