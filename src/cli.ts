/**
 * `sslexp`: the engine headless (design.md §2 "CLI"). Exit codes: 0 ok, 1 spec errors,
 * 2 usage. Bad input never produces a stack trace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from './core/analyze';
import type { EngineResult } from './core/engine';
import { computeLineStarts, offsetToLineColumn, type Problem } from './core/problems';
import { formatNumber as f, toJson } from './core/format';
import { requirement } from './core/recommendation';
import { LIMITS } from './core/spec/model';
import { runSimulateCommand } from './cliSimulate';
import { startKernelThreads } from './kernelThreads';

const VERSION = '0.1.0';
/** Spec files are small documents; anything larger is refused before parsing. */
const MAX_SPEC_BYTES = 8 * 1024 * 1024;

const USAGE = `Usage: sslexp <command> [options] FILE...

Commands:
  check FILE...                       report problems as FILE:LINE:COLUMN: severity code: message
  analyze FILE [--json] [--alpha A] [--components]
                                      thresholds, regime and recommendation
  simulate FILE [--json]              finite-n convergence experiment of the spec's simulate block

Options:
  --json          one JSON object on stdout (non-finite numbers as "Infinity"/"-Infinity")
  --alpha A       evaluate at alignment A (overrides the spec's alpha)
  --components    include per-component scores
  -h, --help      this help
  -v, --version   the version

Exit status: 0 ok, 1 the spec has errors, 2 usage error.`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

class UsageError extends Error {}

interface Parsed {
  command: string;
  files: string[];
  json: boolean;
  components: boolean;
  alpha?: number;
}

