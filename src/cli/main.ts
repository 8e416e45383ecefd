/**
 * `sslexp`: the engine headless (docs/architecture.md §2 "CLI"). Exit codes: 0 ok, 1 spec errors,
 * 2 usage. Bad input never produces a stack trace.
 */
import { analyzeCommand } from './analyze';
import { check } from './check';
import { momentsCommand } from './moments';
import { safeText, type CliIo } from './io';
import { runSimulateCommand } from './simulate';
import { startKernelThreads } from '../node/kernelThreads';

const VERSION = '0.1.0';

const USAGE = `Usage: sslexp <command> [options] FILE...

Commands:
  check FILE...                       report problems as FILE:LINE:COLUMN: severity code: message
  analyze FILE [--json] [--alpha A] [--components] [-o solutions.npz]
                                      thresholds, regime and recommendation
  simulate FILE [--json]              finite-n convergence experiment of the spec's simulate block
  moments DATA [--views VIEWS] [--labels LABELS | --label-column I] -o moments.npz
                                      data mode's sufficient statistics in one pass (any file size)
  moments --merge A.npz B.npz ... -o all.npz
                                      the statistics of disjoint shards, added exactly

Options:
  --json          one JSON object on stdout (non-finite numbers as "Infinity"/"-Infinity")
  --alpha A       evaluate at alignment A (overrides the spec's alpha)
  --components    include per-component scores
  -o, --output F  analyze: write every solution matrix and vector to F (.npz, numpy.load reads it);
                  moments: the moments file to write
  -h, --help      this help
  -v, --version   the version

Exit status: 0 ok, 1 the spec has errors, 2 usage error.`;

class UsageError extends Error {}

interface Parsed {
  command: string;
  files: string[];
  json: boolean;
  components: boolean;
  alpha?: number;
  output?: string;
  merge: boolean;
  views?: string;
  labels?: string;
  labelColumn?: number;
}

function parseArgs(argv: string[]): Parsed | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('missing command');
  const files: string[] = [];
  let json = false;
  let components = false;
  let alpha: number | undefined;
  let command: string | undefined;
  let output: string | undefined;
  let merge = false;
  let views: string | undefined;
  let labels: string | undefined;
  let labelColumn: number | undefined;
  const value = (i: number, a: string): string => {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i];
    if (v === undefined || v === '') throw new UsageError(`${a.replace(/=.*$/, '')} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '-v' || a === '--version') return 'version';
    const opt = a.replace(/=.*$/, '');
    if (a === '--json') json = true;
    else if (opt === '-o' || opt === '--output') output = value(a.includes('=') ? i : ++i, a);
    else if (a === '--merge') merge = true;
    else if (opt === '--views') views = value(a.includes('=') ? i : ++i, a);
    else if (opt === '--labels') labels = value(a.includes('=') ? i : ++i, a);
    else if (opt === '--label-column') {
      const v = value(a.includes('=') ? i : ++i, a);
      if (!/^-?\d+$/.test(v)) throw new UsageError(`--label-column must be an integer column index, got '${v}'`);
      labelColumn = Number(v);
    } else if (a === '--components') components = true;
    else if (a === '--alpha' || a.startsWith('--alpha=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new UsageError('--alpha needs a value');
      // decimal only: Number() would also take '0x10', '0b1' and '  1  '
      const n = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--alpha must be a finite decimal number >= 0, got '${v}'`);
      alpha = n;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (command === undefined) command = a;
    else files.push(a);
  }
  if (command === undefined) throw new UsageError('missing command');
  if (!['check', 'analyze', 'simulate', 'moments'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (files.length === 0)
    throw new UsageError(`'${command}' needs ${command === 'moments' ? (merge ? 'the shards A.npz B.npz ...' : 'a DATA file') : 'a FILE'}`);
  if (command !== 'check' && !(command === 'moments' && merge) && files.length > 1)
    throw new UsageError(`'${command}' takes exactly one ${command === 'moments' ? 'DATA file' : 'FILE'}`);
  if (command === 'check' && (json || components || alpha !== undefined)) throw new UsageError(`'check' takes no options`);
  const momentsOnly = merge || views !== undefined || labels !== undefined || labelColumn !== undefined;
  if (command !== 'moments' && momentsOnly) throw new UsageError(`--merge, --views, --labels and --label-column belong to 'moments'`);
  if (command !== 'moments' && command !== 'analyze' && output !== undefined) throw new UsageError(`'${command}' takes no --output`);
  if (command === 'moments') {
    if (output === undefined) throw new UsageError(`'moments' needs -o FILE.npz (the moments file to write)`);
    if (json || components || alpha !== undefined) throw new UsageError(`'moments' takes no --json, --components or --alpha`);
    if (merge && (views !== undefined || labels !== undefined || labelColumn !== undefined))
      throw new UsageError(`'moments --merge' adds moments files; --views and --labels apply when computing one`);
    if (labels !== undefined && labelColumn !== undefined)
      throw new UsageError(`give the labels either as a file (--labels) or as a column of DATA (--label-column), not both`);
  }
  return {
    command,
    files,
    json,
    components,
    alpha,
    merge,
    ...(output !== undefined ? { output } : {}),
    ...(views !== undefined ? { views } : {}),
    ...(labels !== undefined ? { labels } : {}),
    ...(labelColumn !== undefined ? { labelColumn } : {}),
  };
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sslexp: ${safeText(e.message)}\n\n${USAGE}`);
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
    if (parsed.command === 'analyze') return analyzeCommand(parsed.files[0], parsed, io);
    if (parsed.command === 'moments') return momentsCommand({ ...parsed, output: parsed.output! }, io);
    return await runSimulateCommand(parsed.files[0], parsed.json, io);
  } catch (e) {
    io.err(`sslexp: internal error: ${(e as Error).message}`);
    return 1;
  }
}
