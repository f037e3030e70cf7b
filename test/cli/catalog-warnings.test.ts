/**
 * Warnings: things probably wrong that do not stop generation outside --strict (examples that fail
 * their schema, unknown formats, misspelt x- keys). Each names file:line:col, all are reported in
 * one run, and the output is written; with --strict the first two are errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MESSAGE_EXTENSIONS, INFO_EXTENSIONS } from '../../generator/model/extensions.js';
import { REPO_ROOT, runCli, tempDir, writeTree } from '../helpers/cli.js';

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
  thingRemoved:
    address: business.test.thing_removed
    messages:
      ThingRemoved:
        $ref: '#/components/messages/ThingRemoved'
operations:
  publishThingCreated:
    action: send
    channel:
      $ref: '#/channels/thingCreated'
components:
  messages:
    ThingCreated:
      name: test.thing_created
      description: A thing was created.
      x-version: 1
      x-kind: business
      x-urgency: medium
      x-producers: [thing-service]
      x-consumers: [other-service]
      x-tenant-scoped: false
      payload:
        type: object
        required: [thing_id]
        properties:
          thing_id: {type: string, format: uuid}
          count: {type: integer, minimum: 0}
      examples:
        - name: good
          payload: {thing_id: 3b241101-e2bb-4255-8caf-4136c566a962, count: 1}
        - name: negative
          payload: {thing_id: 3b241101-e2bb-4255-8caf-4136c566a962, count: -1}
    ThingRemoved:
      name: test.thing_removed
      description: A thing was removed.
      x-version: 1
      x-kind: business
      x-urgency: low
      x-producers: [thing-service]
      x-consumers: [other-service]
      x-tenant-scoped: false
      payload:
        type: object
        properties:
          thing_id: {type: string, format: uuid}
      examples:
        - name: not-a-uuid
          payload: {thing_id: nope}
`;

function edit(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`test bug: BASE has no ${JSON.stringify(from)}`);
  return BASE.replace(from, to);
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`test bug: ${JSON.stringify(needle)} not found`);
  return text.slice(0, index).split('\n').length;
}

async function generate(text: string, strict: boolean): Promise<{ code: number; stdout: string; stderr: string; lines: string[] }> {
  const dir = tempDir();
  writeTree(dir, { 'catalog/test.yaml': text });
  const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out', ...(strict ? ['--strict'] : [])], dir);
  return { ...result, lines: result.stderr.split('\n').filter((l) => l.startsWith('catalog/')) };
}

describe('failing examples', () => {
  it('are warnings without --strict: every one reported at its line, and the output is written', async () => {
    const result = await generate(BASE, false);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines).toEqual([
      `catalog/test.yaml:${lineOf(BASE, 'count: -1')}:${BASE.split('\n')[lineOf(BASE, 'count: -1') - 1]!.indexOf('count: -1') + 1}: warning: example 'negative' of 'test.thing_created' v1 does not match its payload schema: count must be >= 0`,
      `catalog/test.yaml:${lineOf(BASE, 'thing_id: nope')}:${BASE.split('\n')[lineOf(BASE, 'thing_id: nope') - 1]!.indexOf('thing_id: nope') + 1}: warning: example 'not-a-uuid' of 'test.thing_removed' v1 does not match its payload schema: thing_id must match format "uuid"`,
    ]);
    expect(result.stderr).toMatch(/with --strict this is an error/);
    expect(result.stdout).toMatch(/2 events \(2 versions\) → out/);
  });

  it('are errors with --strict, all reported in the one run', async () => {
    const result = await generate(BASE, true);
    expect(result.code).toBe(2);
    expect(result.lines.filter((l) => /does not match its payload schema/.test(l))).toHaveLength(2);
    expect(result.lines.filter((l) => /warning:/.test(l) && /does not match/.test(l))).toEqual([]);
  });
});

describe('unknown formats', () => {
  const text = edit('thing_id: {type: string, format: uuid}\n          count', 'thing_id: {type: string, format: uiid}\n          count');

  it('are a warning with a did-you-mean without --strict', async () => {
    const result = await generate(text, false);
    expect(result.code).toBe(0);
    const line = lineOf(text, 'format: uiid');
    expect(result.lines).toContain(`catalog/test.yaml:${line}:${text.split('\n')[line - 1]!.indexOf('format: uiid') + 1}: warning: format "uiid" is not a known format, so values are not checked against it`);
    expect(result.stderr).toMatch(/Did you mean 'uuid'/);
    // ajv's own console line about the format is not printed next to ours.
    expect(result.stdout).not.toMatch(/unknown format/);
  });

  it('are an error with --strict', async () => {
    const result = await generate(text, true);
    expect(result.code).toBe(2);
    expect(result.lines.some((l) => l.startsWith(`catalog/test.yaml:${lineOf(text, 'format: uiid')}:`) && !l.includes('warning:'))).toBe(true);
  });

  it('leave formats of the JSON Schema specification and of OpenAPI alone', async () => {
    const known = ['date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'ipv4', 'ipv6', 'uri', 'iri-reference', 'uri-template', 'json-pointer', 'regex', 'int64', 'byte', 'password'];
    const props = known.map((f, i) => `          f${i}: {type: string, format: ${f}}`).join('\n');
    const result = await generate(edit('          count: {type: integer, minimum: 0}', `          count: {type: integer, minimum: 0}\n${props}`), false);
    expect(result.lines.filter((l) => /format/.test(l) && !/example/.test(l))).toEqual([]);
  });
});

describe('unknown x- keys', () => {
  it('on a message: a warning at the key, with a did-you-mean', async () => {
    const text = edit('      x-urgency: medium', '      x-urgency: medium\n      x-urgncy: high');
    const result = await generate(text, false);
    expect(result.code).toBe(0);
    expect(result.lines).toContain(`catalog/test.yaml:${lineOf(text, 'x-urgncy')}:7: warning: unknown extension 'x-urgncy' on a message is ignored`);
    expect(result.stderr).toMatch(/Did you mean 'x-urgency'\?/);
  });

  it('on a channel: a warning at the key, saying where the key it resembles is read', async () => {
    const text = edit('    address: business.test.thing_removed', '    address: business.test.thing_removed\n    x-tenant-scopd: true');
    const result = await generate(text, false);
    expect(result.lines).toContain(`catalog/test.yaml:${lineOf(text, 'x-tenant-scopd')}:5: warning: unknown extension 'x-tenant-scopd' on a channel is ignored`);
    expect(result.stderr).toMatch(/Did you mean 'x-tenant-scoped' \(read on messages, not on channels\)\?/);
  });

  it('a message key written on a channel is reported as misplaced', async () => {
    const text = edit('    address: business.test.thing_removed', '    address: business.test.thing_removed\n    x-ordering-key: thing_id');
    const result = await generate(text, false);
    expect(result.lines).toContain(`catalog/test.yaml:${lineOf(text, 'x-ordering-key')}:5: warning: x-ordering-key is not read on a channel, so it is ignored here`);
  });

  it("other tools' extensions are left alone; eventsmith's own prefix is not", async () => {
    const text = edit('      x-urgency: medium', '      x-urgency: medium\n      x-amazon-apigateway-integration: {type: mock}\n      x-internal-owner: team-a\n      x-eventsmith-colour: blue');
    const result = await generate(text, false);
    const extensionLines = result.lines.filter((l) => /extension/.test(l));
    expect(extensionLines).toEqual([`catalog/test.yaml:${lineOf(text, 'x-eventsmith-colour')}:7: warning: unknown extension 'x-eventsmith-colour' on a message is ignored`]);
  });

  it('warnings are printed next to the errors of a failing run', async () => {
    const text = edit('      x-urgency: medium', '      x-urgency: extreme\n      x-kindd: alert');
    const result = await generate(text, false);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown urgency "extreme"/);
    expect(result.stderr).toMatch(/warning: unknown extension 'x-kindd'/);
    expect(result.stderr).toMatch(/1 problem and 1 warning found; nothing was written/);
  });
});

describe('docs/catalog-extensions.schema.json', () => {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/catalog-extensions.schema.json'), 'utf8')) as {
    properties: { info: { properties: Record<string, unknown> } };
    definitions: { message: { properties: Record<string, unknown> } };
  };
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it('describes exactly the x- keys eventsmith reads', () => {
    expect(Object.keys(schema.definitions.message.properties).sort()).toEqual([...MESSAGE_EXTENSIONS].sort());
    expect(Object.keys(schema.properties.info.properties).sort()).toEqual([...INFO_EXTENSIONS].sort());
  });

  it("accepts every document of the project's catalogue", () => {
    const dir = path.join(REPO_ROOT, 'catalog');
    const documents = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(documents.length).toBeGreaterThan(5);
    for (const file of documents) {
      const ok = validate(parse(readFileSync(path.join(dir, file), 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects a value eventsmith rejects', () => {
    expect(validate(parse(edit('x-urgency: medium', 'x-urgency: extreme')))).toBe(false);
    expect(validate(parse(edit('x-version: 1', 'x-version: 0')))).toBe(false);
  });

  it('is documented with the yaml-language-server modeline', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/catalog-format.md'), 'utf8');
    expect(doc).toMatch(/# yaml-language-server: \$schema=.*catalog-extensions\.schema\.json/);
  });
});
