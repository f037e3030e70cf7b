/**
 * docs/compatibility.md lists every rule with an example and its verdict per mode and policy; the
 * list is rendered from the registry and the fixtures, so it cannot drift. `UPDATE_DOCS=1` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ALL_RULES } from '../../generator/compat/rules/registry.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { renderRules } from './docs-render.js';

const DOC = path.join(REPO_ROOT, 'docs/compatibility.md');
const SECTION = /(<!-- BEGIN GENERATED: rules -->\n)[\s\S]*?(<!-- END GENERATED: rules -->)/;

it('docs/compatibility.md lists every rule with its example and verdicts, as the checker gives them', () => {
  const text = readFileSync(DOC, 'utf8');
  const expected = text.replace(SECTION, (_m, begin: string, end: string) => `${begin}${renderRules()}\n${end}`);
  if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
  else expect(text, 'docs/compatibility.md is stale: run UPDATE_DOCS=1 npx vitest run test/compat/docs.test.ts').toBe(expected);
  for (const rule of ALL_RULES) expect(expected, rule.id).toContain(`\`${rule.id}\``);
  expect(expected).not.toMatch(/\| (—|n\/a) \|/);
});
