/**
 * Every shortcut gives what a clean run gives: over a series of random edits to a catalogue (an
 * event added, removed or reworded, a payload field added or changed, a shared schema changed, a
 * save that changes nothing, a document or the shared fragment saved broken and later fixed), the incremental path of `generate --watch` (IncrementalCatalog, the
 * emitter's memos, the changed-files writer, all kept from one edit to the next) and `generate`
 * with its content-hash cache write exactly the files, byte for byte, that `generate --no-cache`
 * writes into a folder of its own. An edit inside one message takes the watch's short way (only
 * that message through the AsyncAPI parser, see generator/watch/message-edit.ts), checked here too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { CatalogError, formatDiagnostic } from '../../generator/load/diagnostics.js';
import { IncrementalCatalog } from '../../generator/watch/incremental.js';
import { ChangedFilesWriter } from '../../generator/watch/write-changed.js';
import { hashTree, runCli, tempDir, writeTree } from '../helpers/cli.js';

interface EventState {
  /** Unique within the catalogue: `<entity>_<n>`. */
  name: string;
  description: string;
  maxLength: number;
  /** An optional payload field added by an edit. */
  note: boolean;
}

interface CatalogState {
  documents: Record<'orders' | 'billing', EventState[]>;
  /** Shared Money: the minimum of its amount, and whether it carries a description. */
  money: { minimum: number; described: boolean };
  /** A YAML comment: content changes, output does not. */
  comment: number;
  /** Documents saved broken (until a 'fix' edit): a YAML syntax error, or a schema keyword the specification refuses. */
  broken: Partial<Record<(typeof DOCUMENTS)[number], 'yaml' | 'schema'>>;
  /** The shared Money saved with a minimum that is not a number (until a 'fix' edit): a problem inside a fragment. */
  moneyBroken: boolean;
}

const DOCUMENTS = ['orders', 'billing'] as const;

function moneyYaml(state: CatalogState): string {
  return `# Shared types (${state.comment})
components:
  schemas:
    Money:
      type: object
      required: [amount, currency]
${state.money.described ? '      description: An amount in a currency.\n' : ''}      properties:
        amount: { type: number, minimum: ${state.moneyBroken ? 'zero' : state.money.minimum} }
        currency: { type: string, pattern: '^[A-Z]{3}$' }
`;
}

function documentYaml(domain: (typeof DOCUMENTS)[number], events: readonly EventState[], broken?: 'yaml' | 'schema'): string {
  const text = validDocumentYaml(domain, events);
  if (broken === 'yaml') return `${text}x-broken: [unclosed\n`;
  if (broken === 'schema') return text.replace(/maxLength: \d+/, 'maxLength: -1');
  return text;
}

function validDocumentYaml(domain: (typeof DOCUMENTS)[number], events: readonly EventState[]): string {
  const message = (e: EventState): string => e.name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
  return `asyncapi: 3.0.0
info:
  title: ${domain} events
  version: 1.0.0
  x-service: ${domain}-service
channels:
${events.map((e) => `  ${message(e)}Channel:
    address: business.${domain}.${e.name}
    messages:
      ${message(e)}:
        $ref: '#/components/messages/${message(e)}'
`).join('')}operations:
${events.map((e) => `  publish${message(e)}:
    action: send
    channel: { $ref: '#/channels/${message(e)}Channel' }
`).join('')}components:
  messages:
${events.map((e) => `    ${message(e)}:
      name: ${domain}.${e.name}
      description: ${e.description}
      x-consumers: [audit-service]
      payload:
        type: object
        required: [id, total]
        properties:
          id: { type: string, maxLength: ${e.maxLength} }
          total:
            $ref: './shared/types.yaml#/components/schemas/Money'
${e.note ? '          note: { type: string, description: A free-text note. }\n' : ''}      examples:
        - payload: { id: x-1, total: { amount: 12.5, currency: EUR } }
`).join('')}`;
}

