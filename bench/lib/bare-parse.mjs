/**
 * The baseline of the generation and check benchmarks: @asyncapi/parser alone, parsing each
 * document of one or more catalogues once (one Parser for the run, `source` set so relative $refs
 * resolve), as any tool built on the parser must. Prints the number of documents and errors.
 *
 * With --no-rules the parser runs no Spectral rule at all: it reads the YAML, resolves every $ref
 * and builds its document models, and validates nothing. No tool that reads documents through
 * @asyncapi/parser (eventsmith and Modelina both do) can take less: the floor the Modelina
 * benchmark compares against.
 *
 *   node bench/lib/bare-parse.mjs [--no-rules] DIR [DIR…]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';

const args = process.argv.slice(2);
const noRules = args.includes('--no-rules');
const positional = args.filter((arg) => arg !== '--no-rules');
const dirs = positional.length > 0 ? positional : ['.'];
const documents = dirs.flatMap((arg) => {
  const dir = path.resolve(arg);
  return readdirSync(dir, { recursive: true })
    .map((rel) => path.join(dir, String(rel)))
    .filter((file) => /\.(ya?ml|json)$/.test(file))
    .filter((file) => /^asyncapi\s*:/m.test(readFileSync(file, 'utf8')))
    .sort();
});
const parser = noRules ? new Parser({ ruleset: { core: false, recommended: false } }) : new Parser();
let errors = 0;
for (const file of documents) {
  const result = await parser.parse(readFileSync(file, 'utf8'), { source: file });
  errors += result.diagnostics.filter((d) => d.severity === 0).length;
  if (!result.document) errors++;
}
process.stdout.write(`${documents.length} documents, ${errors} errors\n`);
process.exitCode = errors > 0 ? 1 : 0;
