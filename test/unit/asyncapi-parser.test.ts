/**
 * The loader's @asyncapi/parser configuration (generator/load/asyncapi-parser.ts): it must reject
 * exactly what a default parser rejects, with the same messages, paths and ranges, while compiling
 * the specification schema once per process instead of once per document.
 */
import { Parser, type Diagnostic } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { createParser, sharesSchemaCompiles } from '../../generator/load/asyncapi-parser.js';

const VALID = `asyncapi: 3.0.0
info:
  title: Thing events
  version: 1.0.0
servers:
  broker:
    host: localhost
    protocol: amqp
channels:
  thingCreated:
    address: business.thing.created
    messages:
      ThingCreated:
        $ref: '#/components/messages/ThingCreated'
operations:
  publishThingCreated:
    action: send
    channel:
      $ref: '#/channels/thingCreated'
components:
  messages:
    ThingCreated:
      name: thing.created
      payload:
        type: object
        properties:
          id: { type: string }
`;

/** Broken variants of VALID, one per kind of rule (structure resolved and unresolved, v3 rules). */
const BROKEN: Record<string, string> = {
  'unknown field': VALID.replace('  version: 1.0.0', '  version: 1.0.0\n  titel: oops'),
  'wrong type': VALID.replace('action: send', 'action: shout'),
  'reference where none is allowed': VALID.replace('info:\n  title: Thing events\n  version: 1.0.0', "info:\n  $ref: '#/x-info'\nx-info:\n  title: Thing events\n  version: 1.0.0"),
  'query in a channel address key': VALID.replace('  thingCreated:\n    address', '  thing?Created:\n    address'),
  'operation message outside its channel': VALID.replace("      $ref: '#/channels/thingCreated'", "      $ref: '#/channels/thingCreated'\n    messages:\n      - $ref: '#/components/messages/Other'").replace('components:\n  messages:', 'components:\n  messages:\n    Other:\n      name: other'),
  'channel server that does not exist': VALID.replace('    address: business.thing.created', "    address: business.thing.created\n    servers:\n      - $ref: '#/servers/nowhere'"),
  'invalid payload schema': VALID.replace('id: { type: string }', 'id: { type: 12 }'),
  'AsyncAPI 2.6 with an unknown field': `asyncapi: 2.6.0
info:
  title: Old
  version: 1.0.0
  colour: blue
channels:
  thing.created:
    publish:
      message:
        name: thing.created
        payload: { type: string }
`,
};

const errorsOf = (diagnostics: readonly Diagnostic[]): unknown[] =>
  diagnostics.filter((d) => d.severity === 0).map(({ code, message, path, range, source }) => ({ code, message, path, range, source }));

describe('the loader’s AsyncAPI parser', () => {
  it('shares the specification schema’s compile across documents with the installed @asyncapi/parser', () => {
    // False would mean @asyncapi/parser moved its rule set: still correct, but every document
    // would compile the specification schema again (about 0.35 s each).
    expect(sharesSchemaCompiles()).toBe(true);
  });

  it('rejects what a default parser rejects, with the same errors, also for the second document it reads', async () => {
    const ours = createParser();
    const reference = new Parser();
    // Twice over: the second round runs on compiled validators shared with the first.
    for (const round of [1, 2]) {
      for (const [name, text] of Object.entries(BROKEN)) {
        const expected = await reference.parse(text, { source: `/catalog/${name}.yaml` });
        const actual = await ours.parse(text, { source: `/catalog/${name}.yaml` });
        expect(errorsOf(expected.diagnostics), `${name}: the case must be broken`).not.toEqual([]);
        expect(errorsOf(actual.diagnostics), `${name}, round ${round}`).toEqual(errorsOf(expected.diagnostics));
        expect(actual.document).toBeUndefined();
      }
      const valid = await ours.parse(VALID, { source: '/catalog/valid.yaml' });
      expect(errorsOf(valid.diagnostics)).toEqual([]);
      expect(valid.document?.allMessages().all().map((m) => m.name())).toEqual(['thing.created']);
    }
  });

  it('does not run the rules that only give advice, which the loader ignores', async () => {
    const old = BROKEN['AsyncAPI 2.6 with an unknown field']!.replace('  colour: blue\n', '');
    const reference = await new Parser().parse(old, { source: '/catalog/old.yaml' });
    expect(reference.diagnostics.filter((d) => d.severity > 0).map((d) => d.code)).toContain('asyncapi-latest-version');
    const ours = await createParser().parse(old, { source: '/catalog/old.yaml' });
    expect(ours.diagnostics.filter((d) => d.severity > 0 && d.code !== 'asyncapi-internal')).toEqual([]);
    expect(ours.document).toBeDefined();
  });
});
