/**
 * `eventsmith check`: compares the catalogue (HEAD, by default the working tree) with one or more
 * BASEs and fails when an event contract would break its consumers.
 */
import { parseArgs } from 'node:util';
import { checkCompatibility } from '../compat/check.js';
import { openSide, type OpenedSide } from '../compat/inputs/side.js';
import { FORMATS, report, type Format } from '../compat/report/index.js';
import { MODES, POLICIES, type Mode, type Policy } from '../compat/types.js';
import { CatalogError, formatDiagnostic } from '../load/diagnostics.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, type Command } from './command.js';
import { readConfig, resolveCatalog } from './config.js';

const HELP = `Usage: eventsmith check --base BASE [--base BASE …] [--head HEAD] [--mode MODE]
                        [--policy strict|lenient] [--format text|json|github|junit]
                        [--catalog DIR|FILE] [--config FILE]

Compares every event version of HEAD with the same version in BASE and fails on a change that
breaks consumers. BASE and HEAD are each a git ref (the catalogue folder at that commit), a folder,
one AsyncAPI file, or a snapshot written by generate (generated/catalog.snapshot.json).

Options:
  --base BASE      what HEAD must stay compatible with; repeat for transitive modes, most recent first
  --head HEAD      the catalogue to check                          [default: the working tree]
  --mode MODE      backward | forward | full | backward-transitive | forward-transitive |
                   full-transitive | none                          [default: check.mode, else full]
                     backward: consumers built from HEAD read every event valid under BASE
                     forward:  consumers built from BASE read every event valid under HEAD
                     full:     both; *-transitive: against every --base, else the first only
  --policy P       strict: JSON Schema semantics to the letter; lenient: readers ignore unknown
                   properties (e.g. an optional property added to an open object passes)
                                                                   [default: check.policy, else lenient]
  --format F       text | json | github (annotations) | junit (XML)              [default: text]
  --catalog PATH   catalogue folder or file, also its path inside git refs [default: config, else catalog]
  --config FILE    config file [default: eventsmith.config.json|.yaml|.yml in the working directory]
  -h, --help       show this help

Breaking changes can be accepted in the config, with a reason and an optional expiry date:
  check: { exceptions: [ { rule: ENUM_ARRAY_NARROWED, event: shop.order_placed, reason: "…", expires: 2026-06-30 } ] }

Exit codes: 0 compatible, 1 a breaking change was found, 2 bad input or usage.
Every rule, with an example and its verdict per mode and policy: docs/compatibility.md.`;

export const checkCommand: Command = {
  name: 'check',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: 'string', multiple: true },
        head: { type: 'string' },
        mode: { type: 'string' },
        policy: { type: 'string' },
        format: { type: 'string' },
        catalog: { type: 'string' },
        config: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    });
    const config = readConfig(ctx.cwd, values.config);
    const usage = (message: string): number => {
      ctx.err(`eventsmith: ${message}\nRun 'eventsmith check --help' for usage.`);
      return EXIT_BAD_INPUT;
    };
    const bases = values.base ?? [];
    const mode = values.mode ?? config.check?.mode ?? 'full';
    const policy = values.policy ?? config.check?.policy ?? 'lenient';
    const format = values.format ?? 'text';
    if (bases.length === 0) return usage('--base is required: a git ref (e.g. main or HEAD~1), a folder, an AsyncAPI file or a snapshot');
    if (!MODES.includes(mode as Mode)) return usage(`--mode must be one of ${MODES.join(', ')}`);
    if (!POLICIES.includes(policy as Policy)) return usage(`--policy must be one of ${POLICIES.join(', ')}`);
    if (!FORMATS.includes(format as Format)) return usage(`--format must be one of ${FORMATS.join(', ')}`);
    const catalog = resolveCatalog(ctx.cwd, values.catalog, config);
    const opened: OpenedSide[] = [];
    try {
      for (const spec of [...bases, values.head]) opened.push(await openSide(spec, { cwd: ctx.cwd, catalog }));
      const sides = opened.map((o) => o.side);
      const result = checkCompatibility(sides.slice(0, -1), sides.at(-1)!, { mode: mode as Mode, policy: policy as Policy, exceptions: config.check?.exceptions ?? [] });
      const colour = format === 'text' && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      for (const line of report(result, format as Format, colour)) ctx.out(line);
      // Machine formats keep standard output parseable: the notes and verdict go to standard error.
      if (format !== 'text') {
        for (const note of result.notes) ctx.err(`eventsmith: note: ${note}`);
        const breaking = result.changes.filter((c) => c.severity === 'breaking' && !c.accepted).length;
        ctx.err(`eventsmith: ${result.compatible ? 'compatible' : `not compatible: ${breaking} breaking change${breaking === 1 ? '' : 's'}`} (mode ${mode}, policy ${policy})`);
      }
      return result.compatible ? EXIT_OK : EXIT_CHECK_FAILED;
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      for (const d of error.diagnostics) ctx.err(formatDiagnostic(d));
      const n = error.diagnostics.length;
      ctx.err(`eventsmith: ${n} problem${n === 1 ? '' : 's'} found; nothing was compared.`);
      return EXIT_BAD_INPUT;
    } finally {
      for (const o of opened) o.dispose();
    }
  },
};
