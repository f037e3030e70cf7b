/**
 * The `check` section of the config file: default mode and policy, and accepted breaking changes.
 * Unknown keys are rejected, like everywhere in the config, so a typo cannot silently accept nothing.
 */
import type { CheckException } from '../compat/exceptions.js';
import { isRuleId, similarRuleIds } from '../compat/rules/registry.js';
import { MODES, POLICIES, type Mode, type Policy } from '../compat/types.js';

export interface CheckConfig {
  mode?: Mode;
  policy?: Policy;
  exceptions?: CheckException[];
}

type Fail = (message: string, hint: string) => never;

const EXAMPLE = 'check:\n  mode: full\n  policy: lenient\n  exceptions:\n    - { rule: ENUM_ARRAY_NARROWED, event: shop.order_placed, reason: "no producer sends it", expires: 2026-06-30 }';

export function readCheckConfig(raw: unknown, fail: Fail): CheckConfig {
  if (!isMapping(raw)) return fail("option 'check' must be a mapping", `Write e.g.\n${EXAMPLE}`);
  const config: CheckConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'mode') {
      if (!MODES.includes(value as Mode)) fail(`check.mode must be one of ${MODES.join(', ')}`, 'Write e.g. `mode: full`.');
      config.mode = value as Mode;
    } else if (key === 'policy') {
      if (!POLICIES.includes(value as Policy)) fail(`check.policy must be one of ${POLICIES.join(', ')}`, 'Write e.g. `policy: lenient`.');
      config.policy = value as Policy;
    } else if (key === 'exceptions') {
      if (!Array.isArray(value)) fail('check.exceptions must be a list', `Write e.g.\n${EXAMPLE}`);
      config.exceptions = (value as unknown[]).map((entry, i) => readException(entry, `check.exceptions[${i}]`, fail));
    } else fail(`unknown option 'check.${key}'`, 'Known options under check: mode, policy, exceptions.');
  }
  return config;
}

function readException(raw: unknown, at: string, fail: Fail): CheckException {
  if (!isMapping(raw)) return fail(`${at} must be a mapping with rule, event and reason`, `Write e.g.\n${EXAMPLE}`);
  for (const key of Object.keys(raw)) {
    if (!['rule', 'event', 'reason', 'expires'].includes(key)) fail(`unknown option '${at}.${key}'`, 'An exception has rule, event, reason and optionally expires.');
  }
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.trim() === '') fail(`${at}.${key} is required and must be a non-empty string`, `Write e.g.\n${EXAMPLE}`);
    return (value as string).trim();
  };
  const rule = text('rule');
  if (!isRuleId(rule)) {
    const close = similarRuleIds(rule);
    fail(`${at}.rule '${rule}' is not a rule of eventsmith check`, close.length > 0 ? `Did you mean ${close.join(', ')}? docs/compatibility.md lists every rule.` : 'docs/compatibility.md lists every rule.');
  }
  const exception: CheckException = { rule, event: text('event'), reason: text('reason') };
  if (raw.expires !== undefined) {
    // YAML may read an unquoted date as a Date; take its calendar day.
    const value = raw.expires instanceof Date ? raw.expires.toISOString().slice(0, 10) : raw.expires;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) fail(`${at}.expires must be a date, YYYY-MM-DD`, 'Write e.g. `expires: 2026-06-30`.');
    exception.expires = value as string;
  }
  return exception;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