function parseArgs(argv: string[]): Parsed | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('missing command');
  const files: string[] = [];
  let json = false;
  let components = false;
  let alpha: number | undefined;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '-v' || a === '--version') return 'version';
    if (a === '--json') json = true;
    else if (a === '--components') components = true;
    else if (a === '--alpha' || a.startsWith('--alpha=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new UsageError('--alpha needs a value');
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--alpha must be a finite number >= 0, got '${v}'`);
      alpha = n;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (command === undefined) command = a;
    else files.push(a);
  }
  if (command === undefined) throw new UsageError('missing command');
  if (!['check', 'analyze', 'simulate'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (files.length === 0) throw new UsageError(`'${command}' needs a FILE`);
  if (command !== 'check' && files.length > 1) throw new UsageError(`'${command}' takes exactly one FILE`);
  if (command === 'check' && (json || components || alpha !== undefined)) throw new UsageError(`'check' takes no options`);
  return { command, files, json, components, alpha };
}

/** Reads a file for the engine, refusing anything over the documented limit. */
export function readLimited(absPath: string, limit: number = LIMITS.maxFileBytes): Uint8Array {
  const st = fs.statSync(absPath);
  if (!st.isFile()) throw new Error(`${absPath} is not a regular file`);
  if (st.size > limit) throw new Error(`${absPath} is ${st.size} bytes, over the limit of ${limit}`);
  return fs.readFileSync(absPath);
}

interface Loaded {
  file: string;
  text: string;
  result: EngineResult;
}

/** The text of a spec file (at most MAX_SPEC_BYTES), or why it cannot be read. */
export function readSpecText(file: string): { text: string } | { error: string } {
  try {
    return { text: new TextDecoder('utf-8').decode(readLimited(path.resolve(file), MAX_SPEC_BYTES)) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `cannot read '${file}': no such file` : `cannot read '${file}': ${(e as Error).message}` };
  }
}

/** Reads and analyses one spec; an unreadable file becomes a single problem. */
export function loadAndAnalyze(file: string, opts: { alpha?: number; components?: boolean; curve?: boolean }): Loaded {
  const abs = path.resolve(file);
  const read = readSpecText(file);
  if ('error' in read) return { file, text: '', result: { problems: [{ code: 'file-not-found', severity: 'error', message: read.error, start: 0, end: 0 }] } };
  const text = read.text;
  const result = analyzeText(text, {
    fileName: abs,
    baseDir: path.dirname(abs),
    readFile: (p) => readLimited(p),
    alpha: opts.alpha,
    components: opts.components,
    curve: opts.curve,
  });
  return { file, text, result };
}

export interface LocatedProblem {
  code: string;
  severity: Problem['severity'];
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function locate(text: string, problems: readonly Problem[]): LocatedProblem[] {
  const starts = computeLineStarts(text);
  return problems.map((p) => {
    const a = offsetToLineColumn(starts, p.start);
    const b = offsetToLineColumn(starts, p.end);
    return { code: p.code, severity: p.severity, message: p.message, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  });
}

const hasError = (r: EngineResult) => r.problems.some((p) => p.severity === 'error');

function check(files: string[], io: CliIo): number {
  let errors = false;
  for (const file of files) {
    const { text, result } = loadAndAnalyze(file, {});
    for (const p of locate(text, result.problems)) io.out(`${file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`);
    errors ||= hasError(result);
  }
  return errors ? 1 : 0;
}

/** The JSON document of `analyze --json` (issue 2 contract; issue 3 adds `solutions`). */
export function analysisJson(loaded: Loaded): Record<string, unknown> {
  const r = loaded.result;
  return {
    file: loaded.file,
    mode: r.mode ?? null,
    name: r.spec?.name ?? null,
    dimensions: r.dimensions ?? null,
    thresholds: r.thresholds ?? null,
    atAlpha: r.atAlpha ?? null,
    recommendation: r.recommendation ?? null,
    ...(r.mode === 'data' ? { pipeline: r.pipeline ?? null, solutions: r.solutions ?? null } : {}),
    problems: locate(loaded.text, r.problems),
  };
}

function analyze(p: Parsed, io: CliIo): number {
  const loaded = loadAndAnalyze(p.files[0], { alpha: p.alpha, components: p.components });
  const r = loaded.result;
  if (p.json) {
    io.out(toJson(analysisJson(loaded)));
    return hasError(r) ? 1 : 0;
  }
  const lines: string[] = [];
  lines.push(`${loaded.file}${r.spec?.name ? ` — ${r.spec.name}` : ''}`);
  const located = locate(loaded.text, r.problems);
  if (r.dimensions && r.thresholds) {
    const { d, k, latent } = r.dimensions;
    const t = r.thresholds;
    lines.push(`  ${r.mode} mode: d = ${d} (${k} important, ${d - k} noise), latent ${latent}`);
    lines.push(`  δ = ${f(t.delta, 6)}   η = ${f(t.eta, 6)}   η²/δ = ${f(t.boundary, 6)}   regime: ${t.regime}`);
    lines.push(`  reconstruction:  α²_RC = ${f(t.alpha2RC, 6)}   needs ${requirement(t.alpha2RC)}`);
    lines.push(`  joint-embedding: α²_JE = ${f(t.alpha2JE, 6)}   needs ${requirement(t.alpha2JE)}`);
    if (r.atAlpha) {
      const a = r.atAlpha;
      const mark = (b: boolean) => (b ? 'recovers' : 'does not recover');
      lines.push(`  at α = ${f(a.alpha, 6)}:`);
      lines.push(`    reconstruction  ${mark(a.recovers.reconstruction)} (weakest important score ${f(a.scores.reconstruction.minImportant, 4)} vs strongest noise score ${f(a.scores.reconstruction.maxNoise, 4)})`);
      lines.push(`    joint-embedding ${mark(a.recovers.jointEmbedding)} (weakest important score ${f(a.scores.jointEmbedding.minImportant, 4)} vs strongest noise score ${f(a.scores.jointEmbedding.maxNoise, 4)})`);
      lines.push(`    supervised      recovers (Prop 4.2: any α as n grows)`);
      if (a.components) {
        lines.push('    per-component scores (RC, JE):');
        a.components.reconstruction.important.forEach((v, i) => lines.push(`      important ${i + 1}: ${f(v, 6)}  ${f(a.components!.jointEmbedding.important[i], 6)}`));
        a.components.reconstruction.noise.forEach((v, j) => lines.push(`      noise ${j + 1}: ${f(v, 6)}  ${f(a.components!.jointEmbedding.noise[j], 6)}`));
      }
    }
  }
  if (r.pipeline) {
    const pl = r.pipeline;
    lines.push(`  P1's pipeline: ${pl.samples} samples × ${pl.features} features${pl.centered ? ', centred' : ''}; PCA to ${pl.pca} components (${f(100 * pl.explainedVariance, 3)}% of the variance) + ${pl.noise} noise coordinates${pl.classes !== undefined ? `; ${pl.classes} classes` : ''}`);
  }
  if (r.mode === 'data' && r.dimensions && !r.thresholds) {
    lines.push(`  data mode: d = ${r.dimensions.d}, latent ${r.dimensions.latent}; closed-form thresholds do not apply (math.md A6)`);
  }
  if (r.solutions) {
    const sol = r.solutions;
    const k = r.dimensions?.latent ?? 0;
    lines.push(`  closed-form solutions (${sol.problem}):`);
    lines.push(`    reconstruction:  objective ${f(sol.reconstruction.objective, 6)}; φ_1..${k} = ${sol.reconstruction.phi.slice(0, Math.min(k, 6)).map((v) => f(v, 4)).join(', ')}${k > 6 ? ', …' : ''}`);
    lines.push(`    joint-embedding: objective ${f(sol.jointEmbedding.objective, 6)}; ω_1..${k} = ${sol.jointEmbedding.omega.slice(0, Math.min(k, 6)).map((v) => f(v, 4)).join(', ')}${k > 6 ? ', …' : ''}`);
    if (sol.supervised) lines.push(`    supervised:      V is ${sol.supervised.V.length} × ${sol.supervised.V[0]?.length ?? 0}${sol.supervised.singular ? ' (minimum-norm: S is singular, math.md A7)' : ''}`);
    if (sol.discrepancy) {
      const q = sol.discrepancy;
      lines.push(`    clean vs one corrupted draw (seed ${sol.corrupted?.seed ?? 0}): sin θ_max RC ${f(q.reconstruction, 3)}, JE ${f(q.jointEmbedding, 3)}; JE Gram error ${f(q.jointEmbeddingGram, 3)}${q.supervised !== undefined ? `; SL relative error ${f(q.supervised, 3)}` : ''}`);
    }
  }
  if (r.recommendation) {
    lines.push(`  recommendation: ${r.recommendation.paradigm}`);
    lines.push(`    ${r.recommendation.reason}`);
  }
  const shown = located.filter((q) => q.code !== 'regime');
  if (shown.length) {
    lines.push('  problems:');
    for (const q of shown) lines.push(`    ${q.line}:${q.column}: ${q.severity} ${q.code}: ${q.message}`);
  }
  io.out(lines.join('\n'));
  return hasError(r) ? 1 : 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sslexp: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (parsed === 'version') {
    io.out(VERSION);
    return 0;
  }
  try {
    if (parsed.command === 'check') return check(parsed.files, io);
    // dense solvers may run: give the packed products their second core now (an unref'd
    // thread, started while the spec is read so it is ready for the first Gram)
    startKernelThreads();
    if (parsed.command === 'analyze') return analyze(parsed, io);
    return await runSimulateCommand(parsed.files[0], parsed.json, io);
  } catch (e) {
    io.err(`sslexp: internal error: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  const write = (stream: NodeJS.WriteStream) => (s: string) => stream.write(s + '\n');
  main(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`sslexp: internal error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
