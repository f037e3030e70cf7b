/**
 * BASE and HEAD from a folder, one AsyncAPI file and a snapshot written by generate: a catalogue
 * and its own committed snapshot must agree, and positions must point into the source files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../generator/compat/check.js';
import { openSide } from '../../generator/compat/inputs/side.js';
import { CatalogError } from '../../generator/load/diagnostics.js';
import { REPO_ROOT, runCli, tempDir, writeTree } from '../helpers/cli.js';

const fixture = (name: string): string => path.join(REPO_ROOT, 'test/fixtures/catalogs', name);
const snapshot = (name: string): string => `test/golden/${name}/catalog.snapshot.json`;

describe('check inputs', () => {
  it.each(['schema-features', 'name-clash', 'plain-3.0'])('%s: the folder and its committed snapshot agree', async (name) => {
    const options = { cwd: REPO_ROOT, catalog: fixture(name) };
    const base = await openSide(snapshot(name), options);
    const head = await openSide(undefined, options);
    const result = checkCompatibility([base.side], head.side, { mode: 'full', policy: 'strict' });
    expect(result.changes).toEqual([]);
    expect(result.contracts.length).toBe(head.side.catalog.events.length);
  });

  it('reads one AsyncAPI file as HEAD, and finds the line of a change in it', async () => {
    const dir = tempDir();
    const doc = (maxLength: number): string =>
      [
        'asyncapi: 3.0.0',
        'info: { title: Tiny, version: 1.0.0 }',
        'channels:',
        '  things: { address: things, messages: { Thing: { $ref: "#/components/messages/Thing" } } }',
        'components:',
        '  messages:',
        '    Thing:',
        '      name: tiny.thing',
        '      payload: { $ref: "#/components/schemas/Thing" }',
        '  schemas:',
        '    Thing:',
        '      type: object',
        '      properties:',
        `        label: { type: string, maxLength: ${maxLength} }`,
      ].join('\n');
    writeTree(dir, { 'old/tiny.yaml': doc(20), 'new/tiny.yaml': doc(10) });
    const result = await runCli(['check', '--base', 'old/tiny.yaml', '--head', 'new/tiny.yaml', '--format', 'json'], dir);
    expect(result.code).toBe(1);
    // The change is in a schema reached through $ref: its line is in components, not in the message.
    expect(JSON.parse(result.stdout).changes).toMatchObject([{ rule: 'MAX_LENGTH_DECREASED', file: 'new/tiny.yaml', line: 14, pointer: '/payload/properties/label/maxLength' }]);
  });

  it('reads a version 1 snapshot (routing key, exchange, priority) as the current model', async () => {
    const current = JSON.parse(readFileSync(path.join(REPO_ROOT, snapshot('plain-3.0')), 'utf8')) as { catalog: { events: Record<string, unknown>[] } };
    // What an older eventsmith wrote: RabbitMQ's words, every event with its exchange and priority.
    const events = current.catalog.events.map(({ destination, amqpExchange, ...rest }, i) => ({
      ...rest,
      routingKey: destination,
      exchange: i === 0 ? 'legacy.orders' : (amqpExchange ?? `eventsmith.${String(rest.kind)}`),
      priority: 5,
    }));
    const dir = tempDir();
    writeTree(dir, { 'old.json': JSON.stringify({ ...current, formatVersion: 1, catalog: { ...current.catalog, events } }) });
    const options = { cwd: REPO_ROOT, catalog: fixture('plain-3.0') };
    const base = await openSide(path.join(dir, 'old.json'), options);
    const [first, ...others] = base.side.catalog.events;
    expect(first).toMatchObject({ destination: 'orders.{region}.placed', amqpExchange: 'legacy.orders' });
    expect(first).not.toHaveProperty('routingKey');
    expect(first).not.toHaveProperty('priority');
    for (const event of others) expect(event).not.toHaveProperty('amqpExchange');
    const head = await openSide(undefined, options);
    const result = checkCompatibility([base.side], head.side, { mode: 'full', policy: 'strict' });
    expect(result.changes.map((c) => [c.rule, c.event, c.pointer])).toEqual([['EXCHANGE_CHANGED', 'OrderPlaced', '/bindings/amqp/exchange']]);
    expect(result.changes[0]?.message).toMatch(/legacy\.orders.*eventsmith\.business/);
  });

  it('rejects a snapshot of another format version', async () => {
    const dir = tempDir();
    writeTree(dir, { 'old.json': JSON.stringify({ format: 'eventsmith-catalog-snapshot', formatVersion: 9, catalog: {} }) });
    await expect(openSide('old.json', { cwd: dir, catalog: path.join(dir, 'catalog') })).rejects.toBeInstanceOf(CatalogError);
  });
});
