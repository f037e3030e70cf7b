/**
 * `eventsmith docs`: catalogue → model → a static site (HTML, or Markdown for a git host) in its own
 * output folder, replaced whole and atomically like `generate`'s.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compatDiffVersions } from '../docs/compat-changes.js';
import { DOCS_FORMATS, renderDocs, type DocsFormat, type DocsOptions } from '../docs/index.js';
import { writeOutput } from '../emit/write.js';
import { formatDiagnostic } from '../load/diagnostics.js';
import { loadCatalog } from '../pipeline/load-catalog.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Command } from './command.js';
import { readConfig, resolveCatalog } from './config.js';
import { eventCounts, plural } from './counts.js';

export const DEFAULT_DOCS_OUT = 'build/docs';

const HELP = `Usage: eventsmith docs [--catalog DIR|FILE] [--out DIR] [--format html|md] [--title TEXT] [--config FILE]

Writes browsable documentation of the catalogue: domains, every event with its metadata, versions
side by side with the changes between them (as \`eventsmith check\` sees them), payload tables and
examples, and a diagram of which services publish and consume which events. The HTML site is one self-contained index.html that works from file:// with no
server and no network; --format md writes index.md, one file per domain and diagram.svg for
browsing on a git host. The output folder is replaced as a whole.

Options:
  --catalog DIR|FILE  catalogue folder (searched recursively) or one document   [default: catalog]
  --out DIR           output folder                                              [default: ${DEFAULT_DOCS_OUT}]
  --format FORMAT     html or md                                                 [default: html]
  --title TEXT        title of the site                                          [default: Event catalogue]
  --config FILE       config file [default: eventsmith.config.json|.yaml|.yml in the working directory]
  -h, --help          show this help

Exit codes: 0 done, 2 bad catalogue or usage.`;

export const docsCommand: Command = {
  name: 'docs',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        catalog: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string', default: 'html' },
        title: { type: 'string' },
        config: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    });
    const format = values.format as DocsFormat;
    if (!DOCS_FORMATS.includes(format)) {
      ctx.err(`eventsmith: unknown --format '${values.format}'; expected ${DOCS_FORMATS.join(' or ')}.\nRun 'eventsmith docs --help' for usage.`);
      return EXIT_BAD_INPUT;
    }
    const started = performance.now();
    const config = readConfig(ctx.cwd, values.config);
    const catalogDir = resolveCatalog(ctx.cwd, values.catalog, config);
    const out = path.resolve(ctx.cwd, values.out ?? DEFAULT_DOCS_OUT);
    const { catalog, warnings } = await loadCatalog(catalogDir, { strict: config.strict ?? false, cwd: ctx.cwd });
    for (const warning of warnings) ctx.err(formatDiagnostic(warning));
    const options: DocsOptions = { format, diffVersions: compatDiffVersions };
    if (values.title !== undefined) options.title = values.title;
    const files = await renderDocs(catalog, options);
    writeOutput(out, files);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const shown = path.relative(ctx.cwd, out) || '.';
    const entry = path.join(shown.startsWith('..') ? out : shown, format === 'md' ? 'index.md' : 'index.html');
    ctx.out(`eventsmith: docs for ${eventCounts(catalog.events)} → ${entry} (${plural(files.size, 'file')}) in ${seconds}s`);
    return EXIT_OK;
  },
};
