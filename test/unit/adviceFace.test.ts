/**
 * The advice's public face (docs/architecture.md §2): what the panel model, the hovers and the
 * lens / status-bar tooltip carry of P1's model fitted to your views (docs/theory.md §6.4) and
 * of graph mode's measured advice (§7.9), on the bundled examples. Every number a text quotes
 * is checked against the engine's result it comes from, and the fixed texts against the CLI's
 * (test/golden), so the editor and the CLI say the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeText, faceOf } from '../../src/core/engine/index';
import { formatNumber as f } from '../../src/core/format/format';
import { english } from '../../src/core/theories/face';
import { toPanelModel } from '../../src/preview/panelModel';
import { isPanelModel as isPanelEnvelope } from '../../src/shared/webviewProtocol';
import { isRenderable } from '../../src/webview/theories';
import { POOR_FIT_RESIDUAL, PROBE_SIGNIFICANCE } from '../../src/core/theories/alignment/viewsAdvice';
import { asAlignment, asGraph } from '../support/engine';
import {
  fitAlphaText,
  fitResidualText,
  fitRuleText,
  isPoorFit,
  pairedSentence,
  percentInterval,
  pointsText,
  probeIntervalsSentence,
} from '../../src/webview/alignment/views';

const ROOT = path.resolve(__dirname, '../../..');
const isPanelModel = (m: unknown): boolean => isPanelEnvelope(m) && isRenderable(m);

function analyse(rel: string, edit: (text: string) => string = (x) => x) {
  const file = path.join(ROOT, rel);
  const text = edit(readFileSync(file, 'utf8'));
  const engine = analyzeText(text, { fileName: file, baseDir: path.dirname(file), readFile: (p) => readFileSync(p) });
  const posted = faceOf(engine.theory).post(engine, { maxPoints: 4000, detail: false });
  return { text, engine, posted, face: faceOf(engine.theory) };
}

const views = analyse('examples/digits-views.sslexp.yaml');
const viewsEngine = asAlignment(views.engine);
const fit = viewsEngine.fit!;
const th = viewsEngine.thresholds!;
const probe = viewsEngine.solutions!.probe!;

test('views: the panel model carries the fit (no basis), its cuts, the strength what-if and the probe with intervals and the paired test', () => {
  assert.ok(fit && th && probe && viewsEngine.strength, JSON.stringify(viewsEngine.problems));
  const m = asAlignment(toPanelModel({ result: views.posted, text: views.text }));
  const { important, ...rest } = fit;
  assert.deepEqual(m.fit, {
    ...rest,
    important: { dimension: 16, rule: 'labels+invariance', labelDirections: 10 },
    poorFitResidual: POOR_FIT_RESIDUAL,
    significance: PROBE_SIGNIFICANCE,
  });
  assert.equal(important.basis.length, 16, 'the engine has the 16 directions; the model leaves them out');
  assert.deepEqual(m.strength, viewsEngine.strength);
  assert.deepEqual(m.probe, probe);
  // the probe as the CLI prints it (test/golden): 161, 158 and 144 of 201 right; JE is not scored at s = 0 (not unique)
  assert.deepEqual(
    [m.probe!.reconstruction, m.probe!.jointEmbedding, m.probe!.supervised].map((v) => Math.round(v! * 201)),
    [161, 158, 144],
  );
  assert.equal(m.strength!.probe!.jointEmbedding[0], null);
  assert.equal(m.strength!.scale[4], 1);
  assert.equal(m.strength!.alpha[4], fit.alpha, 'α(1) = α̂');
  assert.ok(isPanelModel(m));
  assert.doesNotThrow(() => structuredClone(m));
});

test('views: the model check rejects a tampered fit, what-if or probe', () => {
  const m = asAlignment(toPanelModel({ result: views.posted, text: views.text }));
  type Tampered = {
    fit: { important: { rule: string }; alphaInterval: number[] };
    strength: { probe: { reconstruction: (number | null)[] }; alpha2RC: number[] };
    probe: { paired: { pValue: number }; intervals: { reconstruction: number[] } };
  };
  const bad = (edit: (x: Tampered) => void): boolean => {
    const copy = structuredClone(m) as unknown as Tampered;
    edit(copy);
    return isPanelModel(copy);
  };
  assert.equal(
    bad(() => undefined),
    true,
  );
  assert.equal(
    bad((x) => (x.fit.important.rule = 'guess')),
    false,
  );
  assert.equal(
    bad((x) => (x.fit.alphaInterval = [0.4, 0.1])),
    false,
  );
  assert.equal(
    bad((x) => (x.strength.probe.reconstruction[3] = 1.2)),
    false,
  );
  assert.equal(
    bad((x) => x.strength.alpha2RC.pop()),
    false,
  );
  assert.equal(
    bad((x) => (x.probe.paired.pValue = 2)),
    false,
  );
  assert.equal(
    bad((x) => (x.probe.intervals.reconstruction = [0.9, 0.8])),
    false,
  );
  assert.equal(
    bad((x) => (x.fit.alphaInterval = [0, Infinity])),
    true,
    'an interval without an upper end is a fit',
  );
});

/** The numbers a views text quotes, as the CLI writes them (test/golden/digits-views). */
const fittedLine = `α̂ = ${f(fit.alpha)} (95% interval ${f(fit.alphaInterval[0])}–${f(fit.alphaInterval[1])}) · α_RC = ${f(Math.sqrt(th.alpha2RC))} · α_JE = ${f(Math.sqrt(th.alpha2JE))}`;