type Edit =
  | { kind: 'add'; document: number; entity: string }
  | { kind: 'remove'; document: number; index: number }
  | { kind: 'describe'; document: number; index: number; words: string }
  | { kind: 'field'; document: number; index: number; maxLength: number; note: boolean }
  | { kind: 'money'; minimum: number; described: boolean }
  | { kind: 'comment' }
  | { kind: 'break'; document: number; how: 'yaml' | 'schema' }
  | { kind: 'break-money' }
  | { kind: 'fix' };

const words = fc.array(fc.constantFrom('order', 'invoice', 'was', 'placed', 'paid', 'late', 'again', 'by', 'a', 'customer'), { minLength: 1, maxLength: 6 }).map((w) => `${w.join(' ')}.`);

const EDIT: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), document: fc.nat(1), entity: fc.constantFrom('parcel', 'refund', 'coupon', 'ticket') }),
  fc.record({ kind: fc.constant('remove' as const), document: fc.nat(1), index: fc.nat(9) }),
  fc.record({ kind: fc.constant('describe' as const), document: fc.nat(1), index: fc.nat(9), words }),
  fc.record({ kind: fc.constant('field' as const), document: fc.nat(1), index: fc.nat(9), maxLength: fc.integer({ min: 8, max: 64 }), note: fc.boolean() }),
  fc.record({ kind: fc.constant('money' as const), minimum: fc.nat(5), described: fc.boolean() }),
  fc.constant({ kind: 'comment' as const }),
  fc.record({ kind: fc.constant('break' as const), document: fc.nat(1), how: fc.constantFrom('yaml' as const, 'schema' as const) }),
  fc.constant({ kind: 'break-money' as const }),
  fc.constant({ kind: 'fix' as const }),
);

let serial = 0;

function apply(state: CatalogState, edit: Edit): void {
  if (edit.kind === 'comment') {
    state.comment++;
    return;
  }
  if (edit.kind === 'money') {
    state.money = { minimum: edit.minimum, described: edit.described };
    return;
  }
  if (edit.kind === 'break') {
    state.broken[DOCUMENTS[edit.document]!] = edit.how;
    return;
  }
  if (edit.kind === 'break-money') {
    state.moneyBroken = true;
    return;
  }
  if (edit.kind === 'fix') {
    state.broken = {};
    state.moneyBroken = false;
    return;
  }
  const events = state.documents[DOCUMENTS[edit.document]!];
  if (edit.kind === 'add') {
    events.push({ name: `${edit.entity}_${++serial}`, description: `A ${edit.entity} changed.`, maxLength: 36, note: false });
    return;
  }
  // Every document keeps one event: a document without operations is another test's subject.
  if (events.length === 0) return;
  const index = edit.index % events.length;
  if (edit.kind === 'remove') {
    if (events.length > 1) events.splice(index, 1);
  } else if (edit.kind === 'describe') {
    events[index]!.description = edit.words;
  } else {
    events[index] = { ...events[index]!, maxLength: edit.maxLength, note: edit.note };
  }
}

/** Writes the files whose content the state changes (as an editor saves), and only those. */
function save(root: string, state: CatalogState): void {
  const files: Record<string, string> = { 'shared/types.yaml': moneyYaml(state) };
  for (const domain of DOCUMENTS) files[`${domain}.yaml`] = documentYaml(domain, state.documents[domain], state.broken[domain]);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    let before: string | undefined;
    try {
      before = readFileSync(file, 'utf8');
    } catch {
      before = undefined;
    }
    if (before !== text) writeTree(root, { [rel]: text });
  }
}

