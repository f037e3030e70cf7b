/**
 * Broken catalogues: each must fail with exit code 2, name the file, line and column of the
 * problem with a message and a hint, and leave the previous output exactly as it was.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashTree, runCli, tempDir, writeTree } from '../helpers/cli.js';

const BASE = `asyncapi: 3.0.0
info:
  title: Test events
  version: 1.0.0
channels:
  thingCreated:
    address: business.test.thing_created
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
      name: test.thing_created
      title: Thing created
      summary: A thing was created.
      description: Emitted when a thing is created.
      x-version: 1
      x-kind: business
      x-urgency: medium
      x-producers: [thing-service]
      x-consumers: [other-service]
      x-tenant-scoped: true
      payload:
        type: object
        required: [tenant_id, thing_id]
        properties:
          tenant_id: {type: string, minLength: 1}
          thing_id: {type: string, format: uuid}
          count: {type: integer, minimum: 0}
      examples:
        - name: one
          payload: {tenant_id: acme, thing_id: 3b241101-e2bb-4255-8caf-4136c566a962, count: 1}
`;

/** A second, valid document, used by cases that need two. */
const OTHER = BASE.replace(/thingCreated/g, 'otherCreated').replace(/ThingCreated/g, 'OtherCreated').replace(/thing_created/g, 'other_created');

/** BASE with its payload written in Avro; `extra` adds fields (YAML lines) to the record. */
function avro(extra: string): string {
  const start = BASE.indexOf('      payload:\n');
  const end = BASE.indexOf('      examples:');
  const payload = `      payload:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema:
          type: record
          name: ThingCreated
          namespace: com.example.things
          fields:
            - {name: tenant_id, type: string}
            - {name: thing_id, type: {type: string, logicalType: uuid}}
            - {name: count, type: int, default: 0}
${extra}`;
  return BASE.slice(0, start) + payload + BASE.slice(end);
}

/** BASE with an Avro payload schema behind `$ref`. */
function avroRef(ref: string): string {
  const start = BASE.indexOf('      payload:\n');
  const end = BASE.indexOf('      examples:');
  return `${BASE.slice(0, start)}      payload:\n        schemaFormat: application/vnd.apache.avro+json;version=1.9.0\n        schema:\n          $ref: '${ref}'\n${BASE.slice(end)}`;
}

interface Case {
  name: string;
  files: Record<string, string>;
  file: string;
  /** Text on the line the problem must be reported at (first occurrence in `file`). */
  at: string;
  message: RegExp;
  /** The problem is the only one reported. */
  only?: boolean;
}

/** BASE with `from` replaced by `to`; the reported line is where `to` (or `at`) lands. */
function edit(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`test bug: BASE has no ${JSON.stringify(from)}`);
  return BASE.replace(from, to);
}