test('views: the hover on augmentation.views quotes α̂ (interval), α_RC, α_JE, the rule, the residual and the probe', () => {
  assert.equal(fittedLine, 'α̂ = 0.238 (95% interval 0–0.345) · α_RC = 85.1 · α_JE = 2.48');
  const at = views.text.indexOf('views:', views.text.indexOf('augmentation:'));
  const h = views.face.hover!(views.posted, views.text, at + 2, english);
  assert.ok(h);
  assert.equal(
    h.markdown,
    [
      "**augmentation.views**: P1's model fitted to your views (docs/theory.md §6.4)",
      '',
      `${fittedLine}  `,
      'Important subspace: 10 label-carrying (Fisher) directions and the 6 directions your views change least.  ',
      "Fit residual 0.7 > 0.25: your views are far from P1's shared-diagonal form, so the thresholds are a rough guide.",
      '',
      'Linear probe (201 test samples): reconstruction 80.1%, joint-embedding 78.6%, supervised 71.6%',
    ].join('\n'),
  );
  // the quoted numbers are the result's, at the CLI's rounding
  assert.equal(f(fit.residual, 2), '0.7');
  assert.ok(fit.residual > POOR_FIT_RESIDUAL);
  assert.equal(f(100 * probe.reconstruction, 3), '80.1');
  // the hover covers the views mapping (its file too), not the data key
  const aug = viewsEngine.spec!.mode === 'data' ? viewsEngine.spec!.augmentation : undefined;
  assert.ok(aug?.kind === 'views');
  assert.deepEqual([h.start, h.end], [aug.span.start, aug.span.end]);
  const onFile = views.face.hover!(views.posted, views.text, views.text.indexOf('digits-augmented-views'), english)!;
  assert.deepEqual([onFile.start, onFile.end], [aug.fileSpan.start, aug.fileSpan.end]);
  assert.equal(onFile.markdown, h.markdown);
  assert.equal(views.face.hover!(views.posted, views.text, views.text.indexOf('latent:') + 2, english), undefined);
});

test('views: the alpha hover adds what was measured (not the spec alpha); the tooltip says α̂ was measured from the views', () => {
  const given = analyse('examples/digits-views.sslexp.yaml', (x) => `${x}alpha: 3\n`);
  const r = asAlignment(given.engine);
  assert.equal(r.atAlpha!.alpha, r.fit!.alpha, 'with views the thresholds are compared at α̂');
  const h = given.face.hover!(given.posted, given.text, given.text.indexOf('alpha: 3'), english)!;
  assert.ok(
    h.markdown.includes(
      `**Measured from your views** (docs/theory.md §6.4): ${fittedLine}  \nFit residual 0.7 > 0.25: your views are far from P1's shared-diagonal form, so the thresholds are a rough guide.  \nThe recommendation uses the measured α̂ = ${f(fit.alpha)}, not the spec's alpha.`,
    ),
    h.markdown,
  );
  assert.ok(h.markdown.includes(`| Joint-embedding | α_JE = 2.48 | α²_JE = ${f(th.alpha2JE, 4)} | ✗ does not recover (needs α > 2.48) |`), h.markdown);
  // the tooltip's first line; the title stays short (thresholds and the recommendation)
  const s = views.face.summary(views.posted, english)!;
  assert.equal(s.tooltip.split('\n')[0], 'α measured from your views: α̂ = 0.238 (95% interval 0–0.345); fit residual 0.7');
  assert.equal(s.title, 'α_RC = 85.1 · α_JE = 2.48 · joint-embedding');
  // a spectral spec has no such line
  const spectral = analyse('examples/weak-noise.sslexp.yaml');
  assert.doesNotMatch(spectral.face.summary(spectral.posted, english)!.tooltip, /measured/);
});

