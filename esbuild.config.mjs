// Builds the four shipped bundles (docs/architecture.md §3) and the test/bench entry points.
// `node esbuild.config.mjs [--watch] [--production]`
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import createWabt from 'wabt';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every `*.ts` below `dir` whose name matches `re` (recursively). */
function collect(dir, re) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p, re));
    else if (re.test(name)) out.push(p);
  }
  return out;
}
const ifExists = (list) => list.filter((e) => existsSync(typeof e === 'string' ? e : e.in));

/**
 * The same WebAssembly text without relaxed SIMD: each `(f64x2.relaxed_madd a b c)` (operands
 * written as folded expressions) becomes `(f64x2.add (f64x2.mul a b) c)`, a * b + c rounded
 * twice instead of once, for runtimes without relaxed SIMD.
 */
function withoutRelaxedSimd(text) {
  const head = '(f64x2.relaxed_madd';
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    out += text.slice(from, at);
    let j = at + head.length;
    const skipSpace = () => {
      while (/\s/.test(text[j] ?? '')) j++;
    };
    const operands = [];
    while (operands.length < 3) {
      skipSpace();
      if (text[j] !== '(') throw new Error(`f64x2.relaxed_madd at offset ${at}: operand ${operands.length + 1} is not a folded expression`);
      const start = j;
      let depth = 0;
      do {
        if (text[j] === '(') depth++;
        else if (text[j] === ')') depth--;
        j++;
      } while (depth > 0 && j < text.length);
      operands.push(text.slice(start, j));
    }
    skipSpace();
    if (text[j] !== ')') throw new Error(`f64x2.relaxed_madd at offset ${at}: more than three operands`);
    out += `(f64x2.add (f64x2.mul ${operands[0]} ${operands[1]}) ${operands[2]})`;
    from = j + 1;
  }
  return out + text.slice(from);
}

/**
 * `import bytes from './x.wat'`: the WebAssembly text is assembled here (wabt, SIMD and shared
 * memory on) without relaxed SIMD (`withoutRelaxedSimd`); `'./x.wat?relaxed'` assembles it as
 * written, relaxed SIMD on. Either is embedded as a Uint8Array, so the shipped bundles carry
 * the kernels and no .wasm file is fetched or downloaded at run time.
 */
const wabt = await createWabt();
/** Whether this Node validates relaxed SIMD (V8 ≥ 11.4, or --experimental-wasm-relaxed-simd). */
const relaxedSimdHere = WebAssembly.validate(
  // (module (func (param v128 v128 v128) (result v128) (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))
  Buffer.from('0061736d0100000001080160037b7b7b017b030201000a0d010b00200020012002fd87020b', 'hex'),
);
const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, (args) => {
      const relaxed = args.suffix === '?relaxed';
      const text = readFileSync(args.path, 'utf8');
      try {
        const mod = wabt.parseWat(args.path, relaxed ? text : withoutRelaxedSimd(text), { simd: true, threads: true, relaxed_simd: relaxed });
        const { buffer } = mod.toBinary({});
        mod.destroy();
        // wabt's own validator rejects shared memories whatever the features; V8's accepts them
        // (the relaxed module only where this Node has relaxed SIMD on)
        if ((!relaxed || relaxedSimdHere) && !WebAssembly.validate(buffer)) throw new Error('the assembled module does not validate');
        return { contents: buffer, loader: 'binary' };
      } catch (e) {
        return { errors: [{ text: `WebAssembly text ${args.path}${args.suffix}: ${e.message}` }] };
      }
    });
  },
};

/**
 * The browser build (package.json `browser`): the same sources with the Node-only modules
 * replaced by their src/web stand-ins (docs/architecture.md §3). A Node built-in that is not
 * replaced fails the build, so nothing Node-only slips into dist/web.
 */
