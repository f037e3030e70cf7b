/**
 * The rule reference of docs/compatibility.md, rendered from the registry and the fixture pairs:
 * each rule with its example (the first fixture reporting it, preferring one that reports nothing
 * else) and that rule's verdict per mode and policy, as the checker gives it.
 */
import { checkCompatibility } from '../../generator/compat/check.js';
import type { RuleArea, RuleDefinition } from '../../generator/compat/rules/registry.js';
import { ALL_RULES } from '../../generator/compat/rules/registry.js';
import type { Direction, Policy } from '../../generator/compat/types.js';
import type { Side } from '../../generator/compat/inputs/side.js';
import { avroSides } from './avro-sides.js';
import { AVRO_CASES, CATALOG_CASES, SCHEMA_CASES } from './fixtures/index.js';
import { schemaSides, side, TODAY } from './helpers.js';

const AREAS: [RuleArea, string][] = [
  ['schema', 'Types, whole schemas and annotations'],
  ['string', 'Strings'],
  ['number', 'Numbers'],
  ['enum', 'Enums and const'],
  ['object', 'Objects'],
  ['array', 'Arrays'],
  ['combined', 'oneOf, anyOf, allOf, not, if'],
  ['avro', 'Avro payloads'],
  ['catalogue', 'Catalogue'],
];

interface Example {
  text: string;
  sides: { base: Side; head: Side };
}

function exampleFor(rule: RuleDefinition): Example | undefined {
  if (rule.area === 'catalogue') {
    const c = CATALOG_CASES.find((x) => x.rules.length === 1 && x.rules[0] === rule.id) ?? CATALOG_CASES.find((x) => x.rules.includes(rule.id));
    return c && { text: c.name, sides: { base: side('BASE', c.base), head: side('HEAD', c.head) } };
  }
  if (rule.area === 'avro') {
    const c = AVRO_CASES.find((x) => x.rules.length === 1 && x.rules[0] === rule.id) ?? AVRO_CASES.find((x) => x.rules.includes(rule.id));
    return c && { text: c.name.replace(/^Avro: /, ''), sides: avroSides(c) };
  }
  const reports = (x: (typeof SCHEMA_CASES)[number]): string[] => [...x.rules, ...(x.lenientRules ?? [])];
  const c = SCHEMA_CASES.find((x) => x.rules.length === 1 && x.rules[0] === rule.id) ?? SCHEMA_CASES.find((x) => reports(x).includes(rule.id));
  if (!c) return undefined;
  const json = (v: unknown): string => `\`${JSON.stringify(v)}\``;
  const defs = c.headDefinitions ? ` with ${json(c.baseDefinitions)} → ${json(c.headDefinitions)}` : '';
  const part = c.part === 'headers' ? ' (headers)' : '';
  return { text: `${json(c.base)} → ${json(c.head)}${defs}${part}`, sides: schemaSides(c) };
}

/** backward · forward · full for the rule's own change in the example: ✓ passes, ✗ fails. */
function verdict(rule: RuleDefinition, example: Example, policy: Policy): string {
  const result = checkCompatibility([example.sides.base], example.sides.head, { mode: 'full', policy, today: TODAY });
  const changes = result.changes.filter((c) => c.rule === rule.id);
  if (changes.length === 0) return 'n/a';
  const breaks = (d: Direction): boolean => changes.some((c) => c.breaks.includes(d));
  const mark = (fails: boolean): string => (fails ? '✗' : '✓');
  return `${mark(breaks('backward'))} · ${mark(breaks('forward'))} · ${mark(breaks('backward') || breaks('forward'))}`;
}

/** A table cell: a pipe would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderRules(): string {
  const out: string[] = [];
  for (const [area, title] of AREAS) {
    out.push(`### ${title}`, '', '| Rule | What changed | Example (BASE → HEAD) | strict: B · F · full | lenient: B · F · full |', '|---|---|---|---|---|');
    for (const rule of ALL_RULES.filter((r) => r.area === area)) {
      const example = exampleFor(rule);
      const origin = rule.confluent ? '' : ' ¹';
      const cells = example ? [example.text, verdict(rule, example, 'strict'), verdict(rule, example, 'lenient')] : ['—', '—', '—'];
      out.push(`| ${[`\`${rule.id}\`${origin}`, `${rule.purpose}${rule.info ? ' (info)' : ''}`, ...cells].map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  out.push('¹ eventsmith rule; every other id is a change type of Confluent Schema Registry\'s JSON Schema checker. The Avro rules judge by Avro\'s schema resolution, the same under both policies; their examples are the fixture pairs of test/compat/fixtures/avro.ts, where each is also read back with avsc.');
  return out.join('\n');
}
