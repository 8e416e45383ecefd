/**
 * How fast hostile or huge input is refused or generated: the speed figures that used to be
 * wall-clock assertions in the unit tests (test/support/hangGuard.ts keeps only a 30 s
 * guard against hangs there). Each line prints the median and its ratio to the budget the
 * test used to assert on an idle machine; nothing fails.
 */
import { analyzeText } from '../src/core/engine/analyze';
import { readNpz } from '../src/core/io/npz';
import { parseSpec } from '../src/core/spec/parseSpec';
import { parseSourceTree } from '../src/core/spec/sourceTree';
import { LIMITS, type SpectralSpec, type SpectrumSpec } from '../src/core/spec/model';
import { evaluateSpectrum, resolveSpectra } from '../src/core/theories/alignment/spectra';
import { deepSpec, zipBombNpz } from '../test/support/hostile';
import { timeIt } from './timing';

const span = { start: 0, end: 0 };

interface Row {
  what: string;
  ms: number;
  budgetMs: number;
}

function spectraRows(): Row[] {
  const families: SpectrumSpec[] = [
    { kind: 'power_law', first: 3e5, exponent: 1, offset: 0, span },
    { kind: 'exponential', first: 3e5, rate: 1e-3, span },
    { kind: 'uniform', low: 0, high: 1e6, seed: 2, span },
    { kind: 'flat', value: 1, scale: 2, span },
  ];
  const rows = families.map((f) => ({ what: `${f.kind} spectrum, 10^6 components`, ms: timeIt(() => evaluateSpectrum(f, 1_000_000, {}), 5), budgetMs: 150 }));
  const text =
    'sslexp: 1\nsignal: {count: 1000000, variance: {power_law: {first: 3.0e5, exponent: 1}}, augmentation: {uniform: {low: 0, high: 1.0e4, seed: 1}}}\nnoise: {count: 1000000, variance: {uniform: {low: 1, high: 1.0e6, seed: 2}}, augmentation: 1.0e3}\n';
  const spec = parseSpec(text, { fileName: 'x.sslexp.yaml', baseDir: '/specs' }).spec as SpectralSpec;
  rows.push({ what: 'resolveSpectra, 10^6 + 10^6 components', ms: timeIt(() => resolveSpectra(spec, { baseDir: '/specs' }), 3), budgetMs: 400 });
  return rows;
}

function refusalRows(): Row[] {
  const analyze =
    (text: string, name = 'spec.sslexp.yaml') =>
    () =>
      analyzeText(text, { fileName: `/tmp/${name}`, baseDir: '/tmp' });
  const nums = Array.from({ length: 4_000_000 }, (_, i) => (i % 9) + 1).join(',');
  let laughs = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++)
    laughs += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const bomb = zipBombNpz([500_000, 1000]);
  return [
    { what: 'too-deep: block mapping 4000 levels', ms: timeIt(analyze(deepSpec(4000)), 3), budgetMs: 2000 },
    { what: "too-deep: 10^5 '[' (YAML)", ms: timeIt(() => parseSourceTree('['.repeat(100000), 'x.sslexp.yaml'), 3), budgetMs: 1000 },
    { what: 'too-deep: 10^5 \'{"a":\' (JSON)', ms: timeIt(() => parseSourceTree('{"a":'.repeat(100000), 'x.sslexp.json'), 3), budgetMs: 1000 },
    { what: 'billion laughs (10^10 aliases)', ms: timeIt(() => parseSourceTree(laughs, 'x.sslexp.yaml'), 3), budgetMs: 1000 },
    {
      what: 'flow list of 4·10^6 numbers',
      ms: timeIt(analyze(`sslexp: 1\nsignal:\n  variance: [${nums}]\nnoise:\n  count: 1\n  variance: 1\n`), 3),
      budgetMs: 1500,
    },
    {
      what: 'zip bomb .npz (500000 × 1000) refused',
      ms: timeIt(() => {
        try {
          readNpz(bomb, 'bomb.npz', undefined, { maxValues: LIMITS.maxDataValues });
        } catch {
          // refused, as it must be
        }
      }, 3),
      budgetMs: 500,
    },
  ];
}

export function runRefusalBench(out: (s: string) => void): void {
  out('');
  out('Refusals and generators (median ms; ratio = time / the budget once asserted by the unit tests)');
  for (const r of [...spectraRows(), ...refusalRows()]) {
    out(`${r.what.padEnd(44)} ${r.ms.toFixed(1).padStart(9)} ms  ${(r.ms / r.budgetMs).toFixed(3).padStart(7)}`);
  }
}
