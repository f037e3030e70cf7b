/** Output formats: GitHub workflow-command escaping, JUnit XML escaping and structure, text grouping. */
import { describe, expect, it } from 'vitest';
import { checkCompatibility, type CheckResult } from '../../generator/compat/check.js';
import { githubReport } from '../../generator/compat/report/github.js';
import { jsonReport } from '../../generator/compat/report/json.js';
import { junitReport } from '../../generator/compat/report/junit.js';
import { textReport } from '../../generator/compat/report/text.js';
import { event, obj, side, str, TODAY } from './helpers.js';

function result(): CheckResult {
  const name = 'a,b:c%\n<d>&"e"';
  const base = side('main', [event({ payload: obj({ [name]: str({ maxLength: 10 }) }) }), event({ type: 'test.other', payload: obj({}) })]);
  const head = side('working tree', [event({ payload: obj({ [name]: str({ maxLength: 5, description: 'x' }) }) }), event({ type: 'test.other', payload: obj({}), urgency: 'high' })]);
  return checkCompatibility([base], head, { mode: 'full', policy: 'lenient', today: TODAY });
}

describe('reporters', () => {
  it('escapes GitHub workflow commands and annotates only what matters', () => {
    const lines = githubReport(result());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error file=catalog\/test\.yaml,line=20,title=MAX_LENGTH_DECREASED::/);
    // The field name is quoted in the message, so % is escaped and no raw newline can end the command.
    expect(lines[0]).toContain('payload["a,b:c%25\\n<d>&\\"e\\""]');
    expect(lines[0]).not.toContain('\n');
  });

  it('writes well-formed JUnit XML with one test case per event version', () => {
    const xml = junitReport(result());
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="eventsmith check" tests="2" failures="1">/);
    expect(xml).toContain('<testcase classname="test.other" name="v1" file="catalog/test.yaml">');
    expect(xml).toContain('&lt;d&gt;&amp;&quot;e&quot;');
    expect(xml).not.toMatch(/<d>/);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it('writes JSON with the documented fields', () => {
    const json = JSON.parse(jsonReport(result())) as { compatible: boolean; changes: Record<string, unknown>[] };
    expect(json.compatible).toBe(false);
    expect(Object.keys(json.changes[0]!)).toEqual(['rule', 'severity', 'event', 'version', 'pointer', 'file', 'line', 'message', 'hint', 'accepted', 'base']);
    expect(json.changes.map((c) => [c.rule, c.severity])).toEqual([
      ['URGENCY_CHANGED', 'info'],
      ['MAX_LENGTH_DECREASED', 'breaking'],
      ['DESCRIPTION_CHANGED', 'info'],
    ]);
  });

  it('groups text by event version, worst first, without colour unless asked', () => {
    const lines = textReport(result(), false);
    expect(lines[0]).toBe('eventsmith check: before main → after working tree (mode full, policy lenient)');
    expect(lines.join('\n')).not.toContain('\u001b[');
    expect(lines.filter((l) => /^test\./.test(l))).toEqual(['test.other v1', 'test.thing_happened v1']);
    expect(lines.at(-1)).toBe('3 changes: 1 breaking, 0 non-breaking, 2 info. Not compatible.');
    expect(textReport(result(), true).join('\n')).toContain('\u001b[31m');
  });
});
