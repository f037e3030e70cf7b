/**
 * The tracing example, run as the README says (built, `node dist/examples/traced-order-saga.js`):
 * it prints one trace in which each step of the saga is the child of the step that caused it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

describe('example: the trace of an order saga', () => {
  it('prints one trace: order created → inventory reserves (with its own span) → order confirmed', async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'dist/examples/traced-order-saga.js')], { timeout: 30_000 });
    const lines = stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('trace '))).toHaveLength(1);
    // Names and nesting only: durations differ from run to run.
    expect(lines.slice(1).map((line) => line.replace(/\s+\(.*$/, ''))).toEqual([
      'send business.order.created',
      '└─ process inventory-service.events',
      '   ├─ reserve stock',
      '   └─ send business.inventory.reserved',
      '      └─ process order-service.events',
    ]);
    expect(lines[2]).toContain('order.created · acked');
  });
});
