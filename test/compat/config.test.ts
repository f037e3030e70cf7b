/** The config file's `check` section: defaults, exceptions, and clear errors for anything else. */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../generator/cli/config.js';
import { CatalogError } from '../../generator/load/diagnostics.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

function configError(yaml: string): string {
  const dir = tempDir();
  writeTree(dir, { 'eventsmith.config.yaml': yaml });
  try {
    readConfig(dir);
  } catch (error) {
    if (error instanceof CatalogError) return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('check config', () => {
  it('reads mode, policy and exceptions', () => {
    const dir = tempDir();
    writeTree(dir, {
      'eventsmith.config.yaml': 'catalog: catalog\ncheck:\n  mode: backward-transitive\n  policy: strict\n  exceptions:\n    - { rule: ENUM_ARRAY_NARROWED, event: shop.order_placed, reason: "  no producer sends it ", expires: 2026-06-30 }\n    - { rule: TYPE_CHANGED, event: shop.order_placed, reason: why }\n',
    });
    expect(readConfig(dir).check).toEqual({
      mode: 'backward-transitive',
      policy: 'strict',
      exceptions: [
        { rule: 'ENUM_ARRAY_NARROWED', event: 'shop.order_placed', reason: 'no producer sends it', expires: '2026-06-30' },
        { rule: 'TYPE_CHANGED', event: 'shop.order_placed', reason: 'why' },
      ],
    });
  });

  it.each([
    ['check: full', "option 'check' must be a mapping"],
    ['check:\n  mode: sideways', 'check.mode must be one of backward, forward, full'],
    ['check:\n  policy: loose', 'check.policy must be one of strict, lenient'],
    ['check:\n  baseline: main', "unknown option 'check.baseline'"],
    ['check:\n  exceptions: {}', 'check.exceptions must be a list'],
    ['check:\n  exceptions:\n    - { rule: TYPE_CHANGED, event: a.b }', 'check.exceptions[0].reason is required'],
    ['check:\n  exceptions:\n    - { rule: TYPE_CHANGED, event: a.b, reason: x, until: 2026-01-01 }', "unknown option 'check.exceptions[0].until'"],
    ['check:\n  exceptions:\n    - { rule: MAX_LENGHT_DECREASED, event: a.b, reason: x }', 'Did you mean MAX_LENGTH_DECREASED'],
    ['check:\n  exceptions:\n    - { rule: TYPE_CHANGED, event: a.b, reason: x, expires: soon }', 'expires must be a date, YYYY-MM-DD'],
  ])('rejects %j', (yaml, message) => {
    expect(configError(yaml)).toContain(message);
  });

  it('reports a bad check section as bad input (exit 2)', async () => {
    const dir = tempDir();
    writeTree(dir, { 'eventsmith.config.yaml': 'check:\n  mode: sideways\n' });
    const result = await runCli(['check', '--base', 'HEAD'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('eventsmith.config.yaml: check.mode must be one of');
  });
});
