/**
 * Human output: changes grouped by event version, worst first, colour only on a terminal. It speaks
 * of "before" (the BASE compared against) and "after" (HEAD, the catalogue checked).
 */
import type { CheckResult } from '../check.js';
import type { Change } from '../types.js';

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };
type Paint = (style: keyof typeof ANSI, text: string) => string;

export function textReport(result: CheckResult, colour: boolean): string[] {
  const paint: Paint = (style, text) => (colour ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const against = result.bases.join(', ');
  const lines = [`eventsmith check: before ${against} → after ${result.head} (mode ${result.mode}, policy ${result.policy})`];
  const groups = new Map<string, Change[]>();
  for (const change of result.changes) {
    const key = `${change.event} v${change.version}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  for (const [title, changes] of groups) {
    lines.push('', paint('bold', title));
    for (const change of changes) lines.push(...changeLines(change, paint, result.bases.length > 1));
  }
  for (const note of result.notes) lines.push('', `note: ${note}`);
  lines.push('', summary(result, paint));
  return lines;
}

function changeLines(change: Change, paint: Paint, manyBases: boolean): string[] {
  const [mark, style]: [string, keyof typeof ANSI] = change.accepted
    ? ['✔ accepted    ', 'green']
    : change.severity === 'breaking'
      ? ['✖ breaking    ', 'red']
      : change.severity === 'non-breaking'
        ? ['• non-breaking', 'yellow']
        : ['i info        ', 'dim'];
  const where =
    change.side === 'base'
      ? `before: ${change.file}:${change.line} (in ${change.base}); gone after`
      : `after: ${change.file}:${change.line}${change.beforeAt ? `; before: ${change.beforeAt.file}:${change.beforeAt.line} (in ${change.base})` : ''}`;
  const lines = [
    `  ${paint(style, mark)}  ${change.rule}  ${change.pointer || '(event)'}${manyBases ? `  [before: ${change.base}]` : ''}`,
    `      ${paint('dim', where)}`,
    `      ${change.message}`,
  ];
  if (change.accepted) lines.push(`      accepted: ${change.accepted.reason}${change.accepted.expires ? ` (until ${change.accepted.expires})` : ''}`);
  if (change.severity === 'breaking' && !change.accepted) lines.push(`      fix: ${change.hint}`);
  return lines;
}

function summary(result: CheckResult, paint: Paint): string {
  const count = (predicate: (c: Change) => boolean): number => result.changes.filter(predicate).length;
  const breaking = count((c) => c.severity === 'breaking' && !c.accepted);
  const accepted = count((c) => c.accepted !== undefined);
  const parts = [
    `${breaking} breaking`,
    ...(accepted > 0 ? [`${accepted} accepted`] : []),
    `${count((c) => c.severity === 'non-breaking')} non-breaking`,
    `${count((c) => c.severity === 'info')} info`,
  ];
  const total = result.changes.length;
  const head = total === 0 ? 'No changes to any event contract.' : `${total} change${total === 1 ? '' : 's'}: ${parts.join(', ')}.`;
  return `${head} ${result.compatible ? paint('green', 'Compatible.') : paint('red', 'Not compatible.')}`;
}