test('graph: the lens and tooltip name the advised g and the amount of data where the advice uses them; class coverage beside pair agreement', () => {
  // digit-labels: aligned, not few data (1000 rows for 64 features), no g advised
  const labels = analyse('examples/graph/digit-labels.sslexp.yaml');
  const la = asGraph(labels.engine).analysis!;
  assert.equal(la.recommendation.g, null);
  const ls = labels.face.summary(labels.posted, english)!;
  assert.equal(ls.title, 'any method · ranks VICReg 16/16, SimCLR 10/16 (collapse)');
  const lines = ls.tooltip.split('\n');
  assert.ok(lines.includes('Pair agreement 1 (aligned with the labels, ≥ 0.9); class coverage 1'), ls.tooltip);
  assert.ok(lines.includes(`Not few data: N = 1000 rows for D = 64 features (${f(1000 / 64)} per feature ≥ 10)`), ls.tooltip);
  assert.equal(f(1000 / 64), '15.6');
  // digit-knn: misaligned, the advised g keeps every σ_k = 1: a/(4 λ_K) rounded down to 3 figures
  const knn = analyse('examples/graph/digit-knn.sslexp.yaml');
  const ka = asGraph(knn.engine).analysis!;
  const g = ka.recommendation.g!;
  const bound = ka.weights!.variance / (4 * Math.max(...ka.representation.vicreg!.eigenvalues));
  assert.ok(g <= bound && g > bound - 0.01, `${g} vs ${bound}`);
  const ks = knn.face.summary(knn.posted, english)!;
  assert.ok(ks.title.startsWith(`VICReg, low invariance weight (g = ${f(g)}) · ranks`), ks.title);
  assert.ok(ks.tooltip.split('\n').includes(`Advised invariance weight g = ${f(g)} (the spec has g = 5)`), ks.tooltip);
  assert.doesNotMatch(ks.tooltip, /few data/i, 'a misaligned G: the advice does not turn on the amount of data');
  // two triangles: aligned and few data (6 rows for 3 features) → a high weight, g = 25
  const tri = analyse('examples/graph/two-triangles.sslexp.yaml');
  const ts = tri.face.summary(tri.posted, english)!;
  assert.ok(ts.title.startsWith('VICReg, high invariance weight (g = 25, few data) · ranks'), ts.title);
  assert.ok(ts.tooltip.split('\n').includes('Few data: N = 6 rows for D = 3 features (2 per feature < 10)'), ts.tooltip);
});

test('graph: the panel model carries the invariance sweep, g, low data, class coverage and the finite-b optimum; the check rejects a bad sweep', () => {
  const labels = analyse('examples/graph/digit-labels.sslexp.yaml');
  const m = asGraph(toPanelModel({ result: labels.posted, text: labels.text }));
  const a = asGraph(labels.engine).analysis!;
  assert.deepEqual(m.invarianceSweep, a.invarianceSweep);
  assert.equal(m.invarianceSweep!.g.length, 20);
  assert.deepEqual(m.alignment, { pairAgreement: 1, classCoverage: 1, aligned: true });
  assert.equal(m.recommendation!.lowData, false);
  assert.ok(isPanelModel(m));
  const copy = structuredClone(m) as unknown as { invarianceSweep: { knn: number[]; g: number[] } };
  copy.invarianceSweep.knn[0] = 1.5;
  assert.equal(isPanelModel(copy), false);
  copy.invarianceSweep.knn[0] = 1;
  copy.invarianceSweep.g.pop();
  assert.equal(isPanelModel(copy), false);
  // ring-finite-b: VICReg at b = 1 loses a direction (rank 2 of K = 3)
  const ring = analyse('examples/graph/ring-finite-b.sslexp.yaml');
  const rm = asGraph(toPanelModel({ result: ring.posted, text: ring.text }));
  assert.equal(rm.representation.vicreg!.finite!.rank, 2);
  assert.equal(rm.representation.vicreg!.finite!.covariance, 1);
  assert.equal(rm.recommendation!.lowData, true);
  assert.equal(rm.invarianceSweep, null);
  assert.ok(isPanelModel(rm));
});