describe('watch and the generate cache give what a clean generate gives', () => {
  it('over a series of random edits, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(EDIT, { minLength: 1, maxLength: 6 }), async (edits) => {
        const dir = tempDir();
        const root = path.join(dir, 'catalog');
        const state: CatalogState = {
          documents: {
            orders: [{ name: 'order_placed', description: 'An order was placed.', maxLength: 36, note: false }],
            billing: [
              { name: 'invoice_issued', description: 'An invoice was issued.', maxLength: 36, note: false },
              { name: 'invoice_paid', description: 'An invoice was paid.', maxLength: 24, note: true },
            ],
          },
          money: { minimum: 0, described: false },
          comment: 0,
          broken: {},
          moneyBroken: false,
        };
        save(root, state);
        // The watch side: one IncrementalCatalog and one writer for the whole series, as in a watch session.
        const incremental = new IncrementalCatalog(root, { strict: false, cwd: dir });
        const watchOut = path.join(dir, 'watch-out');
        const writer = new ChangedFilesWriter(watchOut);
        // The output of the last save that loaded: what a broken save must leave in place.
        let lastGood: string | undefined;
        for (const edit of [undefined, ...edits]) {
          const brokenBefore = { ...state.broken };
          const textsBefore = DOCUMENTS.map((domain) => readFileSync(path.join(root, `${domain}.yaml`), 'utf8'));
          if (edit) {
            apply(state, edit);
            save(root, state);
          }
          const cleanOut = path.join(tempDir(), 'clean-out');
          const clean = await runCli(['generate', '--catalog', root, '--out', cleanOut, '--no-cache'], dir);
          const cached = await runCli(['generate', '--catalog', 'catalog', '--out', 'cached-out'], dir);
          const after = `after ${JSON.stringify(edit)}`;
          let problems: string | undefined;
          let excerpted: string[] = [];
          try {
            const loaded = await incremental.load();
            excerpted = loaded.excerpted;
            if (!loaded.unchanged) writer.write(emit(loaded.catalog));
          } catch (error) {
            if (!(error instanceof CatalogError)) throw error;
            problems = [...error.diagnostics, ...error.warnings].map(formatDiagnostic).join('\n');
          }
          if (Object.keys(state.broken).length > 0 || state.moneyBroken) {
            // Broken: every side reports the same problems, at the same places, and writes nothing.
            expect(clean.code, `clean ${after}`).toBe(2);
            expect(cached.code, `cached generate ${after}`).toBe(2);
            expect(cached.stderr, `cached generate ${after}`).toBe(clean.stderr);
            const reported = clean.stderr.trim().split('\n').slice(0, -1).join('\n');
            expect(reported).toMatch(/\.yaml:\d+:\d+: /);
            expect(problems, `watch ${after}`).toBe(reported);
            expect(hashTree(watchOut), `watch ${after}`).toBe(lastGood);
            expect(hashTree(path.join(dir, 'cached-out')), `cached generate ${after}`).toBe(lastGood);
            continue;
          }
          expect(clean.code, clean.stderr).toBe(0);
          expect(cached.code, cached.stderr).toBe(0);
          expect(problems, `watch ${after}`).toBeUndefined();
          if (edit && (edit.kind === 'describe' || edit.kind === 'field')) {
            // An edit inside one message of a document that last loaded clean: only that message goes through the parser.
            const domain = DOCUMENTS[edit.document]!;
            const changed = readFileSync(path.join(root, `${domain}.yaml`), 'utf8') !== textsBefore[edit.document];
            if (changed && brokenBefore[domain] === undefined) expect(excerpted, `watch ${after}`).toEqual([`${domain}.yaml`]);
          }
          const expected = hashTree(cleanOut);
          expect(hashTree(watchOut), `watch ${after}`).toBe(expected);
          expect(hashTree(path.join(dir, 'cached-out')), `cached generate ${after}`).toBe(expected);
          lastGood = expected;
        }
      }),
      {
        numRuns: 8,
        // Always, besides the random series: each kind of broken save, an edit while broken, then the fix.
        examples: [
          [[{ kind: 'break', document: 0, how: 'schema' }, { kind: 'describe', document: 1, index: 0, words: 'paid late.' }, { kind: 'fix' }]],
          [[{ kind: 'break', document: 1, how: 'yaml' }, { kind: 'break', document: 0, how: 'schema' }, { kind: 'money', minimum: 2, described: true }, { kind: 'fix' }]],
          [[{ kind: 'money', minimum: 1, described: true }, { kind: 'break-money' }, { kind: 'describe', document: 0, index: 0, words: 'paid late.' }, { kind: 'fix' }]],
        ],
      },
    );
  }, 600_000);
});
