/**
 * The Modelina side of the generation benchmark: AsyncAPI Modelina's TypeScript generator writing
 * the models (one file per payload and nested type) of every document of a catalogue, each
 * document read from its file so that relative $refs resolve. Modelina is not a dependency of
 * eventsmith (its install is ~190 MB); bench/modelina.mjs installs it into bench/.modelina.
 *
 *   node bench/lib/modelina-models.mjs MODELINA_DIR CATALOG_DIR OUT_DIR
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modelinaDir, catalog, out] = process.argv.slice(2).map((p) => path.resolve(p));
const { TypeScriptFileGenerator } = createRequire(path.join(modelinaDir, 'package.json'))('@asyncapi/modelina');
const documents = readdirSync(catalog)
  .map((name) => path.join(catalog, name))
  .filter((file) => /\.(ya?ml|json)$/.test(file) && /^asyncapi\s*:/m.test(readFileSync(file, 'utf8')))
  .sort();
const generator = new TypeScriptFileGenerator({ modelType: 'interface' });
let models = 0;
for (const file of documents) {
  const written = await generator.generateToFiles(pathToFileURL(file).href, path.join(out, path.basename(file, path.extname(file))), { exportType: 'named' });
  models += written.length;
}
process.stdout.write(`${documents.length} documents, ${models} models\n`);
