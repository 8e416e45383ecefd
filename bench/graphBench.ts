/**
 * Graph mode's whole analysis (docs/theory.md §7), run in-process through the engine (file
 * read, .npy parse, G, components, the Laplacian's and D^-1/2 G D^-1/2's spectra, the linear
 * regime, the recommendation):
 * - a knn spec (N = 5000 seeded Gaussian rows of D = 16, k = 10, K = 16; a connected graph)
 *   against scipy doing the same (bench/graph_bench.py: cKDTree, a sparse Laplacian, ARPACK
 *   eigsh, the linear regime in numpy), printed as a ratio (target ≤ 1.0× scipy's time), with
 *   the eigenvalues of both compared;
 * - a views spec of N = 100,000 rows of D = 64 (two views of 50,000 samples; target: a few
 *   seconds).
 * Timings are medians; this prints, it never fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../src/core/engine/analyze';
import type { SpectralEmbeddingEngineResult } from '../src/core/engine/types';
import { Rng } from '../src/core/numerics/rng';
import { connectedComponents, knnGraph, laplacianSmallest, normalizedAdjacencyLargest } from '../src/core/numerics/sparse';
import type { GraphAnalysis } from '../src/core/theories/spectralEmbedding/types';
import { linearSimclr, linearVicreg } from '../src/core/theories/spectralEmbedding/linear';
import type { PairGraph } from '../src/core/theories/spectralEmbedding/graphBuild';
import { centered } from '../src/core/theories/spectralEmbedding/rows';
import { npy } from '../test/unit/support/npy';
import { median, timeIt } from './timing';

const KNN = { N: 5000, D: 16, k: 10, K: 16, a: 25, g: 25 };
const VIEWS = { n: 50_000, V: 2, D: 64, K: 16 };
const TARGET_RATIO = 1.0;

interface ScipyTimes {
  whole: number;
  knn: number;
  laplacian: number;
  simclr: number;
  linear: number;
  components: number;
  laplacian_values: number[];
  simclr_values: number[];
  mu: number[];
}

function writeGaussian(file: string, rows: number, cols: number, seed: number, shape: number[]): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() * (1 + (i % cols) / cols);
  writeFileSync(file, npy(Array.from(x), { shape }));
  return x;
}

function analyzeOnce(text: string, dir: string): GraphAnalysis {
  const r = analyzeText(text, { fileName: path.join(dir, 'g.sslexp.yaml'), baseDir: dir, readFile: (p) => readFileSync(p) }) as SpectralEmbeddingEngineResult;
  if (!r.analysis) throw new Error(`graph analyze failed: ${JSON.stringify(r.problems)}`);
  return r.analysis;
}

function scipyScript(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const candidates = [
    path.join(__dirname, 'graph_bench.py'),
    path.join(__dirname, '..', '..', 'bench', 'graph_bench.py'),
    path.join(process.cwd(), 'bench', 'graph_bench.py'),
  ];
  return candidates.find((c) => existsSync(c));
}

const maxRelDiff = (a: number[], b: number[]): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);

export function runGraphBench(out: (s: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'sslexp-graph-bench-'));
  try {
    // ---- knn spec against scipy
    const { N, D, k, K, a, g } = KNN;
    const x = writeGaussian(path.join(dir, 'knn.npy'), N, D, 7, [N, D]);
    const text = `sslexp: 1\ndata: {file: knn.npy}\ngraph: {knn: {k: ${k}}}\nembedding: ${K}\nmethods:\n  vicreg: {variance: ${a}, invariance: ${g}}\n  simclr: {}\n`;
    let analysis: GraphAnalysis | undefined;
    const ours = timeIt(() => (analysis = analyzeOnce(text, dir)), 5);
    // the parts, as the analysis runs them
    const graph = knnGraph(x, N, D, k);
    const comps = connectedComponents(graph);
    const pg: PairGraph = { kind: 'knn', g: graph, degrees: graph.rowSums(), components: comps };
    const parts = {
      knn: timeIt(() => knnGraph(x, N, D, k), 5),
      laplacian: timeIt(() => laplacianSmallest(graph, K + 1, { components: comps }), 5),
      simclr: timeIt(() => normalizedAdjacencyLargest(graph, K, { components: comps }), 5),
      linear: timeIt(() => {
        linearVicreg(centered(x, N, D), N, D, pg, K, a, g);
        linearSimclr(x, N, D, pg, K);
      }, 5),
    };
    const script = scipyScript();
    let sc: ScipyTimes | undefined;
    if (script) {
      try {
        sc = JSON.parse(
          execFileSync('python3', [script, path.join(dir, 'knn.npy'), String(k), String(K), String(a), String(g), '5'], { encoding: 'utf8', timeout: 600_000 }),
        );
      } catch {
        sc = undefined;
      }
    }
    const an = analysis!;
    out('');
    out(
      `Graph mode: whole analyze of a knn spec (.npy, N = ${N}, D = ${D}, k = ${k}, K = ${K}; ${an.graph.components} component${an.graph.components === 1 ? '' : 's'}, ${an.graph.edges} edges; median ms, in-process)`,
    );
    const col = (s: string | number, w = 10) => String(s).padStart(w);
    out(`${col('', 12)} ${col('ours')} ${col('scipy')} ${col('ours/scipy', 11)}`);
    const row = (name: string, o: number, s: number | undefined) =>
      out(`${name.padEnd(12)} ${col(o.toFixed(1))} ${col(s === undefined ? 'n/a' : s.toFixed(1))} ${col(s === undefined ? 'n/a' : (o / s).toFixed(2), 11)}`);
    row('whole', ours, sc?.whole);
    row('  knn graph', parts.knn, sc?.knn);
    row('  Laplacian', parts.laplacian, sc?.laplacian);
    row('  SimCLR', parts.simclr, sc?.simclr);
    row('  linear', parts.linear, sc?.linear);
    if (sc) {
      out(
        `target: whole ≤ ${TARGET_RATIO.toFixed(1)}× scipy (${ours / sc.whole <= TARGET_RATIO ? 'met' : 'NOT met'}); eigenvalues vs scipy: Laplacian ${maxRelDiff(an.graph.laplacian, sc.laplacian_values).toExponential(1)}, SimCLR ${maxRelDiff(an.representation.simclr!.eigenvalues, sc.simclr_values).toExponential(1)}, linear μ ${maxRelDiff(an.linear.vicreg!.mu, sc.mu).toExponential(1)}`,
      );
    } else {
      out('scipy reference: n/a (python3 with numpy and scipy not found)');
    }

    // ---- views spec, N = 100,000
    const { n, V, D: Dv, K: Kv } = VIEWS;
    writeGaussian(path.join(dir, 'views.npy'), n * V, Dv, 11, [n, V, Dv]);
    const vtext = `sslexp: 1\ndata: {file: views.npy}\ngraph: {views: ${V}}\nembedding: ${Kv}\n`;
    const times: number[] = [];
    let va: GraphAnalysis | undefined;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      va = analyzeOnce(vtext, dir);
      times.push(performance.now() - t0);
    }
    out(
      `Graph mode: whole analyze of a views spec (n × V × D = ${n} × ${V} × ${Dv} .npy, N = ${n * V}, K = ${Kv}, all three methods): ${median(times).toFixed(0)} ms median of 3 (first ${times[0].toFixed(0)} ms; target: a few seconds); ${va!.graph.components} components, recommendation ${va!.recommendation.method}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