const webRedirects = {
  'src/host/solver/workerProcess.ts': { 'node:worker_threads': 'src/web/hostWorkerThreads.ts' },
  'src/worker/worker.ts': {
    'node:worker_threads': 'src/web/workerThreads.ts',
    '../node/kernelThreads': 'src/web/kernelThreads.ts',
    '../node/readCapped': 'src/web/readCapped.ts',
  },
};
const webPlugin = {
  name: 'web-redirects',
  setup(build) {
    build.onResolve({ filter: /^(node:worker_threads|\.\.\/node\/kernelThreads|\.\.\/node\/readCapped|\.\/platform)$/ }, (args) => {
      const from = relative(process.cwd(), args.importer).split(sep).join('/');
      if (args.path === './platform' && from.startsWith('src/host/')) return { path: resolve('src/host/platform.web.ts') };
      const to = webRedirects[from]?.[args.path];
      return to ? { path: resolve(to) } : undefined;
    });
    build.onResolve({ filter: /^node:|^(fs|path|os|worker_threads|child_process|crypto)$/ }, (args) => ({
      errors: [{ text: `${args.path} (imported by ${relative(process.cwd(), args.importer)}) is not available in the browser build` }],
    }));
  },
};

const common = {
  plugins: [watPlugin],
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'node20',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // Extension host bundle: `vscode` is provided by the host.
  { ...common, platform: 'node', format: 'cjs', external: ['vscode'], entryPoints: ifExists([{ in: 'src/extension.ts', out: 'extension' }]), outdir: 'dist' },
  // Worker thread running the core off the extension-host thread.
  { ...common, platform: 'node', format: 'cjs', entryPoints: ifExists([{ in: 'src/worker/worker.ts', out: 'worker' }]), outdir: 'dist' },
  // Browser code of the analysis panel, chart.js bundled (tree-shaken registrations).
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    // Minified in development too: the panel's first paint parses it (half the size, docs/architecture.md §5).
    minify: true,
    entryPoints: ifExists([{ in: 'src/webview/main.ts', out: 'webview' }]),
    outdir: 'dist',
  },
  // Browser build of the extension (vscode.dev, github.dev): a web extension host runs CommonJS with `vscode` provided.
  {
    ...common,
    plugins: [watPlugin, webPlugin],
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    entryPoints: ifExists([{ in: 'src/extension.ts', out: 'extension' }]),
    outdir: 'dist/web',
  },
  // Browser build of the analysis worker: a Web Worker (classic script) running the same core.
  {
    ...common,
    plugins: [watPlugin, webPlugin],
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    inject: ['src/web/workerGlobals.ts'],
    entryPoints: ifExists([{ in: 'src/worker/worker.ts', out: 'worker' }]),
    outdir: 'dist/web',
  },
  // The `sslexp` command.
  {
    ...common,
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    entryPoints: ifExists([{ in: 'src/cli/sslexp.ts', out: 'cli' }]),
    outdir: 'dist',
  },
];

if (!production) {
  // Unit tests and the benchmark: plain Node bundles (node --test runs them).
  builds.push({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: [...collect('test/unit', /\.test\.ts$/), ...collect('test/e2e', /\.ts$/), ...collect('bench', /\.ts$/)],
    outbase: '.',
    outdir: 'out',
    external: ['playwright-core', 'vscode'],
  });
  // Suites that run inside the real VS Code extension host (mocha is resolved at run time).
  builds.push({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: collect('test/integration', /\.ts$/),
    outbase: '.',
    outdir: 'out',
    external: ['vscode', 'mocha', 'playwright-core'],
  });
}

const active = builds.filter((b) => (Array.isArray(b.entryPoints) ? b.entryPoints.length : Object.keys(b.entryPoints).length) > 0);
if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
  process.stderr.write('[watch] esbuild is watching for changes\n');
} else {
  const t0 = Date.now();
  await Promise.all(active.map((b) => esbuild.build(b)));
  process.stderr.write(`[build] ${active.length} builds in ${Date.now() - t0} ms\n`);
}
