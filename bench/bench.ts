/**
 * `npm run bench`: prints timings as ratios (never a pass/fail test). Spectral mode
 * against the design target (50 ms for 10^6 components); dense kernels against
 * ml-matrix and, when python3 with numpy is present, against numpy/LAPACK; the Gram's
 * GFLOP/s against the machine's measured peak.
 */
import { runSpectralBench } from './spectralBench';
import { runLinalgBench } from './linalgBench';
import { runAnalyzeBench } from './analyzeBench';
import { runGraphBench } from './graphBench';
import { runMomentsBench } from './momentsBench';
import { runGramBench } from './gramBench';
import { runRefusalBench } from './refusalBench';
import { kernels } from '../src/core/numerics/dense/kernels';
import { kernelThreadsReady, startKernelThreads } from '../src/node/kernelThreads';

const TARGET_MS = 50;

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

async function main(): Promise<void> {
  const out = (s: string) => process.stdout.write(s + '\n');
  // as the CLI and the analysis worker: the kernels' helper thread is a second core
  startKernelThreads();
  const threads = (await kernelThreadsReady()) ? 2 : 1;
  out(`Dense kernels: ${kernels().name}, ${threads} thread${threads > 1 ? 's' : ''} for the packed products`);
  out('');
  out('Spectral analysis (median ms; ratio = time / 50 ms target)');
  out(
    `${pad('components', 11)} ${pad('thresholds', 11)} ${pad('ratio', 7)} ${pad('at alpha', 9)} ${pad('curve(61)', 10)} ${pad('engine', 9)} ${pad('ratio', 7)}`,
  );
  for (const r of runSpectralBench()) {
    out(
      `${pad(r.components.toExponential(0), 11)} ${pad(r.thresholdsMs.toFixed(2), 11)} ${pad((r.thresholdsMs / TARGET_MS).toFixed(3), 7)} ${pad(r.atAlphaMs.toFixed(2), 9)} ${pad(r.curveMs.toFixed(1), 10)} ${pad(r.engineMs.toFixed(1), 9)} ${pad((r.engineMs / TARGET_MS).toFixed(3), 7)}`,
    );
  }
  runRefusalBench(out);
  runAnalyzeBench(out);
  runMomentsBench(out);
  await runGramBench(out);
  runLinalgBench(out);
  runGraphBench(out);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
