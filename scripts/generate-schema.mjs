// Writes schemas/sslexp.schema.json from the spec language's definition
// (src/core/spec/definition.ts, via src/core/spec/jsonSchema.ts; docs/architecture.md §1).
// `npm run schema` writes it; `npm run schema -- --check` exits 1 when the checked-in file
// differs (test/unit/schema.test.ts checks the same).
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'schemas', 'sslexp.schema.json');
const built = await esbuild.build({
  entryPoints: [join(root, 'src/core/spec/jsonSchema.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  logLevel: 'warning',
});
const mod = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);
const text = mod.specJsonSchemaText();
if (process.argv.includes('--check')) {
  const current = readFileSync(out, 'utf8');
  if (current !== text) {
    process.stderr.write('schemas/sslexp.schema.json is out of date: run `npm run schema`.\n');
    process.exit(1);
  }
  process.stderr.write('schemas/sslexp.schema.json is up to date.\n');
} else {
  writeFileSync(out, text);
  process.stderr.write(`wrote schemas/sslexp.schema.json (${text.split('\n').length - 1} lines)\n`);
}