const CASES: Case[] = [
  { name: 'YAML syntax error', files: { 'test.yaml': edit('    action: send', '    action: send\n   bad: [unclosed') }, file: 'test.yaml', at: 'bad: [unclosed', message: /./ },
  { name: 'duplicate key', files: { 'test.yaml': edit('      x-version: 1', '      x-version: 1\n      x-version: 2') }, file: 'test.yaml', at: 'x-version: 2', message: /unique|duplicate/i },
  { name: 'unknown field in info', files: { 'test.yaml': edit('  version: 1.0.0', '  version: 1.0.0\n  titel: oops') }, file: 'test.yaml', at: 'titel: oops', message: /titel/ },
  { name: 'wrong type for a specification field', files: { 'test.yaml': edit('    action: send', '    action: shout') }, file: 'test.yaml', at: 'action: shout', message: /action|allowed|must be/i },
  { name: 'unsupported AsyncAPI version', files: { 'test.yaml': edit('asyncapi: 3.0.0', 'asyncapi: 1.2.0') }, file: 'test.yaml', at: 'asyncapi: 1.2.0', message: /not supported/ },
  { name: 'local $ref to a missing component', files: { 'test.yaml': edit("$ref: '#/components/messages/ThingCreated'", "$ref: '#/components/messages/Nope'") }, file: 'test.yaml', at: 'messages/Nope', message: /Nope/ },
  { name: '$ref to a missing file', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          count: {$ref: './missing.yaml#/Count'}") }, file: 'test.yaml', at: 'missing.yaml', message: /missing\.yaml/ },
  { name: '$ref to a missing pointer in a fragment', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          count: {$ref: './shared.yaml#/components/schemas/Nope'}"), 'shared.yaml': 'components:\n  schemas:\n    Count: {type: integer}\n' }, file: 'test.yaml', at: 'schemas/Nope', message: /Nope/ },
  { name: 'remote $ref', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          count: {$ref: 'https://example.com/count.yaml'}") }, file: 'test.yaml', at: 'example.com', message: /remote|outside|example\.com/i },
  { name: 'YAML syntax error in a referenced fragment', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          count: {$ref: './shared.yaml#/Count'}"), 'shared.yaml': 'Count:\n  type: integer\n   minimum: [0\n' }, file: 'shared.yaml', at: 'type: integer', message: /./ },
  { name: 'specification error inside a referenced trait', files: { 'test.yaml': edit('      x-tenant-scoped: true\n', "      x-tenant-scoped: true\n      traits:\n        - $ref: './shared.yaml#/components/messageTraits/Audited'\n"), 'shared.yaml': 'components:\n  messageTraits:\n    Audited:\n      x-consumers: [audit-service]\n      contentType: 42\n' }, file: 'shared.yaml', at: 'contentType: 42', message: /contentType/ },
  { name: 'unknown urgency', files: { 'test.yaml': edit('x-urgency: medium', 'x-urgency: extreme') }, file: 'test.yaml', at: 'x-urgency: extreme', message: /unknown urgency "extreme"/ },
  { name: 'unknown kind', files: { 'test.yaml': edit('x-kind: business', 'x-kind: happening') }, file: 'test.yaml', at: 'x-kind: happening', message: /unknown kind "happening"/ },
  { name: 'severity on a business event', files: { 'test.yaml': edit('x-urgency: medium', 'x-urgency: medium\n      x-severity: high') }, file: 'test.yaml', at: 'x-severity: high', message: /alerts only|x-severity/ },
  { name: 'alert whose urgency disagrees with its severity', files: { 'test.yaml': edit('x-kind: business\n      x-urgency: medium', 'x-kind: alert\n      x-urgency: low\n      x-severity: urgent') }, file: 'test.yaml', at: 'x-urgency: low', message: /disagrees with x-severity/ },
  { name: 'version that is not a whole number', files: { 'test.yaml': edit('x-version: 1', 'x-version: 1.5') }, file: 'test.yaml', at: 'x-version: 1.5', message: /whole number/ },
  { name: 'priority that disagrees with urgency', files: { 'test.yaml': edit('x-urgency: medium', 'x-urgency: medium\n      x-priority: 10') }, file: 'test.yaml', at: 'x-priority: 10', message: /priority/ },
  { name: 'sunset that is not a date', files: { 'test.yaml': edit('x-version: 1', "x-version: 1\n      x-sunset: next summer") }, file: 'test.yaml', at: 'x-sunset', message: /YYYY-MM-DD/ },
  { name: 'replies listed on an event that is not a command', files: { 'test.yaml': edit('x-version: 1', 'x-version: 1\n      x-replies: []') }, file: 'test.yaml', at: 'x-replies', message: /x-replies is set on a business event/ },
  { name: 'a listed reply that no channel of the document carries', files: { 'test.yaml': `${edit('x-kind: business', "x-kind: command\n      x-replies:\n        - $ref: '#/components/messages/Orphan'")}    Orphan:\n      name: test.orphan\n      payload: {type: object}\n` }, file: 'test.yaml', at: 'x-replies', message: /x-replies item 0 is not a message of this document's channels/ },
  { name: 'producers that are not a list of names', files: { 'test.yaml': edit('x-producers: [thing-service]', 'x-producers: Thing Service') }, file: 'test.yaml', at: 'x-producers', message: /service names/ },
  { name: 'the same event type and version twice', files: { 'a.yaml': BASE, 'b.yaml': OTHER.replace('name: test.other_created', 'name: test.thing_created') }, file: 'b.yaml', at: 'name: test.thing_created', message: /defined twice: here and at a.yaml:/ },
  { name: 'event types that clash as identifiers', files: { 'a.yaml': BASE, 'b.yaml': OTHER.replace('name: test.other_created', 'name: test.thing__created') }, file: 'b.yaml', at: 'name: test.thing__created', message: /both become/ },
  { name: 'example that does not validate', files: { 'test.yaml': edit('count: 1}', 'count: -1}') }, file: 'test.yaml', at: 'count: -1', message: /count must be >= 0/ },
  { name: 'example with a property a closed model forbids', files: { 'test.yaml': edit('        type: object\n', '        type: object\n        additionalProperties: false\n').replace('count: 1}', 'count: 1, colour: red}') }, file: 'test.yaml', at: 'colour: red', message: /unknown property 'colour'/ },
  { name: 'tenant-scoped payload without tenant_id', files: { 'test.yaml': edit('required: [tenant_id, thing_id]', 'required: [thing_id]') }, file: 'test.yaml', at: '      payload:', message: /tenant_id/ },
  { name: 'strict: missing description', files: { 'test.yaml': edit('      description: Emitted when a thing is created.\n', '') }, file: 'test.yaml', at: '    ThingCreated:', message: /does not declare description/ },
  { name: 'strict: no example', files: { 'test.yaml': BASE.slice(0, BASE.indexOf('      examples:')) }, file: 'test.yaml', at: 'name: test.thing_created', message: /no example/ },
  { name: 'strict: event type not dot-separated', files: { 'test.yaml': edit('name: test.thing_created', 'name: ThingCreated') }, file: 'test.yaml', at: 'name: ThingCreated', message: /lowercase and dot-separated/ },
  { name: 'unsupported schema format', files: { 'test.yaml': edit('      payload:\n        type: object', "      payload:\n        schemaFormat: application/vnd.google.protobuf;version=3\n        schema:\n          type: record") }, file: 'test.yaml', at: 'schemaFormat', message: /not supported/ },
  { name: 'AsyncAPI version after the ones read', files: { 'test.yaml': edit('asyncapi: 3.0.0', 'asyncapi: 3.2.0') }, file: 'test.yaml', at: 'asyncapi: 3.2.0', message: /AsyncAPI 3\.2\.0 is not supported/ },
  { name: 'Avro type that is not defined', files: { 'test.yaml': avro('            - {name: owner, type: Ownr}\n') }, file: 'test.yaml', at: 'type: Ownr', message: /Avro type 'Ownr' is not defined/ },
  { name: 'Avro default that is not a value of its type', files: { 'test.yaml': avro('            - {name: size, type: int, default: big}\n') }, file: 'test.yaml', at: 'default: big', message: /default of field 'size' is not a value of its type int/ },
  { name: 'Avro schema behind a remote reference', files: { 'test.yaml': avroRef('https://registry.example.com/thing.avsc') }, file: 'test.yaml', at: 'registry.example.com', message: /'https:\/\/registry\.example\.com\/thing\.avsc' is a remote reference; eventsmith does not fetch schemas/ },
  { name: 'Avro .avsc file with a syntax error', files: { 'test.yaml': avroRef('./thing.avsc'), 'thing.avsc': '{"type": "record", "name": "Thing", "fields": [\n  {"name": "tenant_id", "type": "string"},,\n]}\n' }, file: 'thing.avsc', at: '"tenant_id"', message: /./ },
  { name: 'YAML alias bomb', files: { 'test.yaml': `${BASE}x-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n` }, file: 'test.yaml', at: 'asyncapi: 3.0.0', message: /alias/i },
  { name: 'JSON document with a syntax error', files: { 'test.json': '{\n  "asyncapi": "3.0.0",\n  "info": { "title": "x", "version": "1" },,\n  "channels": {}\n}\n' }, file: 'test.json', at: '"info"', message: /./ },
  { name: 'a __proto__ key', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', '          __proto__: {type: object, properties: {polluted: {type: boolean}}}') }, file: 'test.yaml', at: '__proto__', message: /__proto__/ },
  { name: '$ref that is not a string', files: { 'test.yaml': edit("      $ref: '#/channels/thingCreated'", '      $ref: true') }, file: 'test.yaml', at: '$ref: true', message: /\$ref must be a string/, only: true },
  { name: 'a property named $ref', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', '          $ref: {type: string}') }, file: 'test.yaml', at: '$ref: {type: string}', message: /\$ref must be a string/, only: true },
  { name: 'AsyncAPI 2.6 operation whose message is null (the parser crashes on it)', files: { 'test.yaml': 'asyncapi: 2.6.0\ninfo:\n  title: Null message\n  version: 1.0.0\nchannels:\n  orders:\n    publish:\n      message: null\n' }, file: 'test.yaml', at: 'asyncapi: 2.6.0', message: /the AsyncAPI parser failed on this document \(TypeError: Cannot read properties of null/ },
  { name: 'pattern that is not a regular expression', files: { 'test.yaml': edit('tenant_id: {type: string, minLength: 1}', "tenant_id: {type: string, pattern: '([a-z'}") }, file: 'test.yaml', at: "pattern: '([a-z'", message: /pattern "\(\[a-z" is not a valid regular expression: Unterminated character class/, only: true },
  { name: 'pattern that is not a regular expression, in a shared component of another file', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          code: {$ref: './shared.yaml#/components/schemas/Code'}"), 'shared.yaml': "components:\n  schemas:\n    Code:\n      type: string\n      pattern: '^[A-Z]{2'\n" }, file: 'shared.yaml', at: 'pattern:', message: /pattern "\^\[A-Z\]\{2" is not a valid regular expression/, only: true },
  { name: 'patternProperties key that is not a regular expression', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          labels: {type: object, patternProperties: {'(x': {type: string}}}") }, file: 'test.yaml', at: "'(x'", message: /patternProperties key "\(x" is not a valid regular expression/, only: true },
  { name: 'negative minLength', files: { 'test.yaml': edit('tenant_id: {type: string, minLength: 1}', 'tenant_id: {type: string, minLength: -1}') }, file: 'test.yaml', at: 'minLength: -1', message: /"minLength" property must be >= 0/, only: true },
  { name: 'negative minLength in a shared component of another file', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          code: {$ref: './shared.yaml#/components/schemas/Code'}"), 'shared.yaml': 'components:\n  schemas:\n    Code:\n      type: string\n      minLength: -3\n' }, file: 'shared.yaml', at: 'minLength: -3', message: /"minLength" property must be >= 0/, only: true },
  { name: 'multipleOf that is not a number', files: { 'test.yaml': edit('count: {type: integer, minimum: 0}', "count: {type: integer, multipleOf: two}") }, file: 'test.yaml', at: 'multipleOf: two', message: /"multipleOf" property type must be number/, only: true },
  { name: 'multipleOf that is not positive', files: { 'test.yaml': edit('count: {type: integer, minimum: 0}', 'count: {type: integer, multipleOf: 0}') }, file: 'test.yaml', at: 'multipleOf: 0', message: /"multipleOf" property must be > 0/, only: true },
  { name: 'strict: unknown format', files: { 'test.yaml': edit('thing_id: {type: string, format: uuid}', 'thing_id: {type: string, format: uuuid}') }, file: 'test.yaml', at: 'format: uuuid', message: /format "uuuid" is not a known format[^]*Did you mean 'uuid'\?/, only: true },
  { name: 'strict: unknown format in a shared component of another file', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          at: {$ref: './shared.yaml#/components/schemas/When'}"), 'shared.yaml': 'components:\n  schemas:\n    When:\n      type: string\n      format: datetime\n' }, file: 'shared.yaml', at: 'format: datetime', message: /format "datetime" is not a known format[^]*Did you mean 'date-time'/, only: true },
  { name: 'schema $ref that points nowhere', files: { 'test.yaml': edit('count: {type: integer, minimum: 0}', "count: {$ref: '#/components/schemas/Count'}") }, file: 'test.yaml', at: "$ref: '#/components/schemas/Count'", message: /\$ref '#\/components\/schemas\/Count' points to '\/components\/schemas\/Count', which does not exist/, only: true },
  { name: 'schema $ref that points nowhere, in a shared component of another file', files: { 'test.yaml': edit('          count: {type: integer, minimum: 0}', "          code: {$ref: './shared.yaml#/components/schemas/Code'}"), 'shared.yaml': "components:\n  schemas:\n    Code:\n      type: object\n      properties:\n        part: {$ref: '#/components/schemas/Part'}\n" }, file: 'shared.yaml', at: "$ref: '#/components/schemas/Part'", message: /which does not exist in catalog\/shared\.yaml/, only: true },
];

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`test bug: ${JSON.stringify(needle)} not found`);
  return text.slice(0, index).split('\n').length;
}

describe('bad catalogues', () => {
  let goodOutput: string;
  let goodHash: string;

  beforeAll(async () => {
    // A previous, good run whose output every failing run must leave untouched.
    const dir = tempDir();
    writeTree(dir, { 'catalog/test.yaml': BASE });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out', '--strict'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    goodOutput = path.join(dir, 'out');
    goodHash = hashTree(goodOutput);
  });

  it('has at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)('$name', async ({ files, file, at, message, only }) => {
    const dir = tempDir();
    writeTree(dir, Object.fromEntries(Object.entries(files).map(([rel, text]) => [`catalog/${rel}`, text])));
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', goodOutput, '--strict'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const line = lineOf(files[file]!, at);
    const reported = result.stderr.split('\n').find((l) => l.startsWith(`catalog/${file}:${line}:`));
    expect(reported, `expected a problem at catalog/${file}:${line}, got:\n${result.stderr}`).toBeDefined();
    expect(reported).toMatch(/^catalog\/[\w.-]+:\d+:\d+: /);
    // One mistake, one problem: no echo of it at the objects around it ("payload must match the else schema").
    if (only) expect(result.stderr, result.stderr).toMatch(/eventsmith: 1 problem found/);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\n  hint: /);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(result.stderr).not.toMatch(/\n\s+at .*\.(js|ts):\d+/);
    expect(hashTree(goodOutput)).toBe(goodHash);
  });

  it('reports every problem at once', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/test.yaml': edit('x-urgency: medium', 'x-urgency: extreme').replace('x-kind: business', 'x-kind: happening') });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown kind/);
    expect(result.stderr).toMatch(/unknown urgency/);
    expect(result.stderr).toMatch(/2 problems found/);
  });

  it('reports one indentation mistake once: the first YAML error of the file, and nothing after it', async () => {
    const dir = tempDir();
    // One key indented by one space too few: the YAML library reports it on this and the following lines.
    const text = edit('      x-kind: business', '     x-kind: business');
    writeTree(dir, { 'catalog/test.yaml': text });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('catalog/'))).toEqual([`catalog/test.yaml:${lineOf(text, '     x-kind: business')}:1: All mapping items must start at the same column`]);
    expect(result.stderr).toMatch(/hint: Indent this line like the other keys of its mapping/);
    expect(result.stderr).toMatch(/1 problem found/);
  });

  it('fails clearly when the catalogue folder has no document', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/shared.yaml': 'components: {}\n' });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no AsyncAPI document/);
  });

  it('rejects unknown options with exit code 2', async () => {
    const result = await runCli(['generate', '--catalgo', 'x'], tempDir());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/catalgo/);
  });
});
