/**
 * Reading channel parameters (2.6 and 3.x) into the model, and refusing at their line what the
 * runtime could never publish: a value that is more than one word of the address, a pattern that
 * does not compile, a default the parameter itself does not allow.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, type Diagnostic } from '../../generator/load/diagnostics.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT, tempDir, writeTree } from '../helpers/cli.js';

const doc = (parameters: string | undefined): string => `asyncapi: 3.0.0
info: {title: Params, version: 1.0.0}
channels:
  things:
    address: business.{tenantId}.thing
${parameters === undefined ? '' : `    parameters:\n${parameters}\n`}    messages:
      Thing: {$ref: '#/components/messages/Thing'}
operations:
  send: {action: send, channel: {$ref: '#/channels/things'}}
components:
  messages:
    Thing:
      name: test.thing
      payload: {type: object}
`;

async function problems(text: string): Promise<Diagnostic[]> {
  const dir = tempDir();
  writeTree(dir, { 'params.yaml': text });
  try {
    await loadCatalog(dir, { strict: false, cwd: dir });
  } catch (error) {
    if (error instanceof CatalogError) return [...error.diagnostics];
    throw error;
  }
  return [];
}

/** AsyncAPI 2.6, where a parameter's constraints are a schema (3.x has no `pattern`). */
const doc26 = (schema: string): string => `asyncapi: 2.6.0
info: {title: Params, version: 1.0.0}
channels:
  business.{tenantId}.thing:
    parameters:
      tenantId:
        schema: ${schema}
    subscribe:
      message:
        name: test.thing
        payload: {type: object}
`;

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('channel parameters in the model', () => {
  it('read 3.x and 2.6 parameters alike', async () => {
    const { catalog } = await loadCatalog(path.join(REPO_ROOT, 'test/fixtures/catalogs/channel-parameters'), { strict: false, cwd: REPO_ROOT });
    const byType = new Map(catalog.events.map((e) => [e.type, e.parameters]));
    expect(byType.get('order.created')).toEqual({ tenantId: { description: 'The tenant the order belongs to.' } });
    expect(byType.get('order.shipped')).toEqual({ tenantId: { description: 'The tenant the order belongs to.' }, region: { description: 'Where the parcel leaves from', enum: ['eu', 'us'], default: 'eu' } });
    expect(byType.get('telemetry.reading')).toEqual({ site: { description: 'Site code, lowercase letters and digits.', pattern: '^[a-z0-9]{2,8}$' }, sensorKind: { enum: ['temperature', 'humidity'] } });
  });

  it('give an address placeholder of a channel without parameters no constraint', async () => {
    const dir = tempDir();
    writeTree(dir, { 'params.yaml': doc(undefined) });
    const { catalog } = await loadCatalog(dir, { strict: false, cwd: dir });
    expect(catalog.events[0]!.parameters).toEqual({ tenantId: {} });
  });

  it.each([
    ['an enum value with a dot', doc('      tenantId: {enum: [acme, acme.eu]}'), 'acme.eu', /allows "acme\.eu", which is not one word of the address/],
    ['an enum value that is a wildcard', doc("      tenantId: {enum: ['#']}"), "'#'", /allows "#"/],
    ['a default outside the enum', doc('      tenantId: {enum: [acme], default: globex}'), 'default', /default 'globex' is not one of its enum values/],
    ['a 2.6 enum value with a slash', doc26('{type: string, enum: [a/b]}'), 'a/b', /allows "a\/b"/],
    ['a 2.6 pattern that does not compile', doc26("{type: string, pattern: '([a-z'}"), 'pattern', /is not a valid regular expression/],
    ['a 2.6 default that does not match the pattern', doc26("{type: string, pattern: '^[a-z]+$', default: ACME}"), 'default', /default 'ACME' does not match its pattern/],
  ])('refuse %s at its line', async (_what, text, needle, message) => {
    const found = await problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.code).toBe('invalid-channel-parameter');
    expect(found[0]!.message).toMatch(message);
    expect(found[0]!.line).toBe(lineOf(text, needle));
  });
});