// ---------------------------------------------------------------------------------------
// The panel's own sentences (src/webview/alignment/views.ts), on the example's model and on edits of it

test('panel text: the fit block and the probe sentences quote the model’s numbers; a good fit, the other rules and a significant test read right', () => {
  const m = asAlignment(toPanelModel({ result: views.posted, text: views.text }));
  const fitM = m.fit!;
  assert.equal(fitAlphaText(fitM, m.thresholds), fittedLine);
  assert.equal(fitAlphaText({ ...fitM, alphaInterval: [0.1, Infinity] }, null), `α̂ = ${f(fit.alpha)} (95% interval 0.1–∞)`);
  assert.equal(fitResidualText(fitM), 'Poor fit — thresholds are a rough guide: fit residual 0.7 > 0.25 (Σ 0.7, C 0.67).');
  assert.deepEqual([f(fit.offDiagonal.augmentation, 2), f(fit.offDiagonal.data, 2)], ['0.7', '0.67']);
  const good = { ...fitM, residual: 0.1, offDiagonal: { augmentation: 0.1, data: 0.05 } };
  assert.equal(isPoorFit(good), false);
  assert.equal(fitResidualText(good), 'Fit residual 0.1 ≤ 0.25 (Σ 0.1, C 0.05): your views are close to P1’s shared-diagonal form.');
  assert.equal(isPoorFit({ ...fitM, residual: 0.25 }), false, 'at the cut the fit is not poor (docs/theory.md §6.4.5: “> 0.25”)');
  const rule = (r: 'labels' | 'labels+invariance' | 'invariance', labelDirections: number) =>
    fitRuleText({ ...fitM, important: { dimension: 16, rule: r, labelDirections } });
  assert.equal(rule('labels', 16), 'Important subspace: the 16 label-carrying directions (Fisher directions of the class means; rule “labels”).');
  assert.equal(rule('invariance', 0), 'Important subspace: the 16 directions your views change least relative to the data (no labels; rule “invariance”).');
  // the probe: percentages with one decimal, the interval's ends from the model
  const p = m.probe!;
  const pct = (v: number) => (100 * v).toFixed(1);
  assert.equal(
    probeIntervalsSentence(p),
    `Linear probe on your data (201 test, 799 training samples; the same probe for every encoder): reconstruction ${pct(p.reconstruction)}% (${pct(p.intervals!.reconstruction[0])}–${pct(p.intervals!.reconstruction[1])}%), joint-embedding ${pct(p.jointEmbedding)}% (${pct(p.intervals!.jointEmbedding[0])}–${pct(p.intervals!.jointEmbedding[1])}%), supervised ${pct(p.supervised!)}% (${pct(p.intervals!.supervised![0])}–${pct(p.intervals!.supervised![1])}%).`,
  );
  assert.equal(probeIntervalsSentence({ ...p, intervals: undefined }), null);
  const q = p.paired!;
  // 3 more right for reconstruction than for joint-embedding among 201: +1.5 points
  assert.equal(q.reconstructionOnly - q.jointEmbeddingOnly, 3);
  assert.equal(
    pairedSentence(p, PROBE_SIGNIFICANCE),
    `Reconstruction − joint-embedding: +1.5 points (95% interval ${pointsText(q.interval[0])} to ${pointsText(q.interval[1])}), McNemar p = ${f(q.pValue, 2)}: no significant difference.`,
  );
  assert.equal(f(q.pValue, 2), '0.72');
  assert.match(
    pairedSentence({ ...p, paired: { ...q, difference: -0.08, pValue: 0.001 } }, PROBE_SIGNIFICANCE)!,
    /^Reconstruction − joint-embedding: −8\.0 points .*: joint-embedding is significantly better\.$/,
  );
  assert.match(pairedSentence({ ...p, paired: { ...q, difference: 0.08, pValue: 0.049 } }, PROBE_SIGNIFICANCE)!, /: reconstruction is significantly better\.$/);
  assert.match(pairedSentence({ ...p, paired: { ...q, difference: 0.08, pValue: 0.05 } }, PROBE_SIGNIFICANCE)!, /: no significant difference\.$/);
  assert.equal(percentInterval([0.740385, 0.850316]), '74.0–85.0%');
});
