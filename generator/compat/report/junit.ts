/** JUnit XML for CI test dashboards: one test case per event version, a failure per breaking change. */
import type { CheckResult } from '../check.js';
import type { Change } from '../types.js';

/** Text for XML: the five entities escaped, characters XML forbids dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitReport(result: CheckResult): string {
  const byContract = new Map<string, Change[]>();
  for (const c of result.changes) byContract.set(`${c.event}@${c.version}`, [...(byContract.get(`${c.event}@${c.version}`) ?? []), c]);
  const cases = result.contracts.map(({ event, version }) => {
    const changes = byContract.get(`${event}@${version}`) ?? [];
    const failures = changes.filter((c) => c.severity === 'breaking' && !c.accepted);
    const others = changes.filter((c) => !failures.includes(c));
    const file = changes[0]?.file;
    const body = [
      ...failures.map((c) => `      <failure type="${xml(c.rule)}" message="${xml(c.message)}">${xml(`${c.file}:${c.line} ${c.pointer}\n${c.message}\nfix: ${c.hint}`)}</failure>`),
      ...(others.length > 0
        ? [`      <system-out>${xml(others.map((c) => `${c.accepted ? 'accepted' : c.severity} ${c.rule} ${c.pointer}: ${c.message}${c.accepted ? ` (${c.accepted.reason})` : ''}`).join('\n'))}</system-out>`]
        : []),
    ];
    const open = `    <testcase classname="${xml(event)}" name="v${version}"${file ? ` file="${xml(file)}"` : ''}`;
    return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
  });
  const failed = result.contracts.filter(({ event, version }) => (byContract.get(`${event}@${version}`) ?? []).some((c) => c.severity === 'breaking' && !c.accepted)).length;
  const name = `eventsmith check (${result.mode}, ${result.policy}) against ${result.bases.join(', ')}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="eventsmith check" tests="${cases.length}" failures="${failed}">`,
    `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n');
}
